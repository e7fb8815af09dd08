import Hummingbird
import NIOCore
import OspreyFormats

/// A request's parameters as Go's `r.Form` holds them for Prometheus's handlers: those of an
/// `application/x-www-form-urlencoded` POST body first, then the URL's. Grafana and the API
/// clients POST long queries and many `match[]` in the body.
struct FormValues: Sendable {
    private var values: [String: [String]] = [:]

    /// Go's `ParseForm` refuses form bodies over 10 MB; so does this.
    static let maxBodyBytes = 10 << 20

    init(pairs: some Sequence<(String, String)>) {
        for (name, value) in pairs { values[name, default: []].append(value) }
    }

    /// Reads the URL query and, for a form POST, the body.
    static func read(_ request: Request) async throws(APIError) -> FormValues {
        var pairs: [(String, String)] = []
        if request.method == .post, Self.isForm(request.headers[.contentType]) {
            do {
                let body = try await request.body.collect(upTo: maxBodyBytes)
                pairs += decode(String(buffer: body))
            } catch is NIOTooManyBytesError {
                throw .tooLarge("http: POST too large: the form body is over \(maxBodyBytes) bytes")
            } catch {
                throw .badData("error parsing form values: \(error)")
            }
        }
        pairs += decode(request.uri.query ?? "")
        return FormValues(pairs: pairs)
    }

    /// The first value, or "" when absent, as Go's `FormValue`.
    subscript(_ name: String) -> String {
        values[name]?.first ?? ""
    }

    func all(_ name: String) -> [String] {
        values[name] ?? []
    }

    /// `a=1&b=x+y&c=%2F`: `+` is a space, `%XX` a byte. A pair with a bad escape is skipped, as
    /// Go's `ParseQuery` skips it.
    static func decode(_ text: some StringProtocol) -> [(String, String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(parts[0]), let value = unescape(parts.count > 1 ? parts[1] : "") else { return nil }
            return (name, value)
        }
    }

    private static func unescape(_ text: some StringProtocol) -> String? {
        guard let bytes = try? text.percentDecodedBytes(plusIsSpace: true) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isForm(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.filter { $0 != " " }.lowercased() == "application/x-www-form-urlencoded"
    }
}
