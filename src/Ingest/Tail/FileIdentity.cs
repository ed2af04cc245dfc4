using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mlobs.Ingest.Tail;

/// <summary>
/// Which file a path or an open handle is, whatever it is called now: device, inode and (where the file system
/// records it) birth time, from Linux's <c>statx</c> (its structure is the same on every architecture). A file renamed
/// by rotation keeps its identity; a file created in its place has another; an inode reused after a delete has another
/// birth time. Also gives the link count (0: deleted while open) and size.
/// </summary>
public readonly partial record struct FileIdentity(uint DevMajor, uint DevMinor, ulong Inode, long BirthSec, uint BirthNsec)
{
    public override string ToString() => $"{DevMajor}:{DevMinor}:{Inode}:{BirthSec}.{BirthNsec:D9}";

    public static bool TryParse(string text, out FileIdentity identity)
    {
        identity = default;
        var parts = text.Split(':', '.');
        if (parts.Length != 5) return false;
        if (!uint.TryParse(parts[0], out var dmaj) || !uint.TryParse(parts[1], out var dmin) || !ulong.TryParse(parts[2], out var ino)
            || !long.TryParse(parts[3], out var bs) || !uint.TryParse(parts[4], out var bn)) return false;
        identity = new FileIdentity(dmaj, dmin, ino, bs, bn);
        return true;
    }

    /// <summary>What statx reports of a file: its identity, link count and size.</summary>
    public readonly record struct Status(FileIdentity Identity, uint Links, long Size);

    /// <summary>The file a path names now (following symlinks), or null when there is none (or no statx).</summary>
    public static Status? Of(string path) => Statx(AtFdCwd, path, 0, out var buf) == 0 ? ToStatus(buf) : null;

    /// <summary>The file an open handle is on, even after it was renamed or deleted.</summary>
    public static Status? Of(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, out var buf) == 0 ? ToStatus(buf) : null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static Status ToStatus(in StatxBuffer b)
    {
        bool birth = (b.Mask & StatxBtime) != 0;
        return new Status(new FileIdentity(b.DevMajor, b.DevMinor, b.Inode, birth ? b.BirthSec : 0, birth ? b.BirthNsec : 0), b.Links, (long)b.Size);
    }

    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const uint StatxBtime = 0x800;

    private static int Statx(int dirfd, string path, int flags, out StatxBuffer buf)
    {
        try
        {
            return StatxNative(dirfd, path, flags, StatxBasicStats | StatxBtime, out buf);
        }
        catch (EntryPointNotFoundException)
        {
            buf = default;
            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, out StatxBuffer buf);

    /// <summary>struct statx (linux/stat.h): 256 bytes, the same layout on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(16)] public uint Links;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(80)] public long BirthSec;
        [FieldOffset(88)] public uint BirthNsec;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }
}
