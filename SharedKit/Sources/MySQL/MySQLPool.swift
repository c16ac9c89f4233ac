import Logging
import Metrics
import NIOPosix
import Synchronization

/// A bounded pool of MySQL connections with an async API.
///
/// Every blocking client-library call runs on the pool's own `NIOThreadPool` (one thread per connection),
/// never on an event loop or the cooperative pool. A connection idle for longer than
/// `healthCheckAfterIdle`, or idle since another connection saw the server go away, is pinged before it
/// is handed out and replaced when the ping fails, so the pool heals by itself after a server restart.
public final class MySQLPool: Sendable {
    public let configuration: MySQLConfiguration
    let logger: Logger
    let threadPool: NIOThreadPool
    private let state = Mutex(State())
    private let checkoutTimer: Timer
    private let openGauge: Gauge
    private let errorCounter: Counter

    private struct Waiter {
        var id: UInt64
        /// Resumed with a connection, or nil meaning "a slot is free: open a new connection".
        var continuation: CheckedContinuation<MySQLConnection?, any Error>
    }

    private struct State {
        var idle: [MySQLConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        /// Bumped when a connection is found dead: older idle connections are pinged before reuse.
        var epoch = 0
    }

    private enum Checkout {
        case reuse(MySQLConnection, mustPing: Bool)
        case create
        case wait
    }

