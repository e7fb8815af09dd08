import Yams

/// Decodes `Decodable` types from YAML strictly, the way Prometheus reads its config: an unknown
/// key, a wrong type or a bad value is an error naming the line and key, and decoding goes on after
/// one so that a single run reports every problem.
///
/// Types keep going past a bad value by reading their fields with `decodeIfPresent`: a bad
/// optional value is recorded and read as absent. A failing required field stops its type.
public struct StrictYAMLDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from yaml: String, file: String) throws(ConfigErrors) -> T {
        let root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw ConfigErrors([Self.syntaxError(error, file: file)])
        }
        let report = ErrorReport(file: file)
        let decoder = NodeDecoder(node: root, codingPath: [], report: report)
        let value: T
        do {
            value = try decoder.decodeChecked(T.self)
        } catch {
            if !(error is AlreadyReported) {
                report.add(error, at: root, path: [])
            }
            throw ConfigErrors(report.errors)
        }
        guard report.errors.isEmpty else { throw ConfigErrors(report.errors) }
        return value
    }

    private static func syntaxError(_ error: any Error, file: String) -> ConfigError {
        switch error {
        case YamlError.scanner(let context, let problem, let mark, _),
            YamlError.parser(let context, let problem, let mark, _),
            YamlError.composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) \(problem)" } ?? problem
            return ConfigError(file: file, line: mark.line, key: "", message: "invalid YAML: \(detail)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                file: file, line: context.mark.line, key: "",
                message: "key \(duplicates.joined(separator: ", ")) given more than once")
        default:
            return ConfigError(file: file, line: nil, key: "", message: "invalid YAML: \(error)")
        }
    }
}

/// Collects errors across the whole decode; shared by every nested decoder of one run.
final class ErrorReport {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) { self.file = file }

    func add(_ message: String, at node: Node, path: [any CodingKey]) {
        errors.append(ConfigError(file: file, line: node.mark?.line, key: Self.keyPath(path), message: message))
    }

    func add(_ error: any Error, at node: Node, path: [any CodingKey]) {
        guard let problems = error as? ConfigProblems else {
            add(Self.message(for: error), at: node, path: path)
            return
        }
        for message in problems.messages {
            add(message, at: Self.field(named: message, in: node) ?? node, path: path)
        }
    }

    /// The value of the key a problem begins with (`interval must be ...`, `probes: job ...`,
    /// `global.resolve_timeout ...`), so the problem is reported at that key's own line.
    private static func field(named message: String, in node: Node) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        var best: (key: String, value: Node)?
        for (key, value) in mapping {
            guard let name = key.string, message.hasPrefix(name) else { continue }
            let rest = message.dropFirst(name.count)
            guard rest.isEmpty || [" ", ":", "."].contains(rest.first) else { continue }
            if name.count > (best?.key.count ?? -1) { best = (name, key) }
        }
        return best?.value
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func message(for error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.typeMismatch(_, let context): context.debugDescription
        case DecodingError.valueNotFound(_, let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "missing required key \(key.stringValue)"
        default: "\(error)"
        }
    }
}

/// Problems a type finds in its fields once they are read, each reported on a line of its own:
/// at the line of the key the message begins with (`retention must be greater than 0s`), or at
/// the type's own line when it names none.
public struct ConfigProblems: Error, Sendable {
    public var messages: [String]

    public init(_ messages: [String]) {
        self.messages = messages
    }
}

/// Thrown up the stack once an error is in the report, so that it is not reported twice; a type
/// whose field failed to decode (and was read as absent) throws it to stop without a second error.
public struct AlreadyReported: Error {
    public init() {}
}

struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    let report: ErrorReport
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Keys of this node's mapping that the decoded type read; the rest are unknown.
    let readKeys = KeySet()

    init(node: Node, codingPath: [any CodingKey], report: ErrorReport) {
        self.node = node
        self.codingPath = codingPath
        self.report = report
    }

    /// Decodes `T` from this node, then reports the mapping's keys that `T` never asked for.
    func decodeChecked<T: Decodable>(_ type: T.Type) throws -> T {
        let value: T
        if let list = T.self as? any EveryElementDecodable.Type, let elements = try list.decodeEveryElement(self) as? T {
            value = elements
        } else {
            do {
                value = try T(from: self)
            } catch DecodingError.dataCorrupted(let context) where context.debugDescription.hasPrefix("Cannot initialize") {
                // Swift's own words for an unknown enum value name neither the value nor what is allowed.
                guard let named = T.self as? any (CaseIterable & RawRepresentable).Type else { throw DecodingError.dataCorrupted(context) }
                throw ConfigProblems(["\(node.kindDescription) is not one of \(Self.caseNames(named).joined(separator: ", "))"])
            }
        }
        if case .mapping(let mapping) = node, readKeys.isTracking {
            for (key, _) in mapping where !readKeys.contains(key.string ?? "") {
                report.add("unknown key \"\(key.string ?? "?")\"", at: key, path: codingPath)
            }
        }
        return value
    }

    private static func caseNames<Value: CaseIterable & RawRepresentable>(_ type: Value.Type) -> [String] {
        Value.allCases.map { "\($0.rawValue)" }
    }

    func fail(_ message: String) -> AlreadyReported {
        report.add(message, at: node, path: codingPath)
        return AlreadyReported()
    }

    // A node of the wrong kind throws without reporting, so that a type may try one shape and
    // then another; whoever decodes the node reports the error if it reaches them.
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else {
            throw DecodingError.typeMismatch(
                [String: Any].self,
                .init(codingPath: codingPath, debugDescription: "expected a mapping of keys to values, found \(node.kindDescription)"))
        }
        readKeys.isTracking = true
        return KeyedDecodingContainer(MappingContainer<Key>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else {
            throw DecodingError.typeMismatch(
                [Any].self, .init(codingPath: codingPath, debugDescription: "expected a list, found \(node.kindDescription)"))
        }
        return SequenceContainer(decoder: self, elements: Array(sequence))
    }

    /// `container(keyedBy:)` for a nested node, whose wrong kind is reported at its own line.
    func reportingContainer<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        do { return try container(keyedBy: type) } catch { throw reported(error) }
    }

    /// `unkeyedContainer()` for a nested node, whose wrong kind is reported at its own line.
    func reportingUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        do { return try unkeyedContainer() } catch { throw reported(error) }
    }

    private func reported(_ error: any Error) -> AlreadyReported {
        report.add(error, at: node, path: codingPath)
        return AlreadyReported()
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ScalarContainer(decoder: self)
    }

    func child(_ node: Node, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, codingPath: codingPath + [key], report: report)
    }

    /// Decodes a child value, reporting any error at the child's own line.
    func decodeChild<T: Decodable>(_ type: T.Type, node: Node, key: any CodingKey) throws -> T {
        let decoder = child(node, key: key)
        do {
            return try decoder.decodeChecked(type)
        } catch let error as AlreadyReported {
            throw error
        } catch {
            report.add(error, at: node, path: decoder.codingPath)
            throw AlreadyReported()
        }
    }
}

/// A list decodes every element, reporting each bad one, where `Array`'s own decoding stops at
/// the first: `check rules` and `check config` list every bad rule, job or receiver of a file.
protocol EveryElementDecodable {
    static func decodeEveryElement(_ decoder: NodeDecoder) throws -> Self
}

extension Array: EveryElementDecodable where Element: Decodable {
    static func decodeEveryElement(_ decoder: NodeDecoder) throws -> Self {
        var list = try decoder.unkeyedContainer()
        var elements: [Element] = []
        var failed = false
        while !list.isAtEnd {
            do {
                elements.append(try list.decode(Element.self))
            } catch {
                // Reported at the element's line by `decodeChild`; the next element is read on.
                failed = true
            }
        }
        if failed { throw AlreadyReported() }
        return elements
    }
}

final class KeySet {
    var isTracking = false
    private var keys: Set<String> = []
    func insert(_ key: String) { keys.insert(key) }
    func contains(_ key: String) -> Bool { keys.contains(key) }
}

struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

extension Node {
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    var isNull: Bool {
        if case .scalar(let scalar) = self, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return true
        }
        return false
    }
}
