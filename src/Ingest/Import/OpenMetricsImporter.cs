using Mlobs.Ingest.Scrape;
using Mlobs.Model.Labels;
using Mlobs.Storage;

namespace Mlobs.Ingest.Import;

/// <summary>
/// Backfills an OpenMetrics file whose samples all carry timestamps (the input of
/// <c>promtool tsdb create-blocks-from openmetrics</c>). The whole file is validated first, so a bad line
/// stores nothing; then samples are written in batches through the store's backfill path, which merges history
/// that overlaps what is stored (a second import of the same range, a file that extends an earlier one) as
/// Prometheus merges overlapping blocks.
/// </summary>
public static class OpenMetricsImporter
{
    /// <summary>
    /// Samples newly stored; samples the store already held (same timestamp and value); rejected samples: duplicates
    /// (a stored sample at the timestamp has another value, which stays) and samples older than the retention.
    /// </summary>
    public readonly record struct Result(long Samples, long Series, long AlreadyStored, long Duplicates, long OutOfBounds)
    {
        public long Rejected => Duplicates + OutOfBounds;
    }

    private const int BatchSize = 50_000;

    /// <summary>Validates the body; throws <see cref="ExpositionParseException"/> naming the first bad line.</summary>
    public static long Validate(byte[] body)
    {
        var parser = new ExpositionParser().Reset(body, body.Length, openMetrics: true);
        var lb = new LabelSetBuilder();
        long samples = 0;
        EntryKind kind;
        while ((kind = parser.Next()) != EntryKind.None)
        {
            if (kind != EntryKind.Series) continue;
            if (parser.TimestampMs is null) throw new ExpositionParseException(parser.Line, 1, "expected timestamp: every sample of an import must carry one");
            parser.ParseLabels(lb);
            samples++;
        }
        return samples;
    }

    public static Result Import(byte[] body, IBackfillable storage)
    {
        long total = Validate(body);
        var parser = new ExpositionParser().Reset(body, body.Length, openMetrics: true);
        var lb = new LabelSetBuilder();
        var refs = new Dictionary<LabelSet, ulong>();
        var app = storage.BackfillAppender();
        long appended = 0, duplicates = 0, outOfBounds = 0;
        int inBatch = 0;
        EntryKind kind;
        while ((kind = parser.Next()) != EntryKind.None)
        {
            if (kind != EntryKind.Series) continue;
            parser.ParseLabels(lb);
            var labels = lb.Build();
            refs.TryGetValue(labels, out ulong r);
            if (app.Append(ref r, labels, parser.TimestampMs!.Value, parser.Value) == AppendStatus.OutOfBounds) outOfBounds++;
            refs[labels] = r;
            if (++inBatch >= BatchSize)
            {
                Add(app.Commit());
                app = storage.BackfillAppender();
                inBatch = 0;
            }
        }
        Add(app.Commit());
        return new Result(appended, refs.Count, total - appended - duplicates - outOfBounds, duplicates, outOfBounds);

        void Add(CommitResult c)
        {
            appended += c.Appended;
            duplicates += c.Duplicate + c.OutOfOrder;
            outOfBounds += c.OutOfBounds;
        }
    }
}
