import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where big pushes do their heavy work (inflating, parsing and staging blocks): threads of
/// their own rather than Swift's cooperative pool. The pool runs each job to its end, one after
/// another, so a few bombs' 4 MiB blocks queued ahead of a one-line push, a query or a health
/// check made them wait for seconds; on threads of their own the kernel shares the cores between
/// the bombs and everything else. A push moves here once its body proves bigger than a block;
/// small pushes never come here and never wait behind big ones. The threads also run at a lower
/// priority (nice 10): with both cores busy parsing bombs, a one-line push hops between a few
/// threads, and at equal priority each hop could wait out a time slice.
public final class IngestLane: TaskExecutor, @unchecked Sendable {
    public static let shared = IngestLane(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Guards `queue`; workers wait on it for jobs.
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var next = 0

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                Self.lowerPriorityOfThisThread()
                work()
            }
            thread.name = "osprey-ingest-\(index)"
            thread.start()
        }
    }

    /// Linux keeps a nice value per thread: `setpriority` for the process id 0 sets the caller's.
    private static func lowerPriorityOfThisThread() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs in the order they came, for as long as the process lives.
    private func work() {
        while true {
            condition.lock()
            while next == queue.count { condition.wait() }
            let job = queue[next]
            next += 1
            if next == queue.count {
                queue.removeAll(keepingCapacity: true)
                next = 0
            } else if next >= 1024 {
                queue.removeFirst(next)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
