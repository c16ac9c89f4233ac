import Foundation

/// Checks that a `person_images.image_name` (or a generated enrollment name) is a plain file name inside
/// the known-people folder: a row can never point the service at another file.
enum KnownPhotoName {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name != "." && name != ".."
            && !name.contains("/") && !name.contains("\\") && !name.utf8.contains(0)
    }

    /// `Barack Obama` -> `barack_obama`: letters, digits, `-` and `_` only, at most 40 characters.
    static func slug(_ personName: String) -> String {
        let mapped = personName.lowercased().unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-") ? Character(scalar) : "_"
        }
        let slug = String(mapped.prefix(40))
        return slug.allSatisfy({ $0 == "_" }) ? "person" : slug
    }

    /// File extension for JPEG or PNG data (the engine rejects everything else before this is used).
    static func fileExtension(of data: [UInt8]) -> String {
        data.starts(with: [0x89, 0x50, 0x4E, 0x47]) ? "png" : "jpg"
    }
}
