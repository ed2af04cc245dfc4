namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// The codec byte that starts every chunk, so codecs coexist (as tsdb/chunkenc's Encoding). Layout in FORMAT.md.
/// </summary>
public enum ChunkEncoding : byte
{
    /// <summary>Gorilla: XOR of consecutive float bits; best for values with many significant digits.</summary>
    Xor = 1,
    /// <summary>Decimal mantissas, Rice-coded first differences; best for gauges.</summary>
    DecimalDelta = 2,
    /// <summary>Decimal mantissas, Rice-coded second differences; best for steadily growing counters.</summary>
    DecimalDoubleDelta = 3,
}

internal static class ChunkHeader
{
    /// <summary>encoding(1) count(2, little-endian) timestampRiceK(1) valueRiceK(1).</summary>
    public const int Size = 5;

    /// <summary>timestampRiceK value meaning "every interval equals the first": no per-sample timestamp bits.</summary>
    public const int RegularTimestamps = 0xFF;
    public const int MaxSamples = ushort.MaxValue;

    // Escape codes in decimal value streams.
    public const int EscRescale = 0;
    public const int EscAbsolute = 1;
    public const int EscStale = 2;
    public const int EscPosInf = 3;
    public const int EscNegInf = 4;
    public const int EscRawFloat = 5;
}
