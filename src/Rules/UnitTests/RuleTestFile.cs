namespace Mlobs.Rules.UnitTests;

/// <summary>
/// A rule unit-test file in promtool's format (cmd/promtool/unittest.go unitTestFile): rule files under test,
/// the evaluation interval, the group evaluation order and the test groups.
/// </summary>
public sealed record RuleTestFile(
    string Path,
    IReadOnlyList<string> RuleFiles,
    TimeSpan EvaluationInterval,
    IReadOnlyList<string> GroupEvalOrder,
    IReadOnlyList<RuleTestGroup> Tests)
{
    /// <summary>promtool 3's <c>fuzzy_compare</c>: expression results equal within a relative 1e-6 (almost.Equal).</summary>
    public bool FuzzyCompare { get; init; }
}

/// <summary>
/// One entry of <c>tests:</c>: input series at an interval (and, mlobs's addition, input log lines for
/// <c>query_language: logql</c> groups), and the alert and expression checks on them.
/// </summary>
public sealed record RuleTestGroup(
    string Name,
    TimeSpan Interval,
    IReadOnlyList<InputSeries> InputSeries,
    IReadOnlyList<AlertTestCase> AlertRuleTests,
    IReadOnlyList<PromQlTestCase> PromQlExprTests,
    IReadOnlyDictionary<string, string> ExternalLabels,
    string ExternalUrl)
{
    /// <summary><c>input_logs</c>: streams and their lines, which LogQL rules read.</summary>
    public IReadOnlyList<InputLogStream> InputLogs { get; init; } = [];
}

/// <summary>An <c>input_logs</c> entry: a stream (labels in series-selector form) and its lines.</summary>
public sealed record InputLogStream(string Stream, IReadOnlyList<InputLogLine> Lines, long Line);

/// <summary>A line at <c>at</c> (from the test's time 0), repeated <c>count</c> times <c>every</c> apart (default: the test interval).</summary>
public sealed record InputLogLine(TimeSpan At, string Text, int Count, TimeSpan? Every);

/// <summary><c>series</c> (a selector with labels) and <c>values</c> in the expanding notation, with the line it came from.</summary>
public sealed record InputSeries(string Series, string Values, long Line);

public sealed record AlertTestCase(TimeSpan EvalTime, string AlertName, IReadOnlyList<ExpectedAlert> ExpAlerts);

public sealed record ExpectedAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

public sealed record PromQlTestCase(string Expr, TimeSpan EvalTime, IReadOnlyList<ExpectedSample> ExpSamples);

/// <summary>An expected sample: labels in series-selector form, a value, or a native histogram (which mlobs skips).</summary>
public sealed record ExpectedSample(string Labels, double Value, string Histogram);
