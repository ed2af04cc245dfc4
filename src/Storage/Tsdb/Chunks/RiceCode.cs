namespace Mlobs.Storage.Tsdb.Chunks;

/// <summary>
/// Golomb-Rice coding of zig-zag integers with a per-chunk parameter k: quotient in unary (capped),
/// then k remainder bits. Small deltas around zero, the common case for timestamps and decimal values,
/// cost 1 + k bits. After <see cref="MaxUnary"/> ones a flag bit selects a sized value (0: 7-bit length, then the bits) or an
/// escape code (1) that value streams use for specials.
/// </summary>
internal static class RiceCode
{
    public const int MaxUnary = 16;
    public const int EscapeCodeBits = 3;


    public static void Write(ref BitBuffer w, ulong z, int k)
    {
        ulong q = z >> k;
        if (q < MaxUnary)
        {
            int length = (int)q + 1 + k;
            if (length <= 56)
            {
                // Unary ones, the stop bit and the remainder as one write: the common case per sample.
                w.WriteBits((((1UL << (int)q) - 1) << (k + 1)) | (z & ((1UL << k) - 1)), length);
                return;
            }
            w.WriteOnes((int)q);
            w.WriteBit(false);
            w.WriteBits(z, k);
        }
        else
        {
            w.WriteOnes(MaxUnary);
            w.WriteBit(false);
            WriteSized(ref w, z);
        }
    }

    public static void WriteEscape(ref BitBuffer w, int code)
    {
        w.WriteOnes(MaxUnary);
        w.WriteBit(true);
        w.WriteBits((ulong)code, EscapeCodeBits);
    }

    /// <summary>A self-delimiting integer: 7-bit bit length n, then n bits (used once per chunk, not per sample).</summary>
    public static void WriteSized(ref BitBuffer w, ulong z)
    {
        int n = 64 - System.Numerics.BitOperations.LeadingZeroCount(z);
        w.WriteBits((ulong)n, 7);
        w.WriteBits(z, n);
    }

    public static ulong ReadSized(ref BitReader r) => r.ReadBits((int)r.ReadBits(7));

    /// <summary>Bits that <see cref="Write"/> would use: lets the recoder pick k without encoding.</summary>
    public static int Cost(ulong z, int k)
    {
        ulong q = z >> k;
        return q < MaxUnary ? (int)q + 1 + k : MaxUnary + 1 + 7 + (64 - System.Numerics.BitOperations.LeadingZeroCount(z));
    }

    /// <summary>Reads one code; returns -1 with the escape code in <paramref name="escape"/> when an escape was read.</summary>
    public static bool TryRead(ref BitReader r, int k, out ulong z, out int escape)
    {
        int q = r.ReadUnary(MaxUnary);
        if (q < MaxUnary)
        {
            z = ((ulong)q << k) | r.ReadBits(k);
            escape = -1;
            return true;
        }
        if (!r.ReadBit())
        {
            z = ReadSized(ref r);
            escape = -1;
            return true;
        }
        z = 0;
        escape = (int)r.ReadBits(EscapeCodeBits);
        return false;
    }
}
