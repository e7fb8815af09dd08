// Keeps tests that assert a latency or a schedule (a health check within a second, a probe every
// 2 s) away from the suites that load the machine: on two cores, a browser and a few server
// binaries beside them would otherwise decide the figure.
import Testing

extension Trait where Self == LoadGate.Trait {
    /// The suite loads the machine (browsers, binaries): tests that need a quiet machine wait
    /// until it and every other such suite of the run have finished.
    public static var loadsTheMachine: Self { Self(role: .load) }

    /// The test asserts a latency or a schedule: it runs once the suites that load the machine
    /// are done, and alone among the tests that carry this trait.
    public static var needsAQuietMachine: Self { Self(role: .quiet) }
}

/// The run's bookkeeping: how many loading suites are planned and not yet done, and whether a
/// test that needs a quiet machine is running.
public actor LoadGate {
    public struct Trait: SuiteTrait, TestTrait, TestScoping {
        enum Role: Sendable { case load, quiet }
        let role: Role

        public func prepare(for test: Test) async throws {
            if role == .load && test.isSuite { await LoadGate.run.plan() }
        }

        public func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            switch role {
            case .load:
                defer { Task { await LoadGate.run.finish() } }
                try await function()
            case .quiet:
                await LoadGate.run.enterQuiet()
                defer { Task { await LoadGate.run.leaveQuiet() } }
                try await function()
            }
        }
    }

    static let run = LoadGate()

    /// However the plan was counted, a test waits no longer than this for the load.
    static let longestWait: Duration = .seconds(600)

    private var loadsPending = 0
    private var quietRunning = false

    private func plan() { loadsPending += 1 }

    private func finish() { loadsPending = max(0, loadsPending - 1) }

    private func enterQuiet() async {
        let deadline = ContinuousClock.now + Self.longestWait
        while quietRunning || (loadsPending > 0 && ContinuousClock.now < deadline) {
            try? await Task.sleep(for: .milliseconds(250))
        }
        if loadsPending > 0 {
            print("LoadGate: \(loadsPending) loading suite(s) still running after \(Self.longestWait); the quiet test goes on")
        }
        quietRunning = true
    }

    private func leaveQuiet() { quietRunning = false }
}
