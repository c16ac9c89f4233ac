import FaceRecognitionAPI
import Foundation
import GRPCCore
import Models

/// `PersonEnroller` over FaceRecognition's v2 gRPC API, sending the photo's bytes (`ImageSource.data`).
public struct GRPCPersonEnroller<Transport: ClientTransport>: PersonEnroller {
    let faces: Facerecog_V2_FaceRecognition.Client<Transport>
    let deadline: Duration

    public init(client: GRPCClient<Transport>, deadline: Duration = .seconds(60)) {
        self.faces = Facerecog_V2_FaceRecognition.Client(wrapping: client)
        self.deadline = deadline
    }

    public func enroll(personName: String, photo: [UInt8]) async throws(EnrollmentError) -> EnrolledPhoto {
        var request = Facerecog_V2_EnrollRequest()
        request.personName = personName
        request.image.data = Data(photo)
        var options = CallOptions.defaults
        options.timeout = deadline
        // Fail at once while FaceRecognition is down: the user gets a 503 rather than a hanging page.
        options.waitForReady = false
        let response: Facerecog_V2_EnrollResponse
        do {
            response = try await faces.enroll(request, options: options)
        } catch {
            throw Self.classify(error)
        }
        return EnrolledPhoto(
            personID: response.personID, personCreated: response.personCreated, imageName: response.imageName,
            facesDetected: Int(response.facesDetected),
            box: response.hasBox
                ? FaceBox(left: Int(response.box.left), top: Int(response.box.top), right: Int(response.box.right), bottom: Int(response.box.bottom))
                : nil)
    }

    static func classify(_ error: any Error) -> EnrollmentError {
        guard let rpc = error as? RPCError else { return .unavailable("face recognition cannot be reached: \(error)") }
        switch rpc.code {
        case .failedPrecondition: return .noFace("no face found in the photo")
        case .invalidArgument where rpc.message.hasPrefix("invalid person name"): return .invalidName(rpc.message)
        case .invalidArgument, .notFound: return .notAnImage("not a readable JPEG or PNG image (\(rpc.message))")
        case .resourceExhausted: return .tooLarge("the photo is too large for face recognition (\(rpc.message))")
        case .unavailable, .deadlineExceeded, .cancelled, .aborted, .unknown:
            return .unavailable("face recognition is unavailable right now (\(rpc.code)); try again shortly")
        default: return .failed("face recognition could not enroll the photo: \(rpc.code) \(rpc.message)")
        }
    }
}
