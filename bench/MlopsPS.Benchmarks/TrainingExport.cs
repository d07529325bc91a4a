using MlopsPS.Core.Sources;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Training;

namespace MlopsPS.Benchmarks;

/// <summary>
/// Writes the rows Invoke-Retrain trains and tests on (the table's default features and label, split with the same
/// stratified split and seed) as .npy files, so Python's xgboost trains on exactly the same rows: the whole current
/// table (-Full), or with <c>fromSnapshot</c> the rows appended in (from, to] (-FromSnapshot/-ToSnapshot).
/// </summary>
internal static class TrainingExport
{
    public static object Run(string storePath, string table, string outDirectory, int seed, double testFraction, long? fromSnapshot, long? toSnapshot)
    {
        var catalog = new TableCatalog(MlopsStore.Open(storePath));
        var dataset = SyntheticDatasets.Get(catalog.GetTable(table).Dataset ?? "TelcoCellTowers");
        var scan = catalog.Scan(table, fromSnapshot is long from ? ScanSpec.Incremental(from, toSnapshot) : ScanSpec.Current);
        var features = scan.ReadFloatMatrix(dataset.DefaultFeatures);
        var labels = scan.ReadFloatMatrix([dataset.Label]).Values.ToArray();
        var split = StratifiedSplit.Create(labels, testFraction, (ulong)seed);
        var (trainX, trainY) = split.SelectTrain(features, labels);
        var (testX, testY) = split.SelectTest(features, labels);

        Directory.CreateDirectory(outDirectory);
        Npy.WriteFloat32(Path.Combine(outDirectory, "all_x.npy"), features.Values.ToArray(), features.Columns);
        Npy.WriteFloat32(Path.Combine(outDirectory, "train_x.npy"), trainX.Values.ToArray(), trainX.Columns);
        Npy.WriteFloat32(Path.Combine(outDirectory, "train_y.npy"), trainY);
        Npy.WriteFloat32(Path.Combine(outDirectory, "test_x.npy"), testX.Values.ToArray(), testX.Columns);
        Npy.WriteFloat32(Path.Combine(outDirectory, "test_y.npy"), testY);
        return new { rows = features.Rows, train_rows = trainX.Rows, test_rows = testX.Rows, columns = features.Columns };
    }
}
