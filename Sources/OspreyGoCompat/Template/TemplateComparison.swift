/// Go text/template's `eq`, `ne`, `lt`, `le`, `gt`, `ge`: only basic values of the same kind
/// compare, so `gt $value 1` is an error (a float64 against an int) and `gt $value 1.0` is not.
enum TemplateComparison {
    /// `eq a b c...`: whether `a` equals any of the others.
    static func equal(_ first: TemplateValue, _ others: [TemplateValue]) throws(TemplateFunctionError) -> Bool {
        guard !others.isEmpty else { throw .failed("missing argument for comparison") }
        for other in others {
            switch (first, other) {
            case (.null, .null): return true
            case (.null, _), (_, .null): continue
            case (.bool(let left), .bool(let right)): if left == right { return true }
            case (.int(let left), .int(let right)): if left == right { return true }
            case (.float(let left), .float(let right)): if left == right { return true }
            case (.string(let left), .string(let right)): if left == right { return true }
            default:
                guard isBasic(first), isBasic(other) else {
                    let odd = isBasic(first) ? other : first
                    throw .failed("non-comparable type \(odd.goText): \(odd.goTypeName)")
                }
                throw .failed("incompatible types for comparison")
            }
        }
        return false
    }

    /// `lt a b`: whether `a` is below `b`.
    static func less(_ left: TemplateValue, _ right: TemplateValue) throws(TemplateFunctionError) -> Bool {
        switch (left, right) {
        case (.int(let left), .int(let right)): return left < right
        case (.float(let left), .float(let right)): return left < right
        case (.string(let left), .string(let right)): return Array(left.utf8).lexicographicallyPrecedes(right.utf8)
        case (.bool, _), (_, .bool): throw .failed("invalid type for comparison")
        default:
            guard isBasic(left), isBasic(right) else { throw .failed("invalid type for comparison") }
            throw .failed("incompatible types for comparison")
        }
    }

    private static func isBasic(_ value: TemplateValue) -> Bool {
        switch value {
        case .bool, .int, .float, .string: true
        default: false
        }
    }
}
