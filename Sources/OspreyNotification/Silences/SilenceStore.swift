import Foundation
import GRDB
import OspreyModel
import Synchronization

/// The silences, stored in the alerting database and mirrored in memory so `isSilenced`
/// answers without touching the disk. Every change is committed before the mirror shows it.
///
/// Posting an existing id updates it in place, as Alertmanager does, when its matchers are
/// unchanged and the edit leaves its past alone (an active silence keeps its start and does not
/// end in the past; a pending one does not start in the past); otherwise the old silence is
/// expired and a new one, with a new id, replaces it.
public final class SilenceStore: AlertSilencer, Sendable {
    /// A silence with its matchers compiled.
    private struct Entry: Sendable {
        var silence: Silence
        var matchers: [LabelMatcher]?
    }

    private struct Mirror {
        /// Which commit the entries reflect; writes are serialised, so a later commit has a
        /// higher number and an older snapshot never overwrites a newer one.
        var generation = 0
        var entries: [Entry] = []
    }

    private let database: DatabaseQueue
    private let mirror = Mutex(Mirror())
    private let generations = Mutex(0)

    init(database: DatabaseQueue) throws(AlertingStoreError) {
        self.database = database
        do {
            let silences = try database.read { db in try Self.fetchAll(db) }
            mirror.withLock { $0.entries = silences.map(Self.entry) }
        } catch {
            throw AlertingStoreError("load the silences", error)
        }
    }

    // MARK: AlertSilencer

    public func isSilenced(_ labels: Labels, at time: Date) -> Bool {
        mirror.withLock { mirror in
            mirror.entries.contains { entry in
                guard let matchers = entry.matchers, entry.silence.state(at: time) == .active else { return false }
                return labels.matches(matchers)
            }
        }
    }

    /// The ids of the active silences that mute an alert with these labels.
    public func silencing(_ labels: Labels, at time: Date) -> [String] {
        mirror.withLock { mirror in
            mirror.entries.compactMap { entry in
                guard let matchers = entry.matchers, entry.silence.state(at: time) == .active,
                    labels.matches(matchers)
                else { return nil }
                return entry.silence.id
            }
        }
    }

    // MARK: Reading

    /// The silences the filter accepts, ordered as Alertmanager lists them: active ones by end
    /// time, then pending ones by start time, then expired ones, latest ended first.
    public func list(filter: SilenceFilter = SilenceFilter(), at now: Date = Date()) -> [Silence] {
        let silences = mirror.withLock { $0.entries.map(\.silence) }.filter(filter.accepts)
        return silences.sorted { lhs, rhs in
            let (left, right) = (lhs.state(at: now), rhs.state(at: now))
            if left != right { return Self.rank(left) < Self.rank(right) }
            switch left {
            case .active: return lhs.endsAt < rhs.endsAt
            case .pending: return lhs.startsAt < rhs.startsAt
            case .expired: return lhs.endsAt > rhs.endsAt
            }
        }
    }

    public func silence(id: String) throws(SilenceError) -> Silence {
        guard let silence = mirror.withLock({ $0.entries.first { $0.silence.id == id }?.silence }) else {
            throw .notFound(id: id)
        }
        return silence
    }

    private static func rank(_ state: SilenceState) -> Int {
        switch state {
        case .active: 0
        case .pending: 1
        case .expired: 2
        }
    }

    // MARK: Writing

    /// Stores a new silence, or updates the one `postable.id` names; answers the id it now has.
    /// A start in the past becomes now.
    @discardableResult
    public func save(_ postable: PostableSilence, at now: Date = Date()) async throws(SilenceError) -> String {
        _ = try postable.validated(at: now)
        return try await write { db in
            guard let id = postable.id, !id.isEmpty else { return try Self.insert(postable, db: db, now: now) }
            guard let previous = try Self.fetch(id: id, db: db) else { throw SilenceError.notFound(id: id) }
            guard Self.canUpdate(previous, with: postable, at: now) else {
                if previous.state(at: now) != .expired { try Self.store(Self.expiring(previous, at: now), db: db) }
                return try Self.insert(postable, db: db, now: now)
            }
            var updated = previous
            // An active silence keeps the start it had; a pending one may move its start.
            if previous.state(at: now) == .pending { updated.startsAt = postable.startsAt }
            updated.endsAt = postable.endsAt
            updated.createdBy = postable.createdBy
            updated.comment = postable.comment
            updated.updatedAt = now
            try Self.store(updated, db: db)
            return id
        }
    }

