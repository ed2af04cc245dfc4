using System.Collections.Concurrent;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// Shares one string instance per distinct label name or value across all series of all targets, so 10k series
/// that all carry "__name__", "job", "instance" and a few dozen values do not each hold their own copies.
/// Bounded: past the cap new strings are simply not pooled.
/// </summary>
internal static class LabelStringPool
{
    private const int MaxEntries = 200_000;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string Intern(string s)
    {
        if (Pool.TryGetValue(s, out var pooled)) return pooled;
        if (Pool.Count >= MaxEntries) return s;
        return Pool.GetOrAdd(s, s);
    }
}
