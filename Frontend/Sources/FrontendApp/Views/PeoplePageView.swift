import Foundation
import Models
import PeopleLibrary

/// What `PeopleTemplate` renders.
struct PeoplePageView {
    /// Side of the round crop in CSS pixels (matches `.crop` in app.css).
    static let cropSide = 96.0
    /// Side of an unnamed group's sample crops (`.group-card .crop.square`).
    static let sampleSide = 64.0

    struct Card {
        var personID: Int64
        var personName: String
        var personHref: String
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
    var chrome: PageChrome? = nil
    var peopleCount: Int
    var people: [Card]
    var maxUploadText = ""
    var groups: [GroupCard] = []
    var groupTotalText = "0 groups"
    /// Why the groups are not shown (people management not configured, or the query failed).
    var groupsUnavailable: String?

    struct GroupCard {
        struct Sample {
            var imageHref: String
            var imagePath: String
            var fileURL: String
            var cropStyle: String
        }

        var groupID: Int64
        var countText: String
        var samples: [Sample]
    }

    /// The unnamed groups' cards.
    mutating func show(groups page: [UnnamedGroup], total: Int) {
        groupTotalText = total == 1 ? "1 group" : "\(total) groups"
        groups = page.map { group in
            GroupCard(
                groupID: group.id, countText: group.faceCount == 1 ? "1 face" : "\(group.faceCount) faces",
                samples: group.samples.map {
                    .init(
                        imageHref: "/images/\($0.imageID)", imagePath: $0.imagePath, fileURL: URLPath.file($0.imagePath),
                        cropStyle: Self.cropStyle($0.box, side: Self.sampleSide))
                })
        }
    }

    init(people: [PersonSummary], knownPeoplePrefix: String) {
        peopleCount = people.count
        self.people = people.map { person in
            let gallery = person.galleryFace
            let cropPath = gallery.map { $0.photoPath(knownPeoplePrefix: knownPeoplePrefix) }
            return Card(
                personID: person.id, personName: person.name, personHref: "/people/\(person.id)", imagesHref: "/?person=\(person.id)",
                countText: person.imageCount == 1 ? "in 1 image" : "in \(person.imageCount) images",
                cropURL: cropPath.map(URLPath.file), cropAlt: "Face of \(person.name)",
                cropClass: gallery?.box == nil ? "whole" : "face-crop",
                cropStyle: gallery?.box.map { Self.cropStyle($0) } ?? "",
                initials: Self.initials(person.name))
        }
    }

    /// Scales and shifts the photo (shown at its natural size) so a square around the face, with a
    /// margin, fills the crop: no need to know the photo's size.
    static func cropStyle(_ box: FaceBox, side target: Double = cropSide) -> String {
        let side = max(Double(max(box.width, box.height)) * 1.5, 1)
        let centerX = Double(box.left + box.right) / 2, centerY = Double(box.top + box.bottom) / 2
        let left = max(0, centerX - side / 2), top = max(0, centerY - side / 2)
        let scale = target / side
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
    var chrome: PageChrome? = nil
    var statusCode: Int
    var statusText: String
    var message: String
}
