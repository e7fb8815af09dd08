/// A label name or value as a key of a dictionary or set: compared, hashed and ordered by its
/// UTF-8 bytes. Swift's `==` on strings is canonical equivalence, under which `é` and `e` with a
/// combining accent are one key; Prometheus compares bytes, and so must every map that tells
/// series, values or groups apart.
public struct ExactString: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    public init(_ text: String) { self.text = text }

    public init(stringLiteral text: String) { self.text = text }

    public static func == (lhs: ExactString, rhs: ExactString) -> Bool { sameBytes(lhs.text, rhs.text) }

    public static func < (lhs: ExactString, rhs: ExactString) -> Bool { compareBytes(lhs.text, rhs.text) < 0 }

    public func hash(into hasher: inout Hasher) {
        // `withUTF8` gives contiguous bytes for every string, so equal bytes always hash alike.
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public var description: String { text }
}

extension Sequence<String> {
    /// The strings in Go's order, bytewise (Swift's `sorted()` orders by canonical equivalence).
    public func sortedByBytes() -> [String] {
        sorted { compareBytes($0, $1) < 0 }
    }
}
