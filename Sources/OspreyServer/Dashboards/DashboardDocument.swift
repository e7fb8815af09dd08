import Foundation

/// One dashboard in Grafana's JSON model, kept as the JSON it came in (so fields Osprey does not
/// draw survive a save and a read), with what the list and the API need read out of it.
struct DashboardDocument: Sendable, Equatable {
    var uid: String
    var title: String
    var tags: [String]
    /// The dashboard object, `uid` and `version` set.
    var json: Data
    var version: Int

    /// Reads a dashboard object; one without a `uid` gets `fallbackUID`.
    init(json data: Data, fallbackUID: @autoclosure () -> String, source: String) throws(DashboardError) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .invalid("\(source): not a JSON object")
        }
        try self.init(object: object, fallbackUID: fallbackUID(), source: source)
    }

    init(object: [String: Any], fallbackUID: @autoclosure () -> String, source: String) throws(DashboardError) {
        var object = object
        guard let title = (object["title"] as? String)?.trimmingCharacters(in: .whitespaces), !title.isEmpty else {
            throw .invalid("\(source): dashboard title cannot be empty")
        }
        let uid = (object["uid"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? fallbackUID()
        guard uid.count <= 40, uid.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalid("\(source): uid \"\(uid)\" must be at most 40 letters, digits, - or _")
        }
        object["uid"] = uid
        self.uid = uid
        self.title = title
        tags = (object["tags"] as? [String]) ?? []
        version = (object["version"] as? Int) ?? 0
        guard let json = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw .invalid("\(source): cannot be written back as JSON")
        }
        self.json = json
    }

    /// The same dashboard at `version`.
    func with(version: Int) -> DashboardDocument {
        var copy = self
        copy.version = version
        if var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] {
            object["version"] = version
            copy.json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? json
        }
        return copy
    }

    /// A random uid as Grafana makes them: nine letters and digits.
    static func newUID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<9).map { _ in alphabet.randomElement() ?? "a" })
    }
}

/// Why a dashboard was refused, in Grafana's words where Grafana has them.
enum DashboardError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    case notFound
    case provisioned
    case versionMismatch(current: Int)
    case storage(String)

    var description: String {
        switch self {
        case .invalid(let message): message
        case .notFound: "Dashboard not found"
        case .provisioned: "Cannot save provisioned dashboard"
        case .versionMismatch(let current):
            "The dashboard has been changed by someone else (now at version \(current)); save with overwrite to replace it"
        case .storage(let message): "dashboard storage: \(message)"
        }
    }
}
