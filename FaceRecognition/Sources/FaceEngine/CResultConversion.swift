import CFaceEngine
import Models

extension FaceEngineError {
    /// Maps the C shim's status and message to the Swift error.
    init(_ error: fe_error) {
        let message = withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch error.status {
        case FE_ERR_FILE_NOT_FOUND: self = .fileNotFound(path: message)
        case FE_ERR_UNREADABLE: self = .unreadable(path: Self.pathPart(of: message), reason: Self.reasonPart(of: message))
        case FE_ERR_FILE_TOO_LARGE: self = .fileTooLarge(bytes: Int(error.value), limit: Int(error.limit))
        case FE_ERR_EMPTY: self = .emptyFile
        case FE_ERR_NOT_AN_IMAGE: self = .notAnImage
        case FE_ERR_UNSUPPORTED: self = .unsupportedFormat(message)
        case FE_ERR_CORRUPT: self = .corrupt(message)
        case FE_ERR_TOO_MANY_PIXELS: self = .tooLarge(pixels: Int(error.value), limit: Int(error.limit))
        case FE_ERR_MODELS: self = .modelsUnavailable(message)
        case FE_ERR_INVALID_ARGUMENT: self = .invalidArgument(message)
        default: self = .internalFailure(message.isEmpty ? "status \(error.status.rawValue)" : message)
        }
    }

    // The shim formats unreadable-file messages as "<path>: <reason>".
    private static func pathPart(of message: String) -> String {
        guard let range = message.range(of: ": ", options: .backwards) else { return message }
        return String(message[..<range.lowerBound])
    }

    private static func reasonPart(of message: String) -> String {
        guard let range = message.range(of: ": ", options: .backwards) else { return "unreadable" }
        return String(message[range.upperBound...])
    }
}

extension FaceAnalysis {
    /// Copies a C result (the caller still frees it).
    init(_ result: fe_result, queueWait: Duration) {
        var faces: [DetectedFace] = []
        faces.reserveCapacity(Int(result.face_count))
        for index in 0..<Int(result.face_count) {
            let face = result.faces[index]
            let landmarks = withUnsafeBytes(of: face.landmarks) { raw in
                raw.bindMemory(to: fe_point.self).map { FacePoint(x: Int($0.x), y: Int($0.y)) }
            }
            let values = withUnsafeBytes(of: face.descriptor) { raw in Array(raw.bindMemory(to: Float.self)) }
            faces.append(
                DetectedFace(
                    box: FaceBox(left: Int(face.left), top: Int(face.top), right: Int(face.right), bottom: Int(face.bottom)),
                    landmarks: landmarks,
                    descriptor: FaceDescriptor(values)!,  // the C struct holds exactly 128 floats
                    score: face.score))
        }
        let t = result.timings
        self.init(
            imageWidth: Int(result.width), imageHeight: Int(result.height), faces: faces,
            timings: StageTimings(
                queueWait: queueWait, decode: .milliseconds(t.decode_ms), detect: .milliseconds(t.detect_ms),
                landmarks: .milliseconds(t.landmarks_ms), descriptor: .milliseconds(t.descriptor_ms),
                total: .milliseconds(t.total_ms)),
            exifOrientation: Int(result.exif_orientation), detectionScale: result.detection_scale,
            detector: result.detected_by == FE_DETECTOR_CNN ? .cnn : .hog, usedFallback: result.fallback_ran != 0,
            fallbackCPUTime: .milliseconds(result.fallback_cpu_ms))
    }
}
