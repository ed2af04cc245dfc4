using System.Text;

namespace Mlobs.Storage.Logs;

/// <summary>
/// Full-text narrowing for line filters, as code search engines do it: each block is indexed by the set of byte
/// trigrams (three consecutive UTF-8 bytes, ASCII letters folded to lower case) its lines contain. The set is
/// written as a document of hex tokens (<c>"6f7574"</c> for "out") into a contentless FTS5 table with
/// <c>detail=none</c>, so the index keeps, per trigram, only which blocks contain it. A substring query becomes
/// "every trigram of it": a superset of the blocks that hold the text, which the scan then checks line by line.
/// Indexing the distinct trigrams of a block, not its text, makes FTS5 handle a few thousand tokens per block
/// instead of one per byte.
/// </summary>
public static class LogTextIndex
{
    /// <summary>Trigrams taken from a needle at most; more add little selectivity but cost doclist reads.</summary>
    private const int MaxTrigrams = 24;

    /// <summary>The FTS5 MATCH expression for blocks that may contain <paramref name="needle"/>, or null when it is too short to narrow.</summary>
    public static string? MatchExpression(string needle)
    {
        var bytes = Encoding.UTF8.GetBytes(needle);
        if (bytes.Length < 3) return null;
        var seen = new HashSet<int>();
        var sb = new StringBuilder();
        int count = bytes.Length - 2;
        int stride = Math.Max(1, (count + MaxTrigrams - 1) / MaxTrigrams);
        for (int i = 0; i < count; i += stride)
        {
            int key = TrigramSet.Key(bytes[i], bytes[i + 1], bytes[i + 2]);
            if (!seen.Add(key)) continue;
            if (sb.Length > 0) sb.Append(" AND ");
            sb.Append('"');
            TrigramSet.AppendToken(sb, key);
            sb.Append('"');
        }
        return sb.ToString();
    }
}

/// <summary>The distinct byte trigrams of a block's lines, gathered in a 2^24-bit set that is reused block after block.</summary>
public sealed class TrigramSet
{
    private readonly ulong[] _bits = new ulong[1 << 18];
    private readonly List<int> _words = [];
    private static readonly byte[] Fold = Enumerable.Range(0, 256).Select(b => (byte)(b is >= 'A' and <= 'Z' ? b | 0x20 : b)).ToArray();

    public static int Key(byte a, byte b, byte c) => Fold[a] << 16 | Fold[b] << 8 | Fold[c];

    public void Add(ReadOnlySpan<byte> text)
    {
        if (text.Length < 3) return;
        var fold = Fold;
        int key = fold[text[0]] << 8 | fold[text[1]];
        for (int i = 2; i < text.Length; i++)
        {
            key = ((key << 8) | fold[text[i]]) & 0xFFFFFF;
            ref ulong word = ref _bits[key >> 6];
            if (word == 0) _words.Add(key >> 6);
            word |= 1UL << (key & 63);
        }
    }

    /// <summary>The set as a document of space-separated hex tokens, and clears it for the next block.</summary>
    public string TakeDocument()
    {
        _words.Sort();
        var sb = new StringBuilder(_words.Count * 16);
        foreach (int w in _words)
        {
            ulong bits = _bits[w];
            _bits[w] = 0;
            while (bits != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                AppendToken(sb, w << 6 | bit);
                sb.Append(' ');
            }
        }
        _words.Clear();
        return sb.ToString();
    }

    internal static void AppendToken(StringBuilder sb, int key)
    {
        const string hex = "0123456789abcdef";
        for (int shift = 20; shift >= 0; shift -= 4) sb.Append(hex[(key >> shift) & 0xF]);
    }
}
