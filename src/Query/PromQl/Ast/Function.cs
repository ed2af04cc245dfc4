namespace Mlobs.Query.PromQl.Ast;

/// <summary>
/// A PromQL function's signature (promql/parser/functions.go): argument types, how many trailing arguments
/// are optional (<see cref="Variadic"/>: 0 none, n up to n more, -1 any number), and the result type.
/// </summary>
public sealed record Function(string Name, ValueType[] ArgTypes, int Variadic, ValueType ReturnType, bool Experimental = false)
{
    private const ValueType S = ValueType.Scalar, V = ValueType.Vector, M = ValueType.Matrix, Str = ValueType.String;

    public static readonly IReadOnlyDictionary<string, Function> All = Build(
        new("abs", [V], 0, V),
        new("absent", [V], 0, V),
        new("absent_over_time", [M], 0, V),
        new("acos", [V], 0, V), new("acosh", [V], 0, V), new("asin", [V], 0, V), new("asinh", [V], 0, V),
        new("atan", [V], 0, V), new("atanh", [V], 0, V), new("cos", [V], 0, V), new("cosh", [V], 0, V),
        new("sin", [V], 0, V), new("sinh", [V], 0, V), new("tan", [V], 0, V), new("tanh", [V], 0, V),
        new("deg", [V], 0, V), new("rad", [V], 0, V), new("pi", [], 0, S),
        new("avg_over_time", [M], 0, V),
        new("ceil", [V], 0, V),
        new("changes", [M], 0, V),
        new("clamp", [V, S, S], 0, V),
        new("clamp_max", [V, S], 0, V),
        new("clamp_min", [V, S], 0, V),
        new("count_over_time", [M], 0, V),
        new("day_of_month", [V], 1, V), new("day_of_week", [V], 1, V), new("day_of_year", [V], 1, V),
        new("days_in_month", [V], 1, V), new("hour", [V], 1, V), new("minute", [V], 1, V),
        new("month", [V], 1, V), new("year", [V], 1, V),
        new("delta", [M], 0, V),
        new("deriv", [M], 0, V),
        new("exp", [V], 0, V),
        new("floor", [V], 0, V),
        new("histogram_quantile", [S, V], 0, V),
        new("histogram_fraction", [S, S, V], 0, V),
        new("idelta", [M], 0, V),
        new("increase", [M], 0, V),
        new("irate", [M], 0, V),
        new("label_join", [V, Str, Str, Str], -1, V),
        new("label_replace", [V, Str, Str, Str, Str], 0, V),
        new("last_over_time", [M], 0, V),
        new("ln", [V], 0, V), new("log2", [V], 0, V), new("log10", [V], 0, V),
        new("mad_over_time", [M], 0, V, Experimental: true),
        new("max_over_time", [M], 0, V),
        new("min_over_time", [M], 0, V),
        new("predict_linear", [M, S], 0, V),
        new("present_over_time", [M], 0, V),
        new("quantile_over_time", [S, M], 0, V),
        new("rate", [M], 0, V),
        new("resets", [M], 0, V),
        new("round", [V, S], 1, V),
        new("scalar", [V], 0, S),
        new("sgn", [V], 0, V),
        new("sort", [V], 0, V),
        new("sort_desc", [V], 0, V),
        new("sort_by_label", [V, Str], -1, V, Experimental: true),
        new("sort_by_label_desc", [V, Str], -1, V, Experimental: true),
        new("sqrt", [V], 0, V),
        new("stddev_over_time", [M], 0, V),
        new("stdvar_over_time", [M], 0, V),
        new("sum_over_time", [M], 0, V),
        new("time", [], 0, S),
        new("timestamp", [V], 0, V),
        new("vector", [S], 0, V));

    /// <summary>Functions Prometheus knows that mlobs does not evaluate (native histograms, experimental ones), for a clear error.</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>
    {
        "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar",
        "holt_winters", "double_exponential_smoothing", "info", "limitk", "limit_ratio",
        "ts_of_max_over_time", "ts_of_min_over_time", "ts_of_last_over_time", "first_over_time", "ts_of_first_over_time",
    };

    private static Dictionary<string, Function> Build(params Function[] functions) => functions.ToDictionary(f => f.Name);
}
