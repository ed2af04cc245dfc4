using Microsoft.Data.Sqlite;

namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// Reads of the cold index on a reader connection: <c>cold_postings</c> (label name symbol → value symbol → series,
/// for series that have left the head) joined with the series rows and their time bounds. It plays the part of a
/// Prometheus block's index: a series that stopped is found here by its labels and its time range, without being
/// held in memory. A series that came back to the head keeps its postings; callers drop the ones the head answered.
/// </summary>
internal static class ColdIndex
{
    private const string InRange = "s.max_time >= $lo AND s.min_time <= $hi";

    /// <summary>A cold series by its labels' bytes (through the partial unique index on cold series' labels).</summary>
    public static SqliteStore.SeriesRow? FindSeries(SqliteConnection reader, byte[] labels)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = "SELECT id, labels, min_time, max_time FROM series WHERE labels = $a AND cold = 1";
        cmd.Parameters.AddWithValue("$a", labels);
        using var r = cmd.ExecuteReader();
        return r.Read() ? SqliteStore.ReadSeriesRow(r) : null;
    }

    /// <summary>Series carrying name=value with samples in [lo, hi].</summary>
    public static void SeriesWith(SqliteConnection reader, int name, int value, long lo, long hi, List<SqliteStore.SeriesRow> into)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"""
            SELECT s.id, s.labels, s.min_time, s.max_time FROM cold_postings p JOIN series s ON s.id = p.series_id
            WHERE p.name = $n AND p.value = $v AND {InRange}
            """;
        Bind(cmd, lo, hi).AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", value);
        Read(cmd, into);
    }

    /// <summary>Series carrying the label name with a value in <paramref name="values"/> and samples in [lo, hi] (one pass over the name).</summary>
    public static void SeriesWithAny(SqliteConnection reader, int name, HashSet<int> values, long lo, long hi, List<SqliteStore.SeriesRow> into)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"""
            SELECT s.id, s.labels, s.min_time, s.max_time, p.value FROM cold_postings p JOIN series s ON s.id = p.series_id
            WHERE p.name = $n AND {InRange}
            """;
        Bind(cmd, lo, hi).AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            if (values.Contains((int)r.GetInt64(4))) into.Add(SqliteStore.ReadSeriesRow(r));
    }

    /// <summary>Every cold series with samples in [lo, hi] (a selector whose every matcher also matches an empty value).</summary>
    public static void AllSeries(SqliteConnection reader, long lo, long hi, List<SqliteStore.SeriesRow> into)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"SELECT s.id, s.labels, s.min_time, s.max_time FROM series s WHERE s.cold = 1 AND {InRange}";
        Bind(cmd, lo, hi);
        Read(cmd, into);
    }

    /// <summary>Value symbols the label name has among cold series (any time).</summary>
    public static List<int> Values(SqliteConnection reader, int name)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT value FROM cold_postings WHERE name = $n";
        cmd.Parameters.AddWithValue("$n", name);
        return ReadInts(cmd);
    }

    /// <summary>Value symbols the label name has among cold series with samples in [lo, hi].</summary>
    public static List<int> ValuesIn(SqliteConnection reader, int name, long lo, long hi)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"SELECT DISTINCT p.value FROM cold_postings p JOIN series s ON s.id = p.series_id WHERE p.name = $n AND {InRange}";
        Bind(cmd, lo, hi).AddWithValue("$n", name);
        return ReadInts(cmd);
    }

    /// <summary>Label name symbols among cold series (any time).</summary>
    public static List<int> Names(SqliteConnection reader)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT name FROM cold_postings";
        return ReadInts(cmd);
    }

    /// <summary>Does some cold series with samples in [lo, hi] carry the label name?</summary>
    public static bool NameIn(SqliteConnection reader, int name, long lo, long hi)
    {
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"SELECT 1 FROM cold_postings p JOIN series s ON s.id = p.series_id WHERE p.name = $n AND {InRange} LIMIT 1";
        Bind(cmd, lo, hi).AddWithValue("$n", name);
        return cmd.ExecuteScalar() is not null;
    }

    private static SqliteParameterCollection Bind(SqliteCommand cmd, long lo, long hi)
    {
        cmd.Parameters.AddWithValue("$lo", lo);
        cmd.Parameters.AddWithValue("$hi", hi);
        return cmd.Parameters;
    }

    private static void Read(SqliteCommand cmd, List<SqliteStore.SeriesRow> into)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read()) into.Add(SqliteStore.ReadSeriesRow(r));
    }

    private static List<int> ReadInts(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var result = new List<int>();
        while (r.Read()) result.Add((int)r.GetInt64(0));
        return result;
    }
}
