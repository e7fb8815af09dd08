import Foundation

/// A size in bytes: a number, or a number and a unit as Prometheus writes them (`10MB`,
/// `512KiB`; units are powers of 1024 either way, as in Prometheus).
struct ByteSize: Decodable {
    var bytes: Int

    init(from decoder: any Decoder) throws {
        // Read as text either way: the strict decoder reports a failed `Int` attempt as an
        // error even under `try?`, which refused `10MB`.
        let text = try decoder.singleValueContainer().decode(String.self).trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isNumber }
        let unit = text.dropFirst(digits.count).uppercased().replacingOccurrences(of: "IB", with: "B")
        let scales: [String: Int] = ["": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40]
        guard let count = Int(digits), let scale = scales[unit] else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a size such as 10MB"))
        }
        bytes = count * scale
    }
}
