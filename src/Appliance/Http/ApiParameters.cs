using System.Globalization;
using Microsoft.Extensions.Primitives;
using Mlobs.Model;
using Mlobs.Model.Labels;
using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Appliance.Http;

/// <summary>Reads API parameters from the query string or a form body, as Prometheus accepts both for GET and POST.</summary>
public static class ApiParameters
{
    /// <summary>Prometheus's minTime/maxTime for unset start/end (about ±292 million years, in ms).</summary>
    public const long MinTime = -9223309901257974L;
    public const long MaxTime = 9223309901257974L;

    public static async Task<Dictionary<string, StringValues>> ReadAsync(HttpRequest request)
    {
        var result = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Query) result[k] = v;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (var (k, v) in form) result[k] = result.TryGetValue(k, out var q) ? StringValues.Concat(q, v) : v;
        }
        return result;
    }

    /// <summary>A timestamp parameter (RFC 3339, Unix seconds, <c>now-5m</c>...) in milliseconds, or the fallback when unset.</summary>
    public static long ParseTime(Dictionary<string, StringValues> p, string name, long fallback)
    {
        if (!p.TryGetValue(name, out var v) || StringValues.IsNullOrEmpty(v)) return fallback;
        var s = v[0]!;
        if (TryParseTime(s, out long ms)) return ms;
        throw ApiException.BadData($"invalid parameter \"{name}\": cannot parse \"{s}\" to a valid timestamp");
    }

    /// <summary>A time parameter in any form <see cref="TimeExpression"/> reads (Prometheus's plus <c>now-5m</c>).</summary>
    public static bool TryParseTime(string s, out long ms) => TimeExpression.TryParseMs(s, DateTimeOffset.UtcNow, out ms);

    /// <summary>A step or timeout: float seconds (<c>15</c>, <c>0.5</c>) or a Prometheus duration (<c>1m30s</c>).</summary>
    public static bool TryParseDuration(string s, out long ms)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double secs))
        {
            ms = (long)Math.Round(secs * 1000);
            return double.IsFinite(secs) && Math.Abs(secs * 1000) < long.MaxValue;
        }
        return PromDuration.TryParse(s, out ms);
    }

    /// <summary>All match[] selectors, parsed; Prometheus reports a bad one as bad_data with the parse error.</summary>
    public static List<LabelMatcher[]> Matchers(Dictionary<string, StringValues> p)
    {
        var result = new List<LabelMatcher[]>();
        if (!p.TryGetValue("match[]", out var values)) return result;
        foreach (var s in values)
        {
            try { result.Add(SeriesSelectorParser.Parse(s ?? "")); }
            catch (ParseException ex) { throw ApiException.BadData(ex.Message); }
        }
        return result;
    }
}
