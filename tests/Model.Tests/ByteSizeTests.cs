using Mlobs.Model;

namespace Mlobs.Model.Tests;

/// <summary>Byte sizes as alecthomas/units ParseBase2Bytes reads them (Prometheus's body_size_limit and retention size).</summary>
public class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0B", 0)]
    [InlineData("100B", 100)]
    [InlineData("1KB", 1024)]
    [InlineData("1KiB", 1024)]
    [InlineData("512MB", 512L << 20)]
    [InlineData("10GiB", 10L << 30)]
    [InlineData("1.5KB", 1536)]
    [InlineData(".5MB", 512 << 10)]
    [InlineData("1GB512MB", (1L << 30) + (512L << 20))]
    [InlineData("2TB", 2L << 40)]
    [InlineData("1EB", 1L << 60)]
    [InlineData("-1KB", -1024)]
    public void Parses(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes, out string error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("", "units: invalid ")]
    [InlineData("100", "units: unknown unit  in 100")]
    [InlineData("1kB", "units: unknown unit kB in 1kB")]
    [InlineData("1mb", "units: unknown unit mb in 1mb")]
    [InlineData("MB", "units: invalid MB")]
    [InlineData(".MB", "units: invalid .MB")]
    [InlineData("16EB", "units: overflow parsing unit")]
    public void RejectsWithTheLibrarysReason(string text, string expected)
    {
        Assert.False(ByteSize.TryParse(text, out _, out string error));
        Assert.Equal(expected, error);
    }
}
