namespace Mlobs.Model.Labels;

/// <summary>
/// The classic name rules rule files are validated with (as Debian's promtool 2.42 does, and Prometheus 3 under
/// the legacy validation scheme): labels <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, metrics may also contain <c>:</c>. Stricter
/// than the UTF-8 names PromQL accepts, so a typo in a rule file is caught by <c>check rules</c>.
/// </summary>
public static class LegacyNames
{
    public static bool IsLabelName(string name) => IsName(name, allowColon: false);

    public static bool IsMetricName(string name) => IsName(name, allowColon: true);

    private static bool IsName(string name, bool allowColon)
    {
        if (name.Length == 0) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }
}
