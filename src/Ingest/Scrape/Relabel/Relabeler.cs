using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Mlobs.Config;
using Mlobs.Model.Labels;

namespace Mlobs.Ingest.Scrape.Relabel;

/// <summary>
/// Applies relabel_configs / metric_relabel_configs exactly as Prometheus's model/relabel does. A built set
/// of rules is immutable and safe to share between scrape loops.
/// </summary>
public sealed class Relabeler
{
    private readonly Rule[] _rules;

    private sealed record Rule(RelabelConfig Config, Regex Regex);

    public Relabeler(IReadOnlyList<RelabelConfig> configs)
    {
        _rules = configs.Select(c => new Rule(c, GoRegex.Anchored(c.Regex))).ToArray();
    }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>Relabels the builder in place; false when the series or target is dropped.</summary>
    public bool Process(LabelSetBuilder lb)
    {
        foreach (var rule in _rules)
        {
            if (!Apply(rule, lb)) return false;
        }
        return true;
    }

    private static bool Apply(Rule rule, LabelSetBuilder lb)
    {
        var cfg = rule.Config;
        string val = string.Join(cfg.Separator, cfg.SourceLabels.Select(n => lb.Get(n) ?? ""));
        switch (cfg.Action)
        {
            case RelabelAction.Drop:
                return !rule.Regex.IsMatch(val);
            case RelabelAction.Keep:
                return rule.Regex.IsMatch(val);
            case RelabelAction.DropEqual:
                return lb.Get(cfg.TargetLabel) != val;
            case RelabelAction.KeepEqual:
                return lb.Get(cfg.TargetLabel) == val;
            case RelabelAction.Replace:
            {
                var m = rule.Regex.Match(val);
                if (!m.Success) break;
                var target = GoRegex.Expand(cfg.TargetLabel, m, rule.Regex);
                if (!LegacyNames.IsLabelName(target)) break;
                var res = GoRegex.Expand(cfg.Replacement, m, rule.Regex);
                if (res.Length == 0) lb.Delete(target); else lb.Set(target, res);
                break;
            }
            case RelabelAction.Lowercase:
                lb.Set(cfg.TargetLabel, val.ToLowerInvariant());
                break;
            case RelabelAction.Uppercase:
                lb.Set(cfg.TargetLabel, val.ToUpperInvariant());
                break;
            case RelabelAction.HashMod:
            {
                Span<byte> hash = stackalloc byte[16];
                MD5.HashData(Encoding.UTF8.GetBytes(val), hash);
                // Go: binary.BigEndian.Uint64(md5[8:]) % modulus
                ulong mod = BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) % cfg.Modulus;
                lb.Set(cfg.TargetLabel, mod.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
            case RelabelAction.LabelMap:
                foreach (var l in lb.Current.ToArray())
                {
                    var m = rule.Regex.Match(l.Name);
                    if (m.Success) lb.Set(GoRegex.Expand(cfg.Replacement, m, rule.Regex), l.Value);
                }
                break;
            case RelabelAction.LabelDrop:
                lb.RemoveWhere(l => rule.Regex.IsMatch(l.Name));
                break;
            case RelabelAction.LabelKeep:
                lb.RemoveWhere(l => !rule.Regex.IsMatch(l.Name));
                break;
        }
        return true;
    }
}
