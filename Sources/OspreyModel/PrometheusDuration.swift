/// Durations as Prometheus writes them: `1h30m`, `15s`, `500ms`, `2w`, units in decreasing order,
/// each at most once.
public struct DurationSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    /// Well formed, but longer than Prometheus's durations go (64-bit nanoseconds, 292 years).
    public var outOfRange: Bool

    public init(text: String, outOfRange: Bool = false) {
        self.text = text
        self.outOfRange = outOfRange
    }

    public var description: String {
        if outOfRange {
            return "bad duration \"\(text)\": out of range, Prometheus durations go up to "
                + "\(Duration.longestPrometheus.prometheusString) (about 292 years)"
        }
        return "bad duration \"\(text)\": use a number and a unit (ms, s, m, h, d, w, y), e.g. 15s or 1h30m"
    }
}

extension Duration {
    /// The longest duration Prometheus reads (`model.ParseDuration` counts in int64 nanoseconds),
    /// and so the longest in any config or rule file: every time plus or minus one stays far
    /// inside 64-bit milliseconds.
    public static let longestPrometheus = Duration.milliseconds(Int64.max / 1_000_000)

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
            guard !digits.isEmpty else { throw DurationSyntaxError(text: text) }
            // More digits than 64 bits hold is a number too large, as Go's ParseInt says.
            let number = Int64(String(decoding: digits, as: UTF8.self)) ?? .max
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
            guard !overflow1, !overflow2, sum <= Self.longestPrometheus.milliseconds else {
                throw DurationSyntaxError(text: text, outOfRange: true)
            }
            total = sum
        }
        self = .milliseconds(total)
    }

    /// Whole milliseconds, rounded toward zero; beyond 64 bits, the nearest end.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedSaturated(by: 1000).addingSaturated(attoseconds / 1_000_000_000_000_000)
    }

    /// Whole nanoseconds, rounded toward zero; beyond 64 bits (292 years), the nearest end.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedSaturated(by: 1_000_000_000).addingSaturated(attoseconds / 1_000_000_000)
    }

    /// Seconds as a fraction, for rates and for Prometheus's float-seconds fields.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Prometheus's spelling, e.g. `1h30m` or `0s`. Years and weeks only when they divide the
    /// duration exactly, as Prometheus prints `90d` rather than `12w6d`.
    public var prometheusString: String {
        let signed = milliseconds
        guard signed != 0 else { return "0s" }
        var text = signed < 0 ? "-" : ""
        // The magnitude, as `abs` of the most negative duration would trap.
        var remaining = signed.magnitude
        for unit in Self.units where remaining >= UInt64(unit.milliseconds) {
            let size = UInt64(unit.milliseconds)
            let onlyWhenExact = unit.name == "y" || unit.name == "w"
            if onlyWhenExact && remaining % size != 0 { continue }
            text += "\(remaining / size)\(unit.name)"
            remaining %= size
        }
        return text
    }
}
