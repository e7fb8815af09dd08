#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One name/value pair of a series' identity.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Byte order, as Prometheus sorts labels (Swift's `<` on strings would order by Unicode
    /// canonical equivalence instead).
    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.compare(rhs) < 0
    }

    /// The byte order of name, then value: negative, zero or positive.
    public func compare(_ other: Label) -> Int {
        let byName = compareBytes(name, other.name)
        return byName != 0 ? byName : compareBytes(value, other.value)
    }

    /// Byte equality, as in Prometheus: `é` and `e` with a combining accent are different
    /// values, though Swift's `==` on strings calls them equal.
    public static func == (lhs: Label, rhs: Label) -> Bool {
        sameBytes(lhs.name, rhs.name) && sameBytes(lhs.value, rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        Self.hashBytes(of: name, into: &hasher)
        // 0xFF never occurs in UTF-8, so name and value cannot trade bytes.
        hasher.combine(0xFF as UInt8)
        Self.hashBytes(of: value, into: &hasher)
    }

    private static func hashBytes(of text: String, into hasher: inout Hasher) {
        // `withUTF8` gives contiguous bytes for every string, small or bridged, so equal bytes
        // always hash alike.
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// A series' identity: labels sorted by name, each name at most once, the metric name under
/// `__name__`. Empty values are dropped, as Prometheus treats `foo=""` as no `foo` at all.
public struct Labels: Hashable, Sendable, RandomAccessCollection {
    public static let metricName = "__name__"

    public private(set) var pairs: [Label]

    public init() { pairs = [] }

    /// Builds a label set from pairs in any order. A repeated name keeps its last value.
    public init(_ pairs: some Sequence<Label>) {
        var sorted = pairs.filter { !$0.value.isEmpty }
        sorted.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var unique: [Label] = []
        unique.reserveCapacity(sorted.count)
        for label in sorted {
            if let last = unique.last, last.name.utf8.elementsEqual(label.name.utf8) {
                unique[unique.count - 1] = label
            } else {
                unique.append(label)
            }
        }
        self.pairs = unique
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { Label($0.key, $0.value) })
    }

    public var startIndex: Int { pairs.startIndex }
    public var endIndex: Int { pairs.endIndex }
    public subscript(position: Int) -> Label { pairs[position] }

    public subscript(name: String) -> String? {
        pairs.first { sameBytes($0.name, name) }?.value
    }

    public var name: String? { self[Labels.metricName] }

    /// A copy with `name` set to `value`, or removed when `value` is empty.
    public func setting(_ name: String, to value: String) -> Labels {
        var copy = pairs.filter { !sameBytes($0.name, name) }
        copy.append(Label(name, value))
        return Labels(copy)
    }

    /// Prometheus's `labels.Compare`, the order of API answers: label by label, name then
    /// value, bytewise; a prefix first.
    public static func prometheusOrder(_ lhs: Labels, _ rhs: Labels) -> Bool {
        for (left, right) in zip(lhs.pairs, rhs.pairs) {
            let order = left.compare(right)
            if order != 0 { return order < 0 }
        }
        return lhs.count < rhs.count
    }

    public func removing(_ name: String) -> Labels {
        var copy = self
        copy.pairs.removeAll { sameBytes($0.name, name) }
        return copy
    }
}

extension Labels: CustomStringConvertible {
    /// The PromQL selector form, `name{a="1", b="2"}`.
    public var description: String {
        let rest = pairs.filter { $0.name != Labels.metricName }
            .map { "\($0.name)=\"\(escapingLabelValue($0.value))\"" }
            .joined(separator: ", ")
        return (name ?? "") + (rest.isEmpty && name != nil ? "" : "{\(rest)}")
    }
}

/// Escapes a label value as the exposition formats and PromQL require: backslash, double quote
/// and newline.
public func escapingLabelValue(_ value: String) -> String {
    guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
    else { return value }
    var result = ""
    result.reserveCapacity(value.utf8.count + 2)
    for character in value.unicodeScalars {
        switch character {
        case "\\": result += "\\\\"
        case "\"": result += "\\\""
        case "\n": result += "\\n"
        default: result.unicodeScalars.append(character)
        }
    }
    return result
}

/// Whether two strings hold the same UTF-8 bytes (Swift's `==` compares canonical equivalence).
public func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && compareBytes(a, b) == 0
}

/// The bytewise order of two strings' UTF-8, as Go compares strings: negative, zero or positive.
public func compareBytes(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let common = min(x.count, y.count)
            if common > 0, let left = x.baseAddress, let right = y.baseAddress {
                let order = memcmp(left, right, common)
                if order != 0 { return Int(order) }
            }
            return x.count - y.count
        }
    }
}
