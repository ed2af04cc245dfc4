using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

/// <summary>One log line of a stream (a label set), at a nanosecond timestamp as Loki keeps them.</summary>
public readonly record struct LogEntry(LabelSet Stream, long TimestampNs, string Line);
