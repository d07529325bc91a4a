using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tests.TestSupport;
using Npgsql;

namespace MlopsPS.Core.Tests;

[Collection(PostgresCollection.Name)]
public sealed class StoreTests(PostgresCluster cluster)
{
    [Fact]
    public void AStoreDeletedAndMadeAgainInTheSameProcess_IsReallyNew()
    {
        var root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        var catalog = new TableCatalog(MlopsStore.Open(root));
        catalog.Append("t", [new ColumnBatch(new TableSchema([new ColumnSpec("x", ColumnType.Int64)]), [new long[] { 1 }], 1)]);

        Directory.Delete(root, recursive: true);
        var again = MlopsStore.Open(root);

        Assert.Equal(0, again.Describe().TableCount);
        Assert.True(File.Exists(again.CatalogPath));
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [MemberData(nameof(TemporaryStore.Backends), MemberType = typeof(TemporaryStore))]
    public void Open_AppliesEveryMigration_AndTwoOpensAgree(StoreBackend backend)
    {
        using var store = new TemporaryStore(backend, cluster);
        var first = store.Store.Describe();
        var second = store.OpenAgain().Describe();

        Assert.Equal(CatalogMigrations.LatestVersion, first.SchemaVersion);
        Assert.Equal(backend, first.Backend);
        Assert.Equal(store.Root, first.Root);
        Assert.Equal(first, second);
        foreach (var folder in new[] { "tables", "artifacts", "logs" })
        {
            Assert.True(Directory.Exists(Path.Combine(store.Root, folder)), folder);
        }
    }

    [Theory]
    [MemberData(nameof(TemporaryStore.Backends), MemberType = typeof(TemporaryStore))]
    public async Task FourOpenersRacingOnANewCatalog_ApplyEachMigrationOnce(StoreBackend backend)
    {
        // A migration applied twice fails (its CREATE TABLE finds the table there): every opener must succeed.
        var root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        var location = backend == StoreBackend.Sqlite ? root : cluster.NewStoreLocation(root);
        using var start = new Barrier(4);
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return MlopsStore.Open(StoreLocation.Parse(location, root)).Describe().SchemaVersion;
            },
            TaskCreationOptions.LongRunning)).ToArray();

        Assert.All(await Task.WhenAll(opens), v => Assert.Equal(CatalogMigrations.LatestVersion, v));
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [MemberData(nameof(TemporaryStore.Backends), MemberType = typeof(TemporaryStore))]
    public void ACatalogNewerThanTheModule_IsRefused_NamingBothVersions(StoreBackend backend)
    {
        using var store = new TemporaryStore(backend, cluster);
        var database = store.Store.Database;
        using (var connection = database.Open())
        using (var transaction = database.Dialect.BeginWrite(connection))
        {
            database.Dialect.WriteSchemaVersion(connection, transaction, CatalogMigrations.LatestVersion + 1);
            transaction.Commit();
        }

        var error = Assert.Throws<StoreException>(store.OpenAgain);
        Assert.Contains($"schema version {CatalogMigrations.LatestVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({CatalogMigrations.LatestVersion})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TemporaryStore.Backends), MemberType = typeof(TemporaryStore))]
    public void TheCatalogHasTheIcebergSqlCatalogTables(StoreBackend backend)
    {
        using var store = new TemporaryStore(backend, cluster);
        using var connection = store.Store.Database.Open();
        foreach (var table in new[] { "iceberg_tables", "iceberg_namespace_properties", "tables", "runs", "job_runs", "prediction_log" })
        {
            // Selecting nothing from a table that does not exist fails on both engines.
            CatalogDatabase.Scalar(connection, null, $"SELECT count(*) FROM {table} WHERE 1 = 0;");
        }

        var columns = backend == StoreBackend.Sqlite
            ? "SELECT group_concat(name, ',') FROM pragma_table_info('iceberg_tables');"
            : "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'iceberg_tables';";
        Assert.Equal(
            "catalog_name,table_namespace,table_name,metadata_location,previous_metadata_location,iceberg_type",
            CatalogDatabase.Scalar(connection, null, columns));
    }

    [Fact]
    public void APostgreSqlCatalogComparesTextByItsBytes_AsSqlite_WhateverTheServersLocale()
    {
        using var store = new TemporaryStore(StoreBackend.PostgreSql, cluster);
        using var connection = store.Store.Database.Open();

        // Every text column of MlopsPS's own tables (the Iceberg catalog's are PyIceberg's, as that creates them).
        var other = CatalogDatabase.Scalar(connection, null, """
            SELECT string_agg(table_name || '.' || column_name, ', ')
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C';
            """);
        Assert.True(other is DBNull or null, $"text columns without the C collation: {other}");
        Assert.True(Convert.ToInt64(CatalogDatabase.Scalar(connection, null,
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND collation_name = 'C';")) > 50);
    }

    [Fact]
    public void APostgreSqlStoreThatCannotConnect_IsOneErrorNamingHostAndPort_NeverThePassword()
    {
        // A port nothing listens on: take one, then let it go.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var warehouse = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<StoreException>(() => MlopsStore.Open(
            StoreLocation.Parse($"postgresql://mlops:s3cret-Pw@127.0.0.1:{port}/catalog?warehouse={warehouse}", warehouse)));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pw", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pw", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://u@h:5432/db", "warehouse=/path")]
    [InlineData("postgresql://u@h:5432/?warehouse=/w", "one database")]
    [InlineData("postgresql://u@h:5432/db?warehouse=/w&sslmode=require", "unknown parameter 'sslmode'")]
    public void ABadPostgreSqlLocation_IsRefusedSayingWhy(string location, string reason)
    {
        var error = Assert.Throws<StoreException>(() => StoreLocation.Parse(location, "/"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APostgreSqlLocation_ShowsWithoutItsPassword_AndTakesItsWarehouseFromTheWorkingDirectory()
    {
        var location = StoreLocation.Parse("postgres://mlops:pa%40ss@db.example:6543/cat?warehouse=shared", "/srv");

        Assert.Equal(StoreBackend.PostgreSql, location.Backend);
        Assert.Equal("/srv/shared", location.Root);
        Assert.Equal("postgresql://mlops@db.example:6543/cat?warehouse=/srv/shared", location.Display);
        Assert.Equal("pa@ss", new NpgsqlConnectionStringBuilder(location.ConnectionString).Password);
        Assert.Equal(5432, StoreLocation.Parse("postgresql://u@h/db?warehouse=/w", "/").Port);
    }

    [Fact]
    public void ARawSqliteConnection_IsRefusedOnAPostgreSqlStore_BeforeWritingAnything()
    {
        using var store = new TemporaryStore(StoreBackend.PostgreSql, cluster);

        // Only the SQLite-only writer of the prediction log asks for one; on PostgreSQL it must never be reached.
        var error = Assert.Throws<PostgreSqlNotSupportedException>(() => store.Store.OpenConnection());

        Assert.Contains("SQLite store only", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Store.Describe().TableCount);
        Assert.Empty(Directory.GetFiles(store.Store.TablesDirectory, "*", SearchOption.AllDirectories));
    }
}
