using Mlobs.Model.Labels;

namespace Mlobs.Storage;

/// <summary>
/// Read access over [MinTime, MaxTime] (Prometheus's storage.Querier). The query engine and the HTTP API
/// see storage only through this. Errors travel inside the returned series set, so Select never throws.
/// </summary>
public interface IQuerier : IDisposable
{
    ISeriesSet Select(bool sorted, params LabelMatcher[] matchers);

    /// <summary>
    /// The label sets <see cref="Select"/> would return, sorted, without reading samples (Prometheus's
    /// SelectHints{Func: "series"}: the series API needs no chunks). Errors are thrown as the storage's exception.
    /// </summary>
    IReadOnlyList<LabelSet> SeriesLabels(params LabelMatcher[] matchers)
    {
        var set = Select(true, matchers);
        var result = new List<LabelSet>();
        while (set.Next()) result.Add(set.Current.Labels);
        if (set.Error is not null) throw set.Error;
        return result;
    }

    /// <summary>Sorted distinct label names of series matching all matchers (all series when none).</summary>
    IReadOnlyList<string> LabelNames(params LabelMatcher[] matchers);

    /// <summary>Sorted distinct values of one label over series matching all matchers.</summary>
    IReadOnlyList<string> LabelValues(string name, params LabelMatcher[] matchers);
}

public interface IQueryableStorage
{
    IQuerier Querier(long minTimeMs, long maxTimeMs);
}

/// <summary>A pull iterator over series, walked with Next/Current; Error is set when iteration stopped on a failure.</summary>
public interface ISeriesSet
{
    bool Next();
    ISeries Current { get; }
    Exception? Error { get; }
}

public interface ISeries
{
    LabelSet Labels { get; }

    /// <summary>An iterator over the series' samples in the querier's time range; pass the previous iterator in to reuse it.</summary>
    ISampleIterator Iterator(ISampleIterator? reuse = null);
}

/// <summary>Iterates samples in timestamp order without allocating per sample.</summary>
public interface ISampleIterator
{
    bool Next();

    /// <summary>Advances to the first sample at or after t; true if there is one.</summary>
    bool Seek(long timestampMs);

    long Timestamp { get; }
    double Value { get; }
    Exception? Error { get; }

    /// <summary>
    /// Reads up to <paramref name="timestamps"/>.Length samples after the current one, as repeated <see cref="Next"/>
    /// calls would (the last one read becomes current); returns how many. Lets a store hand over decoded samples
    /// without an interface call per sample.
    /// </summary>
    int NextBatch(Span<long> timestamps, Span<double> values)
    {
        int n = 0;
        while (n < timestamps.Length && n < values.Length && Next())
        {
            timestamps[n] = Timestamp;
            values[n] = Value;
            n++;
        }
        return n;
    }
}

/// <summary>Both sides of a store, as the appliance wires it.</summary>
public interface IStorage : IAppendable, IQueryableStorage;
