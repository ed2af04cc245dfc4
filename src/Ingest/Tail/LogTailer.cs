using Mlobs.Config;
using Mlobs.Model.Labels;
using Mlobs.Storage.Logs;
using Serilog;

namespace Mlobs.Ingest.Tail;

/// <summary>
/// Tails every <c>log_sources</c> file into the log store: new files matching the globs are picked up on the next
/// poll; each poll's lines from all files are stored in one transaction together with the file positions, so a
/// restart (or kill -9) resumes exactly after the last stored line. Files are followed by identity (device, inode,
/// birth time), not by path: rotation by rename and create is a new file at the path while the renamed one is
/// drained through its open handle until it stops growing (<see cref="DrainIdle"/>), still under the name its lines
/// were written to; a stored position is used only for the very file it was stored for. Stream labels are the
/// source's labels, the file name and the <c>label_fields</c> found in the line (levels normalised); a line that
/// does not parse is kept as written and counted.
/// </summary>
public sealed class LogTailer : IAsyncDisposable
{
    private readonly LogStore _store;
    private readonly Dictionary<FileIdentity, (FileTailer Tailer, LogSourceConfig Source, LogLineParser Parser)> _files = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _interval;
    private volatile IReadOnlyList<LogSourceConfig> _sources = [];
    private string _baseDir = ".";
    private readonly Dictionary<FileIdentity, FilePosition> _stored = new();
    // Positions stored before this start, each used at most once: by the file it was stored for (identity), or — for
    // positions older builds kept by path — by the file at that path if its first line still matches.
    private Dictionary<string, FilePosition>? _savedByIdentity;
    private Dictionary<string, FilePosition>? _savedByPath;
    private Task? _loop;

    /// <summary>A file renamed away or deleted is read until it has not grown for this long, then closed.</summary>
    public TimeSpan DrainIdle { get; init; } = TimeSpan.FromSeconds(5);

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
        while (!_stop.IsCancellationRequested)
        {
            bool behind = false;
            try
            {
                behind = PollOnce();
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
    public bool PollOnce()
    {
        bool firstRound = _savedByIdentity is null;
        if (firstRound) LoadSavedPositions();
        var seen = new HashSet<FileIdentity>();
        foreach (var source in _sources)
            foreach (var pattern in source.Paths)
                foreach (var file in FilePatterns.Expand(_baseDir, pattern))
                {
                    if (FileIdentity.Of(file) is not { } status || !seen.Add(status.Identity)) continue;
                    if (_files.TryGetValue(status.Identity, out var known))
                    {
                        known.Tailer.Path = file; // renamed within the globs: same file, same stream from now on
                        known.Tailer.StopDraining();
                        continue;
                    }
                    var tailer = FileTailer.Open(file, source.MaxLineBytes);
                    if (tailer is null) continue;
                    if (_files.ContainsKey(tailer.Identity)) { tailer.Dispose(); continue; } // replaced between stat and open
                    seen.Add(tailer.Identity);
                    if (_savedByIdentity!.Remove(tailer.Identity.ToString(), out var saved)) tailer.Resume(saved);
                    else if (_savedByPath!.Remove(file, out var legacy)) tailer.Resume(legacy);
                    _files[tailer.Identity] = (tailer, source, new LogLineParser(source));
                }
        foreach (var (identity, f) in _files)
            if (!seen.Contains(identity)) f.Tailer.StartDraining();
        if (firstRound && _savedByIdentity!.Count > 0)
        {
            // Files stored before that no glob matches any more (rotated away or deleted while mlobs was down).
            _store.ForgetPositions(_savedByIdentity.Keys.ToList());
            _savedByIdentity.Clear();
        }

        var entries = new List<LogEntry>();
        var positions = new List<FilePosition>();
        var finished = new List<FileIdentity>();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var (identity, (tailer, source, parser)) in _files)
        {
            long truncatedBefore = tailer.TruncatedLines;
            var lines = tailer.Poll();
            if (tailer.DrainedOut(DrainIdle))
            {
                lines.AddRange(tailer.Finish());
                finished.Add(identity);
            }
            Interlocked.Add(ref TruncatedLines, tailer.TruncatedLines - truncatedBefore);
            // Only positions that moved are written, so an idle tailer does not write at all.
            if (!_stored.TryGetValue(identity, out var stored) || stored != tailer.Position) positions.Add(tailer.Position);
            foreach (var line in lines) entries.Add(Entry(line, tailer.Path, source, parser, now));
            Interlocked.Add(ref LinesRead, lines.Count);
        }
        _store.Append(entries, positions);
        foreach (var p in positions)
            if (FileIdentity.TryParse(p.Identity, out var id)) _stored[id] = p;
        if (finished.Count > 0)
        {
            _store.ForgetPositions(finished.Select(id => id.ToString()).ToList());
            foreach (var id in finished)
            {
                _files.Remove(id, out var f);
                f.Tailer.Dispose();
                _stored.Remove(id);
            }
        }
        return _files.Values.Any(f => f.Tailer.Behind);
    }

    private void LoadSavedPositions()
    {
        _savedByIdentity = new Dictionary<string, FilePosition>(StringComparer.Ordinal);
        _savedByPath = new Dictionary<string, FilePosition>(StringComparer.Ordinal);
        foreach (var p in _store.Positions())
        {
            if (p.Identity.Length > 0 && !p.Identity.StartsWith("path:", StringComparison.Ordinal)) _savedByIdentity[p.Identity] = p;
            else _savedByPath[p.Path] = p;
        }
    }

    private LogEntry Entry(string line, string path, LogSourceConfig source, LogLineParser parser, long now)
    {
        var fields = parser.Fields(line);
        if (fields is null) Interlocked.Increment(ref ParseErrors);
        var labels = new LabelSetBuilder();
        foreach (var (name, value) in source.Labels) labels.Set(name, value);
        labels.Set("filename", path);
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
        return new LogEntry(labels.Build(), ts, line);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        foreach (var (tailer, _, _) in _files.Values) tailer.Dispose();
        _files.Clear();
    }
}
