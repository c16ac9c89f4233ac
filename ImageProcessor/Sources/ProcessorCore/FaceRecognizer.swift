import Models

/// One face as the recognition service reported it.
public struct RecognizedFace: Sendable, Equatable {
    public var index: Int
    public var box: FaceBox
    /// The matched known person, when the face is within the match threshold.
    public var personID: Int64?
    /// Distance to the nearest known face (recorded even for unknown faces, for tuning).
    public var distance: Double?
    /// 512 bytes of little-endian float32 (`FaceDescriptor.littleEndianBytes`); empty when the service sent none.
    public var descriptor: [UInt8]

    public init(index: Int, box: FaceBox, personID: Int64?, distance: Double?, descriptor: [UInt8] = []) {
        self.index = index
        self.box = box
        self.personID = personID
        self.distance = distance
        self.descriptor = descriptor
    }
}

/// What the service found in a photo.
public struct Recognition: Sendable, Equatable {
    public var faces: [RecognizedFace]
    /// The best known person (closest known face); nil when nobody known is in the photo.
    public var personID: Int64?

    public init(faces: [RecognizedFace], personID: Int64?) {
        self.faces = faces
        self.personID = personID
    }

    /// The known face with the smallest distance decides the image's person.
    public init(faces: [RecognizedFace]) {
        self.faces = faces
        self.personID = faces.filter { $0.personID != nil }.min { ($0.distance ?? .infinity) < ($1.distance ?? .infinity) }?.personID
    }
}

/// Why recognising failed, sorted by what to do about it.
public struct RecognitionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The service is down, overloaded or too slow: not the image's fault. Counts for the breaker;
        /// the image is requeued without using up an attempt.
        case unavailable
        /// The service looked at the image and refused it (corrupt, missing, too large): retried with
        /// backoff up to the attempt limit, then failed for good.
        case rejected
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The seam to the FaceRecognition service (v2 gRPC, or the sample's v1 contract).
public protocol FaceRecognizer: Sendable {
    /// Throws `RecognitionError`.
    func recognize(path: String, deadline: Duration) async throws -> Recognition
    /// Whether the service says it is serving (used by the breaker's half-open probe).
    func isHealthy(deadline: Duration) async -> Bool
}
