import FaceEngine
import FaceGallery
import Foundation
import ImageFiles
import GRPCCore
import Logging
import Models

/// Where a photo to recognise comes from.
public enum ImageInput: Sendable {
    /// Relative to (or absolute inside) the image root.
    case path(String)
    /// Encoded JPEG or PNG.
    case data([UInt8])
}

/// One face of a recognised photo.
public struct RecognizedFace: Sendable {
    public var index: Int
    public var face: DetectedFace
    public var search: GallerySearchResult
}

/// A photo's faces with their nearest known people.
public struct Recognition: Sendable {
    public var analysis: FaceAnalysis
    public var faces: [RecognizedFace]
    public var matchDuration: Duration
    /// The gallery's match threshold and size when the photo was searched.
    public var threshold: Double
    public var gallerySize: Int

    /// The best match over all faces (the v1 answer): the smallest distance within the threshold.
    public var bestMatch: GalleryCandidate? {
        faces.compactMap(\.search.match).min { $0.distance < $1.distance }
    }
}

/// Analyse a photo and search the gallery for each face: the work behind v1 and v2 Identify.
public struct Recognizer: Sendable {
    let readiness: ServiceReadiness
    let resolver: any ImagePathResolving
    let admission: AdmissionLimit
    let maxImageBytes: Int

    public init(readiness: ServiceReadiness, resolver: any ImagePathResolving, admission: AdmissionLimit, maxImageBytes: Int) {
        self.readiness = readiness
        self.resolver = resolver
        self.admission = admission
        self.maxImageBytes = maxImageBytes
    }

    public func recognize(_ input: ImageInput, logger: Logger) async throws(RPCError) -> Recognition {
        let components = try readiness.components()
        let analysis: FaceAnalysis = try await admission.run { () async throws(RPCError) -> FaceAnalysis in
            switch input {
            case .path(let path):
                return try await analyze(components.analyzer, file: try resolve(path), logger: logger)
            case .data(let data):
                try checkSize(data.count)
                return try await analyze(components.analyzer, data: data, logger: logger)
            }
        }
        let started = ContinuousClock.now
        let snapshot = components.gallery.snapshot()
        let faces = analysis.faces.enumerated().map { index, face in
            RecognizedFace(index: index, face: face, search: snapshot.search(face.descriptor))
        }
        return Recognition(
            analysis: analysis, faces: faces, matchDuration: ContinuousClock.now - started,
            threshold: snapshot.threshold, gallerySize: snapshot.count)
    }

    /// Reads a file under the image root for enrollment (same path rules and size limit as Identify).
    public func readPhoto(_ input: ImageInput) throws(RPCError) -> [UInt8] {
        switch input {
        case .data(let data):
            try checkSize(data.count)
            return data
        case .path(let path):
            let file = try resolve(path)
            let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
            try checkSize(size)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RPCError(code: .notFound, message: "cannot read image \(path)")
            }
            return Array(data)
        }
    }

    private func resolve(_ path: String) throws(RPCError) -> String {
        do throws(ImagePathError) {
            return try resolver.resolve(path)
        } catch {
            throw RPCError(error)
        }
    }

    private func checkSize(_ bytes: Int) throws(RPCError) {
        guard bytes <= maxImageBytes else {
            throw RPCError(code: .resourceExhausted, message: "the image is too large: \(bytes) bytes, limit \(maxImageBytes)")
        }
    }

    private func analyze(_ analyzer: any FaceAnalyzing, file: String, logger: Logger) async throws(RPCError) -> FaceAnalysis {
        do throws(FaceEngineError) {
            if let engine = analyzer as? FaceEngine {
                return try await engine.analyze(imageAt: file, logger: logger)
            }
            return try await analyzer.analyze(imageAt: file)
        } catch {
            throw RPCError(error)
        }
    }

    private func analyze(_ analyzer: any FaceAnalyzing, data: [UInt8], logger: Logger) async throws(RPCError) -> FaceAnalysis {
        do throws(FaceEngineError) {
            if let engine = analyzer as? FaceEngine {
                return try await engine.analyze(imageData: data, logger: logger)
            }
            return try await analyzer.analyze(imageData: data)
        } catch {
            throw RPCError(error)
        }
    }
}
