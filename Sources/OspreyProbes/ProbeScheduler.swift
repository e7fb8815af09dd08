import Foundation
import Logging
import OspreyModel
import OspreyStorage
import Synchronization

/// Runs every scheduled probe at its place in its interval and stores each result through the
/// Appender with blackbox exporter's metric names. A probe still running when its next turn
/// comes is not started again: the turn is skipped and counted, so a hanging target never piles
/// up probes or delays the others. Probes run concurrently, at most `maxConcurrent()` at once.
public actor ProbeScheduler {
    /// Runs one probe now.
    public typealias Run = @Sendable (ScheduledProbe) async -> ProbeResult

    private let storage: @Sendable () -> (any Appendable)?
    private let slots: ProbeSlots
    private let run: Run
    private let logger: Logger
    private let clock: any WallClock
    private var running: [ScheduledProbe: Loop] = [:]
    private var order: [ScheduledProbe] = []

    /// One probe's loop and what it found.
    private final class Loop: Sendable {
        let status: Mutex<ProbeStatus>
        let inFlight = Atomic(false)
        let written = Mutex(StalenessTracker())
        let task = Mutex<Task<Void, Never>?>(nil)
        init(_ probe: ScheduledProbe) { status = Mutex(ProbeStatus(probe: probe)) }
    }

    public init(
        storage: @escaping @Sendable () -> (any Appendable)?, maxConcurrent: @escaping @Sendable () -> Int, logger: Logger,
        clock: any WallClock = SystemClock(), run: @escaping Run
    ) {
        self.init(storage: storage, slots: ProbeSlots(limit: maxConcurrent), logger: logger, clock: clock, run: run)
    }

    /// With slots shared with others (the server's ad-hoc `/probe`).
    public init(
        storage: @escaping @Sendable () -> (any Appendable)?, slots: ProbeSlots, logger: Logger,
        clock: any WallClock = SystemClock(), run: @escaping Run
    ) {
        self.storage = storage
        self.slots = slots
        self.logger = logger
        self.clock = clock
        self.run = run
    }

    /// Takes a new set of probes: new ones start, removed ones stop, unchanged ones go on.
    public func apply(_ probes: [ScheduledProbe]) {
        let wanted = Set(probes)
        for (probe, loop) in running where !wanted.contains(probe) {
            loop.task.withLock { $0 }?.cancel()
            running[probe] = nil
        }
        for probe in probes where running[probe] == nil {
            let loop = Loop(probe)
            running[probe] = loop
            let task = Task { [storage, slots, run, logger, clock] in
                await Self.schedule(probe, loop: loop, storage: storage, slots: slots, run: run, logger: logger, clock: clock)
            }
            loop.task.withLock { $0 = task }
        }
        order = probes
    }

    /// Every probe's status, in config order.
    public func statuses() -> [ProbeStatus] {
        order.compactMap { running[$0]?.status.withLock { $0 } }
    }

    /// Stops every probe and waits for their loops to end.
    public func shutdown() async {
        for loop in running.values {
            loop.task.withLock { $0 }?.cancel()
        }
        for loop in running.values {
            await loop.task.withLock { $0 }?.value
        }
        running = [:]
        order = []
    }

    private static func schedule(
        _ probe: ScheduledProbe, loop: Loop, storage: @escaping @Sendable () -> (any Appendable)?, slots: ProbeSlots,
        run: @escaping Run, logger: Logger, clock: any WallClock
    ) async {
        await withTaskGroup(of: Void.self) { probes in
            // The next turn falls at or after this instant: past the last one, and turns missed
            // while the machine was too busy to wake us are not made up.
            var earliest = clock.now() + 1
            while !Task.isCancelled {
                let delay = StableSchedule.delay(untilOffset: probe.stableHash, interval: probe.interval, now: earliest &* 1_000_000)
                let turn = earliest + (delay.nanoseconds + 999_999) / 1_000_000
                do { try await clock.sleep(until: turn) } catch { break }
                earliest = max(turn + 1, clock.now())
                guard loop.inFlight.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
                    loop.status.withLock { $0.skipped += 1 }
                    logger.warning(
                        "probe still running at its next turn; turn skipped",
                        metadata: ["job": "\(probe.job)", "target": "\(probe.target)"])
                    continue
                }
                probes.addTask {
                    defer { loop.inFlight.store(false, ordering: .releasing) }
                    let started = clock.now()
                    let result = await slots.withSlot { await run(probe) }
                    record(result, of: probe, startedAt: started, at: clock.now(), loop: loop, storage: storage, logger: logger)
                }
            }
            probes.cancelAll()
        }
    }

    private static func record(
        _ result: ProbeResult, of probe: ScheduledProbe, startedAt: Timestamp, at finished: Timestamp, loop: Loop,
        storage: @Sendable () -> (any Appendable)?, logger: Logger
    ) {
        let now = Date(timeIntervalSince1970: Double(finished) / 1000)
        loop.status.withLock { status in
            status.runs += 1
            status.lastProbe = now
            status.lastDuration = result.duration
            status.lastSucceeded = result.success
            if result.success {
                status.lastSuccess = now
            } else {
                status.lastError = result.failure
            }
        }
        if !result.success {
            logger.info(
                "probe failed",
                metadata: ["job": "\(probe.job)", "target": "\(probe.target)", "module": "\(probe.module)", "error": "\(result.failure ?? "")"])
        }
        guard let appendable = storage() else { return }
        let time = startedAt
        do {
            try loop.written.withLock { written throws(StorageError) in
                try written.write(probe.series(of: result), at: time, to: appendable)
            }
        } catch {
            logger.error("probe result not stored", metadata: ["target": "\(probe.target)", "error": "\(error)"])
        }
    }
}
