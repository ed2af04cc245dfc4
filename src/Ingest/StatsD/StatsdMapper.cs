using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Config.Statsd;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.StatsD;

/// <summary>A StatsD name resolved by the mapping file: the mapping that matched (null: unmapped), the Prometheus name and the mapping's labels.</summary>
public sealed record StatsdMappingResult(StatsdMapping? Mapping, string Name, IReadOnlyList<Label> Labels);

/// <summary>
/// Applies a statsd_exporter mapping file as its mapper does: glob mappings first (components split at <c>.</c>, a
/// <c>*</c> component matching any one component; the first in file order wins unless
/// <c>glob_disable_ordering</c>, then the most literal), then regex mappings in order; <c>match_metric_type</c>
/// narrows a mapping to counters, gauges or observers; <c>$n</c> and <c>${n}</c> in name and labels insert
/// captures. An unmapped name is escaped (<see cref="StatsdNames.Escape"/>). Results are cached per name and type.
/// </summary>
public sealed class StatsdMapper
{
    private readonly StatsdMappingConfig _config;
    private readonly (StatsdMapping Mapping, string[] Fields)[] _globs;
    private readonly (StatsdMapping Mapping, Regex Regex)[] _regexes;
    private readonly ConcurrentDictionary<(string, string), StatsdMappingResult> _cache = new();

    public StatsdMapper(StatsdMappingConfig config)
    {
        _config = config;
        _globs = [.. config.Mappings.Where(m => m.MatchType == StatsdMatchType.Glob).Select(m => (m, m.Match.Split('.')))];
        if (config.Defaults.GlobDisableOrdering)
            _globs = [.. _globs.OrderByDescending(g => g.Fields.Count(f => f != "*"))]; // without ordering, the more literal match wins
        _regexes = [.. config.Mappings.Where(m => m.MatchType == StatsdMatchType.Regex)
            .Select(m => (m, new Regex(GoRegexSyntax(m.Match), RegexOptions.CultureInvariant)))];
    }

    public StatsdMappingConfig Config => _config;

    /// <summary>Go's named groups <c>(?P&lt;name&gt;...)</c> in .NET's spelling.</summary>
    public static string GoRegexSyntax(string pattern) => pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);

    /// <param name="metricType">counter, gauge or observer (what <c>match_metric_type</c> compares with).</param>
    public StatsdMappingResult Map(string statsdName, string metricType)
    {
        if (_cache.TryGetValue((statsdName, metricType), out var cached)) return cached;
        var result = MapUncached(statsdName, metricType);
        if (_cache.Count < 100_000) _cache[(statsdName, metricType)] = result;
        return result;
    }

    private StatsdMappingResult MapUncached(string statsdName, string metricType)
    {
        var fields = statsdName.Split('.');
        foreach (var (mapping, pattern) in _globs)
        {
            if (mapping.MatchMetricType is { } t && t != metricType) continue;
            if (pattern.Length != fields.Length) continue;
            var captures = new List<string>();
            bool ok = true;
            for (int i = 0; i < pattern.Length && ok; i++)
            {
                if (pattern[i] == "*") captures.Add(fields[i]);
                else ok = pattern[i] == fields[i];
            }
            if (!ok) continue;
            string Capture(string name) => int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                && n >= 1 && n <= captures.Count ? captures[n - 1] : "";
            return new StatsdMappingResult(mapping, Expand(mapping.Name, Capture), [.. mapping.Labels.Select(l => new Label(l.Key, Expand(l.Value, Capture)))]);
        }
        foreach (var (mapping, regex) in _regexes)
        {
            var m = regex.Match(statsdName);
            if (!m.Success) continue;
            if (mapping.MatchMetricType is { } t && t != metricType) continue;
            string Group(string name)
            {
                var g = int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                    ? (n < m.Groups.Count ? m.Groups[n] : null) : m.Groups.TryGetValue(name, out var named) ? named : null;
                return g is { Success: true } ? g.Value : "";
            }
            return new StatsdMappingResult(mapping, Expand(mapping.Name, Group),
                [.. mapping.Labels.Select(l => new Label(l.Key, Expand(l.Value, Group)))]);
        }
        return new StatsdMappingResult(null, StatsdNames.Escape(statsdName), []);
    }

    /// <summary>
    /// Go's regexp Expand, which both of statsd_exporter's formatters follow: <c>$name</c> takes the longest run of
    /// letters, digits and <c>_</c> (so <c>$1_total</c> names group "1_total", which is empty: write <c>${1}_total</c>),
    /// <c>${name}</c> is explicit, <c>$$</c> is a dollar; a number is a group index, a name a named group, anything
    /// missing is "".
    /// </summary>
    internal static string Expand(string template, Func<string, string> capture)
    {
        if (!template.Contains('$')) return template;
        var sb = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            if (template[i] != '$') { sb.Append(template[i]); continue; }
            if (i + 1 < template.Length && template[i + 1] == '$') { sb.Append('$'); i++; continue; }
            int j = i + 1;
            bool braced = j < template.Length && template[j] == '{';
            if (braced) j++;
            int start = j;
            while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_')) j++;
            if (j == start || (braced && (j >= template.Length || template[j] != '}'))) { sb.Append('$'); continue; }
            sb.Append(capture(template[start..j]));
            i = braced ? j : j - 1;
        }
        return sb.ToString();
    }
}
