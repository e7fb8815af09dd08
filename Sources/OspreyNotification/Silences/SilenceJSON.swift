import Foundation
import OspreyGoCompat

/// A silence as Alertmanager's API v2 returns it (`gettableSilence`): the stored fields plus
/// `status.state` as of the moment of the request, times in RFC 3339.
public struct GettableSilence: Encodable, Sendable {
    public struct Status: Encodable, Sendable {
        public var state: SilenceState
    }

    public var id: String
    public var status: Status
    public var updatedAt: String
    public var matchers: [SilenceMatcher]
    public var startsAt: String
    public var endsAt: String
    public var createdBy: String
    public var comment: String

    public init(_ silence: Silence, at now: Date) {
        id = silence.id
        status = Status(state: silence.state(at: now))
        updatedAt = silence.updatedAt.rfc3339Millis
        matchers = silence.matchers
        startsAt = silence.startsAt.rfc3339Millis
        endsAt = silence.endsAt.rfc3339Millis
        createdBy = silence.createdBy
        comment = silence.comment
    }
}

extension PostableSilence {
    /// Reads a `postableSilence` JSON body; the error names the missing or malformed field.
    public init(json: Data) throws(SilenceError) {
        struct Body: Decodable {
            var id: String?
            var matchers: [SilenceMatcher]
            var startsAt: String
            var endsAt: String
            var createdBy: String
            var comment: String
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: json)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid("\(Self.path(context.codingPath + [key])) in body is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .invalid("\(Self.path(context.codingPath)) in body has the wrong type")
        } catch {
            throw .invalid("body is not a valid silence: \(error)")
        }
        guard let startsAt = RFC3339.parse(body.startsAt) else {
            throw .invalid("startsAt in body must be of type date-time: \"\(body.startsAt)\"")
        }
        guard let endsAt = RFC3339.parse(body.endsAt) else {
            throw .invalid("endsAt in body must be of type date-time: \"\(body.endsAt)\"")
        }
        self.init(
            id: body.id, matchers: body.matchers, startsAt: startsAt, endsAt: endsAt, createdBy: body.createdBy,
            comment: body.comment)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
