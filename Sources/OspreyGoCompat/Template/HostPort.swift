import Foundation

/// Go's `net.SplitHostPort`, `net.JoinHostPort` and `net.ParseIP`, as `stripPort` and
/// `stripDomain` use them.
enum HostPort {
    /// The host and port of `host:port` or `[v6]:port`; nil where Go reports an error (no port,
    /// too many colons, stray brackets).
    static func split(_ text: String) -> (host: String, port: String)? {
        let characters = Array(text)
        guard let colon = characters.lastIndex(of: ":") else { return nil }
        let host: String
        var hostEnd = 0
        var bracketStart = 0
        if characters.first == "[" {
            guard let close = characters.firstIndex(of: "]"), close + 1 == colon else { return nil }
            host = String(characters[1..<close])
            bracketStart = 1
            hostEnd = close + 1
        } else {
            host = String(characters[..<colon])
            guard !host.contains(":") else { return nil }
        }
        guard !characters[bracketStart...].contains("["), !characters[hostEnd...].contains("]") else { return nil }
        return (host, String(characters[(colon + 1)...]))
    }

    /// `net.JoinHostPort`: brackets around a host with a colon.
    static func join(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether `text` is an IPv4 or IPv6 address, as `net.ParseIP` accepts.
    static func isIPAddress(_ text: String) -> Bool {
        isIPv4(Substring(text)) || isIPv6(text)
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                    let number = Int(part), number <= 255
                else { return false }
                return part.count == 1 || part.first != "0"
            }
    }

    private static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        var groups = text.components(separatedBy: ":")
        var allowed = 8
        if let last = groups.last, last.contains(".") {
            guard isIPv4(Substring(last)) else { return false }
            groups.removeLast()
            allowed = 6
        }
        let compressions = text.components(separatedBy: "::").count - 1
        guard compressions <= 1 else { return false }
        let filled = groups.filter { !$0.isEmpty }
        guard filled.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return compressions == 1 ? filled.count < allowed : filled.count == allowed && groups.count == allowed
    }
}
