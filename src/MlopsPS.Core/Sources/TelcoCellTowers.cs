using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// IoT events from cell towers, after the telco generator of the Cloudera MLOps lab, with one deliberate change: in
/// the lab the label is independent of the features, so no model can learn anything; here it depends on them.
/// <para>
/// Columns: <c>id</c> (Int64: <c>(uint)seed * 2^31 + row</c>, sequential within a generation and unique across
/// generations with different seeds); <c>device_id</c> (16 lowercase hex digits, random 64 bits); <c>manufacturer</c>
/// (TelcoEquipmentCo 40 %, NetworkDevicesInc 35 %, CellTowerWorks 25 %); <c>event_type</c> (4G signal degradation
/// 40 %, battery 10% 25 %, system malfunction 20 %, battery 5% 15 %); <c>longitude</c> uniform in -125..-66.93 and
/// <c>latitude</c> uniform in 24.40..49.38 (the contiguous United States, 6 decimals); <c>iot_signal_1</c> uniform
/// 1..10; <c>iot_signal_2</c> = iot_signal_1 + uniform 0..2; <c>iot_signal_3</c> uniform 50..55; <c>iot_signal_4</c>
/// uniform 100..107; <c>cell_tower_failure</c> 0/1. Signals and label are Int64, the type CSV inference gives
/// integers, so a table exported to CSV and read back keeps its schema.
/// </para>
/// <para>
/// Label: with the reference standardisation <c>z1 = (iot_signal_1 - 5.5) / 2.8723</c>,
/// <c>z3 = (iot_signal_3 - 52.5) / 1.7078</c>, <c>z4 = (iot_signal_4 - 103.5) / 2.2913</c>,
/// <c>P(cell_tower_failure = 1) = 1 / (1 + exp(-(-2.88 + 1.0 z1 + 0.7 z3 - 0.7 z4)))</c>, drawn as a Bernoulli.
/// Exactly 10.03 % positive in expectation; the best possible ROC AUC (the true probability as the score) is 0.817,
/// so XGBoost on iot_signal_1..4 reaches about 0.80 on held-out rows.
/// </para>
/// <para>
/// Drift of magnitude m (0..1): iot_signal_1 becomes <c>1 + floor(10 u + 3m)</c> (mean up by 3m, range up to 13);
/// iot_signal_2 follows it; iot_signal_4 becomes <c>100 + floor(8 u + 4m)</c> (range moves up to 104..111);
/// iot_signal_3 does not move. The coefficients move linearly to (z1 1.0, z3 -0.7, z4 0.0): the effect of
/// iot_signal_3 reverses and iot_signal_4 stops mattering; the intercept and the standardisation stay. At m = 1 about
/// 19 % are positive, the best AUC is 0.79 and a model fitted to reference data scores about 0.59.
/// </para>
/// </summary>
public sealed class TelcoCellTowers : SyntheticDataset
{
    /// <summary>The registry name.</summary>
    public const string DatasetName = "TelcoCellTowers";

    // The reference standardisation: the means and standard deviations of the undrifted discrete uniforms
    // (sd of uniform 1..n is sqrt((n^2 - 1) / 12)). Fixed, so a drifted batch moves the logit instead of being
    // re-centred away.
    internal const double Mean1 = 5.5;
    internal const double Sd1 = 2.8722813232690143;
    internal const double Mean3 = 52.5;
    internal const double Sd3 = 1.707825127659933;
    internal const double Mean4 = 103.5;
    internal const double Sd4 = 2.29128784747792;

    // Intercept chosen so the expected positive rate over the 480 reference signal combinations is 10 %.
    internal const double Intercept = -2.88;
    internal const double Beta1 = 1.0;
    internal const double Beta3 = 0.7;
    internal const double Beta4 = -0.7;
    internal const double DriftedBeta1 = 1.0;
    internal const double DriftedBeta3 = -0.7;
    internal const double DriftedBeta4 = 0.0;
    internal const double DriftShift1 = 3.0;
    internal const double DriftShift4 = 4.0;

    internal const double MinLongitude = -125.0;
    internal const double MaxLongitude = -66.93;
    internal const double MinLatitude = 24.40;
    internal const double MaxLatitude = 49.38;

    private static readonly string[] s_manufacturers = ["TelcoEquipmentCo", "NetworkDevicesInc", "CellTowerWorks"];
    private static readonly double[] s_manufacturerWeights = [0.40, 0.35, 0.25];
    private static readonly string[] s_eventTypes = ["4G signal degradation", "battery 10%", "system malfunction", "battery 5%"];
    private static readonly double[] s_eventTypeWeights = [0.40, 0.25, 0.20, 0.15];

    private static readonly TableSchema s_schema = new(
    [
        new ColumnSpec("id", ColumnType.Int64),
        new ColumnSpec("device_id", ColumnType.String),
        new ColumnSpec("manufacturer", ColumnType.String),
        new ColumnSpec("event_type", ColumnType.String),
        new ColumnSpec("longitude", ColumnType.Double),
        new ColumnSpec("latitude", ColumnType.Double),
        new ColumnSpec("iot_signal_1", ColumnType.Int64),
        new ColumnSpec("iot_signal_2", ColumnType.Int64),
        new ColumnSpec("iot_signal_3", ColumnType.Int64),
        new ColumnSpec("iot_signal_4", ColumnType.Int64),
        new ColumnSpec("cell_tower_failure", ColumnType.Int64),
    ]);

