using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace MlopsPS.Core.Tests.Sources;

public sealed class ParquetBatchReaderTests : IDisposable
{
    private static readonly DateTime s_t0 = new(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FileWrittenByParquetNet_RoundTripsEveryMappedType_WithNulls()
    {
        var fields = new
        {
            Bool = new DataField<bool>("bool"),
            BoolNull = new DataField<bool?>("bool_null"),
            Int = new DataField<int>("int"),
            IntNull = new DataField<int?>("int_null"),
            Long = new DataField<long>("long"),
            LongNull = new DataField<long?>("long_null"),
            Float = new DataField<float>("float"),
            FloatNull = new DataField<float?>("float_null"),
            Double = new DataField<double>("double"),
            DoubleNull = new DataField<double?>("double_null"),
            String = new DataField("string", typeof(string), isNullable: false),
            StringNull = new DataField("string_null", typeof(string), isNullable: true),
            Timestamp = new DateTimeDataField("timestamp", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false),
            TimestampNull = new DateTimeDataField("timestamp_null", DateTimeFormat.Timestamp, isAdjustedToUTC: true, isNullable: true),
            Decimal = new DecimalDataField("decimal", 10, 2, isNullable: true),
            Short = new DataField<short>("short"),
            Byte = new DataField<byte>("byte"),
            UInt = new DataField<uint>("uint"),
        };
        var path = _temp.PathOf("types.parquet");
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(
            new ParquetSchema(
                fields.Bool, fields.BoolNull, fields.Int, fields.IntNull, fields.Long, fields.LongNull, fields.Float, fields.FloatNull,
                fields.Double, fields.DoubleNull, fields.String, fields.StringNull, fields.Timestamp, fields.TimestampNull, fields.Decimal,
                fields.Short, fields.Byte, fields.UInt),
            file))
        {
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync<bool>(fields.Bool, new[] { true, false, true });
            await rg.WriteAsync<bool>(fields.BoolNull, new bool?[] { true, null, false });
            await rg.WriteAsync<int>(fields.Int, new[] { 1, -2, int.MaxValue });
            await rg.WriteAsync<int>(fields.IntNull, new int?[] { null, 5, 6 });
            await rg.WriteAsync<long>(fields.Long, new[] { 1L, long.MinValue, 3L });
            await rg.WriteAsync<long>(fields.LongNull, new long?[] { 7L, 8L, null });
            await rg.WriteAsync<float>(fields.Float, new[] { 1.5f, -2.25f, 0f });
            await rg.WriteAsync<float>(fields.FloatNull, new float?[] { null, null, 3.5f });
            await rg.WriteAsync<double>(fields.Double, new[] { 0.1, -1e300, double.NaN });
            await rg.WriteAsync<double>(fields.DoubleNull, new double?[] { 2.5, null, 4.5 });
            await rg.WriteAsync(fields.String, new[] { "a", "", "ü,\"" });
            await rg.WriteAsync(fields.StringNull, new string?[] { null, "x", null }!);
            await rg.WriteAsync<DateTime>(fields.Timestamp, new[] { s_t0, s_t0.AddTicks(10), s_t0.AddDays(-400) });
            await rg.WriteAsync<DateTime>(fields.TimestampNull, new DateTime?[] { null, s_t0, null });
            await rg.WriteAsync<decimal>(fields.Decimal, new decimal?[] { 12.34m, null, -0.01m });
            await rg.WriteAsync<short>(fields.Short, new short[] { short.MinValue, 0, short.MaxValue });
            await rg.WriteAsync<byte>(fields.Byte, new byte[] { 0, 128, 255 });
            await rg.WriteAsync<uint>(fields.UInt, new[] { 0u, 1u, uint.MaxValue });
        }

        var reader = new ParquetBatchReader(path);
        var rows = Batches.Concat(reader.ReadBatches());

        Assert.Equal(
            "bool Boolean, bool_null Boolean?, int Int32, int_null Int32?, long Int64, long_null Int64?, float Float, float_null Float?, "
            + "double Double, double_null Double?, string String, string_null String?, timestamp Timestamp, timestamp_null Timestamp?, "
            + "decimal Double?, short Int32, byte Int32, uint Int64",
            reader.Schema.ToString());
        Assert.Equal([true, false, true], rows.Column<bool>("bool"));
        Assert.Equal([true, null, false], rows.Column<bool?>("bool_null"));
        Assert.Equal([1, -2, int.MaxValue], rows.Column<int>("int"));
        Assert.Equal([null, 5, 6], rows.Column<int?>("int_null"));
        Assert.Equal([1L, long.MinValue, 3L], rows.Column<long>("long"));
        Assert.Equal([7L, 8L, null], rows.Column<long?>("long_null"));
        Assert.Equal([1.5f, -2.25f, 0f], rows.Column<float>("float"));
        Assert.Equal([null, null, 3.5f], rows.Column<float?>("float_null"));
        Assert.Equal([0.1, -1e300, double.NaN], rows.Column<double>("double"));
        Assert.Equal([2.5, null, 4.5], rows.Column<double?>("double_null"));
        Assert.Equal(["a", "", "ü,\""], rows.Column<string>("string"));
        Assert.Equal(new string?[] { null, "x", null }, rows.Column<string?>("string_null").AsEnumerable());
        Assert.Equal([s_t0, s_t0.AddTicks(10), s_t0.AddDays(-400)], rows.Column<DateTime>("timestamp"));
        Assert.All(rows.Column<DateTime>("timestamp"), t => Assert.Equal(DateTimeKind.Utc, t.Kind));
        Assert.Equal([null, s_t0, null], rows.Column<DateTime?>("timestamp_null"));
        Assert.Equal([12.34, null, -0.01], rows.Column<double?>("decimal"));
        Assert.Equal([short.MinValue, 0, short.MaxValue], rows.Column<int>("short"));
        Assert.Equal([0, 128, 255], rows.Column<int>("byte"));
        Assert.Equal([0L, 1L, uint.MaxValue], rows.Column<long>("uint"));
    }

