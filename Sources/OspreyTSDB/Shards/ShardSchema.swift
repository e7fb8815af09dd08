import GRDB

/// The tables of a shard file, by version.
///
/// - `chunks`: chunks as the head cut them (Gorilla), one row each, until recompressed.
/// - `cold_groups`: recompressed chunks, many series' to a row (see `ColdGroup`). Each
///   recompression of a shard writes one generation of groups over disjoint series ranges;
///   `seq` is the highest chunk sequence merged into the generation, so that a chunk written after
///   it (a higher sequence) wins where they overlap, and one written before loses.
enum ShardSchema {
    static var migrator: DatabaseMigrator {
        var schema = DatabaseMigrator()
        // Shards of releases before migrations have these tables already.
        schema.registerMigration("v1: chunks, cold groups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS chunks (
                        series_id INTEGER NOT NULL, min_t INTEGER NOT NULL, max_t INTEGER NOT NULL,
                        seq INTEGER NOT NULL, encoding INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE INDEX IF NOT EXISTS chunks_by_series ON chunks (series_id, min_t);
                    CREATE TABLE IF NOT EXISTS cold_groups (
                        first_series INTEGER PRIMARY KEY, last_series INTEGER NOT NULL,
                        min_t INTEGER NOT NULL, max_t INTEGER NOT NULL, data BLOB NOT NULL);
                    """)
        }
        // Recent data is recompressed before its window ends, a generation at a time. The groups
        // of a v1 file were written once, after the window ended, and merged everything before
        // them: generation 0, sequence 0.
        schema.registerMigration("v2: generations of cold groups") { db in
            try db.execute(
                sql: """
                    ALTER TABLE cold_groups RENAME TO cold_groups_v1;
                    CREATE TABLE cold_groups (
                        generation INTEGER NOT NULL, first_series INTEGER NOT NULL, last_series INTEGER NOT NULL,
                        min_t INTEGER NOT NULL, max_t INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE UNIQUE INDEX cold_groups_by_series ON cold_groups (generation, first_series);
                    INSERT INTO cold_groups (generation, first_series, last_series, min_t, max_t, seq, data)
                        SELECT 0, first_series, last_series, min_t, max_t, 0, data FROM cold_groups_v1;
                    DROP TABLE cold_groups_v1;
                    """)
        }
        return schema
    }
}
