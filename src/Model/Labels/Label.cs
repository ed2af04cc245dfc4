namespace Mlobs.Model.Labels;

/// <summary>One name/value pair of a series' identity.</summary>
public readonly record struct Label(string Name, string Value);
