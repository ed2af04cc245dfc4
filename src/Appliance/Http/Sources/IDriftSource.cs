using Mlobs.Drift.Monitors;
using Mlobs.Drift.Pinning;

namespace Mlobs.Appliance.Http;

/// <summary>What the drift API reads and changes: the running monitors with their last evaluation, and pinned baselines.</summary>
public interface IDriftSource
{
    IReadOnlyList<DriftMonitorEvaluator> DriftMonitors { get; }

    /// <summary>Pins a monitor's baseline over [from, to] (defaults: its baseline window now); throws <see cref="DriftMonitorNotFoundException"/> or <see cref="ArgumentException"/>.</summary>
    PinnedBaseline PinDriftBaseline(string monitor, DateTimeOffset? from, DateTimeOffset? to);

    bool UnpinDriftBaseline(string monitor);

    /// <summary>An observations monitor's reference rows (CSV or JSON lines): bins fitted, counts stored as its baseline.</summary>
    PinnedBaseline UploadDriftReference(string monitor, TextReader body, bool jsonLines);

    /// <summary>Rows counted into an observations monitor's bins; throws <see cref="InvalidOperationException"/> before a reference exists.</summary>
    Mlobs.Drift.Observations.ObservationResult ObserveDrift(string monitor, TextReader body, bool jsonLines);

    /// <summary>The monitor's pinned baseline, if any.</summary>
    PinnedBaseline? PinnedDriftBaseline(string monitor);
}
