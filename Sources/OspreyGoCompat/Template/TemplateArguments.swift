import OspreyModel

/// How function parameters take template values, with Go's conversion rules and errors.
extension TemplateValue {
    /// The value as a `string` parameter takes it.
    func stringArgument() throws(TemplateFunctionError) -> String {
        guard case .string(let text) = self else { throw .wrongType(expected: "string", got: goTypeName) }
        return text
    }

    /// The value as a `*sample` parameter takes it.
    func sampleArgument() throws(TemplateFunctionError) -> TemplateSample {
        switch self {
        case .sample(let sample): return sample
        case .null: throw .failed("runtime error: invalid memory address or nil pointer dereference")
        default: throw .wrongType(expected: "*template.sample", got: goTypeName)
        }
    }

    /// The value as a `queryResult` parameter takes it; nil is an empty result.
    func samplesArgument() throws(TemplateFunctionError) -> [TemplateSample] {
        switch self {
        case .samples(let samples): return samples
        case .null: return []
        default: throw .wrongType(expected: "template.queryResult", got: goTypeName)
        }
    }

    /// Prometheus's `convertToFloat`: floats and ints as they are, strings parsed as Go's `strconv.ParseFloat`.
    func floatArgument() throws(TemplateFunctionError) -> Double {
        switch self {
        case .float(let number): return number
        case .int(let number): return Double(number)
        case .string(let text):
            guard let number = Self.parseGoFloat(text) else {
                throw .failed("strconv.ParseFloat: parsing \(GoQuote.string(text)): invalid syntax")
            }
            return number
        default:
            throw .failed("can't convert \(goTypeName) to float")
        }
    }

    /// Go's `strconv.ParseFloat(text, 64)`: decimal or hex floats, `inf`, `infinity` and `nan` in any case.
    private static func parseGoFloat(_ text: String) -> Double? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        guard let first = body.first, first.isNumber || first == "." else { return nil }
        guard body.allSatisfy({ $0.isASCII && ($0.isHexDigit || ".xXpP+-eE".contains($0)) }) else { return nil }
        guard let magnitude = Double(body) else { return nil }
        return negative ? -magnitude : magnitude
    }
}
