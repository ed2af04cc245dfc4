using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mlobs.Config.Alertmanager;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>
/// Silences (Alertmanager's silence package), kept in SQLite beside the notification log so they survive
/// restarts. Creating validates as Alertmanager does; expiring ends an active silence now (a pending one ends
/// before it starts); expired silences are kept for the retention (120 h) and then dropped.
/// </summary>
public sealed class SilenceStore
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock;
    private readonly Dictionary<string, Silence> _silences = new(StringComparer.Ordinal);

    internal SilenceStore(SqliteConnection db, Lock dbLock)
    {
        _db = db;
        _lock = dbLock;
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS silences (
                id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
                created_by TEXT NOT NULL, comment TEXT NOT NULL, updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            SELECT id, matchers, starts_at, ends_at, created_by, comment, updated_at FROM silences;
            """;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var matchers = ReadMatchers(r.GetString(1));
            _silences[r.GetString(0)] = new Silence(r.GetString(0), matchers, FromMs(r.GetInt64(2)), FromMs(r.GetInt64(3)),
                r.GetString(4), r.GetString(5), FromMs(r.GetInt64(6)));
        }
    }

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public IReadOnlyList<Silence> All { get { lock (_lock) return [.. _silences.Values.OrderBy(s => s.StartsAt).ThenBy(s => s.Id, StringComparer.Ordinal)]; } }

    public Silence? Get(string id) { lock (_lock) return _silences.GetValueOrDefault(id); }

    /// <summary>The active silences muting these labels (their ids).</summary>
    public List<string> SilencedBy(Mlobs.Model.Labels.LabelSet labels, DateTimeOffset now)
    {
        lock (_lock) return _silences.Values.Where(s => s.Mutes(labels, now)).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Creates a silence, or updates the one with <paramref name="id"/> (an active silence whose matchers change is
    /// expired and replaced by a new one, as Alertmanager does). Returns the id. Throws SilenceException with
    /// Alertmanager's message for invalid silences.
    /// </summary>
    public string Upsert(string? id, IReadOnlyList<LabelMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt,
        string createdBy, string comment, DateTimeOffset now)
    {
        if (matchers.Count == 0) throw new SilenceException("at least one matcher required");
        if (matchers.All(m => m.Matches(""))) throw new SilenceException("at least one matcher must not match the empty string");
        if (endsAt <= startsAt) throw new SilenceException("end time must not be before start time");
        if (endsAt <= now) throw new SilenceException("end time can't be in the past");
        if (createdBy.Length == 0) throw new SilenceException("creator information required");
        if (comment.Length == 0) throw new SilenceException("comment required");
        lock (_lock)
        {
            if (startsAt < now) startsAt = now;
            if (id is { Length: > 0 } && _silences.TryGetValue(id, out var existing) && existing.State(now) != SilenceState.Expired)
            {
                bool sameMatchers = AlertmanagerMatchers.Format(existing.Matchers) == AlertmanagerMatchers.Format(matchers);
                if (sameMatchers || existing.State(now) == SilenceState.Pending)
                {
                    if (existing.State(now) == SilenceState.Active) startsAt = existing.StartsAt;
                    Save(existing with { Matchers = matchers, StartsAt = startsAt, EndsAt = endsAt, CreatedBy = createdBy, Comment = comment, UpdatedAt = now });
                    return existing.Id;
                }
                Save(existing with { EndsAt = now, UpdatedAt = now });
            }
            else if (id is { Length: > 0 } && !_silences.ContainsKey(id))
            {
                throw new KeyNotFoundException($"silence {id} not found");
            }
            var silence = new Silence(Guid.NewGuid().ToString(), matchers, startsAt, endsAt, createdBy, comment, now);
            Save(silence);
            return silence.Id;
        }
    }

    /// <summary>Ends a silence now; false when there is none with that id; throws when it already expired.</summary>
    public bool Expire(string id, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_silences.TryGetValue(id, out var s)) return false;
            if (s.State(now) == SilenceState.Expired) throw new SilenceException("silence already expired");
            var startsAt = s.State(now) == SilenceState.Pending ? now : s.StartsAt;
            Save(s with { StartsAt = startsAt, EndsAt = now, UpdatedAt = now });
            return true;
        }
    }

    /// <summary>Drops silences expired longer than the retention.</summary>
    public void GarbageCollect(DateTimeOffset now, TimeSpan retention)
    {
        lock (_lock)
        {
            foreach (var s in _silences.Values.Where(s => s.EndsAt + retention < now).ToList())
            {
                _silences.Remove(s.Id);
                using var cmd = _db.CreateCommand();
                cmd.CommandText = "DELETE FROM silences WHERE id=$id";
                cmd.Parameters.AddWithValue("$id", s.Id);
                cmd.ExecuteNonQuery();
            }
        }
    }

    private void Save(Silence s)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO silences(id, matchers, starts_at, ends_at, created_by, comment, updated_at) VALUES($id, $m, $s, $e, $c, $k, $u)
            ON CONFLICT(id) DO UPDATE SET matchers=excluded.matchers, starts_at=excluded.starts_at, ends_at=excluded.ends_at,
                created_by=excluded.created_by, comment=excluded.comment, updated_at=excluded.updated_at
            """;
        cmd.Parameters.AddWithValue("$id", s.Id);
        cmd.Parameters.AddWithValue("$m", WriteMatchers(s.Matchers));
        cmd.Parameters.AddWithValue("$s", s.StartsAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$e", s.EndsAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$c", s.CreatedBy);
        cmd.Parameters.AddWithValue("$k", s.Comment);
        cmd.Parameters.AddWithValue("$u", s.UpdatedAt.ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
        _silences[s.Id] = s;
    }

    private static string WriteMatchers(IReadOnlyList<LabelMatcher> matchers) =>
        System.Text.Encoding.UTF8.GetString(IntegrationHttp.Json(w =>
        {
            w.WriteStartArray();
            foreach (var m in matchers)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                w.WriteString("value", m.Value);
                var (isRegex, isEqual) = AlertmanagerMatchers.ToApi(m);
                w.WriteBoolean("isRegex", isRegex);
                w.WriteBoolean("isEqual", isEqual);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));

    private static List<LabelMatcher> ReadMatchers(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => AlertmanagerMatchers.FromApi(e.GetProperty("name").GetString()!, e.GetProperty("value").GetString()!,
            e.GetProperty("isRegex").GetBoolean(), e.GetProperty("isEqual").GetBoolean())).ToList();
    }
}
