import OspreyModel

/// A config duration in Prometheus's syntax (`15s`, `1h30m`).
public struct DurationValue: Decodable, Hashable, Sendable {
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            duration = try Duration(prometheus: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}
