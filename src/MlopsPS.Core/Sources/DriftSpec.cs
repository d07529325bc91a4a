using System.Globalization;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Asks a synthetic dataset to generate a drifted batch: feature distributions move and the relationship between
/// features and label changes, as production data does after the model was trained. <see cref="Magnitude"/> scales
/// every documented shift linearly, from 0 (the reference distribution, as if no drift were asked) to 1 (the full
/// shift, what the cmdlet's <c>-Drift</c> switch asks for). What moves is specific to each dataset: see
/// <see cref="TelcoCellTowers"/>, <see cref="CreditCardTransactions"/> and <c>docs/datasets.md</c>.
/// </summary>
public sealed record DriftSpec
{
    /// <summary>Creates a drift of the given magnitude.</summary>
    /// <exception cref="InvalidSourceArgumentException">The magnitude is not a number in 0..1.</exception>
    public DriftSpec(double magnitude)
    {
        if (!(magnitude >= 0.0 && magnitude <= 1.0))
        {
            throw new InvalidSourceArgumentException(
                nameof(magnitude),
                string.Create(CultureInfo.InvariantCulture, $"The drift magnitude must be between 0 and 1, got {magnitude}."));
        }

        Magnitude = magnitude;
    }

    /// <summary>The full documented drift (magnitude 1), what <c>-Drift</c> asks for.</summary>
    public static DriftSpec Default { get; } = new(1.0);

    /// <summary>How far the distributions and the label relationship move, 0..1.</summary>
    public double Magnitude { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Drift {Magnitude:0.###}");
}
