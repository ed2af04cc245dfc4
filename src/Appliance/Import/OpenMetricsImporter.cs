using Mlobs.Appliance.Scrape;
using Mlobs.Storage;
using Mlobs.Storage.Labels;

namespace Mlobs.Appliance.Import;

/// <summary>
/// Backfills an OpenMetrics file whose samples all carry timestamps (the input of
/// <c>promtool tsdb create-blocks-from openmetrics</c>). The whole file is validated first, so a bad line
/// stores nothing; then samples are appended in batches.
/// </summary>
public static class OpenMetricsImporter
{
    public readonly record struct Result(long Samples, long Series, long Rejected);

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

    public static Result Import(byte[] body, IAppendable storage)
    {
        Validate(body);
        var parser = new ExpositionParser().Reset(body, body.Length, openMetrics: true);
        var lb = new LabelSetBuilder();
        var refs = new Dictionary<LabelSet, ulong>();
        var app = storage.Appender();
        // Rejected when appended (never reach a batch) or at commit (counted in `samples` until then).
        long samples = 0, rejectedEarly = 0, rejectedAtCommit = 0;
        int inBatch = 0;
        EntryKind kind;
        while ((kind = parser.Next()) != EntryKind.None)
        {
            if (kind != EntryKind.Series) continue;
            parser.ParseLabels(lb);
            var labels = lb.Build();
            refs.TryGetValue(labels, out ulong r);
            var status = app.Append(ref r, labels, parser.TimestampMs!.Value, parser.Value);
            refs[labels] = r;
            if (status != AppendStatus.Ok) { rejectedEarly++; continue; }
            samples++;
            if (++inBatch >= BatchSize)
            {
                rejectedAtCommit += Rejections(app.Commit());
                app = storage.Appender();
                inBatch = 0;
            }
        }
        rejectedAtCommit += Rejections(app.Commit());
        return new Result(samples - rejectedAtCommit, refs.Count, rejectedEarly + rejectedAtCommit);
    }

    private static long Rejections(CommitResult r) => r.OutOfOrder + r.Duplicate + r.OutOfBounds;
}
