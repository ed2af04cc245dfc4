namespace Mlobs.Query.PromQl.Engine;

/// <summary>
/// One input series' outputs over the steps of a range evaluation: a value where the step has one. Dense arrays
/// reused from series to series (and from query to query), so a range function writes and an aggregation reads
/// without per-step calls.
/// </summary>
internal sealed class StepRow
{
    private double[] _values;
    private bool[] _has;

    public StepRow(int steps)
    {
        _values = new double[steps];
        _has = new bool[steps];
        Steps = steps;
    }

    public int Steps { get; private set; }

    /// <summary>Values by step; only the first <see cref="Steps"/> are in use.</summary>
    public double[] Values => _values;

    /// <summary>Whether each step has a value; only the first <see cref="Steps"/> are in use.</summary>
    public bool[] Has => _has;

    /// <summary>Steps with a value.</summary>
    public int Count { get; private set; }

    /// <summary>Empties the row for a query of <paramref name="steps"/> steps.</summary>
    public void Reset(int steps)
    {
        if (_has.Length < steps)
        {
            _values = new double[steps];
            _has = new bool[steps];
            Count = 0;
        }
        Clear();
        Steps = steps;
    }

    /// <summary>Sets the value of a step that has none yet.</summary>
    public void Set(int step, double value)
    {
        _values[step] = value;
        _has[step] = true;
        Count++;
    }

    /// <summary>Counts values a caller wrote straight into <see cref="Values"/> and <see cref="Has"/> (steps that had none).</summary>
    public void Added(int count) => Count += count;

    public void Clear()
    {
        if (Count == 0) return;
        Array.Clear(_has, 0, Steps);
        Count = 0;
    }
}
