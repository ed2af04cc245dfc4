namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// One input series' outputs over the steps of a range evaluation: a value where the step has one. Dense arrays
/// reused from series to series, so a range function writes and an aggregation reads without per-step calls.
/// </summary>
internal sealed class StepRow(int steps)
{
    public readonly double[] Values = new double[steps];
    public readonly bool[] Has = new bool[steps];

    /// <summary>Steps with a value.</summary>
    public int Count { get; private set; }

    /// <summary>Sets the value of a step that has none yet.</summary>
    public void Set(int step, double value)
    {
        Values[step] = value;
        Has[step] = true;
        Count++;
    }

    /// <summary>Counts values a caller wrote straight into <see cref="Values"/> and <see cref="Has"/> (steps that had none).</summary>
    public void Added(int count) => Count += count;

    public void Clear()
    {
        if (Count == 0) return;
        Array.Clear(Has);
        Count = 0;
    }
}