    [Fact]
    public void FileWrittenByDuckDb_IsRead()
    {
        // Another writer's conventions: DuckDB marks every column optional, writes DECIMAL as INT64 with a scale,
        // DATE as INT32 days and TIMESTAMP WITH TIME ZONE as adjusted-to-UTC micros.
        var path = _temp.PathOf("duck.parquet");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "SET TimeZone = 'UTC'; COPY (SELECT * FROM (VALUES "
                + "(1::INTEGER, 10000000000::BIGINT, 1.5::DOUBLE, 'a'::VARCHAR, true, 12.34::DECIMAL(10,2), DATE '2025-01-02', TIMESTAMPTZ '2025-01-02 03:04:05.123456+00'),"
                + "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
                + ") t(i, l, d, s, b, m, dt, ts)) TO '" + path.Replace("'", "''", StringComparison.Ordinal) + "' (FORMAT PARQUET)";
            command.ExecuteNonQuery();
        }

        var reader = new ParquetBatchReader(path);
        var rows = Batches.Concat(reader.ReadBatches());

        Assert.Equal(
            "i Int32?, l Int64?, d Double?, s String?, b Boolean?, m Double?, dt Timestamp?, ts Timestamp?",
            reader.Schema.ToString());
        Assert.Equal([1, null], rows.Column<int?>("i"));
        Assert.Equal([10_000_000_000L, null], rows.Column<long?>("l"));
        Assert.Equal([1.5, null], rows.Column<double?>("d"));
        Assert.Equal(new string?[] { "a", null }, rows.Column<string?>("s").AsEnumerable());
        Assert.Equal([true, null], rows.Column<bool?>("b"));
        Assert.Equal([12.34, null], rows.Column<double?>("m"));
        Assert.Equal([new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc), null], rows.Column<DateTime?>("dt"));
        Assert.Equal([new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560), null], rows.Column<DateTime?>("ts"));
        Assert.All(rows.Column<DateTime?>("ts"), t => Assert.True(t is null || t.Value.Kind == DateTimeKind.Utc));
    }

    [Theory]
    [InlineData(DateTimeFormat.Impala, true)]
    [InlineData(DateTimeFormat.DateAndTime, true)]
    [InlineData(DateTimeFormat.DateAndTimeMicros, false)]
    [InlineData(DateTimeFormat.Timestamp, false)]
    public async Task Timestamps_InEveryEncoding_AreUtcWithTheSameWallClock(DateTimeFormat format, bool adjustedToUtc)
    {
        var field = new DateTimeDataField("t", format, isAdjustedToUTC: adjustedToUtc, isNullable: false);
        var path = _temp.PathOf("t.parquet");
        await WriteAsync(path, field, async rg => await rg.WriteAsync<DateTime>(field, new[] { s_t0 }));

        var value = Batches.Concat(new ParquetBatchReader(path).ReadBatches()).Column<DateTime>("t").Single();

        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(s_t0, value);
    }

    [Fact]
    public async Task RowGroups_AreCutIntoBatchesOfAtMostTheBatchSize()
    {
        var field = new DataField<long>("n");
        var path = _temp.PathOf("groups.parquet");
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), file))
        {
            for (var group = 0; group < 2; group++)
            {
                using var rg = writer.CreateRowGroup();
                await rg.WriteAsync<long>(field, Enumerable.Range(group * 5, 5).Select(i => (long)i).ToArray());
            }
        }

        var batches = new ParquetBatchReader(path, batchSize: 3).ReadBatches().ToList();

        Assert.Equal([3, 2, 3, 2], batches.Select(b => b.RowCount));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Batches.Concat(batches).Column<long>("n"));
    }

    [Fact]
    public async Task FileWithoutRowGroups_HasASchemaAndNoBatches()
    {
        var field = new DataField<double>("x");
        var path = _temp.PathOf("empty.parquet");
        await using (var file = File.Create(path))
        await using (await ParquetWriter.CreateAsync(new ParquetSchema(field), file))
        {
        }

        var reader = new ParquetBatchReader(path);

        Assert.Equal("x Double", reader.Schema.ToString());
        Assert.Empty(reader.ReadBatches());
    }

    [Fact]
    public async Task ListColumn_IsRefusedNamingTheColumn()
    {
        var path = _temp.PathOf("list.parquet");
        await ParquetSerializer.SerializeAsync(new[] { new WithList { Id = 1, Tags = [1, 2] } }, path);

        var error = Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));

        Assert.Equal("Tags", error.ColumnName);
        Assert.Contains("'Tags' is a list", error.Message);
    }

    [Fact]
    public async Task StructColumn_IsRefusedNamingTheColumn()
    {
        var path = _temp.PathOf("struct.parquet");
        await ParquetSerializer.SerializeAsync(new[] { new WithStruct { Id = 1, Address = new Address { City = "Bern" } } }, path);

        var error = Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));

        Assert.Equal("Address", error.ColumnName);
        Assert.Contains("'Address' is a struct", error.Message);
    }

    [Fact]
    public async Task ByteArrayColumn_IsRefusedNamingTheColumn()
    {
        var field = new DataField<byte[]>("blob");
        var path = _temp.PathOf("blob.parquet");
        await WriteAsync(path, field, async rg => await rg.WriteAsync(field, new[] { new byte[] { 1, 2 } }));

        var error = Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));

        Assert.Equal("blob", error.ColumnName);
        Assert.Contains("'blob' is binary data", error.Message);
    }

    [Fact]
    public async Task TimeOfDayColumn_IsRefusedRatherThanReadAsAnInteger()
    {
        // Parquet.Net hands TIME columns out as plain int/long (milliseconds since midnight): refusing is clearer.
        var field = new TimeDataField("at", TimeUnitPrecision.Millis, isNullable: false);
        var path = _temp.PathOf("time.parquet");
        await WriteAsync(path, field, async rg => await rg.WriteAsync<int>(field, new[] { 3_600_000 }));

        var error = Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));

        Assert.Equal("at", error.ColumnName);
        Assert.Contains("'at' is a time of day", error.Message);
    }

    [Fact]
    public void TextFile_IsNotParquet()
    {
        var path = _temp.WriteText("data.parquet", "id,name\n1,alpha\n2,beta\n3,gamma\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));

        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
        Assert.Equal(path, error.SourcePath);
        Assert.Contains("not a readable Parquet file", error.Message);
    }

    [Fact]
    public void TinyFile_IsNotParquet()
    {
        var path = _temp.WriteText("tiny.parquet", "PAR");

        Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(path));
    }

    [Fact]
    public async Task TruncatedFile_IsNotParquet()
    {
        var field = new DataField<long>("n");
        var path = _temp.PathOf("whole.parquet");
        await WriteAsync(path, field, async rg => await rg.WriteAsync<long>(field, Enumerable.Range(0, 1_000).Select(i => (long)i).ToArray()));
        var bytes = await File.ReadAllBytesAsync(path);
        var truncated = _temp.WriteBytes("truncated.parquet", bytes[..(bytes.Length * 2 / 3)]);

        Assert.Throws<InvalidSourceDataException>(() => new ParquetBatchReader(truncated).ReadBatches().ToList());
    }

    [Fact]
    public void MissingFile_ThrowsSourceFileNotFound()
    {
        Assert.Throws<SourceFileNotFoundException>(() => new ParquetBatchReader(_temp.PathOf("nope.parquet")));
    }

    [Fact]
    public void BatchSizeBelowOne_ThrowsInvalidArgument()
    {
        Assert.Throws<InvalidSourceArgumentException>(() => new ParquetBatchReader(_temp.PathOf("any.parquet"), batchSize: 0));
    }

    private static async Task WriteAsync(string path, DataField field, Func<ParquetRowGroupWriter, Task> write)
    {
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), file);
        using var rg = writer.CreateRowGroup();
        await write(rg);
    }

    public sealed class WithList
    {
        public int Id { get; set; }

        public List<int> Tags { get; set; } = [];
    }

    public sealed class WithStruct
    {
        public int Id { get; set; }

        public Address Address { get; set; } = new();
    }

    public sealed class Address
    {
        public string City { get; set; } = string.Empty;
    }
}
