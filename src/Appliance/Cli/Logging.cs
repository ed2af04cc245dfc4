using Serilog;
using Serilog.Events;

namespace Mlobs.Appliance.Cli;

/// <summary>Serilog to the console and, when serving, a size- and day-rolled file under the data dir.</summary>
public static class Logging
{
    public static void Configure(string? dataDir)
    {
        var cfg = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // Start-up failures (port in use) are reported once by `serve` as one line, not as a hosting stack trace.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
            .WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);
        if (dataDir is not null)
        {
            cfg = cfg.WriteTo.File(Path.Combine(dataDir, "logs", "mlobs-.log"), rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 7, fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}");
        }
        Log.Logger = cfg.CreateLogger();
    }
}
