namespace MlopsPS.Core.Registry;

/// <summary>No registered model has the given name.</summary>
public sealed class ModelNotFoundException(string name)
    : MlopsException($"No registered model '{name}' exists in this store. Get-RegisteredModel lists them.", MlopsErrorKind.ObjectNotFound);

/// <summary>A registered model has no such version or alias.</summary>
public sealed class ModelVersionNotFoundException(string name, string version)
    : MlopsException($"Registered model '{name}' has no version {version}.", MlopsErrorKind.ObjectNotFound);

/// <summary>A model URI such as <c>models:/name@alias</c> does not parse.</summary>
public sealed class InvalidModelUriException(string uri)
    : MlopsException($"'{uri}' is not a model URI: use models:/<name>/<version>, models:/<name>@<alias> or models:/<name>/latest.", MlopsErrorKind.InvalidArgument);

/// <summary>A registered model has no such alias.</summary>
public sealed class ModelAliasNotFoundException(string name, string alias)
    : MlopsException($"Registered model '{name}' has no alias '{alias}'.", MlopsErrorKind.ObjectNotFound);
