using System.Buffers;
using Mlobs.Model.Labels;
using Mlobs.Storage.Tsdb.Index;

namespace Mlobs.Storage.Tsdb.Index;

/// <summary>Binary form of a label set for the series table: uvarint count, then uvarint symbol ids of each name and value.</summary>
internal static class LabelSetCodec
{
    public static byte[] Encode(LabelSet labels, SymbolTable symbols)
    {
        var w = new ArrayBufferWriter<byte>(32);
        Varint.WriteUnsigned(w, (ulong)labels.Count);
        foreach (var l in labels.AsSpan())
        {
            Varint.WriteUnsigned(w, (ulong)symbols.GetOrAdd(l.Name));
            Varint.WriteUnsigned(w, (ulong)symbols.GetOrAdd(l.Value));
        }
        return w.WrittenSpan.ToArray();
    }

    /// <summary>The encoding when every name and value already has a symbol, else null: a series with a new symbol was never stored.</summary>
    public static byte[]? TryEncodeExisting(LabelSet labels, SymbolTable symbols)
    {
        var w = new ArrayBufferWriter<byte>(32);
        Varint.WriteUnsigned(w, (ulong)labels.Count);
        foreach (var l in labels.AsSpan())
        {
            if (!symbols.TryGetId(l.Name, out int name) || !symbols.TryGetId(l.Value, out int value)) return null;
            Varint.WriteUnsigned(w, (ulong)name);
            Varint.WriteUnsigned(w, (ulong)value);
        }
        return w.WrittenSpan.ToArray();
    }

    public static LabelSet Decode(ReadOnlySpan<byte> data, SymbolTable symbols)
    {
        int pos = 0;
        int n = (int)Varint.ReadUnsigned(data, ref pos);
        var arr = new Label[n];
        for (int i = 0; i < n; i++)
        {
            var name = symbols[(int)Varint.ReadUnsigned(data, ref pos)];
            var value = symbols[(int)Varint.ReadUnsigned(data, ref pos)];
            arr[i] = new Label(name, value);
        }
        return LabelSet.FromSorted(arr);
    }
}
