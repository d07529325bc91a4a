using System.Globalization;
using MlopsPS.Core.Models;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Retraining;

/// <summary>
/// Reads the selected rows of a table into what XGBoost takes: a row-major float32 feature matrix and a 0/1 label
/// vector. Numeric columns go straight from the Parquet column arrays into the matrix (no object per row); string
/// columns are refused, or one-hot encoded when asked.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>The rows, with the signature (the feature columns the model will expect, in order).</summary>
    public sealed record TrainingData(FeatureMatrix Features, float[] Labels, IReadOnlyList<ModelInput> Signature);

    /// <summary>Checks the columns before anything is read; returns the features to use.</summary>
    public static IReadOnlyList<string> CheckColumns(TableSchema schema, string label, IReadOnlyList<string> features, CategoricalEncoding encoding)
    {
        var labelColumn = schema.Find(label) ?? throw new TrainingDataException(
            TrainingDataException.Ids.LabelColumnNotFound,
            $"The label column '{label}' is not in the table. Its columns are: {string.Join(", ", schema.ColumnNames)}.");
        if (!labelColumn.IsNumeric)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.InvalidLabel,
                $"The label column '{label}' is {labelColumn.Type}; a binary classifier needs 0/1 numbers or booleans.");
        }

        var missing = features.Where(f => schema.Find(f) is null).ToArray();
        if (missing.Length > 0)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.FeatureColumnNotFound,
                $"Feature column(s) not in the table: {string.Join(", ", missing)}. Its columns are: {string.Join(", ", schema.ColumnNames)}.");
        }

        if (features.Contains(label, StringComparer.Ordinal))
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.FeatureColumnNotFound, $"The label '{label}' cannot also be a feature.", MlopsErrorKind.InvalidArgument);
        }

        var timestamps = features.Where(f => schema.Find(f)!.Type == ColumnType.Timestamp).ToArray();
        if (timestamps.Length > 0)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.NonNumericColumn,
                $"Feature column(s) {string.Join(", ", timestamps)} hold timestamps, which XGBoost cannot take; leave them out with -Features.");
        }

        var strings = features.Where(f => schema.Find(f)!.Type == ColumnType.String).ToArray();
        if (strings.Length > 0 && encoding == CategoricalEncoding.None)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.CategoricalFeature,
                $"Feature column(s) {string.Join(", ", strings)} hold strings, which XGBoost cannot take. " +
                "Pass -CategoricalEncoding OneHot to expand each into 0/1 columns, or leave them out with -Features.");
        }

        return features;
    }

    /// <summary>Reads the label and features of <paramref name="scan"/>; the columns must have passed <see cref="CheckColumns"/>.</summary>
    public static TrainingData Read(TableScan scan, string label, IReadOnlyList<string> features, CancellationToken cancellationToken)
    {
        if (scan.RecordCount == 0)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.EmptyTrainingData,
                $"The selected rows of '{scan.Table}' are empty (snapshot {scan.EndSnapshot.SnapshotId}" +
                (scan.StartSnapshot is null ? ")" : $", after {scan.StartSnapshot.SnapshotId})") + ": there is nothing to train on.");
        }

        var labels = scan.ReadFloatMatrix([label], cancellationToken).Values.ToArray();
        CheckLabels(label, labels);

        var numeric = features.Where(f => scan.Schema.Find(f)!.IsNumeric).ToArray();
        var categorical = features.Where(f => !scan.Schema.Find(f)!.IsNumeric).ToArray();
        var numericMatrix = numeric.Length > 0 ? scan.ReadFloatMatrix(numeric, cancellationToken) : null;
        if (categorical.Length == 0)
        {
            return new TrainingData(
                numericMatrix!,
                labels,
                numeric.Select(f => new ModelInput(f, SignatureType(scan.Schema.Find(f)!))).ToArray());
        }

        return OneHot(scan, labels, numeric, numericMatrix, categorical, cancellationToken);
    }

    private static void CheckLabels(string label, float[] labels)
    {
        var ones = 0L;
        for (var i = 0; i < labels.Length; i++)
        {
            var value = labels[i];
            if (value == 1f)
            {
                ones++;
            }
            else if (value != 0f)
            {
                throw new TrainingDataException(
                    TrainingDataException.Ids.InvalidLabel,
                    float.IsNaN(value)
                        ? $"The label column '{label}' is null in row {i + 1}; every training row needs a 0/1 label."
                        : $"The label column '{label}' holds {value.ToString(CultureInfo.InvariantCulture)} in row {i + 1}; a binary classifier needs 0 or 1.");
            }
        }

        if (ones == 0 || ones == labels.Length)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.SingleClassLabel,
                $"The label column '{label}' is {(ones == 0 ? 0 : 1)} in all {labels.Length} selected rows; a classifier needs both classes.");
        }
    }

    private static TrainingData OneHot(
        TableScan scan, float[] labels, string[] numeric, FeatureMatrix? numericMatrix, string[] categorical, CancellationToken cancellationToken)
    {
        // One pass collects each categorical column's values (as strings) for the selected rows.
        var values = categorical.ToDictionary(c => c, _ => new List<string?>(labels.Length), StringComparer.Ordinal);
        foreach (var batch in scan.ReadBatches(cancellationToken))
        {
            foreach (var column in categorical)
            {
                values[column].AddRange((string?[])batch.Column(column));
            }
        }

        var categories = categorical.ToDictionary(
            c => c,
            c => values[c].Where(v => v is not null).Select(v => v!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        var names = numeric.Concat(categorical.SelectMany(c => categories[c].Select(v => $"{c}={v}"))).ToArray();
        var rows = labels.Length;
        var width = names.Length;
        var matrix = new float[rows * width];
        for (var row = 0; row < rows; row++)
        {
            var offset = row * width;
            for (var i = 0; i < numeric.Length; i++)
            {
                matrix[offset + i] = numericMatrix![row, i];
            }

            var position = numeric.Length;
            foreach (var column in categorical)
            {
                var known = categories[column];
                var value = values[column][row];
                if (value is not null)
                {
                    matrix[offset + position + Array.BinarySearch(known, value, StringComparer.Ordinal)] = 1f;
                }

                position += known.Length;
            }
        }

        var signature = numeric.Select(f => new ModelInput(f, SignatureType(scan.Schema.Find(f)!)))
            .Concat(names.Skip(numeric.Length).Select(n => new ModelInput(n, "double")))
            .ToArray();
        return new TrainingData(new FeatureMatrix(matrix, rows, names), labels, signature);
    }

    /// <summary>The column's type in MLflow's signature vocabulary.</summary>
    private static string SignatureType(ColumnSpec column) => column.Type switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Int32 => "integer",
        ColumnType.Int64 => "long",
        ColumnType.Float => "float",
        _ => "double",
    };
}
