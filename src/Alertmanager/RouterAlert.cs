using System.Text;
using Mlobs.Model.Labels;

namespace Mlobs.Alertmanager;

/// <summary>An alert inside the router (types.Alert): the sent alert plus its fingerprint and when it was last updated.</summary>
public sealed record RouterAlert(
    LabelSet Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl,
    DateTimeOffset UpdatedAt)
{
    public ulong Fingerprint { get; } = Fingerprints.Of(Labels);

    public bool IsResolved(DateTimeOffset now) => EndsAt <= now;
}

/// <summary>Prometheus's model.LabelSet.Fingerprint: FNV-1a over sorted name/value pairs, each followed by 0xff.</summary>
public static class Fingerprints
{
    public static ulong Of(LabelSet labels)
    {
        ulong h = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var l in labels.AsSpan())
        {
            h = Add(h, l.Name, buffer);
            h = AddByte(h, 0xff);
            h = Add(h, l.Value, buffer);
            h = AddByte(h, 0xff);
        }
        return h;
    }

    /// <summary>As Alertmanager prints fingerprints: 16 hex digits.</summary>
    public static string Format(ulong fingerprint) => fingerprint.ToString("x16");

    private static ulong Add(ulong h, string s, Span<byte> buffer)
    {
        var bytes = Encoding.UTF8.GetByteCount(s) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(s, buffer)] : Encoding.UTF8.GetBytes(s);
        foreach (byte b in bytes) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    private static ulong AddByte(ulong h, byte b) { h ^= b; h *= 1099511628211UL; return h; }
}
