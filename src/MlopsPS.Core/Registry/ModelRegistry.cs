using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Data.Common;
using MlopsPS.Core.Common;
using MlopsPS.Core.Models;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Registry;

/// <summary>
/// The model registry in the store's catalog, with MLflow's concepts: registered models, numbered versions made
/// from runs, and aliases (such as <c>champion</c>) that point at a version. Stages are deprecated in MLflow in
/// favour of aliases, so there are none here.
/// </summary>
public sealed partial class ModelRegistry
{
    private readonly MlopsStore _store;

    /// <summary>Works on the registry of <paramref name="store"/>.</summary>
    public ModelRegistry(MlopsStore store)
    {
        _store = store;
    }

    /// <summary>
    /// Registers the model of a finished run as the next version of <paramref name="modelName"/> (the model is
    /// created on first use). The run's MLmodel file must exist and name at least one input column.
    /// </summary>
    public ModelVersion RegisterRunModel(string modelName, string runId)
    {
        ValidateName(modelName, "model");
        var run = new TrackingStore(_store).GetRun(runId);
        if (run.Status != RunStatus.Finished)
        {
            throw new MlopsException(
                $"Run {runId} is {TrackingStore.ToText(run.Status)}; only a FINISHED run's model can be registered.",
                MlopsErrorKind.InvalidOperation,
                errorId: "RunNotFinished");
        }

        var modelDirectory = ModelArtifactLayout.ModelDirectory(run.ArtifactUri);
        var metadata = ModelArtifactLayout.ReadMetadata(modelDirectory);
        if (metadata.Inputs.Count == 0 || metadata.Inputs.Any(i => string.IsNullOrWhiteSpace(i.Name) || string.IsNullOrWhiteSpace(i.Type)))
        {
            throw new InvalidModelException($"The model of run {runId} has an incomplete signature: every input needs a name and a type.");
        }

        if (!File.Exists(Path.Combine(modelDirectory, metadata.ModelFile)))
        {
            throw new InvalidModelException($"The model of run {runId} lacks its model file '{metadata.ModelFile}'.");
        }

        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        var now = UnixTime.NowMs();
        CatalogDatabase.Execute(connection, null, """
            INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES (@name, @now, @now)
            ON CONFLICT (name) DO UPDATE SET last_updated_time = excluded.last_updated_time;
            """, ("name", modelName), ("now", now));
        using var next = connection.CreateCommand();
        next.CommandText = "SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE name = @name;";
        next.AddParameter("name", modelName);
        var version = Convert.ToInt32(next.ExecuteScalar(), CultureInfo.InvariantCulture);
        CatalogDatabase.Execute(connection, null, """
            INSERT INTO model_versions (name, version, run_id, source, status, signature_json, creation_time)
            VALUES (@name, @version, @run, @source, 'READY', @signature, @now);
            """,
            ("name", modelName), ("version", version), ("run", runId), ("source", modelDirectory),
            ("signature", JsonSerializer.Serialize(metadata.Inputs)), ("now", now));
        transaction.Commit();
        return GetVersion(modelName, version);
    }

    /// <summary>A registered model by name.</summary>
    public RegisteredModel GetModel(string modelName)
    {
        using var connection = _store.Database.Open();
        return ReadModels(connection, "WHERE m.name = @pattern", modelName).SingleOrDefault() ?? throw new ModelNotFoundException(modelName);
    }

    /// <summary>The registered models whose names match a <c>*</c>/<c>?</c> wildcard, by name.</summary>
    public IReadOnlyList<RegisteredModel> ListModels(string? namePattern = null)
    {
        using var connection = _store.Database.Open();
        var dialect = _store.Database.Dialect;
        return ReadModels(connection, $"WHERE {dialect.WildcardMatch("m.name", "@pattern")}", dialect.WildcardPattern(namePattern ?? "*"));
    }

    /// <summary>The names of all registered models (one cheap query, for tab completion).</summary>
    public IReadOnlyList<string> ListModelNames() => ListModels().Select(m => m.ModelName).ToArray();

    /// <summary>One version of a model.</summary>
    public ModelVersion GetVersion(string modelName, int version)
    {
        using var connection = _store.Database.Open();
        return ReadVersions(connection, modelName, version).SingleOrDefault()
            ?? (ModelExists(connection, modelName)
                ? throw new ModelVersionNotFoundException(modelName, version.ToString(CultureInfo.InvariantCulture))
                : throw new ModelNotFoundException(modelName));
    }

    /// <summary>The version an alias points at.</summary>
    public ModelVersion GetVersionByAlias(string modelName, string alias)
    {
        var model = GetModel(modelName);
        return model.Aliases.TryGetValue(alias, out var version)
            ? GetVersion(modelName, version)
            : throw new ModelVersionNotFoundException(modelName, "@" + alias);
    }

    /// <summary>The newest version of a model.</summary>
    public ModelVersion GetLatestVersion(string modelName)
    {
        var model = GetModel(modelName);
        return GetVersion(modelName, model.LatestVersion);
    }

    /// <summary>Every version of a model, newest first.</summary>
    public IReadOnlyList<ModelVersion> ListVersions(string modelName)
    {
        using var connection = _store.Database.Open();
        var versions = ReadVersions(connection, modelName, null);
        return versions.Count > 0 || ModelExists(connection, modelName) ? versions : throw new ModelNotFoundException(modelName);
    }

