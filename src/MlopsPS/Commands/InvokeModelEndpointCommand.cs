using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using MlopsPS.Completion;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Scores objects at a model endpoint: sends them in batches as MLflow <c>dataframe_split</c> requests (the columns
/// the endpoint's model reads, taken from /version) and writes each input back with its Prediction, Probability,
/// PredictionId and the ModelVersion that answered; with -Explain, also its Contributions (SHAP values and bias).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ModelEndpoint", DefaultParameterSetName = ByName)]
[OutputType(typeof(PSObject))]
public sealed class InvokeModelEndpointCommand : MlopsCmdlet, IDisposable
{
    private const string ByName = "Name";
    private const string ByUri = "Uri";

    /// <summary>The type name of the prediction objects.</summary>
    public const string PredictionTypeName = "MlopsPS.Prediction";

    /// <summary>The type name of a prediction's feature contributions.</summary>
    public const string ContributionsTypeName = "MlopsPS.PredictionContributions";

    private readonly List<PSObject> _batch = [];
    private ScoringClient? _client;
    private IReadOnlyList<string> _columns = [];
    private string? _storeRoot;
    private CmdletProgress<long>? _progress;
    private long _scored;

    /// <summary>The endpoint, by name (its URL comes from the store).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>The endpoint, by base URL (any MLflow-compatible scoring server).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUri)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    /// <summary>The rows to score: objects (or hashtables) with a property per model input.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Rows per request.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>The endpoint's API key, sent as Authorization: Bearer.</summary>
    [Parameter]
    public SecureString? ApiKey { get; set; }

    /// <summary>Asks for each row's SHAP feature contributions, written as a Contributions property.</summary>
    [Parameter]
    public SwitchParameter Explain { get; set; }

    /// <summary>Seconds to wait for each request.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 100;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            var baseUri = Uri;
            if (ParameterSetName == ByName)
            {
                var store = OpenStore();
                baseUri = new EndpointManager(store).GetScoringUri(Name);
                // The predictions are in this store's log: scored objects carry it to Add-GroundTruth and Get-PredictionLineage.
                _storeRoot = store.Root;
            }

            _client = new ScoringClient(baseUri!, ServingCmdletSupport.Plain(ApiKey), TimeSpan.FromSeconds(TimeoutSec));
            var served = _client.GetVersion();
            _columns = served.Inputs is { Count: > 0 } inputs
                ? inputs
                : throw new EndpointHostException($"The endpoint at {baseUri} serves no model (its /version names no inputs).");
            _progress = new CmdletProgress<long>(this, ProgressActivity.Scoring, $"Scoring at {baseUri}", n => (0, $"{n} rows scored"));
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e))
        {
            ThrowEngineError(e, (object?)Uri ?? Name);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }

        _batch.Add(InputObject);
        if (_batch.Count >= BatchSize)
        {
            Flush();
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Flush();
        _progress?.Complete();
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();

    private void Flush()
    {
        if (_batch.Count == 0 || _client is null)
        {
            return;
        }

        var rows = new List<PSObject>(_batch.Count);
        var values = new List<double>(_batch.Count * _columns.Count);
        foreach (var item in _batch)
        {
            if (TryReadRow(item, values, out var problem))
            {
                rows.Add(item);
            }
            else
            {
                WriteError(new ErrorRecord(new ArgumentException(problem), "InvalidPredictionInput", ErrorCategory.InvalidData, item));
            }
        }

        _batch.Clear();
        if (rows.Count == 0)
        {
            return;
        }

        Try(rows[0], () =>
        {
            var result = _client.Score(_columns, values.ToArray(), rows.Count, probabilities: true, explain: Explain);
            for (var i = 0; i < rows.Count; i++)
            {
                var prediction = ToPrediction(rows[i], result, i);
                if (_storeRoot is not null && prediction.Properties[StorePropertyName] is null)
                {
                    prediction.Properties.Add(new PSNoteProperty(StorePropertyName, _storeRoot));
                }

                WriteObject(prediction);
            }

            _scored += rows.Count;
            _progress?.Report(_scored);
        });
    }

    // The model's inputs from an object's properties (or a dictionary's keys); null is a missing value.
    private bool TryReadRow(PSObject item, List<double> values, out string problem)
    {
        var start = values.Count;
        var dictionary = item.BaseObject as IDictionary;
        foreach (var column in _columns)
        {
            object? raw;
            if (dictionary is not null)
            {
                if (!dictionary.Contains(column))
                {
                    values.RemoveRange(start, values.Count - start);
                    problem = $"The input has no '{column}'; the model reads {string.Join(", ", _columns)}.";
                    return false;
                }

                raw = dictionary[column];
            }
            else
            {
                var property = item.Properties[column];
                if (property is null)
                {
                    values.RemoveRange(start, values.Count - start);
                    problem = $"The input has no property '{column}'; the model reads {string.Join(", ", _columns)}.";
                    return false;
                }

                raw = property.Value;
            }

            raw = raw is PSObject wrapped ? wrapped.BaseObject : raw;
            if (raw is null || raw is DBNull)
            {
                values.Add(double.NaN);
            }
            else if (LanguagePrimitives.TryConvertTo(raw, CultureInfo.InvariantCulture, out double number) && raw is not bool)
            {
                values.Add(number);
            }
            else
            {
                values.RemoveRange(start, values.Count - start);
                problem = $"The value of '{column}' ({raw}) is not a number.";
                return false;
            }
        }

        problem = string.Empty;
        return true;
    }

    private static PSObject ToPrediction(PSObject input, ScoringResult result, int index)
    {
        var output = new PSObject();
        output.TypeNames.Insert(0, PredictionTypeName);
        if (input.BaseObject is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                output.Properties.Add(new PSNoteProperty(entry.Key.ToString()!, entry.Value));
            }
        }
        else
        {
            foreach (var property in input.Properties)
            {
                if (property.IsGettable && output.Properties[property.Name] is null)
                {
                    output.Properties.Add(new PSNoteProperty(property.Name, SafeValue(property)));
                }
            }
        }

        Set(output, "Prediction", result.Predictions[index]);
        Set(output, "Probability", result.Probabilities?[index]);
        Set(output, "PredictionId", result.PredictionIds[index]);
        Set(output, "ModelVersion", result.ModelVersion);
        if (result.Contributions is { } contributions)
        {
            // One property per feature and the bias, in the endpoint's order: sums to the margin, sorts and formats.
            var explanation = new PSObject();
            explanation.TypeNames.Insert(0, ContributionsTypeName);
            foreach (var (feature, value) in contributions[index])
            {
                explanation.Properties.Add(new PSNoteProperty(feature, value));
            }

            Set(output, "Contributions", explanation);
        }

        return output;
    }

    private static void Set(PSObject target, string name, object? value)
    {
        if (target.Properties[name] is { } existing)
        {
            target.Properties.Remove(existing.Name);
        }

        target.Properties.Add(new PSNoteProperty(name, value));
    }

    private static object? SafeValue(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
    }
}
