import NIOCore
import OspreyModel
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server could not start, in one sentence naming what was in the way (the data folder,
/// the address): what `osprey server` prints as its one error line.
public struct StartupFailure: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The HTTP service, whose failure before it listens (the address taken, not the machine's, a
/// port it may not bind) becomes a `StartupFailure` naming the address instead of NIO's
/// `bind(descriptor:ptr:bytes:): Address already in use`.
struct ListeningService: Service {
    let inner: any Service
    let address: ListenAddress
    let listening: ListeningFlag

    func run() async throws {
        do {
            try await inner.run()
        } catch let error as IOError where !listening.isSet {
            throw StartupFailure("cannot listen on \(address): \(String(cString: strerror(error.errnoCode)).lowercased())")
        } catch  where !listening.isSet && !(error is CancellationError) {
            throw StartupFailure("cannot listen on \(address): \(error)")
        }
    }
}

/// Set once the HTTP server's port is bound.
final class ListeningFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
