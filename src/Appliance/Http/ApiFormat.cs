using System.Globalization;

namespace Mlobs.Appliance.Http;

/// <summary>How the Prometheus API prints times and alert values (Go's time.Time JSON and strconv 'e' format).</summary>
public static class ApiFormat
{
    /// <summary>RFC 3339 with up to 7 fractional digits, trailing zeros dropped (Go prints up to 9, also trimmed); zero time as Go's.</summary>
    public static string Time(DateTimeOffset t) =>
        t == default ? "0001-01-01T00:00:00Z" : t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip, as d.ddde±XX — alert values in
    /// <c>/api/v1/alerts</c> look like <c>1e+00</c> or <c>8.5e-01</c>.
    /// </summary>
    public static string FloatE(double v) => Mlobs.Model.Strconv.ValueFormat.GoE(v);
}
