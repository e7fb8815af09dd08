import OspreyGoCompat
import OspreyModel
import Testing

/// Regular expressions run on RE2 with Go's syntax and semantics: linear time on patterns that
/// make a backtracking engine explode, Go's grammar (`[]a]`, errors in Go's words), Go's classes
/// and leftmost-first groups, and Go's replace-all loop.
@Suite struct GoRegexTests {
    /// `(a+)+$` against `a…ab` takes a backtracking engine 2^n steps; RE2 is linear in the text.
    @Test func nestedRepetitionOnALongNearMissEndsQuickly() throws {
        let value = String(repeating: "a", count: 4000) + "b"
        let clock = ContinuousClock()
        let start = clock.now
        let matcher = try LabelMatcher(.regex, "v", "(a+)+$")
        #expect(!matcher.matches(value))
        #expect(try !GoRegex("(a+)+$").matches(value + "b"))
        #expect(try GoRegex("(a+)+b").firstMatch(in: value)?.matched.utf8.count == 4001)
        let long = String(repeating: "a", count: 200_000) + "!"
        #expect(try !LabelMatcher(.regex, "v", "(a|aa)*(a*)*c").matches(long))
        #expect(try LabelMatcher(.notRegex, "v", "(x+x+)+y").matches(String(repeating: "x", count: 50_000)))
        let elapsed = clock.now - start
        // A backtracking engine would never finish these; the bound leaves room for a loaded machine.
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    /// Go reads a `]` first in a class (after `[` or `[^`) as a member.
    @Test func closingBracketFirstInAClassIsAMember() throws {
        let members = try LabelMatcher(.regex, "v", "[]a]")
        #expect(members.matches("]"))
        #expect(members.matches("a"))
        #expect(!members.matches("b"))
        #expect(!members.matches("[]a]"))
        let others = try LabelMatcher(.regex, "v", "[^]a]+")
        #expect(others.matches("bc"))
        #expect(!others.matches("b]"))
        #expect(try GoRegex.anchored("x[]]*y").matches("x]]]y"))
    }

    @Test func dotStopsOnlyAtNewlineUnlessDotAll() throws {
        let dot = try GoRegex.anchored("a.c")
        #expect(!dot.matches("a\nc"))
        for value in ["abc", "a\rc", "a\u{85}c", "a\u{2028}c", "aéc", "a😀c"] {
            #expect(dot.matches(value), "\(value.debugDescription)")
        }
        // One code point, not one byte and not one grapheme.
        #expect(!dot.matches("ae\u{301}c"))
        #expect(try GoRegex.anchored("(?s)a.c").matches("a\nc"))
        #expect(try GoRegex.anchored("(?s:a.)c").matches("a\nc"))
        #expect(try !GoRegex.anchored(".*").matches("two\nlines"))
    }

    @Test func perlClassesAreASCIIAndUnicodeClassesAreNamed() throws {
        #expect(try GoRegex.anchored(#"\d+"#).matches("0123456789"))
        #expect(try !GoRegex.anchored(#"\d"#).matches("٣"))  // ARABIC-INDIC DIGIT THREE
        #expect(try GoRegex.anchored(#"\pN"#).matches("٣"))
        #expect(try GoRegex.anchored(#"\p{Nd}"#).matches("٣"))
        #expect(try !GoRegex.anchored(#"\w"#).matches("é"))
        #expect(try GoRegex.anchored(#"\pL+"#).matches("héllo"))
        #expect(try GoRegex.anchored(#"\p{Greek}+"#).matches("αβγ"))
        #expect(try !GoRegex.anchored(#"\PL"#).matches("x"))
        #expect(try GoRegex.anchored(#"\s+"#).matches(" \t\n\r\u{0C}"))
        #expect(try !GoRegex.anchored(#"\s"#).matches("\u{0B}"))  // Go's \s leaves out the vertical tab
        #expect(try !GoRegex.anchored(#"\s"#).matches("\u{A0}"))
        #expect(try GoRegex.anchored("[[:alpha:]]+").matches("abc"))
        #expect(try GoRegex.anchored("(?i)STRASSE").matches("strasse"))
    }

    /// Go takes the first alternative that leads to a match, where POSIX would take the longest.
    @Test func groupsAreLeftmostFirst() throws {
        let match = try #require(try GoRegex("(a|ab)(c|bcd)(d*)").firstMatch(in: "abcd"))
        #expect(match.matched == "abcd")
        #expect(match.group(1) == "a")
        #expect(match.group(2) == "bcd")
        #expect(match.group(3) == "")
        #expect(match.group(4) == nil)
        let lazy = try #require(try GoRegex("a+?").firstMatch(in: "xaaa"))
        #expect(lazy.matched == "a")
        // A group that took no part is nil, one that matched nothing is empty.
        let optional = try #require(try GoRegex.anchored("(x)?(y*)z").firstMatch(in: "z"))
        #expect(optional.group(1) == nil)
        #expect(optional.group(2) == "")
    }

    @Test func namedGroupsExpandInTemplates() throws {
        let match = try #require(try GoRegex.anchored(#"(?P<host>[^:]+):(?P<port>\d+)"#).firstMatch(in: "hé.example:9100"))
        #expect(GoRegexExpansion.expand("${port}/$host/$2/$$1/${missing}x", match: match) == "9100/hé.example/9100/$1/x")
        #expect(match.group(named: "port") == "9100")
        #expect(match.group(named: "nope") == nil)
    }

    /// Go's `ReplaceAllString`: after an empty match the search moves one code point on, and an
    /// empty match right after a match is not replaced.
    @Test func replaceAllFollowsGosLoop() throws {
        let x = { (_: GoRegex.Match) in "X" }
        #expect(try GoRegex("a*").replacingAll(in: "baaac", with: x) == "XbXcX")
        #expect(try GoRegex("").replacingAll(in: "héé", with: x) == "XhXéXéX")
        #expect(try GoRegex("^").replacingAll(in: "ab", with: x) == "Xab")
        #expect(try GoRegex(#"\b"#).replacingAll(in: "ab cd", with: x) == "XabX XcdX")
        let swap = try GoRegex(#"(\w+)=(\w+)"#)
        #expect(swap.replacingAll(in: "a=1, b=2", with: { GoRegexExpansion.expand("$2=$1", match: $0) }) == "1=a, 2=b")
        #expect(try GoRegex("z").replacingAll(in: "abc", with: x) == "abc")
    }

    /// Refused as Go refuses, in Go's words, about the pattern as Prometheus anchors it. The
    /// expected texts are Prometheus 2's answers recorded in the query conformance data.
    @Test func syntaxErrorsAreGosWords() throws {
        let expected: [(String, String)] = [
            ("(", "missing closing ): `^(?:()$`"),
            ("[a-", "invalid character class range: `a-)`"),
            ("*", "missing argument to repetition operator: `*`"),
            ("x{1001}", "invalid repeat count: `{1001}`"),
            ("(?=a).*", "invalid or unsupported Perl syntax: `(?=`"),
            ("(?>host).*", "invalid or unsupported Perl syntax: `(?>`"),
            ("(?<h>host).*", "invalid or unsupported Perl syntax: `(?<`"),
            (#"(a)\1"#, #"invalid escape sequence: `\1`"#),
            (#"host-a\Z.*"#, #"invalid escape sequence: `\Z`"#),
            (#"\h.*"#, #"invalid escape sequence: `\h`"#),
            ("ho++st.*", "invalid nested repetition operator: `++`"),
            ("h{2}{3}.*", "invalid nested repetition operator: `{2}{3}`"),
            // RE2 reads `\C` as any byte; Go has no such escape.
            (#"a\C"#, #"invalid escape sequence: `\C`"#),
            // RE2 takes a Unicode name; Go only ASCII letters, digits and `_`.
            ("(?P<é>x)", "invalid named capture: `(?P<é>`"),
        ]
        for (pattern, message) in expected {
            #expect(throws: GoRegex.SyntaxError.self, "\(pattern)") { try GoRegex.anchored(pattern) }
            do {
                _ = try LabelMatcher(.regex, "v", pattern)
                Issue.record("\(pattern) compiled")
            } catch {
                #expect(error.reason == message, "\(pattern)")
            }
        }
        // `\C` quoted by `\Q…\E` is two literal characters.
        #expect(try GoRegex.anchored(#"\Qa\C\E"#).matches(#"a\C"#))
    }

    /// The literal fast paths an index uses must agree with the engine.
    @Test func literalFastPathsAgreeWithTheEngine() throws {
        let alternatives = try LabelMatcher(.regex, "v", "a|bc|")
        #expect(alternatives.literalAlternatives == ["a", "bc", ""])
        for value in ["a", "bc", "", "abc", "b"] {
            #expect(alternatives.matches(value) == ["a", "bc", ""].contains(value), "\(value)")
        }
        let prefix = try LabelMatcher(.regex, "v", "node.*")
        #expect(prefix.literalPrefix == "node")
        #expect(prefix.matches("node_exporter"))
        #expect(!prefix.matches("nod"))
        #expect(try LabelMatcher(.regex, "v", "[]a]").literalAlternatives == nil)
    }

    @Test func bytesInPlaceMatchAsTheString() throws {
        let matcher = try LabelMatcher(.regex, "v", #"\pL+-\d"#)
        let notMatcher = try LabelMatcher(.notRegex, "v", #"\pL+-\d"#)
        for value in ["héllo-1", "hello-x", "", "é-9"] {
            let expected = matcher.matches(value)
            var copy = value
            copy.withUTF8 { bytes in
                #expect(matcher.matches(utf8: bytes) == expected, "\(value)")
                #expect(notMatcher.matches(utf8: bytes) == !expected, "\(value)")
                #expect(LabelMatcher.equal("v", value).matches(utf8: bytes))
                #expect(!LabelMatcher.notEqual("v", value).matches(utf8: bytes))
            }
        }
    }

    /// A regex is shared by the queries and scrapes that use it; matching from many threads at
    /// once gives each its own answer.
    @Test func oneRegexMatchesFromManyTasksAtOnce() async throws {
        let regex = try GoRegex.anchored(#"(\w+)-(\d+)"#)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for index in 0..<2000 {
                        let text = "t\(task)-\(index)"
                        if regex.firstMatch(in: text)?.group(2) != Substring(String(index)) { wrong += 1 }
                        if regex.matches("t\(task)-x\(index)") { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
