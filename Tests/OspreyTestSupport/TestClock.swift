import OspreyModel
import Synchronization

/// A wall clock that stands still until the test moves it.
public final class TestClock: WallClock {
    private let time: Mutex<Timestamp>

    public init(_ start: Timestamp) {
        time = Mutex(start)
    }

    public func now() -> Timestamp {
        time.withLock { $0 }
    }

    public func set(_ timestamp: Timestamp) {
        time.withLock { $0 = timestamp }
    }

    public func advance(by duration: Duration) {
        time.withLock { $0 += duration.milliseconds }
    }
}
