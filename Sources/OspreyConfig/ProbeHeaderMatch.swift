/// One `fail_if_header_matches` / `fail_if_header_not_matches` entry: a header, a regular
/// expression its values are searched with, and whether a missing header passes.
public struct ProbeHeaderMatch: Codable, Equatable, Sendable {
    public var header: String
    public var regexp: String
    public var allowMissing: Bool

    public init(header: String, regexp: String, allowMissing: Bool = false) {
        self.header = header
        self.regexp = regexp
        self.allowMissing = allowMissing
    }

    enum CodingKeys: String, CodingKey {
        case header, regexp
        case allowMissing = "allow_missing"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decode(String.self, forKey: .header)
        regexp = try container.decode(String.self, forKey: .regexp)
        allowMissing = try container.decodeIfPresent(Bool.self, forKey: .allowMissing) ?? false
        var problems: [String] = []
        if header.isEmpty { problems.append("header must not be empty") }
        if let invalid = ProbeRegex.firstInvalid([regexp]) { problems.append(invalid) }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }
}