    public init(configuration: MySQLConfiguration, logger: Logger = Logger(label: "mysql")) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "db"] = "\(configuration.host):\(configuration.port)/\(configuration.database)"
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.poolSize)
        self.threadPool.start()
        self.checkoutTimer = Timer(label: "mysql_checkout_wait_seconds", preferredDisplayUnit: .seconds)
        self.openGauge = Gauge(label: "mysql_open_connections")
        self.errorCounter = Counter(label: "mysql_errors_total")
    }

    // MARK: - Public API

    /// Leases a healthy connection for the duration of `body`.
    public func withConnection<T: Sendable>(_ body: (MySQLConnectionHandle) async throws -> T) async throws -> T {
        let connection = try await acquire()
        let handle = MySQLConnectionHandle(connection: connection, pool: self)
        do {
            let result = try await body(handle)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs one statement and returns its rows. Retried once on a fresh connection when a reused
    /// connection turns out to be dead, so statements run this way should be idempotent.
    public func query(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> [MySQLRow] {
        try await retryingLostConnection { try await $0.query(sql, parameters) }
    }

    /// Runs one statement without a result set. Same retry rule as `query`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [MySQLValue] = []) async throws -> MySQLExecuteResult {
        try await retryingLostConnection { try await $0.execute(sql, parameters) }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws. A deadlock or
    /// lock wait timeout restarts the whole transaction (up to `conflictRetries` times). `isolation` (e.g.
    /// "SERIALIZABLE") applies to this transaction only; nil keeps the session's level.
    public func transaction<T: Sendable>(
        conflictRetries: Int = 3, isolation: String? = nil, _ body: (MySQLConnectionHandle) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await withConnection { connection in
                    if let isolation { try await connection.run("SET TRANSACTION ISOLATION LEVEL \(isolation)") }
                    try await connection.run("START TRANSACTION")
                    do {
                        let result = try await body(connection)
                        try await connection.run("COMMIT")
                        return result
                    } catch {
                        try? await connection.run("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as MySQLError where error.isRetryableConflict && attempt < conflictRetries {
                attempt += 1
                logger.debug("transaction conflict, retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
        }
    }

    /// Closes every connection and stops the threads. Pending checkouts fail with `.poolClosed`.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state -> ([MySQLConnection], [Waiter]) in
            state.closed = true
            let idle = state.idle
            let waiters = state.waiters
            state.open -= idle.count
            state.idle = []
            state.waiters = []
            return (idle, waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: MySQLError(kind: .poolClosed, message: "pool is shut down"))
        }
        _ = try? await threadPool.runIfActive { _ = idle }
        try? await threadPool.shutdownGracefully()
    }

    /// Whether the server answers right now (used by readiness checks).
    public func isReachable() async -> Bool {
        do {
            _ = try await query("SELECT 1")
            return true
        } catch {
            return false
        }
    }

    // MARK: - Checkout

    private func retryingLostConnection<T: Sendable>(_ body: (MySQLConnectionHandle) async throws -> T) async throws -> T {
        do {
            return try await withConnection(body)
        } catch let error as MySQLError where error.isConnectionLost {
            logger.info("connection lost, retrying once on a new connection", metadata: ["error": "\(error)"])
            return try await withConnection(body)
        }
    }

    private func acquire() async throws -> MySQLConnection {
        let start = ContinuousClock.now
        defer { checkoutTimer.recordNanoseconds((ContinuousClock.now - start).nanoseconds) }
        let checkout = try state.withLock { state -> Checkout in
            if state.closed { throw MySQLError(kind: .poolClosed, message: "pool is shut down") }
            if let connection = state.idle.popLast() {
                let stale = ContinuousClock.now - connection.lastUsed > configuration.healthCheckAfterIdle
                return .reuse(connection, mustPing: stale || connection.epoch != state.epoch)
            }
            if state.open < configuration.poolSize {
                state.open += 1
                return .create
            }
            return .wait
        }
        switch checkout {
        case .reuse(let connection, let mustPing):
            return try await validated(connection, mustPing: mustPing)
        case .create:
            return try await openConnectionInFreeSlot()
        case .wait:
            if let connection = try await waitForConnection() {
                return try await validated(connection, mustPing: false)
            }
            return try await openConnectionInFreeSlot()
        }
    }

    private func validated(_ connection: MySQLConnection, mustPing: Bool) async throws -> MySQLConnection {
        guard mustPing else { return connection }
        let alive = (try? await threadPool.runIfActive { connection.ping() }) ?? false
        if alive {
            connection.epoch = state.withLock { $0.epoch }
            return connection
        }
        logger.info("pooled connection failed its health check; reconnecting")
        state.withLock { $0.epoch += 1 }
        _ = try? await threadPool.runIfActive { _ = connection }  // close it off the caller's thread
        return try await openConnectionInFreeSlot()
    }

    /// Opens a connection for a slot already counted in `open`; gives the slot back on failure.
    private func openConnectionInFreeSlot() async throws -> MySQLConnection {
        let configuration = self.configuration
        do {
            let connection = try await threadPool.runIfActive { try MySQLConnection(configuration: configuration) }
            connection.epoch = state.withLock { $0.epoch }
            openGauge.record(state.withLock { $0.open })
            return connection
        } catch {
            errorCounter.increment()
            logger.warning("cannot connect to MySQL", metadata: ["error": "\(error)"])
            freeSlot()
            throw error
        }
    }

    private func waitForConnection() async throws -> MySQLConnection? {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeout = configuration.checkoutTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.failWaiter(id, MySQLError(kind: .checkoutTimeout, message: "no connection free after \(timeout)"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let closed = state.withLock { state -> Bool in
                    if state.closed { return true }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if closed { continuation.resume(throwing: MySQLError(kind: .poolClosed, message: "pool is shut down")) }
            }
        } onCancel: {
            self.failWaiter(id, CancellationError())
        }
    }

    private func failWaiter(_ id: UInt64, _ error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Gives a slot back: to the first waiter (who will open a connection) or to the pool.
    private func freeSlot() {
        let waiter = state.withLock { state -> Waiter? in
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: nil)
    }

    func release(_ connection: MySQLConnection) async {
        if connection.isBroken {
            errorCounter.increment()
            state.withLock { $0.epoch += 1 }
            _ = try? await threadPool.runIfActive { _ = connection }
            freeSlot()
            return
        }
        connection.lastUsed = .now
        enum Next { case handOff(Waiter), keep, close }
        let next = state.withLock { state -> Next in
            if state.closed {
                state.open -= 1
                return .close
            }
            if !state.waiters.isEmpty { return .handOff(state.waiters.removeFirst()) }
            state.idle.append(connection)
            return .keep
        }
        switch next {
        case .handOff(let waiter): waiter.continuation.resume(returning: connection)
        case .keep: break
        case .close: _ = try? await threadPool.runIfActive { _ = connection }
        }
    }

    /// Number of open connections (for tests and metrics).
    public var openConnections: Int { state.withLock { $0.open } }
}

extension Duration {
    /// Whole nanoseconds, for swift-metrics timers.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
