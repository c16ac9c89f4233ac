import FaceRecognitionAPI
import GRPCCore
import Models

/// FaceRecognition v2 (`facerecog.v2.FaceRecognition/Identify`): every face with its box and nearest
/// known person; health through the standard `grpc.health.v1.Health` service.
public struct GRPCFaceRecognizer<Transport: ClientTransport>: FaceRecognizer {
    let faces: Facerecog_V2_FaceRecognition.Client<Transport>
    let health: Grpc_Health_V1_Health.Client<Transport>

    public init(client: GRPCClient<Transport>) {
        self.faces = Facerecog_V2_FaceRecognition.Client(wrapping: client)
        self.health = Grpc_Health_V1_Health.Client(wrapping: client)
    }

    public func recognize(path: String, deadline: Duration) async throws -> Recognition {
        var request = Facerecog_V2_IdentifyRequest()
        request.image.path = path
        let response: Facerecog_V2_IdentifyResponse
        do {
            response = try await faces.identify(request, options: GRPCFailure.options(deadline: deadline))
        } catch {
            throw GRPCFailure.classify(error, service: "FaceRecognition.Identify")
        }
        let recognized = response.faces.map { face in
            RecognizedFace(
                index: Int(face.index),
                box: FaceBox(left: Int(face.box.left), top: Int(face.box.top), right: Int(face.box.right), bottom: Int(face.box.bottom)),
                personID: face.known && face.hasNearest ? face.nearest.personID : nil,
                distance: face.hasNearest ? face.nearest.distance : nil,
                // Stored as the gallery stores its own: 512 bytes of little-endian float32. A server that
                // sends none (older v2) or a malformed one leaves it empty rather than failing the image.
                descriptor: FaceDescriptor(face.descriptor)?.littleEndianBytes ?? [])
        }
        return Recognition(faces: recognized)
    }

    public func isHealthy(deadline: Duration) async -> Bool {
        do {
            let response = try await health.check(Grpc_Health_V1_HealthCheckRequest(), options: GRPCFailure.options(deadline: deadline))
            return response.status == .serving
        } catch {
            return false
        }
    }
}

/// The sample's v1 contract (`facerecog.Identify`): the server answers with the file name of the
/// closest known photo, which `person_images` maps to a person. No boxes, so no face rows.
public struct GRPCFaceRecognizerV1<Transport: ClientTransport>: FaceRecognizer {
    let identify: Facerecog_Identify.Client<Transport>
    let health: Facerecog_HealthCheck.Client<Transport>
    let people: any KnownImageLookup

    public init(client: GRPCClient<Transport>, people: any KnownImageLookup) {
        self.identify = Facerecog_Identify.Client(wrapping: client)
        self.health = Facerecog_HealthCheck.Client(wrapping: client)
        self.people = people
    }

    public func recognize(path: String, deadline: Duration) async throws -> Recognition {
        var request = Facerecog_IdentifyRequest()
        request.imagePath = path
        let response: Facerecog_IdentifyResponse
        do {
            response = try await identify.identify(request, options: GRPCFailure.options(deadline: deadline))
        } catch {
            throw GRPCFailure.classify(error, service: "facerecog.Identify")
        }
        guard !response.imageName.isEmpty else { return Recognition(faces: [], personID: nil) }
        let person: Int64?
        do {
            person = try await people.person(ofKnownImage: response.imageName)
        } catch {
            throw RecognitionError(.unavailable, "looking up the person of \(response.imageName) failed: \(error)")
        }
        return Recognition(faces: [], personID: person)
    }

    public func isHealthy(deadline: Duration) async -> Bool {
        do {
            return try await health.healthCheck(Facerecog_Empty(), options: GRPCFailure.options(deadline: deadline)).ready
        } catch {
            return false
        }
    }
}

/// `person_images.image_name` → `person.id`, for the v1 contract.
public protocol KnownImageLookup: Sendable {
    func person(ofKnownImage name: String) async throws -> Int64?
}
