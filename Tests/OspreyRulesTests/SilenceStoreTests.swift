import Foundation
import OspreyGoCompat
import OspreyModel
import OspreyNotification
import OspreyRules
import Testing

@Suite struct SilenceStoreTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func postable(
        _ matchers: [SilenceMatcher], from start: TimeInterval = 0, to end: TimeInterval = 3600, id: String? = nil
    ) -> PostableSilence {
        PostableSilence(
            id: id, matchers: matchers, startsAt: now.addingTimeInterval(start), endsAt: now.addingTimeInterval(end),
            createdBy: "alice", comment: "maintenance")
    }

    @Test func aSilenceIsPendingThenActiveThenExpired() async throws {
        let folder = try TemporaryAlertingFolder()
        let silences = try folder.openStore().silences
        let id = try await silences.save(
            Self.postable([SilenceMatcher(name: "alertname", value: "Down")], from: 600, to: 1200), at: Self.now)
        let silence = try silences.silence(id: id)
        #expect(UUID(uuidString: id) != nil)
        #expect(silence.createdBy == "alice" && silence.comment == "maintenance")
        #expect(silence.state(at: Self.now) == .pending)
        #expect(silence.state(at: Self.now.addingTimeInterval(600)) == .active)
        #expect(silence.state(at: Self.now.addingTimeInterval(1200)) == .expired)

        let down = Labels(["alertname": "Down", "job": "api"])
        #expect(!silences.isSilenced(down, at: Self.now), "pending silences mute nothing")
        #expect(silences.isSilenced(down, at: Self.now.addingTimeInterval(900)))
        #expect(!silences.isSilenced(down, at: Self.now.addingTimeInterval(1200)), "expired silences mute nothing")
        #expect(!silences.isSilenced(Labels(["alertname": "Up"]), at: Self.now.addingTimeInterval(900)))
    }

    @Test func regexAndNegativeMatchersSelectAlerts() async throws {
        let folder = try TemporaryAlertingFolder()
        let silences = try folder.openStore().silences
        try await silences.save(
            Self.postable([
                SilenceMatcher(name: "job", value: "api|web", isRegex: true),
                SilenceMatcher(name: "env", value: "prod", isEqual: false),
                SilenceMatcher(name: "instance", value: "db.*", isRegex: true, isEqual: false),
            ]), at: Self.now)
        let at = Self.now.addingTimeInterval(1)
        #expect(silences.isSilenced(Labels(["job": "api", "env": "staging", "instance": "web-1"]), at: at))
        #expect(silences.isSilenced(Labels(["job": "web"]), at: at), "missing labels are empty: != prod and !~ db.* hold")
        #expect(!silences.isSilenced(Labels(["job": "api2"]), at: at), "regexes are anchored")
        #expect(!silences.isSilenced(Labels(["job": "api", "env": "prod"]), at: at))
        #expect(!silences.isSilenced(Labels(["job": "api", "instance": "db-1"]), at: at))
    }

    @Test func expiringEndsASilenceAndCannotBeRepeated() async throws {
        let folder = try TemporaryAlertingFolder()
        let silences = try folder.openStore().silences
        let active = try await silences.save(Self.postable([SilenceMatcher(name: "job", value: "api")]), at: Self.now)
        let pending = try await silences.save(
            Self.postable([SilenceMatcher(name: "job", value: "web")], from: 600), at: Self.now)
        let later = Self.now.addingTimeInterval(60)
        try await silences.expire(id: active, at: later)
        try await silences.expire(id: pending, at: later)
        #expect(try silences.silence(id: active).state(at: later) == .expired)
        #expect(try silences.silence(id: active).endsAt == later)
        #expect(try silences.silence(id: pending).state(at: later.addingTimeInterval(600)) == .expired)
        #expect(!silences.isSilenced(Labels(["job": "api"]), at: later))
        await #expect(throws: SilenceError.alreadyExpired(id: active)) { try await silences.expire(id: active, at: later) }
        await #expect(throws: SilenceError.notFound(id: "nope")) { try await silences.expire(id: "nope", at: later) }
        #expect(throws: SilenceError.notFound(id: "nope")) { try silences.silence(id: "nope") }
    }

    @Test func invalidSilencesAreRefusedWithTheReason() async throws {
        let folder = try TemporaryAlertingFolder()
        let silences = try folder.openStore().silences
        let cases: [(PostableSilence, String)] = [
            (Self.postable([]), "at least one matcher required"),
            (Self.postable([SilenceMatcher(name: "job", value: "")]), "at least one matcher must not match the empty string"),
            (Self.postable([SilenceMatcher(name: "job", value: ".*", isRegex: true)]), "must not match the empty string"),
            (Self.postable([SilenceMatcher(name: "1job", value: "api")]), "invalid label name \"1job\""),
            (Self.postable([SilenceMatcher(name: "job", value: "(api", isRegex: true)]), "invalid regular expression"),
            (Self.postable([SilenceMatcher(name: "job", value: "api")], from: 60, to: 60), "start time must be before end time"),
            (Self.postable([SilenceMatcher(name: "job", value: "api")], from: -120, to: -60), "end time can't be in the past"),
        ]
        for (postable, reason) in cases {
            do {
                try await silences.save(postable, at: Self.now)
                Issue.record("accepted a silence that should fail with \(reason)")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
        #expect(silences.list(at: Self.now).isEmpty, "nothing of a refused silence is stored")
    }

    @Test func postingAnIdUpdatesInPlaceOrReplacesAsAlertmanagerDoes() async throws {
        let folder = try TemporaryAlertingFolder()
        let silences = try folder.openStore().silences
        let matchers = [SilenceMatcher(name: "job", value: "api")]
        let id = try await silences.save(Self.postable(matchers), at: Self.now)
        let later = Self.now.addingTimeInterval(60)

        // Extending an active silence with the same matchers keeps its id.
        let extended = try await silences.save(Self.postable(matchers, to: 7200, id: id), at: later)
        #expect(extended == id)
        #expect(try silences.silence(id: id).endsAt == Self.now.addingTimeInterval(7200))

        // Changing the matchers expires the old silence and creates a new one.
        let replaced = try await silences.save(
            Self.postable([SilenceMatcher(name: "job", value: "web")], to: 7200, id: id), at: later)
        #expect(replaced != id)
        #expect(try silences.silence(id: id).state(at: later) == .expired)
        #expect(try silences.silence(id: replaced).state(at: later) == .active)
        #expect(try silences.silence(id: replaced).startsAt == later, "a start in the past becomes now")

        // A pending silence may move its start, keeping its id.
        let pending = try await silences.save(Self.postable(matchers, from: 600, to: 7200), at: later)
        let moved = try await silences.save(Self.postable(matchers, from: 1200, to: 7200, id: pending), at: later)
        #expect(moved == pending)
        #expect(try silences.silence(id: pending).startsAt == Self.now.addingTimeInterval(1200))

        await #expect(throws: SilenceError.notFound(id: "unknown")) {
            try await silences.save(Self.postable(matchers, id: "unknown"), at: later)
        }
    }

    @Test func silencesSurviveReopeningAndListInAlertmanagerOrder() async throws {
        let folder = try TemporaryAlertingFolder()
        let at = Self.now.addingTimeInterval(120)
        var ids: [String: String] = [:]
        do {
            let silences = try folder.openStore().silences
            ids["long"] = try await silences.save(Self.postable([SilenceMatcher(name: "job", value: "a")], to: 9000), at: Self.now)
            ids["short"] = try await silences.save(Self.postable([SilenceMatcher(name: "job", value: "b")], to: 600), at: Self.now)
            ids["pending"] = try await silences.save(
                Self.postable([SilenceMatcher(name: "job", value: "c")], from: 3600, to: 7200), at: Self.now)
            ids["expired"] = try await silences.save(Self.postable([SilenceMatcher(name: "job", value: "d")]), at: Self.now)
            try await silences.expire(id: ids["expired"]!, at: Self.now.addingTimeInterval(60))
        }
        let silences = try folder.openStore().silences
        #expect(silences.list(at: at).map(\.id) == ["short", "long", "pending", "expired"].map { ids[$0]! })
        #expect(silences.isSilenced(Labels(["job": "a"]), at: at))

        let filtered = silences.list(filter: try SilenceFilter(parsing: [#"job=~"a|c""#]), at: at)
        #expect(filtered.map(\.id) == [ids["long"]!, ids["pending"]!])
        #expect(silences.list(filter: try SilenceFilter(parsing: ["job=b"]), at: at).map(\.id) == [ids["short"]!])
        #expect(throws: SilenceError.self) { try SilenceFilter(parsing: ["job"]) }

        try await silences.deleteExpired(endedBefore: at)
        #expect(silences.list(at: at).count == 3)
    }

    @Test func theWireFormatIsAlertmanagers() throws {
        let body = #"""
            {"matchers":[{"name":"alertname","value":"Down","isRegex":false},{"name":"job","value":"a.*","isRegex":true,"isEqual":false}],
             "startsAt":"2023-11-14T22:13:20.123456789Z","endsAt":"2023-11-15T00:13:20+02:00","createdBy":"alice","comment":"x"}
            """#
        let postable = try PostableSilence(json: Data(body.utf8))
        #expect(postable.matchers[0].isEqual, "isEqual defaults to true")
        #expect(postable.matchers[1].kind == .notRegex)
        #expect(abs(postable.startsAt.timeIntervalSince1970 - 1_700_000_000.123456789) < 1e-6)
        #expect(postable.endsAt.timeIntervalSince1970 == 1_700_000_000)
        #expect(postable.startsAt.rfc3339Millis == "2023-11-14T22:13:20.123Z")

        #expect(throws: SilenceError.invalid("createdBy in body is required")) {
            try PostableSilence(json: Data(#"{"matchers":[],"startsAt":"2023-11-14T22:13:20Z","endsAt":"2023-11-14T22:13:20Z","comment":""}"#.utf8))
        }
        #expect(throws: SilenceError.self) {
            try PostableSilence(
                json: Data(#"{"matchers":[],"startsAt":"yesterday","endsAt":"2023-11-14T22:13:20Z","createdBy":"","comment":""}"#.utf8))
        }

        let silence = Silence(
            id: "f00", matchers: postable.matchers, startsAt: Self.now, endsAt: Self.now.addingTimeInterval(60),
            createdBy: "alice", comment: "x", updatedAt: Self.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(GettableSilence(silence, at: Self.now)), as: UTF8.self)
        #expect(json.contains(#""status":{"state":"active"}"#))
        #expect(json.contains(#""startsAt":"2023-11-14T22:13:20.000Z""#))
        #expect(json.contains(#""isEqual":false"#) && json.contains(#""isRegex":true"#))
    }
}
