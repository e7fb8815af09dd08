/// Splits `host:port` (or `[v6]:port`, or a bare host) the way targets are written.
enum ProbeTargetAddress {
    static func split(_ target: String, defaultPort: Int?) -> (host: String, port: Int)? {
        if target.hasPrefix("["), let close = target.firstIndex(of: "]") {
            let host = String(target[target.index(after: target.startIndex)..<close])
            let rest = target[target.index(after: close)...]
            if rest.isEmpty { return defaultPort.map { (host, $0) } }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        let colons = target.filter { $0 == ":" }.count
        if colons == 1, let colon = target.lastIndex(of: ":") {
            guard let port = Int(target[target.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            return (String(target[..<colon]), port)
        }
        // No port, or a bare IPv6 literal.
        return defaultPort.map { (target, $0) }
    }

    /// Blackbox's `probe_ip_addr_hash`: FNV-1a (32 bit) of the address text, so a changing
    /// address shows up as a changing number.
    static func hash(_ ip: String) -> Double {
        var hash: UInt32 = 2_166_136_261
        for byte in ip.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Double(hash)
    }
}
