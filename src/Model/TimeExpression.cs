using System.Globalization;

namespace Mlobs.Model;

/// <summary>
/// The one reading of a point in time, for every CLI flag and API parameter that takes one:
/// RFC 3339 (<c>2026-12-07T10:00:00Z</c>, any offset, fraction kept to the tick), Unix seconds with an optional
/// fraction (<c>1796630400.5</c>, as Prometheus's API), and Grafana's relative form: <c>now</c>, <c>now-5m</c>,
/// <c>now-1h30m</c> (a Prometheus duration), <c>now+1d</c>, <c>now-2M</c> / <c>now-1y</c> (calendar months and
/// years) and a rounding suffix <c>/s /m /h /d /w /M /y</c> (<c>now/d</c> is today's start, UTC). APIs whose
/// counterpart reads more (Loki's nanosecond integers) handle that first and then come here.
/// </summary>
public static class TimeExpression
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        text = text.Trim();
        if (text.Length == 0) return false;
        if (text.StartsWith("now", StringComparison.Ordinal)) return TryRelative(text.AsSpan(3), now, out time);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            if (!double.IsFinite(seconds) || Math.Abs(seconds) > 9.2e12) return false;
            time = DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Round(seconds * 1000));
            return true;
        }
        // RFC 3339 only: a date and a time with an offset or Z (not every text .NET would take as a date).
        if (text.Length < 20 || text[4] != '-' || text[10] is not ('T' or 't' or ' ')) return false;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>The same, in Unix milliseconds.</summary>
    public static bool TryParseMs(string text, DateTimeOffset now, out long ms)
    {
        bool ok = TryParse(text, now, out var time);
        ms = ok ? time.ToUnixTimeMilliseconds() : 0;
        return ok;
    }

    private static bool TryRelative(ReadOnlySpan<char> rest, DateTimeOffset now, out DateTimeOffset time)
    {
        time = now;
        int slash = rest.IndexOf('/');
        var offset = slash < 0 ? rest : rest[..slash];
        if (offset.Length > 0)
        {
            if (offset[0] is not ('+' or '-') || offset.Length < 3) return false;
            int sign = offset[0] == '-' ? -1 : 1;
            var amount = offset[1..].ToString();
            char unit = amount[^1];
            if (unit is 'M' or 'y' && int.TryParse(amount.AsSpan(0, amount.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                time = unit == 'M' ? time.AddMonths(sign * n) : time.AddYears(sign * n);
            else if (PromDuration.TryParse(amount, out long ms))
                time = time.AddMilliseconds(sign * (double)ms);
            else
                return false;
        }
        if (slash < 0) return true;
        var round = rest[(slash + 1)..];
        if (round.Length != 1) return false;
        var u = time.UtcDateTime;
        DateTime? start = round[0] switch
        {
            's' => new DateTime(u.Year, u.Month, u.Day, u.Hour, u.Minute, u.Second, DateTimeKind.Utc),
            'm' => new DateTime(u.Year, u.Month, u.Day, u.Hour, u.Minute, 0, DateTimeKind.Utc),
            'h' => new DateTime(u.Year, u.Month, u.Day, u.Hour, 0, 0, DateTimeKind.Utc),
            'd' => u.Date,
            'w' => u.Date.AddDays(-(int)u.DayOfWeek),
            'M' => new DateTime(u.Year, u.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            'y' => new DateTime(u.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => null,
        };
        if (start is null) return false;
        time = new DateTimeOffset(start.Value, TimeSpan.Zero);
        return true;
    }
}
