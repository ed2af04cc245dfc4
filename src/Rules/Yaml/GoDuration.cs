using Mlobs.Query.PromQl.Parser;

namespace Mlobs.Rules.Yaml;

/// <summary>
/// Prometheus durations (model.ParseDuration) as TimeSpans for config files: one or more number+unit pairs in
/// descending unit order, units y w d h m s ms, e.g. <c>1h30m</c>, <c>15s</c>, <c>500ms</c>; "0" alone is allowed.
/// The one implementation is PromQL's <see cref="Literals"/>, so config and queries read durations alike.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        bool ok = Literals.TryParseDuration(text, out long ms);
        value = ok ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        return ok;
    }

    /// <summary>Formats like Prometheus's model.Duration.String: largest units first, e.g. 1h30m, 15s, 0s.</summary>
    public static string Format(TimeSpan d) => Literals.FormatDuration((long)d.TotalMilliseconds);
}
