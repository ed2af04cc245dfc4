using System.Globalization;
using System.Text;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.StatsD;

/// <summary>
/// The StatsD line protocol as statsd_exporter's pkg/line reads it: <c>name:value|type[|@rate][|#k:v,...][|c:id][|T...]</c>,
/// several <c>:</c>-separated samples on a line, DogStatsD's extended aggregation (<c>name:1:2:3|ms</c>), InfluxDB
/// (<c>name,k=v:...</c>), Librato (<c>name#k=v:...</c>) and SignalFX (<c>name[k=v]:...</c>) tags. Counters are divided by
/// their sample rate, sampled timers repeated 1/rate times, <c>ms</c> turned into seconds; sets (<c>s</c>), which
/// statsd_exporter refuses, are passed on with their member. A bad line or sample is counted by its reason and
/// skipped; the rest of the packet is kept.
/// </summary>
public static class StatsdLineParser
{
    /// <summary>Parses one line; each sample goes to <paramref name="onEvent"/>, each problem to <paramref name="onError"/> (a reason).</summary>
    public static void ParseLine(string line, Action<StatsdEvent> onEvent, Action<string> onError)
    {
        if (line.Length == 0) return;
        int colon = line.IndexOf(':');
        if (colon <= 0) { onError("malformed_line"); return; }
        var tags = new List<Label>();
        var namePart = line[..colon];
        var rest = line[(colon + 1)..];
        var name = ParseNameAndTags(namePart, tags, onError);
        bool dogTags = rest.Contains("|#", StringComparison.Ordinal);
        if (dogTags && tags.Count > 0) { onError("mixed_tagging_styles"); return; }

        var lineParts = rest.Split('|', 3);
        if (lineParts.Length < 2) { onError("not_enough_parts_after_colon"); return; }
        string[] samples;
        if (lineParts[0].Contains(':'))
        {
            if (lineParts[1] is not ("ms" or "h" or "d")) { onError("invalid_extended_aggregate_type"); return; }
            var suffix = rest[(rest.IndexOf('|') + 1)..];
            samples = [.. lineParts[0].Split(':').Select(v => v + "|" + suffix)];
        }
        else samples = dogTags ? [rest] : rest.Split(':');

        foreach (var sample in samples)
        {
            var components = sample.Split('|');
            if (components.Length is < 2 or > 6) { onError("malformed_component"); continue; }
            var (valueText, typeText) = (components[0], components[1]);
            StatsdType? type = typeText switch
            {
                "c" => StatsdType.Counter,
                "g" => StatsdType.Gauge,
                "ms" => StatsdType.Timer,
                "h" => StatsdType.Histogram,
                "d" => StatsdType.Distribution,
                "s" => StatsdType.Set,
                _ => null,
            };
            bool relative = valueText.StartsWith('+') || valueText.StartsWith('-');
            double value = 0;
            if (type != StatsdType.Set && !double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                && !TryParseSpecial(valueText, out value))
            {
                onError("malformed_value");
                continue;
            }
            if (type is null) { onError("illegal_event"); continue; }
            var sampleTags = new List<Label>(tags);
            int repeat = 1;
            string dogTagText = "", container = "";
            bool bad = false;
            for (int i = 2; i < components.Length && !bad; i++)
            {
                var component = components[i];
                if (component.Length == 0) { onError("malformed_component"); bad = true; break; }
                switch (component[0])
                {
                    case '@':
                        if (!double.TryParse(component.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
                        {
                            onError("invalid_sample_factor");
                            rate = 0;
                        }
                        if (rate == 0) rate = 1;
                        if (type == StatsdType.Counter) value /= rate;
                        else if (type is StatsdType.Timer or StatsdType.Histogram or StatsdType.Distribution) repeat = (int)(1 / rate);
                        break;
                    case '#':
                        dogTagText = component[1..];
                        ParseDogStatsdTags(dogTagText, sampleTags, onError);
                        break;
                    case 'c':
                        if (component.StartsWith("c:", StringComparison.Ordinal) && component.Length > 2)
                        {
                            container = component[2..];
                            sampleTags.Add(new Label("container_id", container));
                        }
                        else { onError("malformed_container_id"); bad = true; }
                        break;
                    case 'T':
                        break; // a DogStatsD timestamp: the sample is taken now, as statsd_exporter takes it
                    default:
                        onError("invalid_sample_factor");
                        bad = true;
                        break;
                }
            }
            if (bad) continue;
            if (type == StatsdType.Timer) value /= 1000; // Prometheus measures in seconds, StatsD timers in milliseconds
            var identity = namePart + "|" + typeText + "|#" + dogTagText + "|c:" + container;
            onEvent(new StatsdEvent(name, type.Value, value, type == StatsdType.Set ? valueText : null, relative && type == StatsdType.Gauge,
                repeat, Dedupe(sampleTags), identity));
        }
    }

    /// <summary>Splits a packet (UTF-8, lines separated by \n) and parses each line; a line that is not UTF-8 is counted and skipped.</summary>
    public static void ParsePacket(ReadOnlySpan<byte> packet, Action<StatsdEvent> onEvent, Action<string> onError)
    {
        while (packet.Length > 0)
        {
            int nl = packet.IndexOf((byte)'\n');
            var line = nl < 0 ? packet : packet[..nl];
            packet = nl < 0 ? [] : packet[(nl + 1)..];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            if (line.Length == 0) continue;
            if (!System.Text.Unicode.Utf8.IsValid(line)) { onError("malformed_line"); continue; }
            ParseLine(Encoding.UTF8.GetString(line), onEvent, onError);
        }
    }

    private static bool TryParseSpecial(string s, out double v)
    {
        var t = s.TrimStart('+', '-');
        bool neg = s.StartsWith('-');
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            v = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) { v = double.NaN; return true; }
        v = 0;
        return false;
    }

    /// <summary>A later tag of the same name wins, as a map assignment does in statsd_exporter.</summary>
    private static IReadOnlyList<Label> Dedupe(List<Label> tags)
    {
        if (tags.Count < 2) return tags;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags) map[t.Name] = t.Value;
        return [.. map.Select(kv => new Label(kv.Key, kv.Value))];
    }

    private static string ParseNameAndTags(string name, List<Label> tags, Action<string> onError)
    {
        int start = name.IndexOf('['), end = name.IndexOf(']');
        if (start != -1 && end != -1 && end > start)
        {
            ParseNameTags(name[(start + 1)..end], tags, onError);
            return name[..start] + name[(end + 1)..];
        }
        if ((start != -1) != (end != -1)) { onError("tag_error"); return name; }
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] is '#' or ',')
            {
                ParseNameTags(name[(i + 1)..], tags, onError);
                return name[..i];
            }
        }
        return name;
    }

    private static void ParseNameTags(string component, List<Label> tags, Action<string> onError)
    {
        foreach (var tag in component.Split(',')) ParseTag(tag, '=', tags, onError);
    }

    private static void ParseDogStatsdTags(string component, List<Label> tags, Action<string> onError)
    {
        foreach (var tag in component.Split(',')) ParseTag(tag.StartsWith('#') ? tag[1..] : tag, ':', tags, onError);
    }

    private static void ParseTag(string tag, char separator, List<Label> tags, Action<string> onError)
    {
        int i = tag.IndexOf(separator);
        if (tag.Length == 0 || i <= 0 || i == tag.Length - 1) { onError("tag_error"); return; }
        tags.Add(new Label(StatsdNames.Escape(tag[..i]), tag[(i + 1)..]));
    }
}
