using System.Globalization;
using System.Text.RegularExpressions;

namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// Grafana's time vocabulary: relative times (<c>now-6h</c>, <c>now/d</c>), durations (<c>15s</c>, <c>1h30m</c>),
/// and the interval a panel queries at (kbn.roundInterval, the scrape-interval floor, <c>$__rate_interval</c>).
/// </summary>
public static partial class GrafanaTime
{
    /// <summary>The Prometheus datasource's default scrape interval, the floor of every panel's interval.</summary>
    public static readonly TimeSpan DefaultScrapeInterval = TimeSpan.FromSeconds(15);

    /// <summary>A dashboard's time (<c>now-6h</c>, <c>now/d</c>, RFC 3339, Unix seconds), read as every mlobs time is.</summary>
    public static bool TryParseTime(string text, DateTimeOffset now, out DateTimeOffset time) =>
        Mlobs.Model.TimeExpression.TryParse(text, now, out time);

    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)")]
    private static partial Regex DurationPart();

    /// <summary>A duration such as <c>15s</c>, <c>1h30m</c> or <c>>10s</c> (the "at least" mark is dropped).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim().TrimStart('>', '<');
        if (!DurationPattern().IsMatch(text)) return false;
        foreach (Match part in DurationPart().Matches(text))
        {
            double n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                "M" => TimeSpan.FromDays(30 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }
        return true;
    }

    /// <summary>Grafana's short form of a duration (kbn.secondsToHms-like): 15s, 1m, 2h, 1d, 500ms.</summary>
    public static string Format(TimeSpan d)
    {
        long ms = (long)d.TotalMilliseconds;
        if (ms <= 0) return "0s";
        if (ms % 86_400_000 == 0 && ms >= 86_400_000) return $"{ms / 86_400_000}d";
        if (ms % 3_600_000 == 0 && ms >= 3_600_000) return $"{ms / 3_600_000}h";
        if (ms % 60_000 == 0 && ms >= 60_000) return $"{ms / 60_000}m";
        if (ms % 1000 == 0) return $"{ms / 1000}s";
        return $"{ms}ms";
    }

    /// <summary>kbn.roundInterval: a raw interval (range / data points) to the next "nice" one.</summary>
    public static long RoundIntervalMs(long ms) => ms switch
    {
        < 15 => 10,
        < 35 => 20,
        < 75 => 50,
        < 150 => 100,
        < 350 => 200,
        < 750 => 500,
        < 1500 => 1000,
        < 3500 => 2000,
        < 7500 => 5000,
        < 12500 => 10000,
        < 17500 => 15000,
        < 25000 => 20000,
        < 45000 => 30000,
        < 90000 => 60000,
        < 210000 => 120000,
        < 450000 => 300000,
        < 750000 => 600000,
        < 1050000 => 900000,
        < 1500000 => 1200000,
        < 2700000 => 1800000,
        < 5400000 => 3600000,
        < 9000000 => 7200000,
        < 16200000 => 10800000,
        < 32400000 => 21600000,
        < 86400000 => 43200000,
        < 604800000 => 86400000,
        < 1814400000 => 604800000,
        < 3628800000 => 2592000000,
        _ => 31536000000,
    };

    /// <summary>
    /// The interval a panel queries at (<c>$__interval</c>, and the Prometheus step): the range over the data points
    /// rounded to a nice value, never below the target's or panel's minimum interval, nor the scrape interval.
    /// </summary>
    public static TimeSpan PanelInterval(TimeSpan range, int maxDataPoints, string? minInterval, TimeSpan scrapeInterval)
    {
        long raw = (long)(range.TotalMilliseconds / Math.Max(1, maxDataPoints));
        long interval = RoundIntervalMs(raw);
        var floor = scrapeInterval;
        if (minInterval is { Length: > 0 } && !minInterval.Contains('$') && TryParseDuration(minInterval, out var min)) floor = min;
        return TimeSpan.FromMilliseconds(Math.Max(interval, (long)floor.TotalMilliseconds));
    }

    /// <summary>A range query's step: the interval, widened so no series has more than 11,000 points (Prometheus's limit).</summary>
    public static TimeSpan QueryStep(TimeSpan range, TimeSpan interval) =>
        TimeSpan.FromMilliseconds(Math.Max(interval.TotalMilliseconds, Math.Ceiling(range.TotalSeconds / 11_000) * 1000));

    /// <summary>Grafana's <c>$__rate_interval</c>: max(interval + scrape interval, 4 × scrape interval).</summary>
    public static TimeSpan RateInterval(TimeSpan interval, TimeSpan scrapeInterval) =>
        TimeSpan.FromMilliseconds(Math.Max(interval.TotalMilliseconds + scrapeInterval.TotalMilliseconds, 4 * scrapeInterval.TotalMilliseconds));
}
