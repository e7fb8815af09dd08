import Foundation
import Hummingbird

/// The content type the JSON APIs (dashboards, silences) require of a body. A browser may send
/// `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data` to another site
/// without asking it first; `application/json` it sends only after a CORS preflight this server
/// never grants, so requiring it keeps forged form posts out even where a browser sends neither
/// `Sec-Fetch-Site` nor `Origin`.
extension Request {
    /// Whether the body is declared as `application/json` (parameters such as `charset` allowed).
    var declaresJSONBody: Bool {
        guard let type = headers[.contentType] else { return false }
        let media = type.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    /// Why the body's content type is refused (for a 415), or nil when it is JSON.
    var jsonBodyRefusal: String? {
        guard !declaresJSONBody else { return nil }
        let type = headers[.contentType].map { "Content-Type \($0)" } ?? "no Content-Type"
        return "unsupported media type: \(type); send the body as application/json"
    }
}
