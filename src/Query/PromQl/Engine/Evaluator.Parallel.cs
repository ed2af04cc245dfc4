using System.Collections.Concurrent;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Query.PromQl.Engine;

internal sealed partial class Evaluator
{
    /// <summary>What one thread of a parallel series walk owns: its decode buffer and scratch for range functions.</summary>
    internal sealed class SeriesWorker
    {
        public readonly List<FPoint> Samples = new(256);
    }

    /// <summary>One series of a batch: its iterator, and what a worker computed from it.</summary>
    private sealed class BatchSlot(int steps)
    {
        public readonly StepRow Row = new(steps);
        public ISampleIterator? Iterator;
        public LabelSet Labels = LabelSet.Empty, OutputLabels = LabelSet.Empty;
        public int SampleCount;
    }

    /// <summary>Series per batch: 512, fewer for long ranges so a batch's step rows stay near 10 MB.</summary>
    private int ParallelBatch => Math.Clamp(1_000_000 / StepCount, 32, 512);

    /// <summary>Batches kept between queries, and the longest range (in steps) whose rows are worth keeping.</summary>
    private const int PooledBatches = 2, PooledMaxSteps = 2048;

    /// <summary>
    /// Batches and workers outlive a query: their step rows, decode buffers and sample lists are the bulk of what a
    /// dashboard query would otherwise allocate (and collect) every time. At most a few are kept.
    /// </summary>
    private static class ScratchPool
    {
        public static readonly ConcurrentBag<BatchSlot[]> Batches = [];
        public static readonly ConcurrentBag<SeriesWorker> Workers = [];
    }

    private BatchSlot[] RentBatch()
    {
        if (!ScratchPool.Batches.TryTake(out var batch) || batch.Length != ParallelBatch)
        {
            batch = new BatchSlot[ParallelBatch];
            for (int i = 0; i < batch.Length; i++) batch[i] = new BatchSlot(StepCount);
        }
        foreach (var slot in batch) slot.Row.Reset(StepCount);
        return batch;
    }

    private void ReturnBatch(BatchSlot[] batch)
    {
        foreach (var slot in batch) slot.Labels = slot.OutputLabels = LabelSet.Empty;
        if (StepCount <= PooledMaxSteps && ScratchPool.Batches.Count < PooledBatches) ScratchPool.Batches.Add(batch);
    }

    /// <summary>
    /// Like <see cref="ForEachSeries"/> followed by <paramref name="compute"/> per series, but decoding and computing
    /// on up to <see cref="EngineOptions.Parallelism"/> threads, in batches of series: chunk lists are loaded on this
    /// thread (the store's reader is not shared), workers decode and run <paramref name="compute"/> into each series'
    /// row, and the rows reach <paramref name="sink"/> in series order, so results are identical to the
    /// serial walk (sums keep their order). Used for range functions over selectors, where dashboards spend their time.
    /// </summary>
    internal void ForEachSeriesParallel(LabelMatcher[] matchers, long mint, long maxt, bool dropStale,
        Func<SeriesWorker, LabelSet, List<FPoint>, StepRow, LabelSet> compute, IStepSink sink)
    {
        using var q = _storage.Querier(mint + 1, maxt);
        var set = q.Select(_sortedSelect, matchers);
        var batch = RentBatch();
        var workers = ScratchPool.Workers;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = _ct };
        int n = 0;

        void Run()
        {
            if (n == 0) return;
            Parallel.For(0, n, options,
                () => workers.TryTake(out var w) ? w : new SeriesWorker(),
                (i, _, worker) =>
                {
                    var r = batch[i];
                    r.Row.Clear();
                    r.SampleCount = 0;
                    var buffer = worker.Samples;
                    ReadSamples(r.Iterator!, mint, maxt, dropStale, buffer);
                    r.SampleCount = buffer.Count;
                    if (buffer.Count > 0) r.OutputLabels = compute(worker, r.Labels, buffer, r.Row);
                    return worker;
                },
                workers.Add);
            for (int i = 0; i < n; i++)
            {
                var r = batch[i];
                if (r.SampleCount == 0) continue;
                CountSamples(r.SampleCount);
                sink.AddSeries(r.OutputLabels, r.Row);
            }
            n = 0;
        }

        try
        {
            while (set.Next())
            {
                _ct.ThrowIfCancellationRequested();
                var r = batch[n++];
                r.Labels = set.Current.Labels;
                r.Iterator = set.Current.Iterator(r.Iterator);
                if (n == batch.Length) Run();
            }
            Run();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // A worker's QueryException (or cancellation) is the error to report, not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
        finally
        {
            ReturnBatch(batch);
        }
        if (set.Error is { } error) throw QueryException.Execution(error.Message);
    }
}
