using Mlobs.Appliance.Config;
using Mlobs.Storage.Labels;
using Mlobs.Storage.Logs;
using Serilog;

namespace Mlobs.Appliance.Logs;

/// <summary>
/// Tails every <c>log_sources</c> file into the log store: new files matching the globs are picked up on the next
/// poll; each poll's lines from all files are stored in one transaction together with the file positions, so a
/// restart (or kill -9) resumes exactly after the last stored line. Stream labels are the source's labels, the
/// file name and the <c>label_fields</c> found in the line (levels normalised); a line that does not parse is kept
/// as written and counted.
/// </summary>
public sealed class LogTailer : IAsyncDisposable
{
    private readonly LogStore _store;
    private readonly Dictionary<string, (FileTailer Tailer, LogSourceConfig Source, LogLineParser Parser)> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _interval;
    private volatile IReadOnlyList<LogSourceConfig> _sources = [];
    private string _baseDir = ".";
    private readonly Dictionary<string, FilePosition> _stored = new(StringComparer.Ordinal);
    private Task? _loop;

    public long LinesRead, ParseErrors, TruncatedLines;

    public LogTailer(LogStore store, TimeSpan? interval = null)
    {
        _store = store;
        _interval = interval ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Sets (or on reload replaces) the sources and keeps polling them.</summary>
    public void Apply(IReadOnlyList<LogSourceConfig> sources, string baseDir)
    {
        Configure(sources, baseDir);
        _loop ??= Task.Run(LoopAsync);
    }

    /// <summary>Sets the sources; globs are relative to <paramref name="baseDir"/> (the config file's directory).</summary>
    public void Configure(IReadOnlyList<LogSourceConfig> sources, string baseDir)
    {
        _baseDir = baseDir;
        _sources = sources;
    }

    private async Task LoopAsync()
    {
        var positions = _store.Positions();
        while (!_stop.IsCancellationRequested)
        {
            bool behind = false;
            try
            {
                behind = PollOnce(positions);
            }
            catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
            {
                Log.Warning("Tailing log files failed: {Error}", ex.Message);
            }
            if (behind) continue; // a file has more than one poll's worth: read on at once
            try { await Task.Delay(_interval, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One round over every file: read what is new, store it with the positions in one transaction; true when a file has more to read.</summary>
    public bool PollOnce(Dictionary<string, FilePosition>? saved = null)
    {
        var sources = _sources;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
            foreach (var pattern in source.Paths)
                foreach (var file in FilePatterns.Expand(_baseDir, pattern))
                {
                    if (!seen.Add(file)) continue;
                    if (!_files.ContainsKey(file))
                    {
                        var tailer = new FileTailer(file, source.MaxLineBytes);
                        tailer.Resume(saved is not null && saved.TryGetValue(file, out var p) ? p : null);
                        _files[file] = (tailer, source, new LogLineParser(source));
                    }
                }
        foreach (var gone in _files.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _files[gone].Tailer.Dispose();
            _files.Remove(gone);
        }

        var entries = new List<LogEntry>();
        var positions = new List<FilePosition>();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var (file, (tailer, source, parser)) in _files)
        {
            long truncatedBefore = tailer.TruncatedLines;
            var lines = tailer.Poll();
            Interlocked.Add(ref TruncatedLines, tailer.TruncatedLines - truncatedBefore);
            // Only positions that moved are written, so an idle tailer does not write at all.
            if (!_stored.TryGetValue(file, out var stored) || stored != tailer.Position) positions.Add(tailer.Position);
            foreach (var line in lines)
            {
                var fields = parser.Fields(line);
                if (fields is null) Interlocked.Increment(ref ParseErrors);
                var labels = new LabelSetBuilder();
                foreach (var (name, value) in source.Labels) labels.Set(name, value);
                labels.Set("filename", file);
                long ts = now;
                if (fields is not null)
                {
                    foreach (var (name, label) in parser.LabelFields)
                    {
                        if (!fields.TryGetValue(label, out var value) || value.Length == 0) continue;
                        labels.Set(label, name == "level" ? LogLineParser.NormalizeLevel(value) : value);
                    }
                    if (source.Timestamp is { } t && LogLineParser.Timestamp(fields, t) is { } parsed) ts = parsed;
                }
                entries.Add(new LogEntry(labels.Build(), ts, line));
            }
            Interlocked.Add(ref LinesRead, lines.Count);
        }
        _store.Append(entries, positions);
        foreach (var p in positions) _stored[p.Path] = p;
        return _files.Values.Any(f => f.Tailer.Behind);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        foreach (var (tailer, _, _) in _files.Values) tailer.Dispose();
        _files.Clear();
    }
}
