import Metrics

/// swift-metrics instruments of the engine (no-ops until the process bootstraps a backend).
struct FaceEngineMetrics: Sendable {
    private let decode = Timer(label: "face_engine_stage_seconds", dimensions: [("stage", "decode")])
    private let detect = Timer(label: "face_engine_stage_seconds", dimensions: [("stage", "detect")])
    private let landmarks = Timer(label: "face_engine_stage_seconds", dimensions: [("stage", "landmarks")])
    private let descriptor = Timer(label: "face_engine_stage_seconds", dimensions: [("stage", "descriptor")])
    private let total = Timer(label: "face_engine_stage_seconds", dimensions: [("stage", "total")])
    private let queueWait = Timer(label: "face_engine_queue_wait_seconds")
    private let faces = Counter(label: "face_engine_faces_total")

    func record(_ timings: StageTimings, faces count: Int) {
        decode.record(duration: timings.decode)
        detect.record(duration: timings.detect)
        landmarks.record(duration: timings.landmarks)
        descriptor.record(duration: timings.descriptor)
        total.record(duration: timings.total)
        queueWait.record(duration: timings.queueWait)
        faces.increment(by: count)
    }

    func recordFailure(_ error: FaceEngineError) {
        Counter(label: "face_engine_failures_total", dimensions: [("category", "\(error.category)")]).increment()
    }
}
