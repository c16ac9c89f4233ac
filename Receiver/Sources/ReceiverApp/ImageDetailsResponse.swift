import Foundation
import Models

/// The JSON body of `GET /images/{id}`.
struct ImageDetailsResponse: Encodable {
    struct PersonRef: Encodable {
        var id: Int64
        var name: String
    }
    struct FaceEntry: Encodable {
        var index: Int
        var box: FaceBox
        var person: PersonRef?
        var distance: Double?

        enum CodingKeys: String, CodingKey { case index, box, person, distance }

        /// Unknown faces show `"person": null` rather than leaving the key out.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(box, forKey: .box)
            try c.encode(person, forKey: .person)
            try c.encode(distance, forKey: .distance)
        }
    }

    var id: Int64
    var path: String
    var status: String
    var statusCode: Int
    var person: PersonRef?
    var faces: [FaceEntry]
    var attempts: Int
    var lastError: String?
    var nextAttemptAt: Date?
    var createdAt: Date?
    var updatedAt: Date?

    init(_ details: ImageDetails) {
        id = details.image.id
        path = details.image.path
        status = details.image.status.description
        statusCode = details.image.status.rawValue
        person = details.person.map { PersonRef(id: $0.id, name: $0.name) }
        faces = details.faces.map {
            FaceEntry(index: $0.index, box: $0.box, person: $0.person.map { PersonRef(id: $0.id, name: $0.name) }, distance: $0.distance)
        }
        attempts = details.image.attempts
        lastError = details.image.lastError
        nextAttemptAt = details.image.nextAttemptAt
        createdAt = details.image.createdAt
        updatedAt = details.image.updatedAt
    }

    /// Explicit nulls for absent values, so clients see every field.
    enum CodingKeys: String, CodingKey {
        case id, path, status, statusCode = "status_code", person, faces, attempts, lastError = "last_error"
        case nextAttemptAt = "next_attempt_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(path, forKey: .path)
        try c.encode(status, forKey: .status)
        try c.encode(statusCode, forKey: .statusCode)
        try c.encode(person, forKey: .person)
        try c.encode(faces, forKey: .faces)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}
