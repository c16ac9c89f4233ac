import Foundation
import Models

/// What `PeopleTemplate` renders.
struct PeoplePageView {
    /// Side of the round crop in CSS pixels (matches `.crop` in app.css).
    static let cropSide = 96.0

    struct Card {
        var personID: Int64
        var personName: String
        var imagesHref: String
        var countText: String
        var cropURL: String?
        var cropAlt: String
        var cropClass: String
        var cropStyle: String
        var initials: String
    }

    var pageTitle = "People"
    var pollURL: String? = nil
    var pollKey = ""
    var navImages = false
    var navPeople = true
    var peopleCount: Int
    var people: [Card]

    init(people: [PersonSummary], knownPeoplePrefix: String) {
        peopleCount = people.count
        self.people = people.map { person in
            let gallery = person.galleryFace
            let cropPath = gallery.map { KnownPeople.path($0.imageName, prefix: knownPeoplePrefix) }
            return Card(
                personID: person.id, personName: person.name, imagesHref: "/?person=\(person.id)",
                countText: person.imageCount == 1 ? "in 1 image" : "in \(person.imageCount) images",
                cropURL: cropPath.map(URLPath.file), cropAlt: "Face of \(person.name)",
                cropClass: gallery?.box == nil ? "whole" : "face-crop",
                cropStyle: gallery?.box.map(Self.cropStyle) ?? "",
                initials: Self.initials(person.name))
        }
    }

    /// Scales and shifts the photo (shown at its natural size) so a square around the face, with a
    /// margin, fills the crop: no need to know the photo's size.
    static func cropStyle(_ box: FaceBox) -> String {
        let side = max(Double(max(box.width, box.height)) * 1.5, 1)
        let centerX = Double(box.left + box.right) / 2, centerY = Double(box.top + box.bottom) / 2
        let left = max(0, centerX - side / 2), top = max(0, centerY - side / 2)
        let scale = cropSide / side
        return String(format: "transform:scale(%.5f) translate(%.1fpx,%.1fpx)", scale, -left, -top)
    }

    static func initials(_ name: String) -> String {
        let letters = name.split(separator: " ").prefix(2).compactMap { $0.first.map(String.init) }
        return letters.isEmpty ? "?" : letters.joined().uppercased()
    }
}

/// Where gallery photos live under the image root (`known_people/<image_name>` by convention).
enum KnownPeople {
    static func path(_ imageName: String, prefix: String) -> String {
        let trimmed = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? imageName : trimmed + "/" + imageName
    }
}

/// Error page.
struct ErrorPageView {
    var pageTitle: String
    var pollURL: String? = nil
    var pollKey = ""
    var navImages = false
    var navPeople = false
    var statusCode: Int
    var statusText: String
    var message: String
}
