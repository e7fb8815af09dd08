import Foundation

/// Collects what a running child process writes, safely across the reading thread and the test.
public final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    public init() {}

    public func attach(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    public var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
