namespace Mlobs.Query.LogQl;

/// <summary>A LogQL expression: a log query, or a metric query over one.</summary>
public abstract record LogQlExpr;

/// <summary>A log query (streams of lines).</summary>
public sealed record LogQueryExpr(LogQuery Query) : LogQlExpr;

/// <summary>A metric query: a sample value per series and step.</summary>
public abstract record LogMetricExpr : LogQlExpr;

/// <summary><c>count_over_time</c>, <c>rate</c>, <c>bytes_over_time</c>, <c>bytes_rate</c>, <c>absent_over_time</c> of a log query over a range.</summary>
public sealed record RangeAggregation(string Function, LogQuery Query, long RangeMs) : LogMetricExpr;

/// <summary><c>sum/avg/min/max/count/topk/bottomk [by|without (labels)] (expr)</c>.</summary>
public sealed record VectorAggregation(string Op, IReadOnlyList<string> Grouping, bool Without, int? K, LogMetricExpr Inner) : LogMetricExpr;

/// <summary><c>expr &gt; 5</c> (and the other comparisons; with <c>bool</c>, 0 or 1 instead of filtering).</summary>
public sealed record ScalarComparison(LogMetricExpr Inner, string Op, double Value, bool ReturnBool) : LogMetricExpr;
