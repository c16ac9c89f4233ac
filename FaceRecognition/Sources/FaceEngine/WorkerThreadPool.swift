import Foundation

/// A fixed set of dedicated threads, each owning one `fe_worker` (dlib nets are not thread-safe).
/// Jobs wait in one FIFO queue and run on whichever worker frees up first. Seconds-long blocking
/// dlib calls therefore never run on NIO event loops or on Swift's cooperative pool.
final class WorkerThreadPool: @unchecked Sendable {
    /// A unit of work; exactly one of `run` or `cancel` is called.
    struct Job {
        var run: (OpaquePointer) -> Void
        var cancel: () -> Void
    }

    // All mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queueHead = 0
    private var isShutDown = false
    private var liveThreads = 0
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    let count: Int

    private init(count: Int) {
        self.count = count
    }

    /// Starts `count` threads; each creates its worker with `makeWorker` (in parallel, model loading takes
    /// ~0.5 s) and then serves jobs. Fails, leaving no thread behind, when any worker cannot be created.
    static func start(
        count: Int, name: String,
        makeWorker: @escaping @Sendable () -> Result<OpaquePointer, FaceEngineError>,
        destroyWorker: @escaping @Sendable (OpaquePointer) -> Void
    ) async throws(FaceEngineError) -> WorkerThreadPool {
        let pool = WorkerThreadPool(count: count)
        let gate = StartupGate(expected: count)
        let failure: FaceEngineError? = await withCheckedContinuation { continuation in
            gate.onComplete = { continuation.resume(returning: $0) }
            pool.condition.lock()
            pool.liveThreads = count
            pool.condition.unlock()
            for index in 0..<count {
                let thread = Thread {
                    switch makeWorker() {
                    case .failure(let error):
                        gate.report(error)
                        pool.threadExited()
                    case .success(let worker):
                        gate.report(nil)
                        pool.serve(worker)
                        destroyWorker(worker)
                        pool.threadExited()
                    }
                }
                thread.name = "\(name)-\(index)"
                thread.stackSize = 16 << 20
                thread.start()
            }
        }
        if let failure {
            await pool.shutdown()
            throw failure
        }
        return pool
    }

    /// Queues a job; cancels it at once when the pool is shut down.
    func submit(_ job: Job) {
        condition.lock()
        if isShutDown {
            condition.unlock()
            job.cancel()
            return
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Number of jobs waiting for a worker.
    var queuedJobs: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count - queueHead
    }

    /// Cancels queued jobs, lets running ones finish, and returns once every thread has exited.
    func shutdown() async {
        let cancelled = beginShutdown()
        for job in cancelled { job.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if liveThreads == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// Non-waiting shutdown (for deinit paths).
    func shutdownWithoutWaiting() {
        for job in beginShutdown() { job.cancel() }
    }

    private func beginShutdown() -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        isShutDown = true
        let pending = Array(queue[queueHead...])
        queue.removeAll()
        queueHead = 0
        condition.broadcast()
        return pending
    }

    private func serve(_ worker: OpaquePointer) {
        while let job = nextJob() {
            job.run(worker)
        }
    }

    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if queueHead < queue.count {
                let job = queue[queueHead]
                queueHead += 1
                if queueHead > 64, queueHead * 2 > queue.count {  // compact now and then
                    queue.removeFirst(queueHead)
                    queueHead = 0
                }
                return job
            }
            if isShutDown { return nil }
            condition.wait()
        }
    }

    private func threadExited() {
        condition.lock()
        liveThreads -= 1
        var waiters: [CheckedContinuation<Void, Never>] = []
        if liveThreads == 0 {
            waiters = exitWaiters
            exitWaiters.removeAll()
        }
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }
}

/// Collects the outcome of every worker's start; completes once with the first failure or nil.
private final class StartupGate: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var firstFailure: FaceEngineError?
    var onComplete: ((FaceEngineError?) -> Void)?

    init(expected: Int) {
        remaining = expected
    }

    func report(_ failure: FaceEngineError?) {
        lock.lock()
        if firstFailure == nil { firstFailure = failure }
        remaining -= 1
        let done = remaining == 0
        let result = firstFailure
        let completion = done ? onComplete : nil
        if done { onComplete = nil }
        lock.unlock()
        completion?(result)
    }
}
