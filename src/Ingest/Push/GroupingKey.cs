using System.Text;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Push;

/// <summary>
/// The labels that name a group of pushed metrics: <c>job</c> and the URL's label pairs
/// (<c>/metrics/job/&lt;JOB&gt;{/&lt;LABEL&gt;/&lt;VALUE&gt;}</c>), sorted by name. <see cref="Key"/> identifies the group as
/// the Pushgateway's groupingKeyFor does.
/// </summary>
public sealed record GroupingKey
{
    public const string Base64Suffix = "@base64";

    private GroupingKey(Label[] labels)
    {
        Labels = labels;
        var sb = new StringBuilder();
        foreach (var l in labels)
            sb.Append(l.Name).Append('=').Append(l.Value.Length).Append(':').Append(l.Value).Append(';');
        Key = sb.ToString();
    }

    /// <summary>The grouping labels sorted by name (job always among them).</summary>
    public Label[] Labels { get; }

    /// <summary>Each name with its value length-prefixed, so no two label sets share a key whatever their values hold.</summary>
    public string Key { get; }

    public string Job => Labels.First(l => l.Name == "job").Value;

    public bool Equals(GroupingKey? other) => other is not null && other.Key == Key;
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public static GroupingKey FromLabels(IEnumerable<Label> labels)
    {
        var arr = labels.ToArray();
        Array.Sort(arr, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new GroupingKey(arr);
    }

    /// <summary>
    /// Parses the part of a push URL after <c>/metrics/job</c> (or <c>/metrics/job@base64</c> when
    /// <paramref name="jobBase64"/>): <c>/&lt;JOB&gt;{/&lt;LABEL&gt;/&lt;VALUE&gt;}</c>, as the Pushgateway's handler does.
    /// </summary>
    public static GroupingKey Parse(string pathAfterJob, bool jobBase64)
    {
        var rest = pathAfterJob.StartsWith('/') ? pathAfterJob[1..] : pathAfterJob;
        int slash = rest.IndexOf('/');
        var job = slash < 0 ? rest : rest[..slash];
        var labelsString = slash < 0 ? "" : rest[slash..];
        if (jobBase64)
        {
            if (!TryDecodeBase64(job, out var decoded))
                throw new PushRequestException($"invalid base64 encoding in job name {GoQuote(job)}: {Base64Error(job)}");
            job = decoded;
        }
        var labels = SplitLabels(labelsString);
        if (job.Length == 0) throw new PushRequestException("job name is required");
        labels["job"] = job;
        return FromLabels(labels.Select(kv => new Label(kv.Key, kv.Value)));
    }

    private static Dictionary<string, string> SplitLabels(string labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels.Length <= 1) return result;
        var components = labels[1..].Split('/');
        if (components.Length % 2 != 0) throw new PushRequestException($"odd number of components in label string {GoQuote(labels)}");
        for (int i = 0; i < components.Length - 1; i += 2)
        {
            string name = components[i], value = components[i + 1];
            bool base64 = name.EndsWith(Base64Suffix, StringComparison.Ordinal);
            var trimmed = base64 ? name[..^Base64Suffix.Length] : name;
            if (!LegacyNames.IsLabelName(trimmed) || trimmed.StartsWith("__", StringComparison.Ordinal))
                throw new PushRequestException($"improper label name {GoQuote(trimmed)}");
            if (!base64)
            {
                result[trimmed] = value;
                continue;
            }
            if (!TryDecodeBase64(value, out var decoded))
                throw new PushRequestException($"invalid base64 encoding for label {trimmed}={GoQuote(value)}: {Base64Error(value)}");
            result[trimmed] = decoded;
        }
        return result;
    }

    /// <summary>
    /// The push URL path for this key (<c>/metrics/job/&lt;JOB&gt;{/&lt;LABEL&gt;/&lt;VALUE&gt;}</c>), as the official clients
    /// write it: a value with a <c>/</c>, or an empty one, as URL-safe base64 after <c>@base64</c>.
    /// </summary>
    public string ToPath()
    {
        var sb = new StringBuilder("/metrics/job");
        Append(sb, "", Job);
        foreach (var l in Labels)
        {
            if (l.Name == "job") continue;
            Append(sb, "/" + l.Name, l.Value);
        }
        return sb.ToString();

        static void Append(StringBuilder sb, string name, string value)
        {
            if (value.Length == 0) sb.Append(name).Append(Base64Suffix).Append("/=");
            else if (value.Contains('/'))
                sb.Append(name).Append(Base64Suffix).Append('/').Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_'));
            else sb.Append(name).Append('/').Append(Uri.EscapeDataString(value));
        }
    }

    /// <summary>
    /// RFC 4648 URL-safe base64 with the padding ignored (<c>=</c> alone is the empty string), as the Pushgateway's
    /// decodeBase64; the bytes must be UTF-8 to become a label value.
    /// </summary>
    public static bool TryDecodeBase64(string s, out string decoded)
    {
        decoded = "";
        var trimmed = s.TrimEnd('=');
        if (trimmed.Length % 4 == 1) return false;
        var standard = new StringBuilder(trimmed.Length + 3);
        foreach (char c in trimmed)
        {
            switch (c)
            {
                case '-': standard.Append('+'); break;
                case '_': standard.Append('/'); break;
                case '+' or '/': return false; // not in the URL-safe alphabet
                default: standard.Append(c); break;
            }
        }
        while (standard.Length % 4 != 0) standard.Append('=');
        byte[] bytes;
        try { bytes = Convert.FromBase64String(standard.ToString()); }
        catch (FormatException) { return false; }
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) return false;
        decoded = Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>Go's base64.CorruptInputError text: the offset of the first byte that cannot be decoded.</summary>
    private static string Base64Error(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var trimmed = s.TrimEnd('=');
        for (int i = 0; i < trimmed.Length; i++)
            if (!alphabet.Contains(trimmed[i], StringComparison.Ordinal)) return $"illegal base64 data at input byte {i}";
        return $"illegal base64 data at input byte {trimmed.Length}";
    }

    internal static string GoQuote(string s) => Mlobs.Model.Strconv.GoBytes.Quote(s);
}
