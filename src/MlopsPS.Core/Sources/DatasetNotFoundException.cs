namespace MlopsPS.Core.Sources;

/// <summary>No synthetic dataset has the requested name. The message lists the names that exist.</summary>
public sealed class DatasetNotFoundException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException(string name, IEnumerable<string> knownNames)
        : base(
            $"There is no synthetic dataset named '{name}'. Known datasets: {string.Join(", ", knownNames)}.",
            MlopsErrorKind.ObjectNotFound)
    {
        Name = name;
    }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }
}
