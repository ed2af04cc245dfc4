using Microsoft.Data.Sqlite;

namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// Schema 1 → 2, in two steps around the head's recovery. Version 1 knew a series' time bounds only in memory
/// (and lost its newest one at every restart), had no cold index, and could hold two rows for one label set
/// (a retention race). First the new columns, index and table are added and the bounds computed from the chunks
/// table; then, once the database has merged duplicate series, the cold series' label index is created and the
/// version bumped.
/// Each step is idempotent, so a crash in between is finished by the next open.
/// </summary>
internal static class SchemaMigration
{
    public static void AddV2Columns(SqliteConnection db)
    {
        using var tx = db.BeginTransaction();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "PRAGMA table_info(series)";
            using var r = cmd.ExecuteReader();
            while (r.Read()) columns.Add(r.GetString(1));
        }
        var sql = new System.Text.StringBuilder();
        if (!columns.Contains("min_time")) sql.Append("ALTER TABLE series ADD COLUMN min_time INTEGER;");
        if (!columns.Contains("max_time")) sql.Append("ALTER TABLE series ADD COLUMN max_time INTEGER;");
        if (!columns.Contains("cold")) sql.Append("ALTER TABLE series ADD COLUMN cold INTEGER NOT NULL DEFAULT 0;");
        // Chunk rows are keyed by the hour they end in (SqliteStore.ClusterKey), which retention walks: version 1's
        // sequential rowids are re-keyed in one pass (a copy of the table, within this transaction).
        sql.Append("""
            CREATE TABLE chunks_v2(id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL,
                min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, data BLOB NOT NULL);
            INSERT INTO chunks_v2(id, series_id, min_time, max_time, data)
                SELECT (h << 32) + row_number() OVER (PARTITION BY h ORDER BY id) - 1, series_id, min_time, max_time, data
                FROM (SELECT *, CASE WHEN max_time >= 0 THEN max_time / 3600000 ELSE -((3599999 - max_time) / 3600000) END AS h FROM chunks);
            DROP TABLE chunks;
            ALTER TABLE chunks_v2 RENAME TO chunks;
            CREATE UNIQUE INDEX chunks_by_series ON chunks(series_id, min_time);
            CREATE TABLE IF NOT EXISTS cold_postings(name INTEGER NOT NULL, value INTEGER NOT NULL, series_id INTEGER NOT NULL,
                PRIMARY KEY(name, value, series_id)) WITHOUT ROWID;
            UPDATE series SET min_time = (SELECT MIN(min_time) FROM chunks WHERE series_id = series.id),
                              max_time = (SELECT MAX(max_time) FROM chunks WHERE series_id = series.id);
            """);
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = sql.ToString();
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public static void Complete(SqliteConnection db, int version)
    {
        using var tx = db.BeginTransaction();
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            CREATE UNIQUE INDEX IF NOT EXISTS series_by_labels ON series(labels) WHERE cold = 1;
            UPDATE meta SET value = '{version}' WHERE key = 'schema_version';
            """;
        cmd.ExecuteNonQuery();
        tx.Commit();
    }
}
