using System.Management.Automation;
using MlopsPS.Core;
using MlopsPS.Core.Store;

namespace MlopsPS.Infrastructure;

/// <summary>
/// The base of every MlopsPS cmdlet: the common <c>-Store</c> parameter, store resolution, the mapping of engine
/// errors to ErrorRecords, and output objects that carry their store so the next cmdlet in the pipe binds it.
/// </summary>
public abstract class MlopsCmdlet : PSCmdlet
{
    /// <summary>The name of the note property that output objects carry so downstream cmdlets use the same store.</summary>
    internal const string StorePropertyName = "Store";

    private MlopsStore? _store;

    /// <summary>
    /// <para type="description">The store: a folder, or postgresql://user@host:port/database?warehouse=/path. Defaults to $env:MLOPSPS_HOME, then ./mlops-store in the current directory.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>The store in use, opened (and migrated) on first use.</summary>
    protected MlopsStore OpenStore()
    {
        if (_store is not null && Store is null)
        {
            return _store;
        }

        try
        {
            var (location, source) = StoreLocator.ResolveLocation(
                Store is null ? null : ResolveStorePath(Store), SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            if (_store is not null && SameLocation(_store.Location, location))
            {
                return _store;
            }

            _store = MlopsStore.Open(location, source);
            return _store;
        }
        catch (StoreException e)
        {
            // One terminating ErrorRecord wherever the cmdlet asked for its store. Its target is never a PostgreSQL
            // location as typed: that may carry a password.
            ThrowEngineError(e, StoreTarget);
            throw;
        }
    }

    /// <summary>The -Store argument as an error's target: never a PostgreSQL location as typed, which may carry a password.</summary>
    protected string? StoreTarget => Store is not null && StoreLocation.IsPostgreSqlUri(Store) ? null : Store;

    /// <summary>Writes an engine object, tagged with the store it came from.</summary>
    protected void WriteRecord(object record)
    {
        var wrapped = PSObject.AsPSObject(record);
        var store = _store ?? OpenStore();
        if (wrapped.Properties[StorePropertyName] is null)
        {
            // A PostgreSQL store's location without its password (Npgsql finds that in PGPASSWORD or ~/.pgpass).
            wrapped.Properties.Add(new PSNoteProperty(StorePropertyName, store.Location.Display));
        }

        WriteObject(wrapped);
    }

    /// <summary>Reports a per-item failure and carries on with the next item.</summary>
    protected void WriteEngineError(Exception exception, object? target) =>
        WriteError(ErrorRecordFactory.FromException(exception, target));

    /// <summary>Stops the cmdlet with a setup failure.</summary>
    protected void ThrowEngineError(Exception exception, object? target) =>
        ThrowTerminatingError(ErrorRecordFactory.FromException(exception, target));

    /// <summary>
    /// Runs one unit of work, turning engine errors into a non-terminating ErrorRecord for <paramref name="target"/>.
    /// Store problems stop the whole cmdlet: no later item could succeed either.
    /// </summary>
    protected void Try(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (StoreException e)
        {
            ThrowEngineError(e, target);
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e))
        {
            WriteEngineError(e, target);
        }
    }

    /// <summary>
    /// Writes what each of <paramref name="names"/> names (all items when null): a wildcard pattern lists the
    /// matches, which may be none; a plain name gets the one item, or an ObjectNotFound error.
    /// </summary>
    protected void WriteNamed<T>(IEnumerable<string>? names, Func<string, IEnumerable<T>> list, Func<string, T> get)
        where T : notnull
    {
        foreach (var name in names ?? ["*"])
        {
            Try(name, () =>
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    foreach (var item in list(name))
                    {
                        WriteRecord(item);
                    }
                }
                else
                {
                    WriteRecord(get(name));
                }
            });
        }
    }

    private string ResolveStorePath(string location) =>
        StoreLocation.IsPostgreSqlUri(location) ? location : SessionState.Path.GetUnresolvedProviderPathFromPSPath(location);

    // Compared as parsed locations: a typed PostgreSQL location may carry a password that Display leaves out.
    private static bool SameLocation(StoreLocation open, StoreLocation requested) =>
        open.Backend == requested.Backend && (open.Backend == StoreBackend.PostgreSql
            ? string.Equals(open.Display, requested.Display, StringComparison.Ordinal)
            : PathsEqual(open.Root, requested.Root));

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
