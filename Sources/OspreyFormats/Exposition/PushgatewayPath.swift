import OspreyModel

/// The Prometheus pushgateway's URL scheme, `/metrics/job/<job>{/<label>/<value>}`, as
/// `prometheus_client.push_to_gateway` and batch jobs call it, read by the pushgateway's rules:
/// label names match `[a-zA-Z_][a-zA-Z0-9_]*` and do not start with `__` (a path may not rename a
/// series or set any other reserved label), percent-escapes are two hex digits and decode to
/// UTF-8, a name ending in `@base64` has its value in URL-safe base64, and the job is not empty.
public enum PushgatewayPath {
    static let base64Suffix = "@base64"

    /// The grouping labels of a pushgateway path: name/value pairs after `/metrics/`, the first
    /// being `job`. As in the pushgateway, a later pair of the same name wins, except over the job.
    public static func groupingLabels(_ path: String) throws(PushgatewayPathError) -> [Label] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        guard parts.count >= 2, parts.count % 2 == 0 else {
            throw PushgatewayPathError("pushgateway path must be /metrics/job/<job>{/<label>/<value>}, got \(path)")
        }
        var labels: [Label] = []
        var index = parts.startIndex
        while index < parts.endIndex {
            let first = index == parts.startIndex
            var name = try percentDecoded(parts[index], what: "label name")
            var value = try percentDecoded(parts[index + 1], what: "value of \(name)")
            index += 2
            if name.hasSuffix(base64Suffix) {
                name.removeLast(base64Suffix.count)
                guard let decoded = base64URL(value) else {
                    throw PushgatewayPathError("invalid base64 encoding for label \(name)=\"\(value)\": use URL-safe base64")
                }
                value = decoded
            }
            guard MetricNames.isValidLabelName(name), !name.utf8.starts(with: "__".utf8) else {
                throw PushgatewayPathError(
                    "improper label name \"\(name)\" in the path: names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with __")
            }
            if first {
                guard name == "job" else { throw PushgatewayPathError("pushgateway path must start with /metrics/job/, got \(path)") }
                guard !value.isEmpty else { throw PushgatewayPathError("job name is required") }
                labels.append(Label(name, value))
                continue
            }
            // The job comes from its own place in the path only, as the pushgateway sets it last.
            if name == "job" { continue }
            // Names are ASCII here, so String equality is byte equality.
            labels.removeAll { $0.name == name }
            labels.append(Label(name, value))
        }
        return labels
    }

    /// `part` with its `%XX` escapes decoded; a `%` not followed by two hex digits, or bytes
    /// that are not UTF-8, are refused rather than kept as they came.
    static func percentDecoded(_ part: Substring, what: String) throws(PushgatewayPathError) -> String {
        guard part.utf8.contains(UInt8(ascii: "%")) else { return String(part) }
        let decoded: [UInt8]
        do {
            decoded = try part.percentDecodedBytes()
        } catch {
            throw PushgatewayPathError("invalid percent-escape \"\(error.escape)\" in the \(what) \"\(part)\"")
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw PushgatewayPathError("the \(what) \"\(part)\" does not decode to UTF-8")
        }
        return text
    }

    /// Decodes URL-safe base64 (RFC 4648 §5) as the pushgateway does: trailing `=` ignored, so
    /// `=` alone is the empty string; standard base64's `+` and `/`, or text that is not UTF-8, are refused.
    static func base64URL(_ text: String) -> String? {
        var symbols = Array(text.utf8)
        while symbols.last == UInt8(ascii: "=") { symbols.removeLast() }
        guard symbols.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(symbols.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            let sextet: UInt32
            switch symbol {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = UInt32(symbol - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = UInt32(symbol - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = UInt32(symbol - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): sextet = 62
            case UInt8(ascii: "_"): sextet = 63
            default: return nil
            }
            accumulator = accumulator << 6 | sextet
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// A pushgateway path that names no group, with what is wrong.
public struct PushgatewayPathError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
