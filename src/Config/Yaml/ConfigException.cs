namespace Mlobs.Config.Yaml;

/// <summary>A configuration error with the place it was found, printed as <c>file:line:col: message</c>.</summary>
public sealed class ConfigException(string file, long line, long column, string message)
    : Exception(line > 0 ? $"{file}:{line}:{column}: {message}" : $"{file}: {message}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public long Column { get; } = column;
    public string Detail { get; } = message;
}
