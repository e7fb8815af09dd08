import Logging

/// `HOST:PORT` to listen on; port 0 picks a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let `default` = ListenAddress(host: "127.0.0.1", port: 9300)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9300`, `[::1]:9300` or `:9300` (every interface).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Everything `osprey server` is started with.
public struct ServerOptions: Sendable {
    public var listen: ListenAddress
    public var dataPath: String
    /// Config file; nil runs on the embedded defaults.
    public var configPath: String?
    /// Whether SIGTERM/SIGINT stop the server and SIGHUP reloads; off for servers inside tests.
    public var handlesSignals: Bool
    /// Whether, with no config file, the server scrapes its own `/metrics` as job `osprey`;
    /// off for servers inside tests and benchmarks, whose stored series are counted.
    public var selfScrape: Bool

    public init(
        listen: ListenAddress = .default, dataPath: String = "./data", configPath: String? = nil,
        handlesSignals: Bool = true, selfScrape: Bool = true
    ) {
        self.listen = listen
        self.dataPath = dataPath
        self.configPath = configPath
        self.handlesSignals = handlesSignals
        self.selfScrape = selfScrape
    }
}
