using System.Text;
using Mlobs.Model.Labels;

namespace Mlobs.Storage.Logs;

/// <summary>
/// Walks one source of lines (a block, or the unflushed head) in time order, forward or backward, skipping lines
/// outside the query's range and lines without the required text; the scan merges several by timestamp.
/// </summary>
internal abstract class LogLineCursor
{
    public long Timestamp { get; protected set; }
    public abstract bool MoveNext();
    public abstract LogEntry Current { get; }
}

/// <summary>Lines of one inflated block. The required text is looked for in the UTF-8 bytes, before any string is made.</summary>
internal sealed class BlockLineCursor(LabelSet stream, DecodedLogBlock block, long startNs, long endNs, bool backward, byte[]? needle) : LogLineCursor
{
    private int _index = backward ? block.Count : -1;

    public DecodedLogBlock Block => block;

    public override bool MoveNext()
    {
        while (true)
        {
            _index += backward ? -1 : 1;
            if (_index < 0 || _index >= block.Count) return false;
            long ts = block.Timestamps[_index];
            if (ts < startNs || ts > endNs) continue;
            if (needle is not null && block.Line(_index).IndexOf(needle) < 0) continue;
            Timestamp = ts;
            return true;
        }
    }

    public override LogEntry Current => new(stream, Timestamp, Encoding.UTF8.GetString(block.Line(_index)));
}

/// <summary>Unflushed lines read from the head table, already filtered and sorted.</summary>
internal sealed class HeadLineCursor(List<LogEntry> lines, bool backward) : LogLineCursor
{
    private int _index = backward ? lines.Count : -1;

    public override bool MoveNext()
    {
        _index += backward ? -1 : 1;
        if (_index < 0 || _index >= lines.Count) return false;
        Timestamp = lines[_index].TimestampNs;
        return true;
    }

    public override LogEntry Current => lines[_index];
}
