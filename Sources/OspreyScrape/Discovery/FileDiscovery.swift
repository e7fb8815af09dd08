import Logging
import OspreyConfig

// Placeholder until the file_sd implementation lands from its branch.
public final class FileDiscovery: Sendable {
    public init(_ config: FileSDConfiguration, pollInterval: Duration = .seconds(5), logger: Logger) {}
    public func read() -> [TargetGroup] { [] }
    public func updates() -> AsyncStream<[TargetGroup]> { AsyncStream { $0.finish() } }
}
