using System.Globalization;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

public class RowBatchBuilderTests
{
    [Fact]
    public void Inference_MapsDotNetTypesToColumnTypes_AndKeepsNumericStringsAsStrings()
    {
        var when = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var rows = new[]
        {
            Row(("i", 1), ("l", 2L), ("s", (short)3), ("b", (byte)4), ("d", 1.5), ("f", 2.5f), ("m", 3.5m), ("flag", true), ("t", when), ("o", new DateTimeOffset(when)), ("text", "42"), ("g", Guid.Empty)),
        };

        var batch = RowBatchBuilder.Build(rows).Single();

        Assert.Equal(
            "i Int64, l Int64, s Int64, b Int64, d Double, f Double, m Double, flag Boolean, t Timestamp, o Timestamp, text String, g String",
            batch.Schema.ToString());
        Assert.Equal([1L], batch.Column<long>("i"));
        Assert.Equal([3.5], batch.Column<double>("m"));
        Assert.Equal([when], batch.Column<DateTime>("o"));
        Assert.Equal(["42"], batch.Column<string>("text"));
        Assert.Equal(["00000000-0000-0000-0000-000000000000"], batch.Column<string>("g"));
    }

    [Fact]
    public void Inference_IntegersMixedWithFloatingPoint_AreDouble_AndOtherMixesAreString()
    {
        var rows = new[] { Row(("n", 1), ("x", 1)), Row(("n", 2.5), ("x", "one")) };

        var batch = RowBatchBuilder.Build(rows).Single();

        Assert.Equal("n Double, x String", batch.Schema.ToString());
        Assert.Equal([1.0, 2.5], batch.Column<double>("n"));
        Assert.Equal(["1", "one"], batch.Column<string>("x"));
    }

    [Fact]
    public void Inference_ColumnsFollowFirstAppearance_AndMissingOrNullValuesMakeThemNullable()
    {
        var rows = new[] { Row(("a", 1), ("b", null)), Row(("a", 2), ("c", "x")), Row(("A", 3), ("b", 4.5)) };

        var batch = RowBatchBuilder.Build(rows).Single();

        Assert.Equal("a Int64, b Double?, c String?", batch.Schema.ToString());
        Assert.Equal([1L, 2L, 3L], batch.Column<long>("a"));
        Assert.Equal([null, null, 4.5], batch.Column<double?>("b"));
        Assert.Equal(new string?[] { null, "x", null }, batch.Column<string?>("c").AsEnumerable());
    }

    [Fact]
    public void Inference_AColumnThatIsAlwaysNull_IsANullableString()
    {
        var batch = RowBatchBuilder.Build([Row(("id", 1), ("note", null))]).Single();

        Assert.Equal(new ColumnSpec("note", ColumnType.String, Nullable: true), batch.Schema.Columns[1]);
    }

