using DuckDB.NET.Data;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

public class DuckDbInteropTests
{
    [Fact]
    public void DataFiles_AreReadByDuckDb_WithTheSameValuesTypesAndNulls()
    {
        using var temp = new TempStore();
        var snapshot = temp.Catalog.Append("t", [SampleRows.Batch(0, 300)]);
        var path = Path.Combine(temp.Root, Assert.Single(snapshot.DataFiles)).Replace("'", "''", StringComparison.Ordinal);

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();

        var types = new Dictionary<string, string>();
        using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{path}');";
            using var reader = describe.ExecuteReader();
            while (reader.Read())
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.Equal("BIGINT", types["id"]);
        Assert.Equal("VARCHAR", types["name"]);
        Assert.Equal("DOUBLE", types["score"]);
        Assert.Equal("FLOAT", types["ratio"]);
        Assert.Equal("INTEGER", types["count"]);
        Assert.Equal("BOOLEAN", types["flag"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["at"]);

        // No ORDER BY: DuckDB 1.5.6 returned wrong epoch_us values for TIMESTAMP WITH TIME ZONE after a full
        // sort (off by ~54 years; correct with LIMIT or without sorting). DuckDB keeps the file's row order,
        // which is id order here.
        using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT id, name, score, ratio, "count", flag, epoch_us("at") FROM read_parquet('{path}');""";
        using var rows = command.ExecuteReader();
        var expected = 0L;
        while (rows.Read())
        {
            Assert.Equal(expected, rows.GetInt64(0));
            Assert.Equal(SampleRows.Name(expected), rows.IsDBNull(1) ? null : rows.GetString(1));
            Assert.Equal(SampleRows.Score(expected), rows.IsDBNull(2) ? null : rows.GetDouble(2));
            Assert.Equal(SampleRows.Ratio(expected), rows.GetFloat(3));
            Assert.Equal(SampleRows.Count(expected), rows.IsDBNull(4) ? null : rows.GetInt32(4));
            Assert.Equal(SampleRows.Flag(expected), rows.GetBoolean(5));
            var at = SampleRows.At(expected);
            long? expectedMicros = at is null ? null : (at.Value - DateTime.UnixEpoch).Ticks / 10;
            Assert.Equal(expectedMicros, rows.IsDBNull(6) ? null : rows.GetInt64(6));
            expected++;
        }

        Assert.Equal(300, expected);
    }
}
