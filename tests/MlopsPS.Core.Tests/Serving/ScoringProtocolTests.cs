using System.Buffers;
using System.Text;
using System.Text.Json;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Tests.Serving;

/// <summary>The request parser and response writer on their own: shapes, column order, missing values, refusals.</summary>
public sealed class ScoringProtocolTests
{
    private static readonly ScoringSchema s_schema = new(["a", "b", "c"], ["0", "1"], 0.5);

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4, 5, 6]]}}""")]
    [InlineData("""{"dataframe_split": {"data": [[3, 1, 2], [6, 4, 5]], "columns": ["c", "a", "b"]}}""")]
    [InlineData("""{"dataframe_records": [{"c": 3, "b": 2, "a": 1}, {"a": 4, "b": 5, "c": 6}]}""")]
    [InlineData("""{"instances": [[1, 2, 3], [4, 5, 6]]}""")]
    [InlineData("""{"inputs": {"b": [2, 5], "a": [1, 4], "c": [3, 6]}}""")]
    [InlineData("""{"request": {"instances": [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]}, "accessKey": "k"}""")]
    public void EveryShape_GivesRowsInModelColumnOrder(string json)
    {
        var input = ScoringRequestParser.ParseJson(Encoding.UTF8.GetBytes(json), s_schema);
        Assert.Equal(2, input.Rows);
        Assert.Equal([1f, 2, 3, 4, 5, 6], input.Values);
    }

    [Fact]
    public void NullIsAMissingValue_AndParamsAskForProbabilities_AndTheWrapperIsRecognised()
    {
        var input = ScoringRequestParser.ParseJson(
            """{"accessKey": "key", "request": {"instances": [[1, null, 3]], "params": {"predict_proba": true, "other": [1]}}}"""u8, s_schema);
        Assert.True(float.IsNaN(input.Values[1]));
        Assert.True(input.PredictProba);
        Assert.True(input.Wrapped);
        Assert.Equal("key", input.AccessKey);
    }

    [Fact]
    public void NumbersConvertThroughADouble_AsPandasAndXGBoostDo()
    {
        var input = ScoringRequestParser.ParseJson("""{"instances": [[0.1, 16777217, 3.4028234663852886e38]]}"""u8, s_schema);
        Assert.Equal([(float)0.1, (float)16777217d, float.MaxValue], input.Values);
    }

    [Fact]
    public void Csv_TakesAHeaderInAnyOrder_QuotedNames_AndEmptyFieldsAsMissing()
    {
        var csv = "\uFEFF\"c\",a,b\n3,1,\n\n6,4,5\n";
        var input = ScoringRequestParser.ParseCsv(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(csv)), s_schema);
        Assert.Equal(2, input.Rows);
        Assert.Equal(1f, input.Values[0]);
        Assert.True(float.IsNaN(input.Values[1]));
        Assert.Equal([4f, 5, 6], input.Values[3..]);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}""", "Missing: c")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c", "d"], "data": [[1, 2, 3, 4]]}}""", "Not in the model: d")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "a", "c"], "data": [[1, 2, 3]]}}""", "twice")]
    [InlineData("""{"dataframe_split": {"data": [[1, 2, 3]]}}""", "needs 'columns'")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2]]}}""", "2 values but there are 3 columns")]
    [InlineData("""{"dataframe_records": [{"a": 1, "b": 2}]}""", "Missing: c")]
    [InlineData("""{"dataframe_records": [[1, 2, 3]]}""", "not an object")]
    [InlineData("""{"instances": [[1, 2, 3], {"a": 1, "b": 2, "c": 3}]}""", "differs from row 0")]
    [InlineData("""{"instances": [[1, 2, 3, 4]]}""", "more than the model's 3 values")]
    [InlineData("""{"inputs": {"a": [1, 2], "b": [1], "c": [1, 2]}}""", "has 1 values")]
    [InlineData("""{"instances": [[1, "2", 3]]}""", "is a string")]
    [InlineData("""{"instances": [[1, [2], 3]]}""", "nested list")]
    [InlineData("""{"instances": [[1, 1e39, 3]]}""", "not finite")]
    [InlineData("""{"instances": []}""", "no rows")]
    [InlineData("""{"params": {"predict_proba": true}}""", "none of the keys")]
    [InlineData("""{"instances": [[1, 2, 3]], "dataframe_records": []}""", "both")]
    [InlineData("""{"instances": [[1, 2, 3]], "extra": 1}""", "Unknown key 'extra'")]
    [InlineData("""{"request": {"instances": [[1, 2, 3]]}, "instances": [[1, 2, 3]]}""", "not beside it")]
    [InlineData("""{"instances": [[1, 2, 3]], "params": {"predict_proba": "yes"}}""", "predict_proba")]
    [InlineData("""{"instances": [[1, 2, 3]]} trailing""", "not valid JSON")]
    [InlineData("""{"instances": [[1, 2, 3]""", "not valid JSON")]
    [InlineData("""[1, 2, 3]""", "must be a JSON object")]
    [InlineData("", "not valid JSON")]
    public void BadRequests_AreRefusedWith400AndAReason(string json, string reason)
    {
        var error = Assert.Throws<ScoringProtocolException>(() => ScoringRequestParser.ParseJson(Encoding.UTF8.GetBytes(json), s_schema));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("BAD_REQUEST", error.ErrorCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_HasClassLabelsByThreshold_UniqueUuids_AndProbabilitiesOnlyWhenAsked()
    {
        var output = new ArrayBufferWriter<byte>();
        ScoringResponseWriter.WritePredictions(output, s_schema, [0.2f, 0.5f, 0.9f], includeProbabilities: false, wrapped: false, Guid.NewGuid());
        using var plain = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal([0, 1, 1], plain.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()));
        var ids = plain.RootElement.GetProperty("prediction_ids").EnumerateArray().Select(p => Guid.Parse(p.GetString()!)).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.False(plain.RootElement.TryGetProperty("probabilities", out _));

        var named = new ScoringSchema(["a"], ["healthy", "failing"], 0.5);
        output.Clear();
        ScoringResponseWriter.WritePredictions(output, named, [0.7f], includeProbabilities: true, wrapped: false, Guid.NewGuid());
        using var labelled = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal("failing", labelled.RootElement.GetProperty("predictions")[0].GetString());
        Assert.Equal(0.7f, labelled.RootElement.GetProperty("probabilities")[0].GetSingle());
    }
}
