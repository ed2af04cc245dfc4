using System.Globalization;
using System.Text;
using Mlobs.Model.Labels;
using Mlobs.Model.Strconv;

namespace Mlobs.Ingest.Push;

/// <summary>
/// Writes metric families in the text format 0.0.4 as client_golang's expfmt.MetricFamilyToText does (what a
/// Pushgateway's /metrics shows): HELP when set, TYPE, then the samples; summaries as quantile lines, <c>_sum</c> and
/// <c>_count</c>; histograms as <c>_bucket</c> lines ending in <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PushTextWriter
{
    public static void Write(StringBuilder sb, PushedFamily family)
    {
        if (family.Help.Length > 0) sb.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
        sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(PushedFamily.KindName(family.Kind).ToLowerInvariant()).Append('\n');
        foreach (var (suffix, metric, extra, value) in family.Samples()) Sample(sb, family.Name, suffix, metric, extra, value);
    }

    public static string Write(IEnumerable<PushedFamily> families)
    {
        var sb = new StringBuilder();
        foreach (var f in families) Write(sb, f);
        return sb.ToString();
    }

    private static void Sample(StringBuilder sb, string name, string suffix, PushedMetric m, (string Name, string Value)? extra, double value)
    {
        sb.Append(name).Append(suffix);
        if (m.Labels.Length > 0 || extra is not null)
        {
            sb.Append('{');
            bool first = true;
            foreach (var l in m.Labels) { Label(sb, l, ref first); }
            if (extra is { } e) Label(sb, new Label(e.Name, e.Value), ref first);
            sb.Append('}');
        }
        sb.Append(' ').Append(ValueFormat.GoG(value));
        if (m.TimestampMs is { } ts) sb.Append(' ').Append(ts.ToString(CultureInfo.InvariantCulture));
        sb.Append('\n');
    }

    private static void Label(StringBuilder sb, Label l, ref bool first)
    {
        if (!first) sb.Append(',');
        first = false;
        sb.Append(l.Name).Append("=\"");
        foreach (char c in l.Value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\").Replace("\n", "\\n");
}
