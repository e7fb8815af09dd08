import OspreyModel

/// Go's `fmt.Sprint`, `fmt.Sprintln` and `fmt.Sprintf` over template values, as the `print`,
/// `println` and `printf` functions (and Prometheus's humanizers) format.
enum GoFormat {
    /// `fmt.Sprint`: operands side by side, with a space between two that are both not strings.
    static func sprint(_ values: [TemplateValue]) -> String {
        var text = ""
        var previousIsString = false
        for (index, value) in values.enumerated() {
            let isString = if case .string = value { true } else { false }
            if index > 0, !isString, !previousIsString { text += " " }
            text += value.goText
            previousIsString = isString
        }
        return text
    }

    /// `fmt.Sprintln`: operands always separated by spaces, and a newline at the end.
    static func sprintln(_ values: [TemplateValue]) -> String {
        values.map(\.goText).joined(separator: " ") + "\n"
    }

    /// `fmt.Sprintf`: verbs `%v %s %d %f %e %g %x %X %o %b %c %q %t %%` with flags `-+# 0`,
    /// width and precision; a verb that does not fit its operand prints Go's `%!d(float64=1.5)`.
    static func sprintf(_ format: String, _ values: [TemplateValue]) -> String {
        var output = ""
        var scalars = Array(format.unicodeScalars)[...]
        var argumentIndex = 0
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var spec = Spec()
            while let flag = scalars.first, "-+# 0".unicodeScalars.contains(flag) {
                spec.apply(flag: flag)
                scalars.removeFirst()
            }
            if scalars.first == "*" {
                scalars.removeFirst()
                if let width = intOperand(values, argumentIndex: &argumentIndex) {
                    // A negative width pads on the right, as the `-` flag does.
                    spec.width = abs(width)
                    if width < 0 {
                        spec.leftAlign = true
                        spec.zero = false
                    }
                } else {
                    output += "%!(BADWIDTH)"
                }
            } else {
                spec.width = digits(&scalars)
            }
            if scalars.first == "." {
                scalars.removeFirst()
                if scalars.first == "*" {
                    scalars.removeFirst()
                    if let precision = intOperand(values, argumentIndex: &argumentIndex), precision >= 0 {
                        spec.precision = precision
                    } else {
                        output += "%!(BADPREC)"
                    }
                } else {
                    spec.precision = digits(&scalars) ?? 0
                }
            }
            guard let verb = scalars.popFirst() else {
                output += "%!(NOVERB)"
                break
            }
            if verb == "%" {
                output += "%"
                continue
            }
            guard argumentIndex < values.count else {
                output += "%!\(verb)(MISSING)"
                continue
            }
            let value = values[argumentIndex]
            argumentIndex += 1
            output += formatted(value, verb: Character(verb), spec: spec)
        }
        if argumentIndex < values.count {
            let extra = values[argumentIndex...].map { "\($0.goTypeName)=\($0.goText)" }
            output += "%!(EXTRA " + extra.joined(separator: ", ") + ")"
        }
        return output
    }

    /// The flags, width and precision of one verb.
    private struct Spec {
        var leftAlign = false
        var plus = false
        var sharp = false
        var space = false
        var zero = false
        var width: Int?
        var precision: Int?

        mutating func apply(flag: Unicode.Scalar) {
            switch flag {
            case "-": leftAlign = true
            case "+": plus = true
            case "#": sharp = true
            case " ": space = true
            default: zero = true
            }
        }
    }

    /// Go's limit on a width or precision (`fmt`'s `tooLarge`): beyond it a number is refused
    /// rather than padded to, so a template cannot ask for gigabytes of spaces.
    private static let largestWidth = 1_000_000

    /// A width or precision written in digits, as Go's `parsenum` reads it: nil when there are
    /// none, and when the number grows past the limit nil with the rest of the format consumed,
    /// so that Go's `%!(NOVERB)` follows.
    private static func digits(_ scalars: inout ArraySlice<Unicode.Scalar>) -> Int? {
        var number: Int?
        while let digit = scalars.first, digit.isASCII, let value = Int(String(digit)) {
            if let current = number, current > largestWidth {
                scalars.removeAll()
                return nil
            }
            number = (number ?? 0) * 10 + value
            scalars.removeFirst()
        }
        return number
    }

    /// The int operand a `*` width or precision takes (Go's `intFromArg`): nil when it is
    /// missing, not an int, or beyond Go's limit.
    private static func intOperand(_ values: [TemplateValue], argumentIndex: inout Int) -> Int? {
        guard argumentIndex < values.count else { return nil }
        defer { argumentIndex += 1 }
        guard case .int(let number) = values[argumentIndex], number.magnitude <= largestWidth else { return nil }
        return number
    }

    private static func formatted(_ value: TemplateValue, verb: Character, spec: Spec) -> String {
        switch (verb, value) {
        case ("v", .float(let number)), ("g", .float(let number)), ("G", .float(let number)):
            let text = floatBody(number) { magnitude in
                spec.precision.map { GoFloatFormat.withPrecision(magnitude, verb: "g", precision: $0) }
                    ?? GoFloatFormat.shortest(magnitude)
            }
            return padNumber(sign: number, body: verb == "G" ? text.uppercased() : text, spec: spec)
        case ("e", .float(let number)), ("E", .float(let number)), ("f", .float(let number)), ("F", .float(let number)):
            let lower = Character(verb.lowercased())
            let text = floatBody(number) { GoFloatFormat.withPrecision($0, verb: lower, precision: spec.precision ?? 6) }
            return padNumber(sign: number, body: verb == "E" ? text.uppercased() : text, spec: spec)
        case ("v", .int(let number)), ("d", .int(let number)):
            return padNumber(sign: Double(number), body: digits(number.magnitude, radix: 10, spec: spec), spec: spec)
        case ("x", .int(let number)), ("X", .int(let number)), ("o", .int(let number)), ("b", .int(let number)):
            let radix = verb == "o" ? 8 : verb == "b" ? 2 : 16
            var body = digits(number.magnitude, radix: radix, spec: spec)
            if verb == "X" { body = body.uppercased() }
            if spec.sharp, radix != 2 { body = (radix == 8 ? "0" : verb == "X" ? "0X" : "0x") + body }
            return padNumber(sign: Double(number), body: body, spec: spec)
        case ("c", .int(let number)):
            return pad(Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}", spec: spec)
        case ("q", .int(let number)):
            return pad("'" + (Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}") + "'", spec: spec)
        case ("s", .string(let text)), ("v", .string(let text)):
            return pad(spec.precision.map { String(text.prefix($0)) } ?? text, spec: spec)
        case ("q", .string(let text)):
            return pad(GoQuote.string(text), spec: spec)
        case ("x", .string(let text)), ("X", .string(let text)):
            let hex = text.utf8.lowercaseHex
            return pad(verb == "X" ? hex.uppercased() : hex, spec: spec)
        case ("t", .bool), ("v", .bool):
            return pad(value.goText, spec: spec)
        case ("v", _):
            return pad(value.goText, spec: spec)
        case ("s", .stringMap), ("s", .map), ("s", .list), ("s", .samples), ("s", .sample), ("s", .data), ("s", .time):
            return pad(value.goText, spec: spec)
        case (_, .null):
            return "%!\(verb)(<nil>)"
        default:
            return "%!\(verb)(\(value.goTypeName)=\(value.goText))"
        }
    }

    /// Integer digits, zero-extended to the precision as Go's `%.3d` does.
    private static func digits(_ magnitude: UInt, radix: Int, spec: Spec) -> String {
        let text = String(magnitude, radix: radix)
        guard let precision = spec.precision, text.count < precision else { return text }
        return String(repeating: "0", count: precision - text.count) + text
    }

    /// A number with its sign (`-`, or `+`/space when asked) and padding; zeros pad between the
    /// sign and the digits, but never an infinity or NaN. Infinities always carry a sign, as in Go.
    private static func padNumber(sign: Double, body: String, spec: Spec) -> String {
        let isSpecial = sign.isNaN || sign.isInfinite
        var prefix = ""
        if !sign.isNaN, sign.sign == .minus {
            prefix = "-"
        } else if spec.plus || sign.isInfinite {
            prefix = "+"
        } else if spec.space {
            prefix = " "
        }
        let text = prefix + body
        guard let width = spec.width, text.count < width else { return text }
        if spec.leftAlign { return text + String(repeating: " ", count: width - text.count) }
        if spec.zero, !isSpecial {
            return prefix + String(repeating: "0", count: width - text.count) + body
        }
        return String(repeating: " ", count: width - text.count) + text
    }

    /// The digits of a float without its sign: `Inf` and `NaN` for the special values.
    private static func floatBody(_ number: Double, _ layout: (Double) -> String) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return "Inf" }
        return layout(number.magnitude)
    }

    private static func pad(_ text: String, spec: Spec) -> String {
        guard let width = spec.width, text.count < width else { return text }
        let padding = String(repeating: spec.zero && !spec.leftAlign ? "0" : " ", count: width - text.count)
        return spec.leftAlign ? text + padding : padding + text
    }
}
