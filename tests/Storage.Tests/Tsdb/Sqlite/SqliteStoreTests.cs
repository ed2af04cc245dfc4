using Mlobs.Storage.Tsdb.Sqlite;
using Mlobs.Tests.Support;

namespace Mlobs.Storage.Tests.Tsdb.Sqlite;

public class SqliteStoreTests
{
    [Fact]
    public void CommittedWritesSurviveReopenAndUncommittedOnesRollBack()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "tsdb.sqlite");
        using (var store = new SqliteStore(path, 4096))
        {
            using (var tx = store.BeginTransaction())
            {
                store.InsertWal(1, [1, 2, 3]);
                store.InsertWal(2, ReadOnlySpan<byte>.Empty);
                tx.Commit();
            }
            using (store.BeginTransaction())
            {
                store.InsertWal(3, [9]); // disposed without Commit: rolled back
            }
            // The writer is usable again after the rollback.
            using (var tx = store.BeginTransaction())
            {
                store.InsertWal(4, [4, 4]);
                tx.Commit();
            }
        }
        using (var store = new SqliteStore(path, 4096))
        {
            var rows = store.LoadWal(0).Select(r => (r.Seq, r.Data)).ToList();
            Assert.Equal([1L, 2L, 4L], rows.Select(r => r.Seq));
            Assert.Equal(new byte[] { 1, 2, 3 }, rows[0].Data);
            Assert.Empty(rows[1].Data);
            Assert.Equal(new byte[] { 4, 4 }, rows[2].Data);
        }
    }

    [Fact]
    public void FailedStatementReportsSqliteErrorAndLeavesStoreConsistent()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "tsdb.sqlite");
        using var store = new SqliteStore(path, 4096);
        using (var tx = store.BeginTransaction())
        {
            store.InsertWal(1, [1]);
            tx.Commit();
        }
        using (store.BeginTransaction())
        {
            store.InsertWal(2, [2]);
            var e = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => store.InsertWal(1, [3]));
            Assert.Contains("UNIQUE constraint failed", e.Message);
        }
        Assert.Equal([1L], store.LoadWal(0).Select(r => r.Seq));
    }
}
