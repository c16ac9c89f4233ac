import Foundation
import Models

/// What `PersonTemplate` renders.
struct PersonPageView {
    struct Face {
        var faceID: Int64
        var href: String
        var photoPath: String
        var fileURL: String
        var cropStyle: String
        var whereText: String
    }

    var pageTitle: String
    var pollURL: String? = nil
    var pollKey = ""
    var navImages = false
    var navPeople = true
    var chrome: PageChrome? = nil
    var personID: Int64
    var personName: String
    var imagesHref: String
    var faceCountText: String
    var faces: [Face]
    /// Everyone else, for the merge form.
    var others: [PersonRef]
    var hasOthers: Bool

    init(detail: PersonDetail, everyone: [PersonRef]) {
        let name = detail.person.displayName
        pageTitle = name
        personID = detail.person.id
        personName = name
        imagesHref = "/?person=\(detail.person.id)"
        faceCountText = detail.faces.count == 1 ? "1 face" : "\(detail.faces.count) faces"
        faces = detail.faces.map { face in
            Face(
                faceID: face.faceID, href: face.imageID.map { "/images/\($0)" } ?? URLPath.file(face.photoPath),
                photoPath: face.photoPath, fileURL: URLPath.file(face.photoPath), cropStyle: PeoplePageView.cropStyle(face.box),
                whereText: face.imageID.map { id in
                    "image #\(id)" + (face.distance.map { String(format: ", distance %.2f", $0) } ?? "")
                } ?? "gallery photo")
        }
        others = everyone.filter { $0.id != detail.person.id }
        hasOthers = !others.isEmpty
    }
}

/// What `LoginTemplate` renders.
struct LoginPageView {
    var pageTitle = "Log in"
    var pollURL: String? = nil
    var pollKey = ""
    var navImages = false
    var navPeople = false
    var chrome: PageChrome? = nil
    /// Whether a token is configured at all.
    var required: Bool
    /// Where to go after logging in (a local path).
    var next: String
}

/// Only local paths are followed after a form (never another site).
enum LocalPath {
    static func safe(_ path: String?, fallback: String) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
            !path.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return fallback }
        return path
    }
}
