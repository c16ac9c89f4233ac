import FaceEngine
import FaceGallery
import FaceRecognitionAPI
import Foundation
import GRPCCore
import Logging
import Models

/// `facerecog.v2.FaceRecognition`: every face with box, landmarks and nearest known people, plus
/// gallery management.
public struct FaceRecognitionServiceV2: Facerecog_V2_FaceRecognition.SimpleServiceProtocol {
    private let recognizer: Recognizer
    private let readiness: ServiceReadiness
    private let logger: Logger

    public init(recognizer: Recognizer, readiness: ServiceReadiness, logger: Logger) {
        self.recognizer = recognizer
        self.readiness = readiness
        self.logger = logger
    }

    public func identify(
        request: Facerecog_V2_IdentifyRequest, context: ServerContext
    ) async throws -> Facerecog_V2_IdentifyResponse {
        let input = try Self.input(request.hasImage ? request.image : nil)
        var logger = logger
        logger[metadataKey: "rpc"] = "facerecog.v2.FaceRecognition/Identify"
        if case .path(let path) = input { logger[metadataKey: "image_path"] = "\(path)" }
        let recognition: Recognition
        do {
            recognition = try await recognizer.recognize(input, logger: logger)
        } catch {
            logger.notice("identify failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            throw error
        }
        let analysis = recognition.analysis
        var response = Facerecog_V2_IdentifyResponse()
        response.imageWidth = UInt32(clamping: analysis.imageWidth)
        response.imageHeight = UInt32(clamping: analysis.imageHeight)
        response.matchThreshold = recognition.threshold
        response.galleryFaces = UInt64(recognition.gallerySize)
        response.faces = recognition.faces.map { Self.message($0, includeLandmarks: request.includeLandmarks) }
        var timings = Facerecog_V2_StageTimings()
        timings.queueWaitMs = analysis.timings.queueWait.milliseconds
        timings.decodeMs = analysis.timings.decode.milliseconds
        timings.detectMs = analysis.timings.detect.milliseconds
        timings.landmarksMs = analysis.timings.landmarks.milliseconds
        timings.descriptorMs = analysis.timings.descriptor.milliseconds
        timings.matchMs = recognition.matchDuration.milliseconds
        timings.totalMs = analysis.timings.total.milliseconds + timings.matchMs
        response.timings = timings
        logger.info(
            "identified",
            metadata: [
                "faces": "\(response.faces.count)", "known": "\(response.faces.filter(\.known).count)",
                "total_ms": "\(timings.totalMs)",
            ])
        return response
    }

    public func enroll(request: Facerecog_V2_EnrollRequest, context: ServerContext) async throws -> Facerecog_V2_EnrollResponse {
        let components = try readiness.components()
        let input = try Self.input(request.hasImage ? request.image : nil)
        let photo = try recognizer.readPhoto(input)
        let enrollment: Enrollment
        do {
            enrollment = try await components.manager.enroll(personName: request.personName, photo: photo)
        } catch let error as GalleryStoreError {
            throw RPCError(error)
        }
        var response = Facerecog_V2_EnrollResponse()
        response.personID = enrollment.personID
        response.personCreated = enrollment.personCreated
        response.personImageID = enrollment.personImageID
        response.imageName = enrollment.imageName
        response.facesDetected = UInt32(clamping: enrollment.facesDetected)
        response.facesEnrolled = UInt32(clamping: enrollment.facesEnrolled)
        response.box = Self.message(enrollment.box)
        return response
    }

    public func removePerson(
        request: Facerecog_V2_RemovePersonRequest, context: ServerContext
    ) async throws -> Facerecog_V2_RemovePersonResponse {
        let components = try readiness.components()
        let reference: PersonReference
        switch request.person {
        case .personID(let id): reference = .id(id)
        case .personName(let name): reference = .name(name)
        case nil: throw RPCError(code: .invalidArgument, message: "set person_id or person_name")
        }
        let removed: RemovedPerson
        do {
            removed = try await components.manager.removePerson(reference)
        } catch let error as GalleryStoreError {
            throw RPCError(error)
        }
        var response = Facerecog_V2_RemovePersonResponse()
        response.personID = removed.id
        response.personName = removed.name
        response.imagesRemoved = UInt32(clamping: removed.imagesRemoved)
        response.facesRemoved = UInt32(clamping: removed.facesRemoved)
        return response
    }

    public func listPeople(
        request: Facerecog_V2_ListPeopleRequest, context: ServerContext
    ) async throws -> Facerecog_V2_ListPeopleResponse {
        let components = try readiness.components()
        var response = Facerecog_V2_ListPeopleResponse()
        response.people = try await components.manager.listPeople().map { person in
            var summary = Facerecog_V2_PersonSummary()
            summary.personID = person.id
            summary.name = person.name
            summary.imageNames = person.imageNames
            summary.galleryFaces = UInt32(clamping: person.galleryFaces)
            return summary
        }
        return response
    }

    // MARK: - Messages

    static func input(_ source: Facerecog_V2_ImageSource?) throws(RPCError) -> ImageInput {
        switch source?.source {
        case .path(let path): return .path(path)
        case .data(let data): return .data(Array(data))
        case nil: throw RPCError(code: .invalidArgument, message: "set image.path or image.data")
        }
    }

    static func message(_ face: RecognizedFace, includeLandmarks: Bool) -> Facerecog_V2_Face {
        var message = Facerecog_V2_Face()
        message.index = UInt32(clamping: face.index)
        message.box = Self.message(face.face.box)
        message.detectionScore = face.face.score
        message.descriptor = face.face.descriptor.values
        if includeLandmarks {
            message.landmarks = face.face.landmarks.map { point in
                var message = Facerecog_V2_Point()
                message.x = Int32(clamping: point.x)
                message.y = Int32(clamping: point.y)
                return message
            }
        }
        message.known = face.search.match != nil
        if let nearest = face.search.nearest { message.nearest = Self.message(nearest) }
        if let runnerUp = face.search.runnerUp { message.runnerUp = Self.message(runnerUp) }
        return message
    }

    static func message(_ candidate: GalleryCandidate) -> Facerecog_V2_Candidate {
        var message = Facerecog_V2_Candidate()
        message.personID = candidate.entry.personID
        message.personName = candidate.entry.personName
        message.distance = candidate.distance
        message.imageName = candidate.entry.imageName
        message.personImageID = candidate.entry.personImageID
        return message
    }

    static func message(_ box: FaceBox) -> Facerecog_V2_Box {
        var message = Facerecog_V2_Box()
        message.left = Int32(clamping: box.left)
        message.top = Int32(clamping: box.top)
        message.right = Int32(clamping: box.right)
        message.bottom = Int32(clamping: box.bottom)
        return message
    }
}
