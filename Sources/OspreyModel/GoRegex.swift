import CRE2

/// A regular expression of Go's `regexp`, which Prometheus uses for label matchers,
/// `label_replace` and relabelling, run by RE2 (the engine Go's is modelled on): time linear in
/// the text, no backtracking. Go's syntax exactly: `.` matches any code point but `\n` unless
/// `(?s)`, `\d` `\w` `\s` are ASCII, `\pL` names a Unicode class, matches are leftmost-first, and
/// what RE2 lacks (look-around, back-references, atomic groups, possessive quantifiers) is an
/// error in Go's words. Text is matched as its UTF-8 bytes.
///
/// Safe to share: a compiled RE2 is immutable and matching from many threads at once is
/// documented as safe, each search keeping its own state.
public final class GoRegex: @unchecked Sendable {
    /// Go's `regexp/syntax.Error` without its `error parsing regexp: ` prefix, which callers add
    /// where Go's message has it: `missing closing ): `^(?:()$``.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private let handle: OpaquePointer
    /// The names of the groups, the whole match first; nil for an unnamed group.
    private let groupNames: [String?]

    /// Compiles `pattern` as Go's `regexp.Compile`: it matches anywhere in a text unless it anchors itself.
    public init(_ pattern: String) throws(SyntaxError) {
        if let escape = Self.goRefusedEscape(in: pattern) {
            throw SyntaxError(description: "invalid escape sequence: `\(escape)`")
        }
        var bytes = pattern
        let handle = bytes.withUTF8 { osprey_re2_new($0.baseAddress, $0.count) }
        guard let handle else {
            throw SyntaxError(description: "regexp/syntax: internal error: ``")
        }
        let code = osprey_re2_error_code(handle)
        guard code == 0 else {
            var length = 0
            let argument = osprey_re2_error_arg(handle, &length).map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            osprey_re2_free(handle)
            throw SyntaxError(description: "\(Self.goErrorText(code)): `\(argument ?? "")`")
        }
        let count = Int(osprey_re2_group_count(handle))
        var names: [String?] = [nil]
        for index in 0..<max(count, 0) {
            var length = 0
            names.append(
                osprey_re2_group_name(handle, Int32(index + 1), &length).map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
                })
        }
        // RE2 takes any Unicode word as a group's name; Go only ASCII letters, digits and `_`.
        if let name = names.lazy.compactMap({ $0 }).first(where: { !$0.utf8.allSatisfy(Self.isGoNameByte) }) {
            osprey_re2_free(handle)
            throw SyntaxError(description: "invalid named capture: `(?P<\(name)>`")
        }
        self.handle = handle
        groupNames = names
    }

    private static func isGoNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    deinit {
        osprey_re2_free(handle)
    }

    /// Compiles `pattern` whole-anchored, as Prometheus wraps it in `^(?:…)$`; so are its errors
    /// worded, as Prometheus shows them.
    public static func anchored(_ pattern: String) throws(SyntaxError) -> GoRegex {
        try GoRegex("^(?:" + pattern + ")$")
    }

    /// The number of capturing groups, not counting the whole match.
    public var groupCount: Int { groupNames.count - 1 }

    /// Go's `MatchString`: whether the pattern matches somewhere in `text` (all of it, when anchored).
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(utf8: $0) }
    }

    /// `matches(_:)` on UTF-8 bytes that are already at hand, such as a value read in place.
    public func matches(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.withMemoryRebound(to: CChar.self) {
            osprey_re2_match(handle, $0.baseAddress, $0.count, 0, OSPREY_RE2_UNANCHORED, nil, 0) == 1
        }
    }

    /// Go's `FindStringSubmatchIndex`: the leftmost match in `text`, with its groups.
    public func firstMatch(in text: String) -> Match? {
        var bytes = text
        return bytes.withUTF8 { search(text, $0, from: 0) }
    }

    /// Go's `ReplaceAllStringFunc` loop: every match, left to right, replaced by what `replacement`
    /// makes of it. After an empty match the search moves on one character, and an empty match
    /// right after the previous match is left alone, so `a*` on `baaac` replaces `b`'s front,
    /// `aaa` and `c`'s front and end once each.
    public func replacingAll(in text: String, with replacement: (Match) -> String) -> String {
        var bytes = text
        return bytes.withUTF8 { utf8 in
            var result = ""
            var lastMatchEnd = 0
            var searchPosition = 0
            while searchPosition <= utf8.count, let match = search(text, utf8, from: searchPosition) {
                let (start, end) = (match.offsets[0], match.offsets[1])
                result += match.substring(lastMatchEnd, start)
                if end > lastMatchEnd || start == 0 {
                    result += replacement(match)
                }
                lastMatchEnd = end
                let width = Self.scalarWidth(utf8, at: searchPosition)
                if searchPosition + width > end {
                    searchPosition += width
                } else if searchPosition + 1 > end {
                    searchPosition += 1
                } else {
                    searchPosition = end
                }
            }
            result += Match.substring(of: text, lastMatchEnd, utf8.count)
            return result
        }
    }

    private func search(_ text: String, _ utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Match? {
        var offsets = [Int](repeating: -1, count: 2 * groupNames.count)
        let found = utf8.withMemoryRebound(to: CChar.self) { bytes in
            offsets.withUnsafeMutableBufferPointer { offsets in
                osprey_re2_match(
                    handle, bytes.baseAddress, bytes.count, start, OSPREY_RE2_UNANCHORED, offsets.baseAddress,
                    Int32(groupNames.count))
            }
        }
        return found == 1 ? Match(text: text, offsets: offsets, groupNames: groupNames) : nil
    }

    /// The length in bytes of the code point starting at `offset`, 0 at the end.
    private static func scalarWidth(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        guard offset < utf8.count else { return 0 }
        switch utf8[offset] {
        case ..<0xC0: return 1
        case ..<0xE0: return 2
        case ..<0xF0: return 3
        default: return 4
        }
    }

    /// One match: where it lies in the text and what each group took.
    public struct Match: Sendable {
        public let text: String
        /// Byte offsets, a start and an end per group, the whole match first; -1 for a group that took no part.
        fileprivate let offsets: [Int]
        fileprivate let groupNames: [String?]

        /// The whole match.
        public var matched: Substring { substring(offsets[0], offsets[1]) }

        /// The number of groups, the whole match (group 0) included.
        public var count: Int { groupNames.count }

        /// What group `index` took; nil when it does not exist or took no part.
        public func group(_ index: Int) -> Substring? {
            guard index >= 0, index < groupNames.count, offsets[2 * index] >= 0 else { return nil }
            return substring(offsets[2 * index], offsets[2 * index + 1])
        }

        /// What the first group called `name` took, as Go's `Expand` looks names up; nil when no
        /// group has that name or it took no part.
        public func group(named name: String) -> Substring? {
            guard let index = groupNames.firstIndex(where: { $0.map { $0.utf8.elementsEqual(name.utf8) } ?? false }) else {
                return nil
            }
            return group(index)
        }

        fileprivate func substring(_ start: Int, _ end: Int) -> Substring {
            Self.substring(of: text, start, end)
        }

        // RE2 in UTF-8 mode reports offsets on code point boundaries, so they are valid indices.
        fileprivate static func substring(of text: String, _ start: Int, _ end: Int) -> Substring {
            let utf8 = text.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: start)
            let upper = utf8.index(lower, offsetBy: end - start)
            return text[lower..<upper]
        }
    }

    /// Go's words for RE2's error codes, which name the same errors one for one.
    private static func goErrorText(_ code: Int32) -> String {
        switch code {
        case 2: "invalid escape sequence"
        case 3: "invalid character class"
        case 4: "invalid character class range"
        case 5: "missing closing ]"
        case 6: "missing closing )"
        case 7: "unexpected )"
        case 8: "trailing backslash at end of expression"
        case 9: "missing argument to repetition operator"
        case 10: "invalid repeat count"
        case 11: "invalid nested repetition operator"
        case 12: "invalid or unsupported Perl syntax"
        case 13: "invalid UTF-8"
        case 14: "invalid named capture"
        case 15: "expression too large"
        default: "regexp/syntax: internal error"
        }
    }

    /// RE2 reads `\C` as any single byte; Go has no such escape. Quoted text (`\Q…\E`) is literal.
    private static func goRefusedEscape(in pattern: String) -> String? {
        var bytes = pattern.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "\\"), let next = bytes.next() else { continue }
            if next == UInt8(ascii: "C") { return "\\C" }
            if next == UInt8(ascii: "Q") {
                var previous: UInt8 = 0
                while let quoted = bytes.next() {
                    if previous == UInt8(ascii: "\\"), quoted == UInt8(ascii: "E") { break }
                    previous = quoted
                }
            }
        }
        return nil
    }
}
