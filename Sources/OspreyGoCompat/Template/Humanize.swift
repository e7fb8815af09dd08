/// Prometheus's `humanize*` template functions, each printing with Go's `%.4g` as Prometheus does.
enum Humanize {
    /// SI prefixes: 1234567 is `1.235M`, 0.001234 is `1.234m`.
    static func metric(_ value: Double) -> String {
        if value == 0 || value.isNaN || value.isInfinite { return general(value) }
        var scaled = value
        var prefix = ""
        if abs(value) >= 1 {
            for candidate in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(scaled) < 1000 { break }
                prefix = candidate
                scaled /= 1000
            }
        } else {
            for candidate in ["m", "u", "n", "p", "f", "a", "z", "y"] {
                if abs(scaled) >= 1 { break }
                prefix = candidate
                scaled *= 1000
            }
        }
        return general(scaled) + prefix
    }

    /// Binary prefixes: 1024 is `1ki`, 1048576 is `1Mi`.
    static func binary(_ value: Double) -> String {
        if abs(value) <= 1 || value.isNaN || value.isInfinite { return general(value) }
        var scaled = value
        var prefix = ""
        for candidate in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
            if abs(scaled) < 1024 { break }
            prefix = candidate
            scaled /= 1024
        }
        return general(scaled) + prefix
    }

    /// Seconds as days, hours, minutes and seconds (`1d 1h 1m 1s`), or with an SI prefix below
    /// one second (`1.5ms`).
    static func duration(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return general(value) }
        if value == 0 { return general(value) + "s" }
        if abs(value) >= 1 {
            let sign = value < 0 ? "-" : ""
            let magnitude = abs(value)
            // Go's int64 conversion of a huge float is undefined; clamp rather than trap.
            let whole = magnitude < 9.2e18 ? Int64(magnitude) : Int64.max
            let seconds = whole % 60
            let minutes = whole / 60 % 60
            let hours = whole / 3600 % 24
            let days = whole / 86400
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + general(magnitude) + "s"
        }
        var scaled = value
        var prefix = ""
        for candidate in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(scaled) >= 1 { break }
            prefix = candidate
            scaled *= 1000
        }
        return general(scaled) + prefix + "s"
    }

    /// A ratio as a percentage: 0.1234 is `12.34%`.
    static func percentage(_ value: Double) -> String {
        general(value * 100) + "%"
    }

    /// Go's `fmt.Sprintf("%.4g", value)`.
    static func general(_ value: Double) -> String {
        GoFormat.sprintf("%.4g", [.float(value)])
    }
}
