using System.Globalization;
using MlopsPS.Core.Models;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Training;
using System.Runtime.CompilerServices;

namespace MlopsPS.Core.Retraining;

/// <summary>
/// Reads the selected rows of a table into what XGBoost takes: a row-major float32 feature matrix and a 0/1 label
/// vector. Numeric columns go straight from the Parquet column arrays into the matrix (no object per row); string
/// columns are refused, or one-hot encoded when asked.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>The features of the training and test rows, with the signature (the feature columns the model will expect, in order).</summary>
    public sealed record SplitFeatures(FeatureMatrix Train, FeatureMatrix Test, IReadOnlyList<ModelInput> Signature);

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

    /// <summary>Reads the label column of <paramref name="scan"/>, refusing an empty scan and labels other than 0/1 of both classes.</summary>
    public static float[] ReadLabels(TableScan scan, string label, CancellationToken cancellationToken)
    {
        if (scan.RecordCount == 0)
        {
            throw new TrainingDataException(
                TrainingDataException.Ids.EmptyTrainingData,
                $"The selected rows of '{scan.Table}' are empty (snapshot {scan.EndSnapshot.SnapshotId}" +
                (scan.StartSnapshot is null ? ")" : $", after {scan.StartSnapshot.SnapshotId})") + ": there is nothing to train on.");
        }

        // A one-column matrix's array is the column itself.
        var labels = scan.ReadFloatMatrix([label], cancellationToken).Array;
        CheckLabels(label, labels);
        return labels;
    }

    /// <summary>
    /// Reads the features of <paramref name="scan"/> into the two sides of <paramref name="split"/>; the columns must
    /// have passed <see cref="CheckColumns"/>. Numeric features go straight into each side's matrix, so the whole
    /// matrix is never built and copied; one-hot features need every row's categories first, so they are.
    /// </summary>
    public static SplitFeatures ReadFeatures(
        TableScan scan, IReadOnlyList<string> features, StratifiedSplit split, float[] labels, CancellationToken cancellationToken)
    {
        var numeric = features.Where(f => scan.Schema.Find(f)!.IsNumeric).ToArray();
        var categorical = features.Where(f => !scan.Schema.Find(f)!.IsNumeric).ToArray();
        if (categorical.Length == 0)
        {
            var sides = scan.ReadFloatMatrices(numeric, split.RowSides, 2, cancellationToken);
            return new SplitFeatures(
                sides[StratifiedSplit.TrainSide],
                sides[StratifiedSplit.TestSide],
                numeric.Select(f => new ModelInput(f, SignatureType(scan.Schema.Find(f)!))).ToArray());
        }

        var numericMatrix = numeric.Length > 0 ? scan.ReadFloatMatrix(numeric, cancellationToken) : null;
        var (all, signature) = OneHot(scan, labels.Length, numeric, numericMatrix, categorical, cancellationToken);
        return new SplitFeatures(split.SelectTrain(all, labels).Features, split.SelectTest(all, labels).Features, signature);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static (FeatureMatrix Features, IReadOnlyList<ModelInput> Signature) OneHot(
        TableScan scan, int rows, string[] numeric, FeatureMatrix? numericMatrix, string[] categorical, CancellationToken cancellationToken)
    {
        // One pass collects each categorical column's values (as strings) for the selected rows.
        var values = categorical.ToDictionary(c => c, _ => new List<string?>(rows), StringComparer.Ordinal);
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
        return (new FeatureMatrix(matrix, rows, names), signature);
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
