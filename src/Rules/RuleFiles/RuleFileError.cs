namespace Mlobs.Rules.RuleFiles;

/// <summary>
/// A problem found in a rule file, printed as promtool does: <c>file:line:col: group "g", rule 2, "name": message</c>
/// (position left out when there is none).
/// </summary>
public sealed record RuleFileError(string File, long Line, long Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
