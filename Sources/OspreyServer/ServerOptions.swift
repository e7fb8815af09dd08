import Logging
import OspreyModel

extension ListenAddress {
    /// The server's default: loopback, port 9300.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 9300)
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
