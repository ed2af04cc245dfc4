namespace Mlobs.Model;

/// <summary>
/// Prometheus's staleness marker: a NaN with a specific bit pattern (value.StaleNaN) that ends a series,
/// distinct from any NaN a target can expose.
/// </summary>
public static class StaleNaN
{
    public const ulong Bits = 0x7ff0000000000002UL;
    public static readonly double Value = BitConverter.UInt64BitsToDouble(Bits);

    public static bool Is(double v) => BitConverter.DoubleToUInt64Bits(v) == Bits;
}