    /// <summary>The versions registered from a run.</summary>
    public IReadOnlyList<ModelVersion> VersionsOfRun(string runId)
    {
        using var connection = _store.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, version FROM model_versions WHERE run_id = @run ORDER BY name, version;";
        command.AddParameter("run", runId);
        var keys = new List<(string, int)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)));
            }
        }

        return keys.Select(k => ReadVersions(connection, k.Item1, k.Item2).Single()).ToArray();
    }

    /// <summary>Points an alias at a version, moving it if it pointed elsewhere.</summary>
    public ModelVersion SetAlias(string modelName, string alias, int version)
    {
        ValidateAlias(alias);
        GetVersion(modelName, version);
        using var connection = _store.Database.Open();
        CatalogDatabase.Execute(connection, null, """
            INSERT INTO model_aliases (name, alias, version) VALUES (@name, @alias, @version)
            ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version;
            """, ("name", modelName), ("alias", alias), ("version", version));
        return GetVersion(modelName, version);
    }

    /// <summary>Removes an alias; returns whether it existed.</summary>
    public bool RemoveAlias(string modelName, string alias)
    {
        GetModel(modelName);
        using var connection = _store.Database.Open();
        return CatalogDatabase.Execute(connection, null, "DELETE FROM model_aliases WHERE name = @name AND alias = @alias;", ("name", modelName), ("alias", alias)) > 0;
    }

    /// <summary>
    /// Resolves <c>models:/name/3</c>, <c>models:/name@alias</c>, <c>models:/name/latest</c> or <c>name</c>
    /// (the latest version) to a version.
    /// </summary>
    public ModelVersion Resolve(string uri)
    {
        var match = ModelUriPattern().Match(uri);
        if (!match.Success)
        {
            throw new InvalidModelUriException(uri);
        }

        var name = match.Groups["name"].Value;
        if (match.Groups["alias"].Success)
        {
            return GetVersionByAlias(name, match.Groups["alias"].Value);
        }

        return match.Groups["version"].Success && !match.Groups["version"].Value.Equals("latest", StringComparison.OrdinalIgnoreCase)
            ? GetVersion(name, int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture))
            : GetLatestVersion(name);
    }

    [GeneratedRegex(@"^(models:/)?(?<name>[^/@]+)(/(?<version>\d+|latest)|@(?<alias>[A-Za-z0-9_\-]+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ModelUriPattern();

    private IReadOnlyList<RegisteredModel> ReadModels(DbConnection connection, string where, string pattern)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.name, m.description, m.creation_time, m.last_updated_time,
                   (SELECT coalesce(max(version), 0) FROM model_versions v WHERE v.name = m.name),
                   (SELECT {_store.Database.Dialect.JsonObjectAggregate("alias", "version")} FROM model_aliases a WHERE a.name = m.name)
            FROM registered_models m {where} ORDER BY m.name;
            """;
        command.AddParameter("pattern", pattern);
        using var reader = command.ExecuteReader();
        var models = new List<RegisteredModel>();
        while (reader.Read())
        {
            models.Add(new RegisteredModel(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                UnixTime.ToDateTime(reader.GetInt64(2)),
                UnixTime.ToDateTime(reader.GetInt64(3)),
                Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<SortedDictionary<string, int>>(reader.IsDBNull(5) ? "{}" : reader.GetString(5)) ?? []));
        }

        return models;
    }

    private List<ModelVersion> ReadVersions(DbConnection connection, string modelName, int? version)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT v.name, v.version, v.run_id, v.source, v.status, v.status_message, v.signature_json, v.creation_time,
                   (SELECT {_store.Database.Dialect.JsonArrayAggregate("alias")}
                    FROM (SELECT alias FROM model_aliases a WHERE a.name = v.name AND a.version = v.version ORDER BY alias) AS ordered)
            FROM model_versions v
            WHERE v.name = @name AND (CAST(@version AS BIGINT) IS NULL OR v.version = @version)
            ORDER BY v.version DESC;
            """;
        command.AddParameter("name", modelName);
        command.AddParameter("version", version);
        using var reader = command.ExecuteReader();
        var versions = new List<ModelVersion>();
        while (reader.Read())
        {
            versions.Add(new ModelVersion(
                reader.GetString(0),
                Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                ParseStatus(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? [] : JsonSerializer.Deserialize<ModelInput[]>(reader.GetString(6)) ?? [],
                (reader.IsDBNull(8) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(8))) ?? [],
                UnixTime.ToDateTime(reader.GetInt64(7))));
        }

        return versions;
    }

    private static bool ModelExists(DbConnection connection, string modelName)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM registered_models WHERE name = @name;";
        command.AddParameter("name", modelName);
        return command.ExecuteScalar() is not null;
    }

    private static ModelVersionStatus ParseStatus(string text) =>
        Enum.Parse<ModelVersionStatus>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);

    private static void ValidateName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.IndexOfAny(['/', '\\', '@', ':']) >= 0)
        {
            throw new MlopsException($"'{name}' is not a valid {what} name: use 1 to 200 characters without / \\ @ or :.", MlopsErrorKind.InvalidArgument, errorId: "InvalidModelName");
        }
    }

    private static void ValidateAlias(string alias)
    {
        if (!AliasPattern().IsMatch(alias) || alias.Equals("latest", StringComparison.OrdinalIgnoreCase) || VersionLikeAlias().IsMatch(alias))
        {
            throw new MlopsException($"'{alias}' is not a valid alias: use letters, digits, _ and -, and not 'latest' or a version such as v3.", MlopsErrorKind.InvalidArgument, errorId: "InvalidAlias");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[vV]\\d+$")]
    private static partial Regex VersionLikeAlias();
}
