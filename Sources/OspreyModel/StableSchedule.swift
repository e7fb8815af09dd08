/// Runs that fall at the same offset in every interval, found from a hash of what runs, so that
/// many scrapes or probes spread over the interval and keep their place across restarts.
public enum StableSchedule {
    /// Time from `now` (Unix nanoseconds) to the next instant whose distance from a whole
    /// multiple of `interval` is `hash` modulo the interval.
    public static func delay(untilOffset hash: UInt64, interval: Duration, now: Int64) -> Duration {
        let interval = max(interval.nanoseconds, 1)
        let offset = Int64(truncatingIfNeeded: hash % UInt64(interval))
        var wait = (offset - now % interval) % interval
        if wait < 0 { wait += interval }
        return .nanoseconds(wait)
    }
}
