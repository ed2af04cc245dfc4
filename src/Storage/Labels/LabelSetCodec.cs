using System.Buffers;
using Mlobs.Storage.Tsdb.Index;

namespace Mlobs.Storage.Labels;

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
