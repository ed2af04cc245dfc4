namespace Mlobs.WebUi.Dashboards;

/// <summary>
/// A Grafana dashboard as mlobs reads it: layout, panels with their queries, and template variables. Only what
/// checking, listing and snapshots need is modelled; the browser renders from the original JSON.
/// </summary>
public sealed record Dashboard(
    string Uid,
    string Title,
    string TimeFrom,
    string TimeTo,
    string? Refresh,
    IReadOnlyList<string> Tags,
    IReadOnlyList<DashboardPanel> Panels,
    IReadOnlyList<TemplateVariable> Variables)
{
    /// <summary>Every panel that draws something: row panels' children included (collapsed or not), rows themselves left out.</summary>
    public IEnumerable<DashboardPanel> DrawnPanels => Panels.SelectMany(p => p.Type == "row" ? p.Children : [p]);
}

/// <summary>A panel on the 24-column grid; a row keeps its collapsed children in <see cref="Children"/>.</summary>
public sealed record DashboardPanel(
    int Id,
    string Title,
    string Type,
    GridPos GridPos,
    IReadOnlyList<PanelTarget> Targets,
    string? Interval,
    int? MaxDataPoints,
    IReadOnlyList<DashboardPanel> Children,
    bool Collapsed,
    string? Repeat);

public readonly record struct GridPos(int X, int Y, int W, int H);

/// <summary>
/// One query of a panel: a Prometheus datasource target, or with <see cref="Loki"/> a Loki one (LogQL: lines for a
/// log query, a matrix for a metric query) — a target whose datasource type names loki, or any target of a logs panel.
/// </summary>
public sealed record PanelTarget(string RefId, string Expr, string? LegendFormat, bool Instant, bool Hide, string? Interval, int IntervalFactor)
{
    public bool Loki { get; init; }

    /// <summary>Lines a Loki log query asks for (the target's maxLines, else Grafana's default 1000).</summary>
    public int MaxLines { get; init; } = 1000;

    /// <summary>A LogQL log query (a stream selector first), not a metric one.</summary>
    public bool IsLogQuery(string interpolated) => Loki && interpolated.TrimStart().StartsWith('{');
}

public enum VariableType { Query, Custom, Interval, Constant, Textbox, Datasource, AdHoc, Other }

/// <summary>A templating variable: its kind, definition and what is selected when the dashboard opens.</summary>
public sealed record TemplateVariable(
    string Name,
    VariableType Type,
    string Query,
    string? Regex,
    bool Multi,
    bool IncludeAll,
    string? AllValue,
    IReadOnlyList<string> Current,
    IReadOnlyList<VariableOption> Options,
    string TypeName)
{
    /// <summary>An interval variable's "auto" option: the range split into <see cref="AutoCount"/> steps, at least <see cref="AutoMin"/>.</summary>
    public bool Auto { get; init; }
    public int AutoCount { get; init; } = 30;
    public string AutoMin { get; init; } = "10s";
}

public sealed record VariableOption(string Text, string Value);
