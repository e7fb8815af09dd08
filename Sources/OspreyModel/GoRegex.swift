/// Regular expressions with the semantics of Go's RE2, which Prometheus 2 uses for label
/// matchers, `label_replace` and relabelling: `.` matches one code point but not `\n` (it does
/// match `\r`), `\d` `\w` `\s` are ASCII, `\pL` names a Unicode class, and Perl extensions RE2 lacks (look-around,
/// back-references, atomic groups, possessive quantifiers) are errors rather than features.
public enum GoRegex {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Compiles `pattern` whole-anchored, as Prometheus wraps it in `^(?:…)$`.
    public static func anchored(_ pattern: String) throws(SyntaxError) -> Regex<AnyRegexOutput> {
        try rejectUnsupported(pattern)
        do {
            return try Regex("^(?:" + translated(pattern) + ")$")
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
                .asciiOnlyWhitespace()
        } catch {
            throw SyntaxError(description: "\(error)")
        }
    }

    /// Rewrites what RE2 and Swift's engine read differently. RE2 spells one-letter Unicode
    /// classes `\pL` where Swift needs `\p{L}`. RE2's `.` matches every code point but `\n`,
    /// while Swift's also refuses `\r`, `\u{85}` and the other line breaks, so outside a
    /// character class (and unless `(?s)` asks for every character) `.` becomes `[^\n]`.
    private static func translated(_ pattern: String) -> String {
        let dotIsAnyLine = !pattern.contains("(?s")
        var result = ""
        var scalars = pattern.unicodeScalars.makeIterator()
        var inClass = false
        var classStart = false
        while let scalar = scalars.next() {
            let atClassStart = classStart
            classStart = false
            if scalar == "\\", let next = scalars.next() {
                if next == "Q" {
                    // `\Q…\E` quotes: everything up to `\E` is literal, a dot included.
                    result += "\\Q"
                    var previous: Unicode.Scalar?
                    while let quoted = scalars.next() {
                        result.unicodeScalars.append(quoted)
                        if previous == "\\", quoted == "E" { break }
                        previous = quoted
                    }
                } else if next == "p" || next == "P", let letter = scalars.next() {
                    result += letter == "{" ? "\\\(next){" : "\\\(next){\(letter)}"
                } else {
                    result.unicodeScalars.append(scalar)
                    result.unicodeScalars.append(next)
                }
                continue
            }
            if inClass {
                // A `]` first in a class (after `[` or `[^`) is a member, not its end.
                if scalar == "^", atClassStart {
                    classStart = true
                } else if scalar == "]", !atClassStart {
                    inClass = false
                }
                result.unicodeScalars.append(scalar)
            } else if scalar == "[" {
                inClass = true
                classStart = true
                result.unicodeScalars.append(scalar)
            } else if scalar == ".", dotIsAnyLine {
                result += "[^\\n]"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Refuses what RE2 refuses but Swift's engine would accept, with Go's wording.
    private static func rejectUnsupported(_ pattern: String) throws(SyntaxError) {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        func fail(_ what: String) -> SyntaxError {
            SyntaxError(description: "invalid or unsupported Perl syntax: `\(what)`")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                let next = scalars[index + 1]
                if !inClass, ("1"..."9").contains(next) || "ZhHRXKGgk".unicodeScalars.contains(next) {
                    throw fail("\\\(next)")
                }
                index += 2
                // `\p{Greek}`: the braces name a class, they are no repetition.
                if next == "p" || next == "P", index < scalars.count, scalars[index] == "{" {
                    while index < scalars.count, scalars[index] != "}" { index += 1 }
                    index += 1
                }
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
            } else if scalar == "[" {
                inClass = true
                // A `]` right after `[` or `[^` is a literal member.
                if index + 1 < scalars.count, scalars[index + 1] == "^" { index += 1 }
                if index + 1 < scalars.count, scalars[index + 1] == "]" { index += 1 }
            } else if scalar == "(", index + 2 < scalars.count, scalars[index + 1] == "?" {
                let kind = scalars[index + 2]
                if "=!>".unicodeScalars.contains(kind) { throw fail("(?\(kind)") }
                if kind == "<" { throw fail("(?<") }
            } else if "*+?".unicodeScalars.contains(scalar), index + 1 < scalars.count, scalars[index + 1] == "+" {
                throw SyntaxError(description: "invalid nested repetition operator: `\(scalar)+`")
            } else if scalar == "{" {
                var end = index + 1
                var numbers = ""
                while end < scalars.count, scalars[end] != "}" {
                    numbers.unicodeScalars.append(scalars[end])
                    end += 1
                }
                let bounds = numbers.split(separator: ",", omittingEmptySubsequences: false)
                let isRepeat = end < scalars.count && !bounds.isEmpty && bounds.count <= 2
                    && !(bounds.first?.isEmpty ?? true) && bounds.allSatisfy({ $0.allSatisfy(\.isNumber) })
                if isRepeat {
                    if bounds.compactMap({ Int($0) }).contains(where: { $0 > 1000 }) {
                        throw SyntaxError(description: "invalid repeat count: `{\(numbers)}`")
                    }
                    if end + 1 < scalars.count, scalars[end + 1] == "+" {
                        throw SyntaxError(description: "invalid nested repetition operator: `{\(numbers)}+`")
                    }
                    index = end
                }
            }
            index += 1
        }
    }
}
