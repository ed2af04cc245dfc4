namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// An open transaction on the store's writer connection: <see cref="Commit"/> ends it, disposing without a commit
/// rolls it back. A struct, because one is opened per scrape.
/// </summary>
internal readonly struct WriteTransaction(SqliteStore store) : IDisposable
{
    public void Commit() => store.CommitTransaction();

    public void Dispose() => store.RollbackIfOpen();
}