    /// <summary>The manufacturers, in the order of their weights.</summary>
    public static IReadOnlyList<string> Manufacturers => s_manufacturers;

    /// <summary>The event types, in the order of their weights.</summary>
    public static IReadOnlyList<string> EventTypes => s_eventTypes;

    /// <inheritdoc />
    public override string Name => DatasetName;

    /// <inheritdoc />
    public override string Description =>
        "Cell tower IoT events; cell_tower_failure (~10 %) depends on iot_signal_1, 3 and 4 through a logistic model.";

    /// <inheritdoc />
    public override TableSchema Schema => s_schema;

    /// <inheritdoc />
    public override string Label => "cell_tower_failure";

    /// <inheritdoc />
    public override IReadOnlyList<string> DefaultFeatures { get; } = ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"];

    /// <summary>The probability of a failure for given signals at drift magnitude <paramref name="drift"/> (the documented formula).</summary>
    public static double FailureProbability(long iotSignal1, long iotSignal3, long iotSignal4, double drift = 0.0)
    {
        var beta1 = Lerp(Beta1, DriftedBeta1, drift);
        var beta3 = Lerp(Beta3, DriftedBeta3, drift);
        var beta4 = Lerp(Beta4, DriftedBeta4, drift);
        var logit = Intercept
            + (beta1 * ((iotSignal1 - Mean1) / Sd1))
            + (beta3 * ((iotSignal3 - Mean3) / Sd3))
            + (beta4 * ((iotSignal4 - Mean4) / Sd4));
        return 1.0 / (1.0 + Math.Exp(-logit));
    }

    private protected override BatchFiller CreateFiller(int seed, double driftMagnitude) => new Filler(seed, driftMagnitude);

    private static double Lerp(double from, double to, double t) => from + ((to - from) * t);

    /// <summary>One stream per column; see <see cref="Xoshiro256StarStar.ForStream"/>.</summary>
    private sealed class Filler : BatchFiller
    {
        private readonly long _idBase;
        private readonly double _drift;
        private Xoshiro256StarStar _deviceIds;
        private Xoshiro256StarStar _manufacturers;
        private Xoshiro256StarStar _eventTypes;
        private Xoshiro256StarStar _longitudes;
        private Xoshiro256StarStar _latitudes;
        private Xoshiro256StarStar _signal1;
        private Xoshiro256StarStar _signal2;
        private Xoshiro256StarStar _signal3;
        private Xoshiro256StarStar _signal4;
        private Xoshiro256StarStar _labels;

        public Filler(int seed, double drift)
        {
            // uint seed < 2^32 and row < 2^31, so the id is non-negative and (seed, row) -> id is one to one.
            _idBase = (long)(uint)seed << 31;
            _drift = drift;
            _deviceIds = Xoshiro256StarStar.ForStream(seed, 1);
            _manufacturers = Xoshiro256StarStar.ForStream(seed, 2);
            _eventTypes = Xoshiro256StarStar.ForStream(seed, 3);
            _longitudes = Xoshiro256StarStar.ForStream(seed, 4);
            _latitudes = Xoshiro256StarStar.ForStream(seed, 5);
            _signal1 = Xoshiro256StarStar.ForStream(seed, 6);
            _signal2 = Xoshiro256StarStar.ForStream(seed, 7);
            _signal3 = Xoshiro256StarStar.ForStream(seed, 8);
            _signal4 = Xoshiro256StarStar.ForStream(seed, 9);
            _labels = Xoshiro256StarStar.ForStream(seed, 10);
        }

        public override ColumnBatch Fill(int firstRow, int count)
        {
            var ids = new long[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = _idBase | (uint)(firstRow + i);
            }

            var deviceIds = SyntheticColumns.HexIds(ref _deviceIds, count);
            var manufacturers = SyntheticColumns.Pick(ref _manufacturers, count, s_manufacturers, s_manufacturerWeights);
            var eventTypes = SyntheticColumns.Pick(ref _eventTypes, count, s_eventTypes, s_eventTypeWeights);
            var longitudes = SyntheticColumns.Uniform(ref _longitudes, count, MinLongitude, MaxLongitude, 6);
            var latitudes = SyntheticColumns.Uniform(ref _latitudes, count, MinLatitude, MaxLatitude, 6);

            // Signals: floor(n u + shift) keeps the reference distribution exactly uniform at shift 0 and moves it
            // continuously (not in whole steps) as the drift magnitude grows.
            var signal1 = SyntheticColumns.ShiftedUniformInt(ref _signal1, count, 1, 10, DriftShift1 * _drift);
            var signal2 = new long[count];
            var rng2 = _signal2;
            for (var i = 0; i < count; i++)
            {
                signal2[i] = signal1[i] + rng2.NextInt(3);
            }

            _signal2 = rng2;
            var signal3 = SyntheticColumns.ShiftedUniformInt(ref _signal3, count, 50, 6, 0.0);
            var signal4 = SyntheticColumns.ShiftedUniformInt(ref _signal4, count, 100, 8, DriftShift4 * _drift);

            var labels = new long[count];
            var rngLabel = _labels;
            for (var i = 0; i < count; i++)
            {
                var p = FailureProbability(signal1[i], signal3[i], signal4[i], _drift);
                labels[i] = rngLabel.NextDouble() < p ? 1 : 0;
            }

            _labels = rngLabel;

            return new ColumnBatch(
                s_schema,
                [ids, deviceIds, manufacturers, eventTypes, longitudes, latitudes, signal1, signal2, signal3, signal4, labels],
                count);
        }
    }
}
