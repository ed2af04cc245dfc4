using System.Buffers;
using System.Text;

namespace Mlobs.Storage.Labels;

/// <summary>Binary form of a label set for the series table: uvarint count, then uvarint-length-prefixed UTF-8 names and values.</summary>
internal static class LabelSetCodec
{
    public static byte[] Encode(LabelSet labels)
    {
        var w = new ArrayBufferWriter<byte>(64);
        Varint.WriteUnsigned(w, (ulong)labels.Count);
        foreach (var l in labels.AsSpan())
        {
            WriteString(w, l.Name);
            WriteString(w, l.Value);
        }
        return w.WrittenSpan.ToArray();
    }

    public static LabelSet Decode(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        int n = (int)Varint.ReadUnsigned(data, ref pos);
        var arr = new Label[n];
        for (int i = 0; i < n; i++)
        {
            var name = ReadString(data, ref pos);
            var value = ReadString(data, ref pos);
            arr[i] = new Label(string.Intern(name), value);
        }
        return LabelSet.FromSorted(arr);
    }

    private static void WriteString(ArrayBufferWriter<byte> w, string s)
    {
        int len = Encoding.UTF8.GetByteCount(s);
        Varint.WriteUnsigned(w, (ulong)len);
        Encoding.UTF8.GetBytes(s, w.GetSpan(len));
        w.Advance(len);
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int pos)
    {
        int len = (int)Varint.ReadUnsigned(data, ref pos);
        var s = Encoding.UTF8.GetString(data.Slice(pos, len));
        pos += len;
        return s;
    }
}
