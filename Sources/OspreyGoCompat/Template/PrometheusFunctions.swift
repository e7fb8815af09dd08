import Foundation
import OspreyModel

extension TemplateFunction {
    /// The functions Prometheus adds to alert templates, with its argument rules: the
    /// humanizers take numbers or numeric strings, query helpers take `query` results.
    static let prometheusFunctions: [String: TemplateFunction] = [
        "query": TemplateFunction(arity: .exactly(1)) { context, arguments throws(TemplateFunctionError) in
            let expression = try arguments[0].stringArgument()
            guard let query = context.query else { throw .failed("no query engine is available to this template") }
            do {
                return .samples(try query(expression))
            } catch {
                throw .failed("\(error)")
            }
        },
        "first": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            guard let first = try arguments[0].samplesArgument().first else {
                throw .failed("first() called on vector with no elements")
            }
            return .sample(first)
        },
        "label": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            let name = try arguments[0].stringArgument()
            return .string(try arguments[1].sampleArgument().labels[name] ?? "")
        },
        "value": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            .float(try arguments[0].sampleArgument().value)
        },
        "strvalue": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            .string(try arguments[0].sampleArgument().labels["__value__"] ?? "")
        },
        "sortByLabel": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            let name = try arguments[0].stringArgument()
            let samples = try arguments[1].samplesArgument()
            // Go's sort.Stable: equal labels keep their order.
            let sorted = samples.enumerated().sorted { left, right in
                let leftLabel = left.element.labels[name] ?? ""
                let rightLabel = right.element.labels[name] ?? ""
                return leftLabel == rightLabel ? left.offset < right.offset : Array(leftLabel.utf8).lexicographicallyPrecedes(rightLabel.utf8)
            }
            return .samples(sorted.map(\.element))
        },
        "args": TemplateFunction(arity: .atLeast(0)) { _, arguments in
            var map: [String: TemplateValue] = [:]
            for (index, argument) in arguments.enumerated() { map["arg\(index)"] = argument }
            return .map(map)
        },
        "reReplaceAll": TemplateFunction(arity: .exactly(3)) { _, arguments throws(TemplateFunctionError) in
            let pattern = try arguments[0].stringArgument()
            let replacement = try arguments[1].stringArgument()
            let text = try arguments[2].stringArgument()
            let regex = try TemplateRegex.compile(pattern, failure: { "regexp: Compile(`\(pattern)`): \($0)" })
            return .string(regex.replacingAll(in: text) { GoRegexExpansion.expand(replacement, match: $0) })
        },
        "match": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            let pattern = try arguments[0].stringArgument()
            let text = try arguments[1].stringArgument()
            let regex = try TemplateRegex.compile(pattern, failure: { $0 })
            return .bool(regex.matches(text))
        },
        "safeHtml": stringFunction { $0 },
        "title": stringFunction(goTitle),
        "toUpper": stringFunction { $0.uppercased() },
        "toLower": stringFunction { $0.lowercased() },
        "stripPort": stringFunction { HostPort.split($0)?.host ?? $0 },
        "stripDomain": stringFunction { hostPort in
            let parts = HostPort.split(hostPort)
            let host = parts?.host ?? hostPort
            if HostPort.isIPAddress(host) { return hostPort }
            let name = String(host.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
            guard let port = parts?.port, !port.isEmpty else { return name }
            return HostPort.join(name, port)
        },
        "graphLink": stringFunction { "/graph?g0.expr=\(GoEscape.queryEscape($0))&g0.tab=0" },
        "tableLink": stringFunction { "/graph?g0.expr=\(GoEscape.queryEscape($0))&g0.tab=1" },
        "humanize": numberFunction(Humanize.metric),
        "humanize1024": numberFunction(Humanize.binary),
        "humanizeDuration": numberFunction(Humanize.duration),
        "humanizePercentage": numberFunction(Humanize.percentage),
        "humanizeTimestamp": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            let seconds = try arguments[0].floatArgument()
            if seconds.isNaN || seconds.isInfinite { return .string(Humanize.general(seconds)) }
            return .string(GoTime.text(milliseconds: try milliseconds(seconds)))
        },
        "toTime": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            let seconds = try arguments[0].floatArgument()
            if seconds.isNaN || seconds.isInfinite { throw .failed("value is NaN or Inf") }
            return .time(milliseconds: try milliseconds(seconds))
        },
        "parseDuration": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            let text = try arguments[0].stringArgument()
            guard let duration = try? Duration(prometheus: text) else {
                throw .failed("not a valid duration string: \(GoQuote.string(text))")
            }
            let (seconds, attoseconds) = duration.components
            return .float(Double(seconds) + Double(attoseconds) / 1e18)
        },
        "externalURL": TemplateFunction(arity: .exactly(0)) { context, _ in .string(context.data.externalURL) },
        "pathPrefix": TemplateFunction(arity: .exactly(0)) { context, _ in
            .string(URLComponents(string: context.data.externalURL)?.path ?? "")
        },
    ]

    /// A `func(string) string`.
    private static func stringFunction(_ body: @escaping @Sendable (String) -> String) -> TemplateFunction {
        TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            .string(body(try arguments[0].stringArgument()))
        }
    }

    /// A humanizer: a number or numeric string in, text out.
    private static func numberFunction(_ body: @escaping @Sendable (Double) -> String) -> TemplateFunction {
        TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            .string(body(try arguments[0].floatArgument()))
        }
    }

    /// Prometheus's seconds-to-time conversion: nanoseconds that must fit an int64, then
    /// truncated to the milliseconds Prometheus timestamps keep.
    private static func milliseconds(_ seconds: Double) throws(TemplateFunctionError) -> Int64 {
        let nanoseconds = seconds * 1e9
        guard nanoseconds < 9.223372036854775807e18, nanoseconds >= -9.223372036854775808e18 else {
            throw .failed("\(GoFloatFormat.shortest(seconds)) cannot be represented as a nanoseconds timestamp since it overflows int64")
        }
        return Int64(nanoseconds) / 1_000_000
    }

    /// Go's `strings.Title`: the first letter of each word in title case; words are separated
    /// by spaces and ASCII punctuation, not by letters, digits or `_`.
    private static func goTitle(_ text: String) -> String {
        var result = ""
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if isWordSeparator(previous) {
                result += scalar.properties.titlecaseMapping
            } else {
                result.unicodeScalars.append(scalar)
            }
            previous = scalar
        }
        return result
    }

    private static func isWordSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let isWordCharacter = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
            return !isWordCharacter
        }
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return false }
        return scalar.properties.isWhitespace
    }
}
