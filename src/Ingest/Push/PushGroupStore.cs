using System.Collections.Immutable;

namespace Mlobs.Ingest.Push;

/// <summary>
/// The pushed groups (the Pushgateway's DiskMetricStore): applies pushes one at a time, each checked for consistency
/// with every other group and the appliance's own metric types before it replaces anything, and written to SQLite
/// before it is acknowledged. Readers take an immutable snapshot.
/// </summary>
public sealed class PushGroupStore : IDisposable
{
    public const string TimestampError = "pushed metrics must not have timestamps";

    private readonly PushDatabase _db;
    private readonly Func<IReadOnlyDictionary<string, MetricKind>> _reserved;
    private readonly Lock _lock = new();
    private ImmutableDictionary<string, PushGroup> _groups;
    private long _version;

    /// <param name="reserved">The appliance's own metric families and their types, which a push must not contradict.</param>
    public PushGroupStore(PushDatabase db, Func<IReadOnlyDictionary<string, MetricKind>>? reserved = null, Action<string, Exception>? onCorrupt = null)
    {
        _db = db;
        _reserved = reserved ?? (() => ImmutableDictionary<string, MetricKind>.Empty);
        _groups = db.LoadAll(onCorrupt).ToImmutableDictionary(g => g.Key.Key, StringComparer.Ordinal);
    }

    /// <summary>Pushes accepted, and pushes refused as inconsistent, since start.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);
    public long Rejected => Interlocked.Read(ref _rejected);
    private long _accepted, _rejected;

    public IReadOnlyCollection<PushGroup> Groups => _groups.Values.ToList();

    public PushGroup? Get(GroupingKey key) => _groups.GetValueOrDefault(key.Key);

    /// <summary>
    /// Applies a push or delete; throws <see cref="PushInconsistentException"/> with the Pushgateway's message when the
    /// push is inconsistent, after recording the failure time on the group (which otherwise keeps its content).
    /// </summary>
    public void Apply(PushRequest request)
    {
        lock (_lock)
        {
            if (request.Families is null)
            {
                if (!_groups.ContainsKey(request.Key.Key)) return;
                _db.Delete(request.Key);
                _groups = _groups.Remove(request.Key.Key);
                return;
            }
            var existing = _groups.GetValueOrDefault(request.Key.Key);
            string? problem = request.Families.Values.Any(f => f.Metrics.Any(m => m.TimestampMs is not null)) ? TimestampError : null;
            PushGroup? updated = null;
            if (problem is null)
            {
                updated = Updated(existing, request);
                // The others in a stable order and the pushed group last, so the error names what was pushed.
                var others = _groups.Remove(updated.Key.Key).Values.OrderBy(g => g.Key.Key, StringComparer.Ordinal);
                problem = PushConsistency.Check(others.Append(updated), _reserved());
            }
            if (problem is not null)
            {
                var failed = (existing ?? New(request.Key, request.Time)) with { LastFailure = request.Time, Version = ++_version };
                _db.Save(failed);
                _groups = _groups.SetItem(failed.Key.Key, failed);
                Interlocked.Increment(ref _rejected);
                throw new PushInconsistentException(problem);
            }
            _db.Save(updated!);
            _groups = _groups.SetItem(updated!.Key.Key, updated);
            Interlocked.Increment(ref _accepted);
        }
    }

    /// <summary>Deletes every group (the Pushgateway's admin wipe).</summary>
    public void Wipe(DateTimeOffset now)
    {
        foreach (var g in _groups.Values) Apply(PushRequest.Delete(g.Key, now));
    }

    /// <summary>Deletes groups not pushed to for longer than their job's TTL (null: kept); returns how many.</summary>
    public int Expire(DateTimeOffset now, Func<string, TimeSpan?> ttlForJob)
    {
        int expired = 0;
        foreach (var g in _groups.Values)
        {
            if (ttlForJob(g.Key.Job) is not { } ttl || ttl <= TimeSpan.Zero) continue;
            var touched = g.LastPush ?? g.LastFailure ?? g.Created;
            if (now - touched < ttl) continue;
            lock (_lock)
            {
                // A push may have arrived since the snapshot: only the group as seen is expired.
                if (_groups.GetValueOrDefault(g.Key.Key)?.Version != g.Version) continue;
                _db.Delete(g.Key);
                _groups = _groups.Remove(g.Key.Key);
                expired++;
            }
        }
        return expired;
    }

    private PushGroup New(GroupingKey key, DateTimeOffset time) =>
        new(key, ImmutableDictionary<string, TimestampedFamily>.Empty, null, null, time, ++_version);

    private PushGroup Updated(PushGroup? existing, PushRequest request)
    {
        var group = existing ?? New(request.Key, request.Time);
        var families = request.Replace
            ? new Dictionary<string, TimestampedFamily>(StringComparer.Ordinal)
            : new Dictionary<string, TimestampedFamily>(group.Families, StringComparer.Ordinal);
        foreach (var family in request.Families!.Values)
        {
            if (family.Name is PushGroup.PushTimeMetric or PushGroup.PushFailureTimeMetric) continue; // the group's own gauges win
            families[family.Name] = new TimestampedFamily(PushSanitizer.Sanitize(family, request.Key), request.Time);
        }
        return group with { Families = families, LastPush = request.Time, Version = ++_version };
    }

    public void Dispose() => _db.Dispose();
}
