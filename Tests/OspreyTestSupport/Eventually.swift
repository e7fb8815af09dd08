/// Polls until `condition` holds, with a generous deadline rather than a fixed sleep.
public func eventually(
    timeout: Duration = .seconds(30), file: StaticString = #fileID, line: UInt = #line,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("condition of \(file):\(line) not met within \(timeout)")
}
