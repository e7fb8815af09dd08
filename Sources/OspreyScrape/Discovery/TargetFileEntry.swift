/// One entry of a target file as written: `{"targets": ["host:port", ...], "labels": {...}}`.
/// Other keys are kept by name rather than refused here, because `JSONDecoder` would otherwise
/// skip them silently while Prometheus refuses them; `TargetFile` turns them into an error.
struct TargetFileEntry: Decodable {
    static let knownKeys: Set<String> = ["targets", "labels"]

    var targets: [String]
    var labels: [String: String]
    var unknownKeys: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: EntryKey.self)
        targets = try container.decodeIfPresent([String].self, forKey: EntryKey("targets")) ?? []
        labels = try container.decodeIfPresent([String: String].self, forKey: EntryKey("labels")) ?? [:]
        unknownKeys = container.allKeys.map(\.stringValue).filter { !Self.knownKeys.contains($0) }.sorted()
    }

    /// Any key, so that `allKeys` lists the unknown ones too.
    private struct EntryKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
