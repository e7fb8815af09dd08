/// Durations as Prometheus writes them: `1h30m`, `15s`, `500ms`, `2w`, units in decreasing order,
/// each at most once.
public struct DurationSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "bad duration \"\(text)\": use a number and a unit (ms, s, m, h, d, w, y), e.g. 15s or 1h30m"
    }
}

extension Duration {
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000), ("w", 7 * 24 * 3_600_000), ("d", 24 * 3_600_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses Prometheus's duration syntax. `0` alone is allowed, as in Prometheus.
    public init(prometheus text: some StringProtocol) throws(DurationSyntaxError) {
        let text = String(text)
        if text == "0" {
            self = .zero
            return
        }
        var bytes = Substring(text).utf8[...]
        var total: Int64 = 0
        var lastUnitIndex = -1
        guard !bytes.isEmpty else { throw DurationSyntaxError(text: text) }
        while !bytes.isEmpty {
            let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard !digits.isEmpty, let number = Int64(String(decoding: digits, as: UTF8.self)) else {
                throw DurationSyntaxError(text: text)
            }
            bytes = bytes.dropFirst(digits.count)
            let letters = bytes.prefix { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
            let unit = String(decoding: letters, as: UTF8.self)
            guard let index = Self.units.firstIndex(where: { $0.name == unit }), index > lastUnitIndex else {
                throw DurationSyntaxError(text: text)
            }
            lastUnitIndex = index
            bytes = bytes.dropFirst(letters.count)
            let (product, overflow1) = number.multipliedReportingOverflow(by: Self.units[index].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else { throw DurationSyntaxError(text: text) }
            total = sum
        }
        self = .milliseconds(total)
    }

    /// Whole milliseconds, rounded toward zero.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, rounded toward zero.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a fraction, for rates and for Prometheus's float-seconds fields.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Prometheus's spelling, e.g. `1h30m` or `0s`. Years and weeks only when they divide the
    /// duration exactly, as Prometheus prints `90d` rather than `12w6d`.
    public var prometheusString: String {
        var remaining = milliseconds
        guard remaining != 0 else { return "0s" }
        var text = remaining < 0 ? "-" : ""
        remaining = abs(remaining)
        for unit in Self.units where remaining >= unit.milliseconds {
            let onlyWhenExact = unit.name == "y" || unit.name == "w"
            if onlyWhenExact && remaining % unit.milliseconds != 0 { continue }
            text += "\(remaining / unit.milliseconds)\(unit.name)"
            remaining %= unit.milliseconds
        }
        return text
    }
}
