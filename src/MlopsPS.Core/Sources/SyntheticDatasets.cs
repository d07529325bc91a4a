namespace MlopsPS.Core.Sources;

/// <summary>The synthetic datasets by name (case-insensitive, as PowerShell parameters are).</summary>
public static class SyntheticDatasets
{
    private static readonly ISyntheticDataset[] s_all = [new TelcoCellTowers(), new CreditCardTransactions()];

    /// <summary>The dataset used when none is named: <see cref="TelcoCellTowers"/>, as in the original lab.</summary>
    public static ISyntheticDataset Default => s_all[0];

    /// <summary>Every dataset, the default first.</summary>
    public static IReadOnlyList<ISyntheticDataset> All => s_all;

    /// <summary>Every dataset name, the default first (for completers and <c>ValidateSet</c>-like messages).</summary>
    public static IReadOnlyList<string> Names { get; } = s_all.Select(d => d.Name).ToArray();

    /// <summary>The dataset called <paramref name="name"/>, ignoring case.</summary>
    /// <exception cref="DatasetNotFoundException">No dataset has that name; the message lists the names.</exception>
    public static ISyntheticDataset Get(string name) =>
        TryGet(name, out var dataset) ? dataset : throw new DatasetNotFoundException(name, Names);

    /// <summary>Looks a dataset up by name, ignoring case.</summary>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISyntheticDataset? dataset)
    {
        dataset = s_all.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        return dataset is not null;
    }
}
