using Mlobs.Appliance.Http;
using Mlobs.Drift.Monitors;
using Mlobs.Drift.Pinning;

namespace Mlobs.Appliance.Tests.Http;

/// <summary>The drift API over a real runner (real engine, TSDB and pin files in the host's temp dir).</summary>
public sealed class DriftRunnerSource(DriftMonitorRunner runner) : IDriftSource
{
    public DriftMonitorRunner Runner { get; } = runner;
    public IReadOnlyList<DriftMonitorEvaluator> DriftMonitors => Runner.Monitors;
    public PinnedBaseline PinDriftBaseline(string monitor, DateTimeOffset? from, DateTimeOffset? to) => Runner.Pin(monitor, from, to, DateTimeOffset.UtcNow);
    public bool UnpinDriftBaseline(string monitor) => Runner.Unpin(monitor);
    public PinnedBaseline UploadDriftReference(string monitor, TextReader body, bool jsonLines) => Runner.UploadReference(monitor, body, jsonLines, DateTimeOffset.UtcNow);
    public Mlobs.Drift.Observations.ObservationResult ObserveDrift(string monitor, TextReader body, bool jsonLines) => Runner.Observe(monitor, body, jsonLines);
    public PinnedBaseline? PinnedDriftBaseline(string monitor) => Runner.Pins.Load(monitor);
}