    /// Ends a silence now (a pending one never starts). Expiring an expired silence is an error.
    public func expire(id: String, at now: Date = Date()) async throws(SilenceError) {
        try await write { db in
            guard let silence = try Self.fetch(id: id, db: db) else { throw SilenceError.notFound(id: id) }
            guard silence.state(at: now) != .expired else { throw SilenceError.alreadyExpired(id: id) }
            try Self.store(Self.expiring(silence, at: now), db: db)
        }
    }

    /// Forgets silences that ended before `cutoff`, as Alertmanager drops them after its retention.
    public func deleteExpired(endedBefore cutoff: Date) async throws(SilenceError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM silences WHERE ends_at < ?", arguments: [cutoff.timeIntervalSince1970])
        }
    }

    /// Runs `change` in one transaction, then refreshes the mirror from what was committed.
    private func write<T: Sendable>(_ change: @escaping @Sendable (Database) throws -> T) async throws(SilenceError) -> T {
        let outcome: (result: T, generation: Int, silences: [Silence])
        do {
            outcome = try await database.write { db in
                let result = try change(db)
                let generation = self.generations.withLock { generation in
                    generation += 1
                    return generation
                }
                return (result, generation, try Self.fetchAll(db))
            }
        } catch let error as SilenceError {
            throw error
        } catch {
            throw .storage("cannot write the silences: \(error)")
        }
        let entries = outcome.silences.map(Self.entry)
        mirror.withLock { mirror in
            guard outcome.generation > mirror.generation else { return }
            mirror = Mirror(generation: outcome.generation, entries: entries)
        }
        return outcome.result
    }

    // MARK: Rules

    /// Alertmanager's test for editing a silence in place rather than replacing it.
    private static func canUpdate(_ previous: Silence, with postable: PostableSilence, at now: Date) -> Bool {
        guard previous.matchers == postable.matchers else { return false }
        switch previous.state(at: now) {
        case .active:
            // Times travel through JSON with millisecond precision.
            return abs(previous.startsAt.timeIntervalSince(postable.startsAt)) < 0.001 && postable.endsAt >= now
        case .pending:
            return postable.startsAt >= now
        case .expired:
            return false
        }
    }

    private static func expiring(_ silence: Silence, at now: Date) -> Silence {
        var expired = silence
        if silence.state(at: now) == .pending { expired.startsAt = now }
        expired.endsAt = now
        expired.updatedAt = now
        return expired
    }

    // MARK: Rows

    private static func entry(_ silence: Silence) -> Entry {
        // Stored silences were validated when saved; one that no longer compiles mutes nothing.
        Entry(silence: silence, matchers: try? silence.matchers.map { matcher throws in try matcher.labelMatcher() })
    }

    private static func insert(_ postable: PostableSilence, db: Database, now: Date) throws -> String {
        let silence = Silence(
            id: UUID().uuidString.lowercased(), matchers: postable.matchers, startsAt: max(postable.startsAt, now),
            endsAt: postable.endsAt, createdBy: postable.createdBy, comment: postable.comment, updatedAt: now)
        try store(silence, db: db)
        return silence.id
    }

    private static func store(_ silence: Silence, db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                silence.id, try AlertingStore.json(silence.matchers), silence.startsAt.timeIntervalSince1970,
                silence.endsAt.timeIntervalSince1970, silence.createdBy, silence.comment,
                silence.updatedAt.timeIntervalSince1970,
            ])
    }

    private static func fetch(id: String, db: Database) throws -> Silence? {
        try Row.fetchOne(db, sql: "SELECT * FROM silences WHERE id = ?", arguments: [id]).map(silence)
    }

    private static func fetchAll(_ db: Database) throws -> [Silence] {
        try Row.fetchAll(db, sql: "SELECT * FROM silences ORDER BY id").map(silence)
    }

    private static func silence(_ row: Row) throws -> Silence {
        let matchers: String = row["matchers"]
        return Silence(
            id: row["id"], matchers: try JSONDecoder().decode([SilenceMatcher].self, from: Data(matchers.utf8)),
            startsAt: Date(timeIntervalSince1970: row["starts_at"]), endsAt: Date(timeIntervalSince1970: row["ends_at"]),
            createdBy: row["created_by"], comment: row["comment"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
