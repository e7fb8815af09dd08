import Yams

struct MappingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let mapping: Node.Mapping

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        mapping.keys.compactMap { $0.string.flatMap(Key.init(stringValue:)) }
    }

    func contains(_ key: Key) -> Bool {
        decoder.readKeys.insert(key.stringValue)
        return mapping[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        decoder.readKeys.insert(key.stringValue)
        return mapping[key.stringValue]?.isNull ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        decoder.readKeys.insert(key.stringValue)
        guard let node = mapping[key.stringValue] else {
            throw decoder.fail("missing required key \(key.stringValue)")
        }
        return try decoder.decodeChild(type, node: node, key: key)
    }

    /// A bad optional value is reported and read as absent, so decoding goes on to find more.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        decoder.readKeys.insert(key.stringValue)
        guard let node = mapping[key.stringValue], !node.isNull else { return nil }
        return try? decoder.decodeChild(type, node: node, key: key)
    }

    // The protocol's own overloads for standard types would otherwise throw past a bad value.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(Lenient<String>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(Lenient<Bool>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(Lenient<Int>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(Lenient<Int64>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(Lenient<UInt>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(Lenient<Double>.self, forKey: key)?.value }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        decoder.readKeys.insert(key.stringValue)
        guard let node = mapping[key.stringValue] else { throw decoder.fail("missing required key \(key.stringValue)") }
        return try decoder.child(node, key: key).reportingContainer(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        decoder.readKeys.insert(key.stringValue)
        guard let node = mapping[key.stringValue] else { throw decoder.fail("missing required key \(key.stringValue)") }
        return try decoder.child(node, key: key).reportingUnkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.readKeys.insert(key.stringValue)
        guard let node = mapping[key.stringValue] else { throw decoder.fail("missing required key \(key.stringValue)") }
        return decoder.child(node, key: key)
    }
}

/// Routes a standard type through the generic `decodeIfPresent`, which reports and goes on.
private struct Lenient<Value: Decodable>: Decodable {
    var value: Value
    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Value.self)
    }
}

struct SequenceContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let elements: [Node]
    private(set) var currentIndex = 0

    init(decoder: NodeDecoder, elements: [Node]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw decoder.fail("list has too few elements") }
        defer { currentIndex += 1 }
        return try decoder.decodeChild(type, node: elements[currentIndex], key: IndexKey(currentIndex))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        guard !isAtEnd else { throw decoder.fail("list has too few elements") }
        defer { currentIndex += 1 }
        return try decoder.child(elements[currentIndex], key: IndexKey(currentIndex)).reportingContainer(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard !isAtEnd else { throw decoder.fail("list has too few elements") }
        defer { currentIndex += 1 }
        return try decoder.child(elements[currentIndex], key: IndexKey(currentIndex)).reportingUnkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { decoder }
}

/// Reads YAML scalars with YAML 1.1's rules for booleans and numbers, as Yams resolves them.
struct ScalarContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.isNull }

    private func scalar(_ expected: String) throws -> Node {
        guard case .scalar = decoder.node else {
            throw decoder.fail("expected \(expected), found \(decoder.node.kindDescription)")
        }
        return decoder.node
    }

    func decode(_ type: String.Type) throws -> String {
        try scalar("a string").string ?? ""
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value = try scalar("true or false").bool else {
            throw decoder.fail("expected true or false, found \(decoder.node.kindDescription)")
        }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let value = try scalar("a number").float else {
            throw decoder.fail("expected a number, found \(decoder.node.kindDescription)")
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decode<T: BinaryInteger & Decodable>(integer type: T.Type) throws -> T {
        guard let value = try scalar("an integer").int, let exact = T(exactly: value) else {
            throw decoder.fail("expected an integer, found \(decoder.node.kindDescription)")
        }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try decode(integer: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(integer: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(integer: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(integer: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(integer: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(integer: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(integer: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(integer: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(integer: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(integer: type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeChecked(type)
    }
}
