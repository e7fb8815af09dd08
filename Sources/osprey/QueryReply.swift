import Foundation

/// A reply of Prometheus's query API, as `osprey query` reads it: the envelope, and the result
/// in its four shapes. Values stay the server's strings, so they print exactly as served.
struct QueryReply: Decodable {
    var status: String
    var data: QueryData?
    var errorType: String?
    var error: String?
    var warnings: [String]?
}

struct QueryPoint: Decodable {
    var time: Double
    var value: String

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        time = try container.decode(Double.self)
        value = try container.decode(String.self)
    }

    /// The value as a number; Prometheus writes `NaN`, `+Inf` and `-Inf` as such.
    var number: Double {
        switch value {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(value) ?? .nan
        }
    }
}

struct QuerySeries: Decodable {
    var metric: [String: String]
    var value: QueryPoint?
    var values: [QueryPoint]?
}

enum QueryData: Decodable {
    case scalar(QueryPoint)
    case string(QueryPoint)
    case vector([QuerySeries])
    case matrix([QuerySeries])

    enum CodingKeys: String, CodingKey {
        case resultType, result
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .resultType)
        switch type {
        case "scalar": self = .scalar(try container.decode(QueryPoint.self, forKey: .result))
        case "string": self = .string(try container.decode(QueryPoint.self, forKey: .result))
        case "vector": self = .vector(try container.decode([QuerySeries].self, forKey: .result))
        case "matrix": self = .matrix(try container.decode([QuerySeries].self, forKey: .result))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .resultType, in: container, debugDescription: "unknown resultType \"\(type)\"")
        }
    }
}
