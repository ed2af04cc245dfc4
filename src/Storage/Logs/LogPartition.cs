namespace Mlobs.Storage.Logs;

/// <summary>
/// A time partition of the log store: the blocks whose lines fall in [StartNs, EndNs), in their own pair of tables
/// (<c>log_blocks_KEY</c> and its text index <c>log_text_KEY</c>, KEY the start in Unix seconds). Retention drops a
/// whole partition with two DROP TABLEs instead of deleting rows one by one.
/// </summary>
public sealed record LogPartition(long StartNs, long EndNs)
{
    public string Key => (StartNs / 1_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture).Replace('-', 'm');
    public string BlocksTable => "log_blocks_" + Key;
    public string TextTable => "log_text_" + Key;

    public bool Overlaps(long startNs, long endNs) => StartNs <= endNs && EndNs > startNs;
}
