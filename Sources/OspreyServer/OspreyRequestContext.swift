import Foundation
import Hummingbird
import NIOCore

/// A request context that knows the connection its request came on, so a long handler (a
/// query) can notice its client leaving.
protocol ConnectionRequestContext: RequestContext {
    var channel: (any Channel)? { get }
}

/// Osprey's request context: Hummingbird's basic one plus the connection.
struct OspreyRequestContext: ConnectionRequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: (any Channel)?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Slashes unescaped, as Go's encoder writes them (`"/metrics"`, not `"\/metrics"`).
    var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }
}
