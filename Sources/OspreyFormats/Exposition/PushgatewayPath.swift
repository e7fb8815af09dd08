import Foundation
import OspreyModel

/// The Prometheus pushgateway's URL scheme, `/metrics/job/<job>{/<label>/<value>}`, as
/// `prometheus_client.push_to_gateway` and batch jobs call it.
public enum PushgatewayPath {
    /// The grouping labels of a pushgateway path: name/value pairs after `/metrics/`, the first
    /// being `job`; a name ending in `@base64` has its value in URL-safe base64.
    public static func groupingLabels(_ path: String) throws(PushgatewayPathError) -> [Label] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard parts.count >= 2, parts.count % 2 == 0 else {
            throw PushgatewayPathError("pushgateway path must be /metrics/job/<job>{/<label>/<value>}, got \(path)")
        }
        var labels: [Label] = []
        for index in stride(from: 0, to: parts.count, by: 2) {
            var name = parts[index]
            var value = parts[index + 1]
            if name.hasSuffix("@base64") {
                name.removeLast("@base64".count)
                guard let decoded = Self.base64URL(value) else {
                    throw PushgatewayPathError("the value of \(name) is not URL-safe base64: \(value)")
                }
                value = decoded
            }
            guard MetricNames.isValidLabelName(name) else { throw PushgatewayPathError("invalid label name \"\(name)\" in the path") }
            if index == 0, name != "job" { throw PushgatewayPathError("pushgateway path must start with /metrics/job/") }
            if name == "job", value.isEmpty { throw PushgatewayPathError("job name must not be empty") }
            labels.append(Label(name, value))
        }
        return labels
    }

    /// Decodes URL-safe base64 with or without padding; `=` alone is the empty string.
    private static func base64URL(_ text: String) -> String? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard = standard.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}

/// A pushgateway path that names no group, with what is wrong.
public struct PushgatewayPathError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
