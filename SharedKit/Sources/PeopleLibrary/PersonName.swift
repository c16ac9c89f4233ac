import Foundation

/// A person's name as stored: trimmed, 1...255 characters, no control characters (the same rule as
/// FaceRecognition's enrollment).
public enum PersonName {
    public static func validated(_ raw: String) throws(PeopleLibraryError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .invalid("the name is empty") }
        guard name.unicodeScalars.count <= 255 else { throw .invalid("the name is longer than 255 characters") }
        guard !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalid("the name contains control characters")
        }
        return name
    }
}
