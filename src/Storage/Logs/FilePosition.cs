namespace Mlobs.Storage.Logs;

/// <summary>
/// How far a tailed file has been read: the file (<paramref name="Identity"/>: device, inode and birth time, so a
/// renamed file keeps its place and a new file at the same path starts afresh), the path it was read under, a hash
/// of its first line (a check against reuse), and the byte offset. Positions stored by older builds have no identity.
/// </summary>
public readonly record struct FilePosition(string Path, string Fingerprint, long Offset, string Identity = "");
