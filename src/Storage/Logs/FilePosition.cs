namespace Mlobs.Storage.Logs;

/// <summary>How far a tailed file has been read: its path, what identifies its content (a hash of its first line), the byte offset.</summary>
public readonly record struct FilePosition(string Path, string Fingerprint, long Offset);
