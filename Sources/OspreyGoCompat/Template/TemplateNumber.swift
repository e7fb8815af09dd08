/// A Go number constant as a template writes it, typed the way text/template passes it to a
/// function: a whole number (`42`, `0x1F`, `0o17`, `'a'`) is an `int`, and one with a point or
/// a decimal exponent (`1.5`, `1e3`) a `float64`.
enum TemplateNumber {
    /// The value of `literal`, or nil when it is no Go number.
    static func value(of literal: String) -> TemplateValue? {
        var text = String(literal.filter { $0 != "_" })
        var negative = false
        if text.hasPrefix("+") || text.hasPrefix("-") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        }
        let lower = text.lowercased()
        let radix: Int? =
            lower.hasPrefix("0x") ? 16 : lower.hasPrefix("0o") ? 8 : lower.hasPrefix("0b") ? 2 : nil
        if let radix, !(radix == 16 && lower.contains("p")) {
            guard let magnitude = Int(lower.dropFirst(2), radix: radix) else { return nil }
            return .int(negative ? -magnitude : magnitude)
        }
        if lower.contains(".") || lower.contains("e") || lower.contains("p") {
            guard let magnitude = Double(lower), lower.first != "e" else { return nil }
            return .float(negative ? -magnitude : magnitude)
        }
        if lower.count > 1, lower.hasPrefix("0") {
            guard let magnitude = Int(lower.dropFirst(), radix: 8) else { return nil }
            return .int(negative ? -magnitude : magnitude)
        }
        if let magnitude = Int(lower) { return .int(negative ? -magnitude : magnitude) }
        // Too large for an int: Go keeps it as a float64 constant.
        guard !lower.isEmpty, lower.allSatisfy(\.isNumber), let magnitude = Double(lower) else { return nil }
        return .float(negative ? -magnitude : magnitude)
    }
}
