import ImageQueue
import Logging
import Metrics
import MySQL
import PeopleLibrary
import ServiceLifecycle

/// Periodic bookkeeping that replaces the sample's CronJob.
///
/// - Both queues: a processing lease that expired after the last allowed attempt means the image keeps
///   killing its worker: it is marked failed for good.
/// - NSQ only (`publisher` set): expired leases are released and pending rows that were never announced
///   (`queued_at` NULL past a grace period, e.g. the Receiver's publish failed) or announced long ago
///   and still waiting are published again.
///
/// Safe with several replicas: the bookkeeping is conditional UPDATEs, and re-publishing runs under
/// `GET_LOCK`, so only one replica publishes at a time (a duplicate message would be harmless anyway:
/// the claim makes it a no-op).
public final class Sweeper: Service {
    public struct Settings: Sendable {
        public var interval: Duration
        public var maxAttempts: Int
        /// How old an unannounced pending row must be before the sweeper announces it.
        public var unqueuedGrace: Duration
        /// Announced rows still pending this long after the announcement (or after their retry fell due) are
        /// announced again: nsqd keeps its queue in memory (`--mem-queue-size`), so a crashed nsqd loses them.
        /// Only rows nobody holds (no lease) and whose retry is due qualify, so a row being worked on or
        /// deliberately deferred is never re-announced; a duplicate that still happens is a no-op (the claim).
        /// Set it above the longest normal wait in the queue (backlog / throughput), or rows waiting their
        /// turn are announced twice.
        public var requeueAfter: Duration
        public var batchSize: Int
        /// A sweep that hits a deadlock (1213) or lock wait timeout (1205) is run again at once this many
        /// times instead of waiting a whole interval.
        public var conflictRetries: Int
        /// A row marked processing with no lease owner (the sample's processor marks it so, and leaves it so
        /// when it is stopped mid-image, having already acknowledged the message) counts as abandoned this
        /// long after its last update: the same rule as the claim's (`ImageRepository.claim`), so pass the lease.
        public var orphanedAfter: Duration
        /// Ungrouped unknown faces the grouping backfill looks at per sweep (0: no backfill).
        public var groupBackfillBatch: Int

        public init(
            interval: Duration = .seconds(5), maxAttempts: Int = 5, unqueuedGrace: Duration = .seconds(10),
            requeueAfter: Duration = .seconds(30), batchSize: Int = 500, conflictRetries: Int = 3,
            orphanedAfter: Duration = .seconds(60), groupBackfillBatch: Int = 500
        ) {
            self.interval = interval
            self.maxAttempts = maxAttempts
            self.unqueuedGrace = unqueuedGrace
            self.requeueAfter = requeueAfter
            self.batchSize = batchSize
            self.conflictRetries = max(0, conflictRetries)
            self.orphanedAfter = orphanedAfter
            self.groupBackfillBatch = max(0, groupBackfillBatch)
        }
    }

    public struct Report: Sendable, Equatable {
        public var failedForGood = 0
        public var leasesReleased = 0
        public var republished = 0
        /// False when another replica held the re-publish lock.
        public var ranRepublish = false
    }

    /// GET_LOCK names are server-wide: the database name keeps two pipelines on one server apart.
    var lockName: String { "image-processor-sweeper:\(pool.configuration.database)" }

    let pool: MySQLPool
    let publisher: (any ImagePublisher)?
    let settings: Settings
    let logger: Logger
    /// Groups unknown faces left ungrouped (before schema 4, a failed grouping, a deleted person).
    let grouping: (any FaceGrouping)?
    private let groupingMetrics = GroupingMetrics()
    private let republishedCounter = Counter(label: "processor_sweeper_republished_total")
    private let failedCounter = Counter(label: "processor_sweeper_failed_total")

