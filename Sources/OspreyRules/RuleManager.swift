import Foundation
import Logging
import OspreyModel
import OspreyNotification
import OspreyQuery
import Synchronization

/// Runs every rule group on its interval, and keeps the groups in step with the rule files: a
/// reload starts new groups, stops removed ones, and hands the alerts of unchanged rules over to
/// the new groups so that nothing fires again or resolves by mistake.
public actor RuleManager {
    /// Called with the alerts to notify after each group evaluation.
    public typealias Notify = @Sendable ([Alert]) async -> Void

    private var context: RuleEvaluationContext
    private let notify: Notify
    private let logger: Logger
    private var running: [String: RunningGroup] = [:]
    /// Group keys in file order, for the API.
    private var order: [String] = []
    /// Whether groups started from now on are new groups of a reload rather than of the start,
    /// which restore their `for` state from storage.
    private var hasApplied = false

    /// A group's evaluation task and its latest state.
    private final class RunningGroup: Sendable {
        let group: Mutex<RuleGroup>
        let task: Mutex<Task<Void, Never>?> = Mutex(nil)
        init(_ group: RuleGroup) { self.group = Mutex(group) }

        /// Evaluates the group on a thread of its own (queries compute without suspending) and
        /// keeps the result; returns the alerts to notify.
        func evaluate(at time: Timestamp, context: RuleEvaluationContext, restoring: Bool) async -> [Alert] {
            let group = self.group.withLock { $0 }
            let (evaluated, alerts) = await onOwnThread { _ throws(Never) in
                var group = group
                let alerts = group.evaluate(at: time, context: context, restoring: restoring)
                return (group, alerts)
            }
            self.group.withLock { $0 = evaluated }
            return alerts
        }
    }

    public init(context: RuleEvaluationContext, logger: Logger, notify: @escaping Notify) {
        self.context = context
        self.logger = logger
        self.notify = notify
    }

    /// Puts `files` in force with groups evaluated every `defaultInterval` unless they say otherwise.
    public func apply(_ files: [RuleFile], defaultInterval: Duration, context: RuleEvaluationContext? = nil) async {
        if let context { self.context = context }
        var wanted: [String: RuleGroup] = [:]
        var keys: [String] = []
        for file in files {
            for definition in file.groups {
                let group = RuleGroup(file: file.path, definition: definition, defaultInterval: defaultInterval)
                wanted[group.key] = group
                keys.append(group.key)
            }
        }
        var inherited: [String: RuleGroup] = [:]
        for (key, old) in running {
            old.task.withLock { $0 }?.cancel()
            await old.task.withLock { $0 }?.value
            inherited[key] = old.group.withLock { $0 }
        }
        running = [:]
        let context = self.context
        let restoring = !hasApplied
        hasApplied = true
        for key in keys {
            guard var group = wanted[key] else { continue }
            if let old = inherited[key] { group.inherit(from: old) }
            let runner = RunningGroup(group)
            running[key] = runner
            let restoresState = restoring && inherited[key] == nil
            let task = Task { [context, notify, logger] in
                await Self.run(runner, context: context, restoring: restoresState, notify: notify, logger: logger)
            }
            runner.task.withLock { $0 = task }
        }
        order = keys
    }

    /// The groups with their rules, health and alerts, in file order.
    public func groups() -> [RuleGroupStatus] {
        order.compactMap { running[$0]?.group.withLock { $0.status } }
    }

    /// Evaluates every group once at `time`, all groups at once as their schedules would, and
    /// notifies their alerts; for benchmarks and for checking rules against stored data.
    public func evaluateAll(at time: Timestamp) async -> [RuleGroupStatus] {
        let context = self.context
        let notify = self.notify
        let runners = order.compactMap { running[$0] }
        await withTaskGroup(of: Void.self) { tasks in
            for runner in runners {
                tasks.addTask {
                    let alerts = await runner.evaluate(at: time, context: context, restoring: false)
                    if !alerts.isEmpty { await notify(alerts) }
                }
            }
        }
        return groups()
    }

    /// Stops every group.
    public func shutdown() async {
        for runner in running.values {
            runner.task.withLock { $0 }?.cancel()
            await runner.task.withLock { $0 }?.value
        }
        running = [:]
        order = []
    }

    /// Evaluates `runner`'s group at each tick of its interval until cancelled. Ticks fall at a
    /// fixed offset within the interval, from the group's key, so groups spread out over it.
    private static func run(
        _ runner: RunningGroup, context: RuleEvaluationContext, restoring: Bool, notify: Notify, logger: Logger
    ) async {
        let (key, interval, queryOffset) = runner.group.withLock { ($0.key, $0.interval.milliseconds, $0.definition.queryOffset.milliseconds) }
        var hash = FNV1a()
        hash.add(key)
        let offset = Int64(hash.value % UInt64(max(interval, 1)))
        var restoring = restoring
        var tick = nextTick(after: Date().milliseconds, interval: interval, offset: offset)
        while !Task.isCancelled {
            let wait = tick - Date().milliseconds
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { return }
            }
            let alerts = await runner.evaluate(at: tick - queryOffset, context: context, restoring: restoring)
            restoring = false
            if !alerts.isEmpty { await notify(alerts) }
            let now = Date().milliseconds
            tick += interval
            if tick <= now {
                let missed = (now - tick) / interval + 1
                runner.group.withLock { $0.noteMissedIterations(Int(missed)) }
                logger.warning(
                    "rule group evaluation took longer than its interval; skipping ticks",
                    metadata: ["group": "\(key)", "missed": "\(missed)"])
                tick = nextTick(after: now, interval: interval, offset: offset)
            }
        }
    }

    /// The first time after `now` that is `offset` past a multiple of `interval`.
    static func nextTick(after now: Timestamp, interval: Int64, offset: Int64) -> Timestamp {
        let base = now - (now % interval) + offset
        return base > now ? base : base + interval
    }
}
