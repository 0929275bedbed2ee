import Foundation

/// Threads of their own for tasks that block: the REPL waiting in libedit's readline, or a
/// server's requests waiting for the database in libpq. Blocking one of them stalls none of the
/// few threads of Swift's shared pool.
///
/// Scheduling is chosen for short requests: a job that a running job enqueues (a continuation
/// of the same request, most of the time) runs next on the same thread instead of waking
/// another one, and an idle thread that is woken is the one that slept last. Before a thread
/// blocks in libpq it hands such a job to another thread (`willBlock`).
public final class BlockingExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor `run` put the current task on, if any.
    @TaskLocal public static var current: BlockingExecutor?
    @TaskLocal package static var databaseCallsInline = false

    private final class Worker: @unchecked Sendable {
        package unowned let executor: BlockingExecutor
        package let wake = DispatchSemaphore(value: 0)
        /// The job a job running on this thread enqueued; only this thread touches it.
        package var next: UnownedJob?

        package init(executor: BlockingExecutor) { self.executor = executor }

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            return key
        }()

        /// The worker running on this thread, if it is one.
        package static var current: Worker? {
            get { pthread_getspecific(key).map { Unmanaged<Worker>.fromOpaque($0).takeUnretainedValue() } }
            set { pthread_setspecific(key, newValue.map { Unmanaged.passUnretained($0).toOpaque() }) }
        }
    }

    private struct State {
        package var jobs: [UnownedJob] = []
        package var head = 0
        package var idle: [Worker] = []
        package var running = 0
        package var stopping = false

        package mutating func pop() -> UnownedJob? {
            guard head < jobs.count else { return nil }
            defer {
                head += 1
                if head == jobs.count || (head >= 1_024 && head * 2 >= jobs.count) {
                    jobs.removeFirst(head)
                    head = 0
                }
            }
            return jobs[head]
        }
    }

    private let name: String
    private let lock = NSLock()
    private var state = State()

    /// Starts `threads` threads named `name-1`, `name-2`, ...
    public init(name: String, threads: Int = 1) {
        self.name = name
        let count = max(1, threads)
        state.running = count
        for number in 1...count { start(name: count == 1 ? name : "\(name)-\(number)") }
    }

    /// Runs `body` (and the child tasks it starts) on these threads. With `databaseCallsInline`,
    /// a statement blocks the thread it runs on until the server answers, instead of going to
    /// its connection's queue and coming back: two thread switches fewer per statement, which
    /// is much of a short request's cost. Only for executors with a thread per pooled
    /// connection to spare: each statement in flight holds one.
    public func run<T>(databaseCallsInline: Bool = false, _ body: () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(self) {
            try await Self.$current.withValue(self) {
                try await Self.$databaseCallsInline.withValue(databaseCallsInline) { try await body() }
            }
        }
    }

    /// Lets the threads end once no job is left; a job enqueued later still runs.
    public func shutdown() {
        let sleepers = lock.withLock {
            state.stopping = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for worker in sleepers { worker.wake.signal() }
    }

    /// Whether a libpq call may block the calling thread: the task asked for it and runs here.
    package static var mayBlockForDatabase: Bool {
        guard databaseCallsInline, let current else { return false }
        return withUnsafeCurrentTask { $0?.unownedTaskExecutor } == current.asUnownedTaskExecutor()
    }

    /// Called by a job about to block its thread: the job it enqueued goes to another thread.
    package static func willBlock() {
        guard let worker = Worker.current, let job = worker.next else { return }
        worker.next = nil
        worker.executor.share(job)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if let worker = Worker.current, worker.executor === self, worker.next == nil {
            worker.next = job
        } else {
            share(job)
        }
    }

    private func share(_ job: UnownedJob) {
        let (sleeper, restart) = lock.withLock { () -> (Worker?, Bool) in
            state.jobs.append(job)
            if let sleeper = state.idle.popLast() { return (sleeper, false) }
            guard state.stopping, state.running == 0 else { return (nil, false) }
            state.running = 1
            return (nil, true)
        }
        sleeper?.wake.signal()
        if restart { start(name: name) }
    }

    private func start(name: String) {
        let thread = Thread { [self] in
            // Set from the thread itself, Foundation names the system thread too (`top -H`, perf).
            Thread.current.name = name
            work(Worker(executor: self))
        }
        thread.start()
    }

    private func work(_ worker: Worker) {
        Worker.current = worker
        defer { Worker.current = nil }
        while true {
            if let job = worker.next {
                worker.next = nil
                job.runSynchronously(on: asUnownedTaskExecutor())
                continue
            }
            let (job, park) = lock.withLock { () -> (UnownedJob?, Bool) in
                if let job = state.pop() { return (job, false) }
                if state.stopping {
                    state.running -= 1
                    return (nil, false)
                }
                state.idle.append(worker)
                return (nil, true)
            }
            if let job {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else if park {
                worker.wake.wait()
            } else {
                return
            }
        }
    }
}
