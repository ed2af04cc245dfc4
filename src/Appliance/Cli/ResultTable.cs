using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mlobs.Appliance.Cli;

/// <summary>Renders the <c>data</c> of a query response as aligned text: one row per series (vector), series blocks (matrix), or a value.</summary>
public static class ResultTable
{
    public static string Render(JsonElement data)
    {
        var sb = new StringBuilder();
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        switch (type)
        {
            case "scalar" or "string":
                sb.Append(result[1].GetString()).Append('\n');
                break;
            case "vector":
            {
                var rows = result.EnumerateArray().Select(s => (Metric(s.GetProperty("metric")), s.GetProperty("value")[1].GetString()!)).ToList();
                if (rows.Count == 0) { sb.Append("(no series)\n"); break; }
                int width = Math.Max("SERIES".Length, rows.Max(r => r.Item1.Length));
                sb.Append("SERIES".PadRight(width)).Append("  VALUE\n");
                foreach (var (metric, value) in rows) sb.Append(metric.PadRight(width)).Append("  ").Append(value).Append('\n');
                break;
            }
            case "matrix":
            {
                int n = 0;
                foreach (var s in result.EnumerateArray())
                {
                    if (n++ > 0) sb.Append('\n');
                    sb.Append(Metric(s.GetProperty("metric"))).Append('\n');
                    var points = s.TryGetProperty("values", out var v) ? v : s.GetProperty("value");
                    foreach (var p in points.EnumerateArray())
                        sb.Append("  ").Append(Time(p[0].GetDouble())).Append("  ").Append(p[1].GetString()).Append('\n');
                }
                if (n == 0) sb.Append("(no series)\n");
                break;
            }
        }
        return sb.ToString();
    }

    private static string Time(double seconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>name{a="b", c="d"}</c> as Prometheus prints a series.</summary>
    private static string Metric(JsonElement metric)
    {
        string name = "";
        var labels = new List<string>();
        foreach (var p in metric.EnumerateObject())
        {
            if (p.Name == "__name__") name = p.Value.GetString()!;
            else labels.Add($"{p.Name}=\"{p.Value.GetString()!.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"");
        }
        return labels.Count == 0 && name.Length > 0 ? name : name + "{" + string.Join(", ", labels) + "}";
    }
}
