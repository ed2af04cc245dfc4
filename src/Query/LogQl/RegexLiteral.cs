namespace Mlobs.Query.LogQl;

/// <summary>
/// The longest run of literal text every match of a regular expression contains — <c>"ECC error on device "</c> for
/// <c>ECC error on device [37]</c> — so a <c>|~</c> filter can narrow a scan through the text index and a byte search
/// before the regex runs, as Loki simplifies regex filters. Conservative: anything it does not understand (groups,
/// classes, alternation, case-insensitive flags, escapes of letters) only ends a run, and an alternation at the top
/// level gives nothing.
/// </summary>
public static class RegexLiteral
{
    public static string? Required(string pattern)
    {
        if (System.Text.RegularExpressions.Regex.IsMatch(pattern, @"\(\?[A-Za-z-]*i")) return null; // case-insensitive flags, e.g. (?i)
        string best = "";
        var run = new System.Text.StringBuilder();
        void EndRun()
        {
            if (run.Length > best.Length) best = run.ToString();
            run.Clear();
        }
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            switch (c)
            {
                case '|':
                    return null;
                case '(':
                    EndRun();
                    i = SkipGroup(pattern, i);
                    if (i < 0) return null;
                    continue;
                case '[':
                    EndRun();
                    i = SkipClass(pattern, i);
                    if (i < 0) return null;
                    continue;
                case '*' or '?':
                    if (run.Length > 0) run.Length--; // the character before may be absent
                    EndRun();
                    i++;
                    continue;
                case '{':
                    if (run.Length > 0) run.Length--;
                    EndRun();
                    while (i < pattern.Length && pattern[i] != '}') i++;
                    i++;
                    continue;
                case '+':
                    EndRun(); // at least one: the run so far is present, what follows may come after repeats
                    i++;
                    continue;
                case '.' or '^' or '$':
                    EndRun();
                    i++;
                    continue;
                case '\\':
                    if (i + 1 >= pattern.Length) return null;
                    char next = pattern[i + 1];
                    if (char.IsAsciiLetterOrDigit(next))
                    {
                        EndRun(); // \d, \w, \b, \x41, \pL…: not literal text (conservatively)
                        i += 2;
                        if (next is 'p' or 'P' or 'x' && i < pattern.Length && pattern[i] == '{')
                            while (i < pattern.Length && pattern[i++] != '}') { }
                        continue;
                    }
                    run.Append(next);
                    i += 2;
                    continue;
                default:
                    run.Append(c);
                    i++;
                    continue;
            }
        }
        EndRun();
        return best.Length == 0 ? null : best;
    }

    /// <summary>Index after the group opened at <paramref name="open"/>, or -1 when it never closes.</summary>
    private static int SkipGroup(string p, int open)
    {
        int depth = 0;
        for (int i = open; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\': i++; break;
                case '[': i = SkipClass(p, i) - 1; if (i < 0) return -1; break;
                case '(': depth++; break;
                case ')': if (--depth == 0) return i + 1; break;
            }
        }
        return -1;
    }

    /// <summary>Index after the character class opened at <paramref name="open"/> (a leading ] or ^] is literal), or -1.</summary>
    private static int SkipClass(string p, int open)
    {
        int i = open + 1;
        if (i < p.Length && p[i] == '^') i++;
        if (i < p.Length && p[i] == ']') i++;
        for (; i < p.Length; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == '[' && i + 1 < p.Length && p[i + 1] == ':') { int end = p.IndexOf(":]", i + 2, StringComparison.Ordinal); if (end > 0) { i = end + 1; continue; } }
            if (p[i] == ']') return i + 1;
        }
        return -1;
    }
}
