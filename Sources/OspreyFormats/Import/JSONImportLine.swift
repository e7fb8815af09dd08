import Foundation
import OspreyModel

/// One line of VictoriaMetrics's JSON import (`/api/v1/import`):
/// `{"metric":{...},"values":[...],"timestamps":[...]}`.
public struct JSONImportLine: Sendable {
    public var labels: Labels
    public var values: [Double]
    public var timestamps: [Timestamp]

    private struct Wire: Decodable {
        var metric: [String: String]
        var values: [WireValue]
        var timestamps: [Int64]
    }

    /// A number, or `"NaN"`, `"Inf"`, `"+Inf"`, `"-Inf"` written as a string, or null for NaN.
    private struct WireValue: Decodable {
        var value: Double
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .nan
            } else if let number = try? container.decode(Double.self) {
                value = number
            } else {
                let text = try container.decode(String.self).lowercased()
                switch text {
                case "nan": value = .nan
                case "inf", "+inf": value = .infinity
                case "-inf": value = -.infinity
                default:
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a number")
                }
            }
        }
    }

    /// Decodes one line, `number` counting from 1 in the body, which errors name.
    public init(_ bytes: ArraySlice<UInt8>, number: Int) throws(JSONImportError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw JSONImportError("line \(number): missing \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw JSONImportError("line \(number): \(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        } catch {
            throw JSONImportError("line \(number): not a JSON import line: \(error)")
        }
        guard wire.values.count == wire.timestamps.count else {
            throw JSONImportError("line \(number): \(wire.values.count) values but \(wire.timestamps.count) timestamps")
        }
        labels = Labels(wire.metric)
        values = wire.values.map(\.value)
        timestamps = wire.timestamps
    }
}

/// A JSON import line that cannot be read, with its line number and what is wrong.
public struct JSONImportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
