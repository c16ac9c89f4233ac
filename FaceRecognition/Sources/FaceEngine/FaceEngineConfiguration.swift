import CFaceEngine
import Foundation

/// Which dlib face detector a worker runs.
public enum FaceDetectorKind: String, Sendable, CaseIterable {
    /// `dlib::get_frontal_face_detector()`: HOG + linear SVM, ~0.1 s per photo.
    case hog
    /// dlib's CNN (`mmod_human_face_detector.dat`): more angles, 1.4–4 s per photo and ~2 GB RSS on CPU.
    case cnn
}

/// How the engine scales a photo before face detection (landmarks and descriptors always use full resolution).
public struct DetectionScalePolicy: Sendable, Equatable {
    /// Double the image when its shorter side is below this (small photos: faces under HOG's 80 px window). nil = never.
    public var upsampleBelowMinSide: Int?
    /// Shrink the image to this longer side when it is above (HOG cost grows with pixels). nil = never.
    public var downscaleAboveLongSide: Int?

    public init(upsampleBelowMinSide: Int? = 400, downscaleAboveLongSide: Int? = 1600) {
        self.upsampleBelowMinSide = upsampleBelowMinSide
        self.downscaleAboveLongSide = downscaleAboveLongSide
    }

    /// Detect on the image exactly as decoded.
    public static let unscaled = DetectionScalePolicy(upsampleBelowMinSide: nil, downscaleAboveLongSide: nil)
}

/// What a HOG worker does with a photo where HOG finds no face: run dlib's CNN (mmod) detector once, on
/// the photo scaled like HOG's input but with its longer side at most `maxLongSide` (bounds its time and
/// memory). Photos where HOG finds a face never pay for it; their descriptors are unchanged.
public struct DetectorFallback: Sendable, Equatable {
    public var maxLongSide: Int

    public init(maxLongSide: Int = DetectorFallback.defaultMaxLongSide) {
        self.maxLongSide = maxLongSide
    }

    public static let defaultMaxLongSide = Int(FE_DEFAULT_FALLBACK_MAX_LONG_SIDE)
    /// The default: CNN on at most `defaultMaxLongSide` px.
    public static let cnn = DetectorFallback()
}

public struct FaceEngineConfiguration: Sendable {
    /// Folder holding `shape_predictor_5_face_landmarks.dat`, `dlib_face_recognition_resnet_model_v1.dat`
    /// and, for the CNN detector, `mmod_human_face_detector.dat`.
    public var modelsDirectory: String
    /// Number of workers, each with its own dlib nets on its own thread.
    public var workerCount: Int
    public var detector: FaceDetectorKind
    /// Refuse files larger than this many bytes.
    public var maxFileBytes: Int
    /// Refuse images whose header claims more pixels than this (checked before decoding).
    public var maxPixels: Int
    public var detectionScale: DetectionScalePolicy
    /// dlib's `adjust_threshold` for the detector (0 = dlib default; lower finds more, with more false positives).
    public var detectionThreshold: Double
    /// Rotate/flip JPEGs by their EXIF orientation tag, as photo viewers do.
    public var appliesEXIFOrientation: Bool
    /// Recall fallback when HOG finds no face (nil = none; ignored with the CNN detector).
    public var fallback: DetectorFallback?
    /// Each descriptor is the mean of the ResNet's descriptors of the aligned chip and of its mirror image
    /// (a second ResNet pass per face). Changes every descriptor: see `descriptorVersion`.
    public var averagesMirroredChip: Bool

    public init(
        modelsDirectory: String = FaceEngineConfiguration.defaultModelsDirectory(),
        workerCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        detector: FaceDetectorKind = .hog,
        maxFileBytes: Int = 64 << 20,
        maxPixels: Int = 40_000_000,
        detectionScale: DetectionScalePolicy = DetectionScalePolicy(),
        detectionThreshold: Double = 0,
        appliesEXIFOrientation: Bool = true,
        fallback: DetectorFallback? = .cnn,
        averagesMirroredChip: Bool = false
    ) {
        self.modelsDirectory = modelsDirectory
        self.workerCount = workerCount
        self.detector = detector
        self.maxFileBytes = maxFileBytes
        self.maxPixels = maxPixels
        self.detectionScale = detectionScale
        self.detectionThreshold = detectionThreshold
        self.appliesEXIFOrientation = appliesEXIFOrientation
        self.fallback = fallback
        self.averagesMirroredChip = averagesMirroredChip
    }

    /// Which descriptors these settings produce: 1 = the sample's (plain chip), 2 = mirror-averaged. Stored
    /// descriptors of another version are close but not comparable at the same threshold.
    public var descriptorVersion: Int {
        var options = fe_default_options()
        options.mirror_average = averagesMirroredChip ? 1 : 0
        return Int(fe_descriptor_version(&options))
    }

    /// `FACE_MODELS_DIR` when set, else `<repo>/.cache/models` (where scripts/fetch-test-data.sh puts them).
    public static func defaultModelsDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let dir = environment["FACE_MODELS_DIR"], !dir.isEmpty { return dir }
        return repositoryRoot + "/.cache/models"
    }

    /// The monorepo root, derived from this source file's location (Sources/FaceEngine/ in FaceRecognition/).
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }
}
