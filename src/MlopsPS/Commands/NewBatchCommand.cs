using System.Management.Automation;
using System.Security.Cryptography;
using MlopsPS.Completion;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Appends a batch to a versioned table as a new snapshot, creating the table with the first batch (the original
/// lab's create-or-append). The batch is synthetic (telco cell towers by default), a CSV or Parquet file, or the
/// objects piped in.
/// </summary>
[Cmdlet(VerbsCommon.New, "Batch", SupportsShouldProcess = true, DefaultParameterSetName = SyntheticSet)]
[OutputType(typeof(Snapshot))]
public sealed class NewBatchCommand : MlopsCmdlet
{
    private const string SyntheticSet = "Synthetic";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    private RowBatchBuilder? _rows;
    private List<ColumnBatch>? _objectBatches;

    /// <summary>The table to append to; created by the first batch.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = string.Empty;

    /// <summary>The synthetic dataset: TelcoCellTowers (default) or CreditCardTransactions; an existing table keeps its own.</summary>
    [Parameter(ParameterSetName = SyntheticSet)]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string? Dataset { get; set; }

    /// <summary>How many synthetic rows (1,440 by default, one day of minutes as the lab).</summary>
    [Parameter(ParameterSetName = SyntheticSet)]
    [ValidateRange(1, 200_000_000)]
    public int Rows { get; set; } = 1440;

    /// <summary>The seed of the synthetic rows: the same seed gives the same rows. Random when omitted.</summary>
    [Parameter(ParameterSetName = SyntheticSet)]
    [ValidateRange(0, int.MaxValue)]
    public int? Seed { get; set; }

    /// <summary>Shift the feature distributions and the label relationship of this batch (see docs/datasets.md).</summary>
    [Parameter(ParameterSetName = SyntheticSet)]
    public SwitchParameter Drift { get; set; }

    /// <summary>With -Drift: how far to shift, from 0 (none) to 1 (the documented full drift).</summary>
    [Parameter(ParameterSetName = SyntheticSet)]
    [ValidateRange(0.0, 1.0)]
    public double DriftMagnitude { get; set; } = 1.0;

    /// <summary>CSV or Parquet files to append, one snapshot per file. Wildcards are allowed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>CSV or Parquet files to append, taken as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Objects to append as one batch: each object is a row, its properties the columns.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case SyntheticSet:
                AppendSynthetic();
                break;
            case PathSet:
                foreach (var path in Path)
                {
                    foreach (var file in ResolveFiles(path, literal: false))
                    {
                        AppendFile(file);
                    }
                }

                break;
            case LiteralPathSet:
                foreach (var path in LiteralPath)
                {
                    foreach (var file in ResolveFiles(path, literal: true))
                    {
                        AppendFile(file);
                    }
                }

                break;
            default:
                CollectObjects();
                break;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName != InputObjectSet || _rows is null)
        {
            return;
        }

        Try(Table, () =>
        {
            _objectBatches!.AddRange(_rows.Complete());
            var rows = _objectBatches.Sum(b => (long)b.RowCount);
            if (ShouldProcess($"table '{Table}'", $"Append {rows} row(s) from the pipeline as a new snapshot"))
            {
                Append(_objectBatches, new AppendOptions());
            }
        });
    }

    private void AppendSynthetic()
    {
        Try(Table, () =>
        {
            var catalog = new TableCatalog(OpenStore());
            var dataset = SyntheticDatasets.Get(Dataset ?? ExistingTable(catalog)?.Dataset ?? SyntheticDatasets.Default.Name);
            var seed = Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
            var drift = Drift ? new DriftSpec(DriftMagnitude) : null;
            var description = $"Append {Rows} synthetic {dataset.Name} row(s) (seed {seed}{(drift is null ? string.Empty : $", {drift}")}) as a new snapshot";
            if (ShouldProcess($"table '{Table}'", description))
            {
                WriteVerbose($"{description}.");
                Append(dataset.Generate(Rows, seed, drift), new AppendOptions { Dataset = dataset.Name, ExpectedRows = Rows });
            }
        });
    }

    private void AppendFile(string file)
    {
        Try(file, () =>
        {
            if (!ShouldProcess($"table '{Table}'", $"Append the rows of '{file}' as a new snapshot"))
            {
                return;
            }

            var catalog = new TableCatalog(OpenStore());
            var source = BatchFiles.Open(file, ExistingTable(catalog)?.Schema);
            Append(source.ReadBatches(), new AppendOptions());
        });
    }

    private void CollectObjects()
    {
        // The piped objects become one snapshot: a row that does not fit stops the command before anything is
        // written, rather than reporting every later row too.
        try
        {
            if (_rows is null)
            {
                var catalog = new TableCatalog(OpenStore());
                _rows = new RowBatchBuilder(ExistingTable(catalog)?.Schema);
                _objectBatches = [];
            }

            foreach (var item in InputObject)
            {
                _objectBatches!.AddRange(_rows.Add(ToRow(item)));
            }
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e))
        {
            ThrowEngineError(e, Table);
        }
    }

    private void Append(IEnumerable<ColumnBatch> batches, AppendOptions options)
    {
        var catalog = new TableCatalog(OpenStore());
        var progress = new CmdletProgress<AppendProgress>(this, ProgressActivity.Append, $"Appending to '{Table}'", p =>
            (p.PercentComplete ?? 0, $"{p.RowsWritten:N0} row(s) written" + (p.Committed ? ", committed" : string.Empty)));
        try
        {
            WriteRecord(catalog.Append(Table, batches, options, progress));
        }
        finally
        {
            progress.Complete();
        }
    }

    private TableInfo? ExistingTable(TableCatalog catalog) => catalog.TableExists(Table) ? catalog.GetTable(Table) : null;

    private IEnumerable<string> ResolveFiles(string path, bool literal)
    {
        var files = new List<string>();
        try
        {
            if (literal)
            {
                files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
            }
            else
            {
                files.AddRange(GetResolvedProviderPathFromPSPath(path, out var provider));
                if (provider.Name != "FileSystem")
                {
                    throw new PSArgumentException($"'{path}' is not a file system path.");
                }
            }
        }
        catch (ItemNotFoundException e)
        {
            WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            return [];
        }
        catch (PSArgumentException e)
        {
            WriteError(new ErrorRecord(e, "InvalidPath", ErrorCategory.InvalidArgument, path));
            return [];
        }

        return files;
    }

    private static KeyValuePair<string, object?>[] ToRow(PSObject item)
    {
        // Each row is the object's properties; a hashtable's keys count as its properties.
        if (item.BaseObject is System.Collections.IDictionary dictionary)
        {
            return dictionary.Keys.Cast<object>()
                .Select(key => new KeyValuePair<string, object?>(key.ToString()!, Unwrap(dictionary[key])))
                .ToArray();
        }

        return item.Properties
            .Where(p => p.IsGettable && p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property or PSMemberTypes.AliasProperty or PSMemberTypes.ScriptProperty)
            .Where(p => p.Name != StorePropertyName)
            .Select(p => new KeyValuePair<string, object?>(p.Name, Unwrap(p.Value)))
            .ToArray();
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