    [Fact]
    public void Inference_OnceTheWindowIsFull_EveryColumnIsNullable_AndLaterRowsStream()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row(("id", i), ("score", i * 0.5)));

        var batches = RowBatchBuilder.Build(rows, batchSize: 4, inferenceRows: 3).ToList();

        Assert.Equal([4, 4, 2], batches.Select(b => b.RowCount));
        Assert.Equal("id Int64?, score Double?", batches[0].Schema.ToString());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long?)i), Batches.Concat(batches).Column<long?>("id"));
    }

    [Fact]
    public void Inference_ALaterValueThatDoesNotFit_NamesRowColumnAndValue()
    {
        var rows = new[] { Row(("id", 1)), Row(("id", 2)), Row(("id", "three")) };

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build(rows, inferenceRows: 2).ToList());

        Assert.Equal(3, error.RowNumber);
        Assert.Equal("id", error.ColumnName);
        Assert.Contains("'three' (String) cannot be converted to Int64", error.Message);
        Assert.Contains("first 2 rows", error.Message);
    }

    [Fact]
    public void Inference_ALaterPropertyNotInTheFirstRows_IsAnErrorNamingIt()
    {
        var rows = new[] { Row(("id", 1)), Row(("id", 2), ("surprise", 1)) };

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build(rows, inferenceRows: 1).ToList());

        Assert.Equal("surprise", error.ColumnName);
        Assert.Equal(2, error.RowNumber);
        Assert.Contains("did not appear in the first 1 rows", error.Message);
    }

    [Fact]
    public void TargetSchema_ConvertsValues_IncludingStringsFromImportCsv()
    {
        var schema = new TableSchema(
        [
            new ColumnSpec("id", ColumnType.Int64),
            new ColumnSpec("score", ColumnType.Double),
            new ColumnSpec("ok", ColumnType.Boolean),
            new ColumnSpec("at", ColumnType.Timestamp),
            new ColumnSpec("small", ColumnType.Int32),
            new ColumnSpec("ratio", ColumnType.Float),
            new ColumnSpec("label", ColumnType.String),
        ]);
        var rows = new[]
        {
            Row(("id", "7"), ("score", "2.5"), ("ok", "True"), ("at", "2025-01-02T03:04:05+01:00"), ("small", "12"), ("ratio", "0.25"), ("label", 1)),
            Row(("id", 8.0), ("score", 3), ("ok", false), ("at", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))), ("small", 13L), ("ratio", 0.5), ("label", true)),
        };

        var batch = RowBatchBuilder.Build(rows, schema).Single();

        Assert.Same(schema, batch.Schema);
        Assert.Equal([7L, 8L], batch.Column<long>("id"));
        Assert.Equal([2.5, 3.0], batch.Column<double>("score"));
        Assert.Equal([true, false], batch.Column<bool>("ok"));
        Assert.Equal([new DateTime(2025, 1, 2, 2, 4, 5, DateTimeKind.Utc), new DateTime(2025, 1, 2, 1, 4, 5, DateTimeKind.Utc)], batch.Column<DateTime>("at"));
        Assert.Equal([12, 13], batch.Column<int>("small"));
        Assert.Equal([0.25f, 0.5f], batch.Column<float>("ratio"));
        Assert.Equal(["1", "true"], batch.Column<string>("label"));
    }

    [Fact]
    public void TargetSchema_LocalTimesAreConvertedToUtc_UnspecifiedTimesAreTakenAsUtc()
    {
        var schema = new TableSchema([new ColumnSpec("at", ColumnType.Timestamp)]);
        var local = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var unspecified = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Unspecified);

        var values = RowBatchBuilder.Build([Row(("at", local)), Row(("at", unspecified))], schema).Single().Column<DateTime>("at");

        Assert.Equal([local.ToUniversalTime(), new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc)], values);
        Assert.All(values, v => Assert.Equal(DateTimeKind.Utc, v.Kind));
    }

    [Fact]
    public void TargetSchema_MatchesPropertyNamesIgnoringCase_AndFillsMissingNullableColumnsWithNull()
    {
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64), new ColumnSpec("note", ColumnType.String, Nullable: true)]);

        var batch = RowBatchBuilder.Build([Row(("ID", 1)), Row(("Id", 2), ("NOTE", "x"))], schema).Single();

        Assert.Equal([1L, 2L], batch.Column<long>("id"));
        Assert.Equal(new string?[] { null, "x" }, batch.Column<string?>("note").AsEnumerable());
    }

    [Fact]
    public void TargetSchema_ExtraProperty_IsAnErrorNamingIt()
    {
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64)]);

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build([Row(("id", 1), ("color", "red"))], schema).ToList());

        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
        Assert.Equal("color", error.ColumnName);
        Assert.Equal(1, error.RowNumber);
        Assert.Contains("'color' cannot be stored: it is not a column of the table (id)", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TargetSchema_MissingOrNullValueForANonNullableColumn_IsAnError(bool explicitNull)
    {
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64), new ColumnSpec("label", ColumnType.Int64)]);
        var second = explicitNull ? Row(("id", 2), ("label", null)) : Row(("id", 2));

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build([Row(("id", 1), ("label", 0)), second], schema).ToList());

        Assert.Equal("label", error.ColumnName);
        Assert.Equal(2, error.RowNumber);
        Assert.Contains("does not allow nulls", error.Message);
    }

    [Theory]
    [InlineData(ColumnType.Int64, 2.5)]
    [InlineData(ColumnType.Int32, 3_000_000_000L)]
    [InlineData(ColumnType.Double, "abc")]
    [InlineData(ColumnType.Boolean, 1)]
    [InlineData(ColumnType.Timestamp, 20250102)]
    public void TargetSchema_ValuesThatDoNotConvert_AreErrorsNamingTheColumn(ColumnType type, object value)
    {
        var schema = new TableSchema([new ColumnSpec("v", type)]);

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build([Row(("v", value))], schema).ToList());

        Assert.Equal("v", error.ColumnName);
        Assert.Contains($"cannot be converted to {type}", error.Message);
    }

    [Fact]
    public void TwoPropertiesDifferingOnlyInCase_AreAnError()
    {
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64)]);

        var error = Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build([Row(("id", 1), ("ID", 2))], schema).ToList());

        Assert.Contains("two properties map to the column 'id'", error.Message);
    }

    [Fact]
    public void StringConversion_UsesTheInvariantCulture_UnderAGermanCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var schema = new TableSchema([new ColumnSpec("text", ColumnType.String), new ColumnSpec("n", ColumnType.Double)]);

            var batch = RowBatchBuilder.Build([Row(("text", 1.5), ("n", "2.25"))], schema).Single();

            Assert.Equal(["1.5"], batch.Column<string>("text"));
            Assert.Equal([2.25], batch.Column<double>("n"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void PushApi_HandsOutBatchesAsTheyFill_AndTheRestOnComplete()
    {
        var builder = new RowBatchBuilder(new TableSchema([new ColumnSpec("id", ColumnType.Int64)]), batchSize: 2);

        Assert.Empty(builder.Add(Row(("id", 1))));
        Assert.Single(builder.Add(Row(("id", 2))));
        Assert.Empty(builder.Add(Row(("id", 3))));
        var rest = builder.Complete();

        Assert.Equal([3L], Assert.Single(rest).Column<long>("id"));
    }

    [Fact]
    public void PushApi_WithoutRowsOrSchema_HasNoSchemaAndNoBatch()
    {
        var builder = new RowBatchBuilder();

        Assert.Empty(builder.Complete());
        Assert.Null(builder.Schema);
    }

    [Fact]
    public void PushApi_AfterAnError_RefusesMoreRows()
    {
        var builder = new RowBatchBuilder(new TableSchema([new ColumnSpec("id", ColumnType.Int64)]));
        Assert.Throws<InvalidSourceDataException>(() => builder.Add(Row(("id", "x"))));

        Assert.Throws<InvalidOperationException>(() => builder.Add(Row(("id", 1))));
    }

    [Fact]
    public void RowsWithoutProperties_AreAnError()
    {
        Assert.Throws<InvalidSourceDataException>(() => RowBatchBuilder.Build([Row(), Row()]).ToList());
    }

    [Fact]
    public void Build_StreamsWithoutReadingAheadMoreThanTheInferenceWindow()
    {
        var pulled = 0;
        IEnumerable<IReadOnlyList<KeyValuePair<string, object?>>> Rows()
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                pulled++;
                yield return Row(("id", i));
            }
        }

        using var batches = RowBatchBuilder.Build(Rows(), batchSize: 100, inferenceRows: 250).GetEnumerator();
        Assert.True(batches.MoveNext());

        Assert.Equal(250, pulled);
        Assert.Equal(100, batches.Current.RowCount);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    public void BadArguments_ThrowInvalidArgument(int batchSize, int inferenceRows)
    {
        Assert.Throws<InvalidSourceArgumentException>(() => new RowBatchBuilder(null, batchSize, inferenceRows));
    }

    private static IReadOnlyList<KeyValuePair<string, object?>> Row(params (string Name, object? Value)[] values) =>
        values.Select(v => new KeyValuePair<string, object?>(v.Name, v.Value)).ToArray();
}
