namespace Mlobs.Storage.Tsdb.Sqlite;

/// <summary>
/// Binds Microsoft.Data.Sqlite to the e_sqlite3 library once. The executable links e_sqlite3 statically
/// (DirectPInvoke) so the published binary is one file; under `dotnet test` the shared library is used.
/// </summary>
public static class SqliteProvider
{
    private static int _initialized;

    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 0)
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
    }
}
