using System.Globalization;
using System.Text;

namespace Mlobs.Templates;

/// <summary>A *time.Time in a template (from <c>toTime</c>): prints as Go's Time.String(), has <c>.Unix</c>.</summary>
public sealed class GoTime(DateTimeOffset time) : ITemplateObject
{
    public DateTimeOffset Time { get; } = time;
    public string GoTypeName => "*time.Time";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Unix" => Time.ToUnixTimeSeconds(),
            "UnixMilli" => Time.ToUnixTimeMilliseconds(),
            "String" => FormatV(),
            _ => null,
        };
        return value is not null;
    }

    /// <summary>Go's <c>2006-01-02 15:04:05.999999999 -0700 MST</c> in UTC, e.g. <c>1970-01-01 00:00:01.5 +0000 UTC</c>.</summary>
    public string FormatV()
    {
        var t = Time.UtcDateTime;
        var s = t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        long ticks = t.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0) s += "." + ticks.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
        return s + " +0000 UTC";
    }
}

/// <summary>A time.Duration in a template (from <c>toDuration</c>): prints as Go's Duration.String(), e.g. <c>1h2m3.5s</c>.</summary>
public sealed class GoDurationValue(long nanoseconds) : ITemplateObject
{
    public long Nanoseconds { get; } = nanoseconds;
    public string GoTypeName => "*time.Duration";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Seconds" => Nanoseconds / 1e9,
            "Minutes" => Nanoseconds / 6e10,
            "Hours" => Nanoseconds / 3.6e12,
            "String" => FormatV(),
            _ => null,
        };
        return value is not null;
    }

    public string FormatV() => Format(Nanoseconds);

    public static string Format(long ns)
    {
        if (ns == 0) return "0s";
        bool neg = ns < 0;
        ulong u = neg ? (ulong)(-(ns + 1)) + 1 : (ulong)ns;
        var sb = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            // sub-second: ns, µs or ms with a fraction
            string unit; ulong div;
            if (u < 1_000UL) { unit = "ns"; div = 1; }
            else if (u < 1_000_000UL) { unit = "µs"; div = 1_000; }
            else { unit = "ms"; div = 1_000_000; }
            sb.Append(Fraction(u, div)).Append(unit);
        }
        else
        {
            ulong secondsPart = u % 60_000_000_000UL;
            ulong minutes = u / 60_000_000_000UL;
            string seconds = Fraction(secondsPart, 1_000_000_000UL) + "s";
            if (minutes > 0)
            {
                ulong hours = minutes / 60;
                minutes %= 60;
                if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
                sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            }
            sb.Append(seconds);
        }
        return (neg ? "-" : "") + sb;
    }

    private static string Fraction(ulong v, ulong div)
    {
        ulong whole = v / div, frac = v % div;
        string s = whole.ToString(CultureInfo.InvariantCulture);
        if (frac == 0 || div == 1) return s;
        int width = (int)Math.Log10(div);
        return s + "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0').TrimEnd('0');
    }
}
