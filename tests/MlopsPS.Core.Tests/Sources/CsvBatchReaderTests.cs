using System.Globalization;
using System.Text;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

public sealed class CsvBatchReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void QuotedFields_KeepCommasDoubledQuotesAndLineBreaks()
    {
        var path = _temp.WriteText("q.csv", "id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,plain\r\n");

        var rows = ReadAll(path);

        Assert.Equal(["a, b", "say \"hi\"", "two\r\nlines", "plain"], rows.Column<string>("text"));
        Assert.Equal([1L, 2L, 3L, 4L], rows.Column<long>("id"));
    }

    [Fact]
    public void HeaderNames_AreTrimmed_ButStringValuesKeepTheirSpaces()
    {
        var path = _temp.WriteText("spaces.csv", "id, name\n1, Ann \n");

        var reader = new CsvBatchReader(path);

        Assert.Equal(["id", "name"], reader.Header);
        Assert.Equal([" Ann "], Batches.Concat(reader.ReadBatches()).Column<string>("name"));
    }

    [Fact]
    public void QuoteInsideAnUnquotedField_IsAnOrdinaryCharacter()
    {
        var path = _temp.WriteText("q.csv", "name,size\nthe 12\" pipe,1\n");

        Assert.Equal(["the 12\" pipe"], ReadAll(path).Column<string>("name"));
    }

    [Fact]
    public void Utf8ByteOrderMark_IsNotPartOfTheFirstColumnName()
    {
        var path = _temp.WriteBytes("bom.csv", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("id,city\n1,Zürich\n")]);

        var reader = new CsvBatchReader(path);
        var rows = Batches.Concat(reader.ReadBatches());

        Assert.Equal(["id", "city"], reader.Header);
        Assert.Equal([1L], rows.Column<long>("id"));
        Assert.Equal(["Zürich"], rows.Column<string>("city"));
    }

    [Fact]
    public void Utf8WithoutByteOrderMark_ReadsNonAsciiText()
    {
        var path = _temp.WriteText("nobom.csv", "city\nSão Paulo\n東京\n");

        Assert.Equal(["São Paulo", "東京"], ReadAll(path).Column<string>("city"));
    }

    [Fact]
    public void Utf16WithByteOrderMark_AsWindowsPowerShellWrites_IsRead()
    {
        var path = _temp.WriteBytes("utf16.csv", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("id,name\r\n7,Ann\r\n")).ToArray());

        var rows = ReadAll(path);

        Assert.Equal([7L], rows.Column<long>("id"));
        Assert.Equal(["Ann"], rows.Column<string>("name"));
    }

    [Fact]
    public void InvalidUtf8_ThrowsInvalidData()
    {
        var path = _temp.WriteBytes("latin1.csv", [.. Encoding.ASCII.GetBytes("city\nZ"), 0xFC, .. Encoding.ASCII.GetBytes("rich\n")]);

        var error = Assert.Throws<InvalidSourceDataException>(() => ReadAll(path));

        Assert.Contains("UTF-8", error.Message);
        Assert.Equal(path, error.SourcePath);
    }

    [Fact]
    public void LineEndings_LfCrLfAndCr_AllEndRecords_AndBlankLinesAreSkipped()
    {
        var path = _temp.WriteText("endings.csv", "a,b\n1,2\r\n3,4\r5,6\n\n\r\n7,8");

        var rows = ReadAll(path);

        Assert.Equal([1L, 3L, 5L, 7L], rows.Column<long>("a"));
        Assert.Equal([2L, 4L, 6L, 8L], rows.Column<long>("b"));
    }

    [Fact]
    public void Inference_PicksBooleanInt64DoubleTimestampOrString()
    {
        var path = _temp.WriteText(
            "types.csv",
            "flag,count,ratio,when,name,code\n"
            + "true,1,0.5,2025-01-02T03:04:05Z,a,007\n"
            + "FALSE,-20,3,2025-01-03,b,x1\n"
            + "True,300,1e-3,2025-01-04 10:00:00+02:00,c,12\n");

        var reader = new CsvBatchReader(path);

        Assert.Equal(
            "flag Boolean, count Int64, ratio Double, when Timestamp, name String, code String",
            reader.Schema.ToString());
        var rows = Batches.Concat(reader.ReadBatches());
        Assert.Equal([true, false, true], rows.Column<bool>("flag"));
        Assert.Equal([1L, -20L, 300L], rows.Column<long>("count"));
        Assert.Equal([0.5, 3.0, 0.001], rows.Column<double>("ratio"));
        Assert.Equal(["007", "x1", "12"], rows.Column<string>("code"));
    }

    [Fact]
    public void Timestamps_WithoutOffsetAreUtc_WithOffsetAreConvertedToUtc()
    {
        var path = _temp.WriteText("ts.csv", "t\n2025-01-02T03:04:05\n2025-01-02T03:04:05.1234567+02:00\n2025-01-02\n");

        var values = ReadAll(path).Column<DateTime>("t");

        Assert.All(values, v => Assert.Equal(DateTimeKind.Utc, v.Kind));
        Assert.Equal(
            [
                new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                new DateTime(2025, 1, 2, 1, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
                new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc),
            ],
            values);
    }

    [Fact]
    public void Timestamps_InOtherFormats_StayStrings()
    {
        var path = _temp.WriteText("ts.csv", "t\n1/2/2025 3:04:05 PM\n");

        Assert.Equal(ColumnType.String, new CsvBatchReader(path).Schema.Columns[0].Type);
    }

    [Fact]
    public void EmptyFields_AreNull_AndMakeTheColumnNullable()
    {
        var path = _temp.WriteText("nulls.csv", "a,b,c,d\n1,,x,\n,2.5,\"\",\n3,1,y,\n");

        var reader = new CsvBatchReader(path);
        var rows = Batches.Concat(reader.ReadBatches());

        Assert.Equal("a Int64?, b Double?, c String?, d String?", reader.Schema.ToString());
        Assert.Equal([1L, null, 3L], rows.Column<long?>("a"));
        Assert.Equal([null, 2.5, 1.0], rows.Column<double?>("b"));
        Assert.Equal(new string?[] { "x", null, "y" }, rows.Column<string?>("c").AsEnumerable());
        Assert.All(rows.Column<string?>("d"), Assert.Null);
    }

    [Fact]
    public void QuotedNumbers_AsPowerShellExportCsvWrites_AreStillNumbers()
    {
        var path = _temp.WriteText("ps.csv", "\"Id\",\"Score\",\"Ok\"\r\n\"1\",\"2.5\",\"True\"\r\n\"2\",\"\",\"False\"\r\n");

        var reader = new CsvBatchReader(path);

        Assert.Equal("Id Int64, Score Double?, Ok Boolean", reader.Schema.ToString());
    }

    [Fact]
    public void Inference_ReadsTheWholeFile_SoALateDecimalMakesTheColumnDouble()
    {
        var text = new StringBuilder("n\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(i).Append('\n');
        }

        text.Append("0.5\n");
        var path = _temp.WriteText("late.csv", text.ToString());

        var reader = new CsvBatchReader(path, new CsvReadOptions { BatchSize = 5_000 });
        var batches = reader.ReadBatches().ToList();

        Assert.Equal(new ColumnSpec("n", ColumnType.Double), reader.Schema.Columns[0]);
        Assert.Equal([5_000, 5_000, 5_000, 5_000, 1], batches.Select(b => b.RowCount));
        Assert.Equal(0.5, batches[^1].Column<double>("n")[0]);
    }

    [Fact]
    public void LimitedInference_MakesColumnsNullable_AndALaterMisfitNamesRowColumnAndValue()
    {
        var path = _temp.WriteText("late.csv", "n,s\n1,a\n2,b\n3,c\nfour,d\n");

        var reader = new CsvBatchReader(path, new CsvReadOptions { InferenceRows = 2 });
        Assert.Equal("n Int64?, s String?", reader.Schema.ToString());
        var error = Assert.Throws<InvalidSourceDataException>(() => reader.ReadBatches().ToList());

        Assert.Equal(5, error.LineNumber);
        Assert.Equal(4, error.RowNumber);
        Assert.Equal("n", error.ColumnName);
        Assert.Contains("'four'", error.Message);
        Assert.Contains("first 2 rows", error.Message);
    }

    [Fact]
    public void Numbers_UseTheInvariantCulture_EvenUnderAGermanCulture()
    {
        var path = _temp.WriteText("de.csv", "x,y\n1.5,\"1,5\"\n");
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            var reader = new CsvBatchReader(path);
            var rows = Batches.Concat(reader.ReadBatches());

            Assert.Equal([1.5], rows.Column<double>("x"));
            Assert.Equal(["1,5"], rows.Column<string>("y"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void TargetSchema_ParsesEachColumnAsItsType_InSchemaOrder_MatchingNamesIgnoringCase()
    {
        var path = _temp.WriteText("t.csv", "Label,ID,score\n1,10,2\n0,11,\n");
        var schema = new TableSchema(
        [
            new ColumnSpec("id", ColumnType.Int64),
            new ColumnSpec("score", ColumnType.Double, Nullable: true),
            new ColumnSpec("label", ColumnType.String),
            new ColumnSpec("note", ColumnType.String, Nullable: true),
        ]);

        var reader = new CsvBatchReader(path, new CsvReadOptions { Schema = schema });
        var rows = Batches.Concat(reader.ReadBatches());

        Assert.Same(schema, rows.Schema);
        Assert.Equal([10L, 11L], rows.Column<long>("id"));
        Assert.Equal([2.0, null], rows.Column<double?>("score"));
        Assert.Equal(["1", "0"], rows.Column<string>("label"));
        Assert.All(rows.Column<string?>("note"), Assert.Null);
    }

    [Fact]
    public void TargetSchema_ValueThatDoesNotParse_ThrowsNamingColumnRowLineAndValue()
    {
        // The quoted line break makes row 2 start on line 4: line and row must both be right.
        var path = _temp.WriteText("bad.csv", "id,note\n1,\"multi\nline\"\n2,ok\n3.5,ok\n");
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64), new ColumnSpec("note", ColumnType.String)]);

        var reader = new CsvBatchReader(path, new CsvReadOptions { Schema = schema });
        var error = Assert.Throws<InvalidSourceDataException>(() => reader.ReadBatches().ToList());

        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
        Assert.Equal("InvalidSourceData", error.ErrorId);
        Assert.Equal("id", error.ColumnName);
        Assert.Equal(3, error.RowNumber);
        Assert.Equal(5, error.LineNumber);
        Assert.Contains("line 5 (row 3), column 'id': '3.5' is not a whole number", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(ColumnType.Boolean, "yes")]
    [InlineData(ColumnType.Int32, "3000000000")]
    [InlineData(ColumnType.Double, "1,5")]
    [InlineData(ColumnType.Timestamp, "31/01/2025")]
    public void TargetSchema_EachTypeRejectsValuesItCannotHold(ColumnType type, string value)
    {
        var path = _temp.WriteText("bad.csv", $"v\n\"{value}\"\n");
        var reader = new CsvBatchReader(path, new CsvReadOptions { Schema = new TableSchema([new ColumnSpec("v", type)]) });

        var error = Assert.Throws<InvalidSourceDataException>(() => reader.ReadBatches().ToList());

        Assert.Contains($"'{value}'", error.Message);
        Assert.Equal("v", error.ColumnName);
    }

    [Fact]
    public void TargetSchema_EmptyFieldInANonNullableColumn_Throws()
    {
        var path = _temp.WriteText("bad.csv", "id\n1\n\"\"\n");
        var reader = new CsvBatchReader(path, new CsvReadOptions { Schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64)]) });

        var error = Assert.Throws<InvalidSourceDataException>(() => reader.ReadBatches().ToList());

        Assert.Equal(2, error.RowNumber);
        Assert.Contains("does not allow nulls", error.Message);
    }

    [Fact]
    public void TargetSchema_ColumnNotInTheSchema_ThrowsNamingIt()
    {
        var path = _temp.WriteText("extra.csv", "id,surprise\n1,2\n");

        var error = Assert.Throws<InvalidSourceDataException>(
            () => new CsvBatchReader(path, new CsvReadOptions { Schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64)]) }));

        Assert.Equal("surprise", error.ColumnName);
        Assert.Contains("'surprise' is not in the table's schema (id)", error.Message);
    }

    [Fact]
    public void TargetSchema_RequiredColumnMissingFromTheFile_Throws()
    {
        var path = _temp.WriteText("missing.csv", "id\n1\n");
        var schema = new TableSchema([new ColumnSpec("id", ColumnType.Int64), new ColumnSpec("label", ColumnType.Int64)]);

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path, new CsvReadOptions { Schema = schema }));

        Assert.Equal("label", error.ColumnName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RaggedRow_ThrowsWithLineAndFieldCounts(bool withSchema)
    {
        var path = _temp.WriteText("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        var options = withSchema
            ? new CsvReadOptions { Schema = new TableSchema([new("a", ColumnType.Int64), new("b", ColumnType.Int64), new("c", ColumnType.Int64)]) }
            : null;

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path, options).ReadBatches().ToList());

        Assert.Equal(3, error.LineNumber);
        Assert.Equal(2, error.RowNumber);
        Assert.Contains("line 3 (row 2) has 2 field(s) but the header has 3", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n\r\n\n")]
    public void EmptyFile_Throws(string text)
    {
        var path = _temp.WriteText("empty.csv", text);

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Contains("empty", error.Message);
        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void BlankFirstLine_ThrowsNoHeader()
    {
        var path = _temp.WriteText("nohead.csv", "\nid,name\n1,a\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Contains("line 1 is empty; the first line must be the header row", error.Message);
    }

    [Fact]
    public void FirstLineOfData_ThrowsNoHeader()
    {
        var path = _temp.WriteText("nohead.csv", "1,2.5,true\n2,3.5,false\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Contains("looks like data, not a header", error.Message);
    }

    [Fact]
    public void DuplicateHeaderName_ThrowsNamingItAndBothPositions()
    {
        var path = _temp.WriteText("dup.csv", "id,name,id\n1,a,2\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Equal("id", error.ColumnName);
        Assert.Contains("'id' appears twice (columns 1 and 3)", error.Message);
    }

    [Theory]
    [InlineData("id,,name\n1,2,3\n", 2)]
    [InlineData("id, \n1,2\n", 2)]
    public void EmptyHeaderName_ThrowsNamingItsPosition(string text, int position)
    {
        var path = _temp.WriteText("blankname.csv", text);

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Contains($"the header of column {position} is empty", error.Message);
    }

    [Fact]
    public void UnclosedQuote_ThrowsWithTheLineWhereItOpened()
    {
        var path = _temp.WriteText("open.csv", "id,text\n1,ok\n2,\"never\nclosed\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Equal(3, error.LineNumber);
        Assert.Contains("never closed", error.Message);
    }

    [Fact]
    public void TextAfterAClosingQuote_Throws()
    {
        var path = _temp.WriteText("after.csv", "id,text\n1,\"ab\"c\n");

        var error = Assert.Throws<InvalidSourceDataException>(() => new CsvBatchReader(path));

        Assert.Equal(2, error.LineNumber);
        Assert.Contains("after the closing quote", error.Message);
    }

    [Fact]
    public void MissingFile_ThrowsSourceFileNotFound()
    {
        var error = Assert.Throws<SourceFileNotFoundException>(() => new CsvBatchReader(_temp.PathOf("nope.csv")));

        Assert.Equal(MlopsErrorKind.ObjectNotFound, error.Kind);
    }

    [Fact]
    public void HeaderOnly_HasASchemaAndNoBatches()
    {
        var path = _temp.WriteText("head.csv", "id,name\n");

        var reader = new CsvBatchReader(path);

        Assert.Equal("id String?, name String?", reader.Schema.ToString());
        Assert.Empty(reader.ReadBatches());
    }

    [Fact]
    public void ReadBatches_CanBeEnumeratedAgain()
    {
        var path = _temp.WriteText("twice.csv", "id\n1\n2\n3\n");
        var reader = new CsvBatchReader(path, new CsvReadOptions { BatchSize = 2 });

        var first = Batches.Concat(reader.ReadBatches());
        var second = Batches.Concat(reader.ReadBatches());

        Batches.AssertSameRows(first, second);
        Assert.Equal([1L, 2L, 3L], second.Column<long>("id"));
    }

    [Fact]
    public void GeneratedTelcoRows_RoundTripThroughCsvWithTheSameSchema()
    {
        // The datasets store signals as Int64 precisely so that this holds.
        var dataset = new TelcoCellTowers();
        var rows = Batches.Concat(dataset.Generate(500, seed: 1));
        var text = new StringBuilder(string.Join(",", rows.Schema.ColumnNames)).Append('\n');
        for (var i = 0; i < rows.RowCount; i++)
        {
            text.AppendJoin(",", rows.Schema.Columns.Select((_, c) => TelcoCellTowersTests.Format(rows.GetValue(i, c)))).Append('\n');
        }

        var reader = new CsvBatchReader(_temp.WriteText("telco.csv", text.ToString()));

        Assert.Equal(dataset.Schema, reader.Schema);
        Batches.AssertSameRows(rows, Batches.Concat(reader.ReadBatches()));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(10, 0)]
    public void BadOptions_ThrowInvalidArgument(int batchSize, int? inferenceRows)
    {
        var path = _temp.WriteText("ok.csv", "id\n1\n");

        Assert.Throws<InvalidSourceArgumentException>(
            () => new CsvBatchReader(path, new CsvReadOptions { BatchSize = batchSize, InferenceRows = inferenceRows }));
    }

    private static ColumnBatch ReadAll(string path) => Batches.Concat(new CsvBatchReader(path).ReadBatches());
}
