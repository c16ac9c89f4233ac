import Logging
import Metrics
import PeopleLibrary

/// The processor's side of grouping unknown faces (issue #16): after an image is recorded, its unknown
/// faces go to the grouper; the sweeper runs the backfill. Grouping is best effort: a failure is logged
/// and counted, never fails or retries the image (the backfill groups what was left).
public protocol FaceGrouping: Sendable {
    /// Groups the unknown faces of one recorded image; returns how many joined a group.
    func groupUnknownFaces(ofImage imageID: Int64) async throws -> Int
    /// One bounded backfill step over ungrouped unknown faces.
    func backfill(batchSize: Int) async throws -> BackfillStep
}

extension MySQLUnknownFaceGrouper: FaceGrouping {
    public func groupUnknownFaces(ofImage imageID: Int64) async throws -> Int {
        try await group(imageID: imageID)
    }
}

/// Counters shared by the processor and the sweeper.
struct GroupingMetrics: Sendable {
    let grouped = Counter(label: "processor_faces_grouped_total")
    let failures = Counter(label: "processor_grouping_failures_total")
}
