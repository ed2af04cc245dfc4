using System.CommandLine;
using Mlobs.Ingest.Import;
using Mlobs.Ingest.Scrape;
using Mlobs.Model;
using Mlobs.Storage.Tsdb;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs import FILE</c>: backfill history from an OpenMetrics file with timestamps.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "OpenMetrics text file; every sample must have a timestamp; ends with # EOF" };
        var data = new Option<string>("--data") { Description = "data directory to import into", DefaultValueFactory = _ => "mlobs-data" };
        var retention = new Option<string>("--retention") { Description = "accept samples up to this old (default 15d, as the store's retention)", DefaultValueFactory = _ => "15d" };
        var cmd = new Command("import", "Backfill samples from an OpenMetrics file (stop `mlobs serve` on the same data dir first)") { file, data, retention };
        cmd.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(data)!, parse.GetValue(retention)!));
        return cmd;
    }

    private static int Run(string file, string dataDir, string retentionText)
    {
        if (!Mlobs.Model.PromDuration.TryParse(retentionText, out TimeSpan retention) || retention <= TimeSpan.Zero)
        {
            Console.Error.WriteLine($"invalid --retention \"{retentionText}\"");
            return ExitCodes.Usage;
        }
        byte[] body;
        try { body = File.ReadAllBytes(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return ExitCodes.Failure;
        }
        try
        {
            OpenMetricsImporter.Validate(body);
        }
        catch (ExpositionParseException ex)
        {
            Console.Error.WriteLine($"{file}:{ex.Line}:{ex.Column}: {ex.Message[(ex.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}");
            Console.Error.WriteLine("nothing was imported");
            return ExitCodes.Failure;
        }
        try
        {
            using var db = TsdbDatabase.Open(new TsdbOptions { Directory = Path.GetFullPath(dataDir), RetentionTime = retention });
            var r = OpenMetricsImporter.Import(body, db);
            Console.WriteLine($"imported {r.Samples} samples of {r.Series} series into {Path.GetFullPath(dataDir)}");
            if (r.AlreadyStored > 0) Console.WriteLine($"{r.AlreadyStored} samples were already stored (same timestamp and value) and were kept once");
            if (r.Duplicates > 0) Console.WriteLine($"rejected {r.Duplicates} samples: the store holds another value at their timestamp (kept)");
            if (r.OutOfBounds > 0) Console.WriteLine($"rejected {r.OutOfBounds} samples older than the retention (--retention)");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"{dataDir}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
