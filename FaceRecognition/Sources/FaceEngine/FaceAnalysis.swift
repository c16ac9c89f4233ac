import Models

/// What the engine found in one photo.
public struct FaceAnalysis: Sendable, Equatable {
    /// Size after EXIF orientation was applied (the coordinate space of every box and landmark).
    public var imageWidth: Int
    public var imageHeight: Int
    /// Faces in detector order (dlib sorts by confidence, highest first).
    public var faces: [DetectedFace]
    public var timings: StageTimings
    /// EXIF orientation tag of the file (1...8, 1 when absent or not a JPEG).
    public var exifOrientation: Int
    /// Factor the image was scaled by before detection (2 = upsampled, < 1 = shrunk, 1 = as is).
    public var detectionScale: Double
    /// The detector whose faces these are: `.cnn` when HOG found none and the fallback did.
    public var detector: FaceDetectorKind
    /// True when HOG found nothing and the CNN fallback ran (its time is part of `timings.detect`).
    public var usedFallback: Bool
    /// CPU time the fallback took on its worker thread (zero when it did not run): its cost whatever
    /// else the machine is doing.
    public var fallbackCPUTime: Duration

    public init(
        imageWidth: Int, imageHeight: Int, faces: [DetectedFace], timings: StageTimings,
        exifOrientation: Int = 1, detectionScale: Double = 1, detector: FaceDetectorKind = .hog,
        usedFallback: Bool = false, fallbackCPUTime: Duration = .zero
    ) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.faces = faces
        self.timings = timings
        self.exifOrientation = exifOrientation
        self.detectionScale = detectionScale
        self.detector = detector
        self.usedFallback = usedFallback
        self.fallbackCPUTime = fallbackCPUTime
    }

    /// Equal results regardless of how long they took.
    public static func == (lhs: FaceAnalysis, rhs: FaceAnalysis) -> Bool {
        lhs.imageWidth == rhs.imageWidth && lhs.imageHeight == rhs.imageHeight && lhs.faces == rhs.faces
            && lhs.exifOrientation == rhs.exifOrientation && lhs.detectionScale == rhs.detectionScale
            && lhs.detector == rhs.detector && lhs.usedFallback == rhs.usedFallback
    }
}

/// One face: where it is, its 5 landmarks and its 128-d descriptor.
public struct DetectedFace: Sendable, Equatable {
    /// Original image coordinates (dlib convention: inclusive left/top, right/bottom). May extend
    /// slightly past the image edge for faces cut off by it.
    public var box: FaceBox
    /// dlib's 5-point model: right eye outer/inner corner (indices 0, 1), left eye outer/inner (2, 3), nose base (4).
    public var landmarks: [FacePoint]
    public var descriptor: FaceDescriptor
    /// Detector confidence, higher is surer (HOG: SVM score; CNN: mmod score, another scale).
    public var score: Double

    public init(box: FaceBox, landmarks: [FacePoint], descriptor: FaceDescriptor, score: Double) {
        self.box = box
        self.landmarks = landmarks
        self.descriptor = descriptor
        self.score = score
    }
}

/// A pixel position in original image coordinates.
public struct FacePoint: Sendable, Hashable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Time spent in each stage of one analysis on its worker thread.
public struct StageTimings: Sendable, Equatable {
    /// Waiting for a free worker (not part of `total`).
    public var queueWait: Duration
    /// Read + decode + EXIF orientation.
    public var decode: Duration
    /// Detection-scale resize + face detector.
    public var detect: Duration
    /// Shape predictor + aligned chip extraction.
    public var landmarks: Duration
    /// ResNet descriptors.
    public var descriptor: Duration
    /// The whole pipeline on the worker (decode through descriptor).
    public var total: Duration

    public init(
        queueWait: Duration = .zero, decode: Duration, detect: Duration, landmarks: Duration,
        descriptor: Duration, total: Duration
    ) {
        self.queueWait = queueWait
        self.decode = decode
        self.detect = detect
        self.landmarks = landmarks
        self.descriptor = descriptor
        self.total = total
    }
}
