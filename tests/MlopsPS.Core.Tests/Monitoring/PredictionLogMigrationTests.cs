using System.Globalization;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Migration 0007 moves a catalog's prediction log from 0006's layout (one text row per prediction) to the compact one,
/// losing nothing: every prediction, its inputs and its true label read back as before.
/// </summary>
public sealed class PredictionLogMigrationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void ALogWrittenBy0006_ReadsTheSameAfter0007()
    {
        Directory.CreateDirectory(_root);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_root, "catalog.db")}"))
        {
            connection.Open();
            foreach (var migration in CatalogMigrations.All.Where(m => m.Version <= 6))
            {
                Execute(connection, migration.Sql + $"\nPRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};");
            }

            // Two versions of one endpoint and a second endpoint, in 0006's form; one true label.
            Execute(connection, """
                INSERT INTO predictions VALUES
                  ('0190f3a2-0000-7000-8000-000000000001', 'celltower', 'd1', 'celltower', 1, 1700000000000,
                   '{"iot_signal_1":35.5,"iot_signal_2":null}', '1', 0.75, 1200),
                  ('0190f3a2-0000-7000-8000-000000000002', 'celltower', 'd1', 'celltower', 1, 1700000000000,
                   '{"iot_signal_1":0.1,"iot_signal_2":2}', '0', 0.25, 1200),
                  ('0190f3a2-0001-7000-8000-000000000001', 'celltower', 'd2', 'celltower', 2, 1700000001000,
                   '{"iot_signal_1":3,"iot_signal_2":4}', '1', 0.5, 800),
                  ('0190f3a2-0002-7000-8000-000000000001', 'fraud', 'd3', 'fraud', 1, 1700000002000,
                   '{"amount":12.5}', 'legit', 0.125, 500);
                INSERT INTO ground_truth VALUES ('0190f3a2-0000-7000-8000-000000000002', '1', 1700000005000);
                """);
        }

        var store = MlopsStore.Open(_root);
        var log = new PredictionLog(store);
        var all = log.List();

        Assert.Equal(CatalogMigrations.LatestVersion, store.Describe().SchemaVersion);
        Assert.Equal(
            ["0190f3a2-0000-7000-8000-000000000001", "0190f3a2-0000-7000-8000-000000000002", "0190f3a2-0001-7000-8000-000000000001", "0190f3a2-0002-7000-8000-000000000001"],
            all.Select(p => p.PredictionId));
        Assert.Equal(["celltower", "celltower", "celltower", "fraud"], all.Select(p => p.EndpointName));
        Assert.Equal(["d1", "d1", "d2", "d3"], all.Select(p => p.DeploymentId));
        Assert.Equal([1, 1, 2, 1], all.Select(p => p.ModelVersion));
        Assert.Equal(["1", "0", "1", "legit"], all.Select(p => p.Prediction));
        Assert.Equal([0.75, 0.25, 0.5, 0.125], all.Select(p => p.Probability));
        Assert.Equal([1.2, 1.2, 0.8, 0.5], all.Select(p => p.LatencyMs));
        Assert.Equal(new Dictionary<string, double?> { ["iot_signal_1"] = 35.5, ["iot_signal_2"] = null }, all[0].Inputs);
        Assert.Equal(new Dictionary<string, double?> { ["amount"] = 12.5 }, all[3].Inputs);
        Assert.Equal(("1", false), (all[1].Label, all[1].Correct));
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 25, DateTimeKind.Utc), all[1].LabelRecordedAt);
        Assert.Null(all[0].Label);

        // The migrated rows are found by id, take new labels, and count in the metrics like new ones.
        Assert.Equal("fraud", log.Get("0190F3A2-0002-7000-8000-000000000001").EndpointName);
        var outcome = Assert.Single(new GroundTruthLog(store).Record([new GroundTruthLabel("0190f3a2-0000-7000-8000-000000000001", "1")]));
        Assert.Null(outcome.Error);
        var windows = new PredictionMetrics(store).Compute(new PredictionMetricQuery("celltower"));
        var first = Assert.Single(windows, w => w.ModelVersion == 1);
        Assert.Equal((2L, 1L, 2L, (double?)0.5), (first.Predictions, first.Requests, first.Labelled, first.Accuracy));

        using var check = store.OpenConnection();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name IN ('predictions', 'ground_truth_0006');";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