    public init(
        pool: MySQLPool, publisher: (any ImagePublisher)?, settings: Settings, grouping: (any FaceGrouping)? = nil,
        logger: Logger = Logger(label: "sweeper")
    ) {
        self.pool = pool
        self.publisher = publisher
        self.settings = settings
        self.grouping = grouping
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await self.sweepRetryingConflicts()
                    if report.failedForGood + report.leasesReleased + report.republished > 0 {
                        self.logger.info(
                            "sweep",
                            metadata: [
                                "failed_for_good": "\(report.failedForGood)", "leases_released": "\(report.leasesReleased)",
                                "republished": "\(report.republished)",
                            ])
                    }
                } catch {
                    self.logger.warning("sweep failed; trying again next interval", metadata: ["error": "\(error)"])
                }
                await self.backfillGroups()
                try? await Task.sleep(for: self.settings.interval)
            }
        }
    }

    /// One bounded step of the grouping backfill; failures are logged and counted, never thrown (the next
    /// sweep tries again). Returns nil when there is no grouping or it failed.
    @discardableResult
    public func backfillGroups() async -> BackfillStep? {
        guard let grouping, settings.groupBackfillBatch > 0 else { return nil }
        do {
            let step = try await grouping.backfill(batchSize: settings.groupBackfillBatch)
            groupingMetrics.grouped.increment(by: step.grouped)
            if step.grouped > 0 {
                logger.info("grouping backfill", metadata: ["scanned": "\(step.scanned)", "grouped": "\(step.grouped)"])
            }
            return step
        } catch {
            groupingMetrics.failures.increment()
            logger.warning("grouping backfill failed; trying again next sweep", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// `sweepOnce`, run again at once after a deadlock or lock wait timeout (both roll back the statement,
    /// and the conflicting transaction is usually gone a moment later).
    public func sweepRetryingConflicts() async throws -> Report {
        try await Self.retryingConflicts(times: settings.conflictRetries, logger: logger) { try await self.sweepOnce() }
    }

    static func retryingConflicts<T>(times: Int, logger: Logger, _ body: () async throws -> T) async throws -> T {
        var retries = 0
        while true {
            do {
                return try await body()
            } catch let error as MySQLError where error.isRetryableConflict && retries < times {
                retries += 1
                logger.info("sweep hit a lock conflict; running it again", metadata: ["error": "\(error)", "retry": "\(retries)"])
            }
        }
    }

    /// Processing, but nobody is working on it: our lease expired, or no lease at all (the sample's
    /// processor) and untouched for `orphanedAfter` (its one `?`).
    static let abandoned = """
        status = 3 AND (lease_expires_at < NOW(6)
            OR (lease_owner IS NULL AND updated_at < NOW(6) - INTERVAL ? MICROSECOND))
        """

    public func sweepOnce() async throws -> Report {
        var report = Report()
        let gaveUp = try await pool.execute(
            """
            UPDATE images SET status = 2, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL,
                last_error = CONCAT('gave up after ', attempts, ' attempts; the last one did not finish (lease expired)',
                    IF(last_error IS NULL, '', CONCAT('; earlier error: ', LEFT(last_error, 1000))))
            WHERE status = 3 AND lease_expires_at < NOW(6) AND attempts >= ?
            """, [.int(Int64(settings.maxAttempts))])
        report.failedForGood = Int(gaveUp.affectedRows)
        failedCounter.increment(by: Int64(gaveUp.affectedRows))
        if let publisher {
            try await republish(publisher, into: &report)
        }
        return report
    }

    private func republish(_ publisher: any ImagePublisher, into report: inout Report) async throws {
        let settings = self.settings
        let logger = self.logger
        let lockName = self.lockName
        let partial = try await pool.withConnection { connection -> Report? in
            let locked = try await connection.query("SELECT GET_LOCK(?, 0) AS got", [.string(lockName)])
            guard try locked.first?.decode("got", as: Int?.self) == 1 else { return nil }
            var report = Report(ranRepublish: true)
            do {
                let stale = try await connection.query(
                    "SELECT id FROM images WHERE \(Self.abandoned) AND attempts < ? ORDER BY id LIMIT ?",
                    [.int(settings.orphanedAfter.microseconds), .int(Int64(settings.maxAttempts)), .int(Int64(settings.batchSize))])
                var staleIDs = try stale.map { try $0.decode("id", as: Int64.self) }
                if !staleIDs.isEmpty {
                    let placeholders = SQLPlaceholders.list(staleIDs.count)
                    let released = try await connection.execute(
                        """
                        UPDATE images SET status = 0, lease_owner = NULL, lease_expires_at = NULL, queued_at = NULL
                        WHERE id IN (\(placeholders)) AND \(Self.abandoned)
                        """, staleIDs.map { .int($0) } + [.int(settings.orphanedAfter.microseconds)])
                    report.leasesReleased = Int(released.affectedRows)
                    if released.affectedRows == 0 { staleIDs = [] }
                }
                // Backlog-aware: while images are being processed, a waiting row counts as lost only if
                // something announced after it is already in progress (nsqd delivers roughly in order), so a
                // long queue draining in order is not announced a second time. Nothing in progress: every
                // stale row qualifies (idle or stalled pipeline, e.g. after nsqd lost its queue).
                let rows = try await connection.query(
                    """
                    SELECT id FROM images
                    WHERE status = 0 AND (
                        (queued_at IS NULL AND created_at < NOW(6) - INTERVAL ? MICROSECOND)
                        OR (queued_at < NOW(6) - INTERVAL ? MICROSECOND
                            AND queued_at < COALESCE((SELECT MAX(queued_at) FROM images WHERE status = 3), NOW(6))
                            AND (next_attempt_at IS NULL OR next_attempt_at < NOW(6) - INTERVAL ? MICROSECOND)))
                    ORDER BY id LIMIT ?
                    """,
                    [
                        .int(settings.unqueuedGrace.microseconds), .int(settings.requeueAfter.microseconds),
                        .int(settings.requeueAfter.microseconds), .int(Int64(settings.batchSize)),
                    ])
                // Released leases are announced at once: their worker is gone. (A duplicate is harmless.)
                let ids = Array(Set(try rows.map { try $0.decode("id", as: Int64.self) } + staleIDs)).sorted()
                if !ids.isEmpty {
                    do {
                        try await publisher.publish(ids)
                        let placeholders = SQLPlaceholders.list(ids.count)
                        try await connection.execute(
                            "UPDATE images SET queued_at = NOW(6) WHERE id IN (\(placeholders))", ids.map { .int($0) })
                        report.republished = ids.count
                    } catch {
                        logger.warning("re-publishing pending images failed", metadata: ["ids": "\(ids.count)", "error": "\(error)"])
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT RELEASE_LOCK(?)", [.string(lockName)])
                throw error
            }
            _ = try await connection.query("SELECT RELEASE_LOCK(?)", [.string(lockName)])
            return report
        }
        guard let partial else { return }
        report.ranRepublish = true
        report.leasesReleased = partial.leasesReleased
        report.republished = partial.republished
        republishedCounter.increment(by: Int64(partial.republished))
    }
}
