import OspreyModel

/// Go's `regexp.Expand` templates, as `label_replace` and relabelling expand their replacements:
/// `$1`, `${1}`, `$name`, `${name}`, and `$$` for a dollar sign.
///
/// Go's rules, which surprise: a reference takes every letter, digit and `_` after the `$`, so
/// `$1x` names a group called `1x` (and expands to nothing) where `${1}x` is group 1 then `x`; a
/// group that does not exist or did not take part expands to nothing; a `$` that starts no valid
/// reference stays as it is.
public enum GoRegexExpansion {
    public static func expand(_ template: String, match: GoRegex.Match) -> String {
        // Most replacements are plain text or a lone `$1`; plain text needs no copy.
        guard template.utf8.contains(UInt8(ascii: "$")) else { return template }
        var result = ""
        var rest = template.unicodeScalars[...]
        while let dollar = rest.firstIndex(of: "$") {
            result.unicodeScalars.append(contentsOf: rest[..<dollar])
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                result += "$"
                rest = rest.dropFirst()
                continue
            }
            guard let (name, after) = reference(at: rest) else {
                result += "$"
                continue
            }
            rest = after
            if let text = group(String(name), of: match) {
                result += text
            }
        }
        result.unicodeScalars.append(contentsOf: rest)
        return result
    }

    /// Go's `extract`: a name, or a name in braces, at the start of `text`; nil when malformed.
    private static func reference(
        at text: Substring.UnicodeScalarView
    ) -> (name: Substring.UnicodeScalarView, rest: Substring.UnicodeScalarView)? {
        let isBraced = text.first == "{"
        let body = isBraced ? text.dropFirst() : text
        let name = body.prefix(while: isNameScalar)
        guard !name.isEmpty else { return nil }
        var rest = body[name.endIndex...]
        if isBraced {
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        }
        return (name, rest)
    }

    /// Go's `unicode.IsLetter`, `unicode.IsDigit` or `_`: Unicode letters count, not only ASCII.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return MetricNames.isNameContinuation(UInt8(scalar.value), allowColon: false)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static func group(_ name: String, of match: GoRegex.Match) -> Substring? {
        // Go reads a name of ASCII digits as a group number, unless it has a leading zero (`$01`
        // names a group called `01`, which cannot exist).
        let isNumber = name.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        if isNumber, name == "0" || !name.hasPrefix("0") {
            guard let index = Int(name) else { return nil }
            return match.group(index)
        }
        return match.group(named: name)
    }
}
