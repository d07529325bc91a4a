// The engine-side halves of MlopsPS's benchmarks. bench/Invoke-Benchmarks.ps1 runs each subcommand beside its
// anchor and prints the ratio; every subcommand prints one JSON object.
using System.Text.Json;
using MlopsPS.Benchmarks;

var command = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
object result = command switch
{
    "parquet-anchor" => ParquetAnchor.Run(options.Int("--rows"), options.Text("--out")),
    "newest-batch-read" => NewestBatchRead.Run(options.Int("--snapshots"), options.Text("--dir"), options.Int("--reads", 200)),
    "export-split" => TrainingExport.Run(options.Text("--store"), options.Text("--table"), options.Text("--out"), options.Int("--seed", 42), options.Double("--test-fraction", 0.3), options.OptionalLong("--from-snapshot"), options.OptionalLong("--to-snapshot")),
    "train-timing" => TrainTiming.Run(options.Text("--dir"), options.Int("--nthread", 2), options.Int("--rounds", 100), options.Int("--repeat", 3)),
    "predict" => PredictTiming.Run(options.Text("--model"), options.Text("--data"), options.Int("--repeat", 3)),
    "commit-writer" => CommitWriter.Run(options.Text("--store"), options.Text("--table"), options.Int("--writer"), options.Int("--commits"), options.Int("--rows", 10), options.OptionalLong("--start-at") ?? 0),
    "prediction-log" => PredictionLogWrite.Run(options.Text("--sqlite"), options.Text("--postgresql"), options.Int("--rows", 200_000), options.Int("--rounds", 4)),
    _ => throw new ArgumentException("usage: MlopsPS.Benchmarks parquet-anchor|newest-batch-read|export-split|train-timing|predict|commit-writer|prediction-log [--options]"),
};
Console.WriteLine(JsonSerializer.Serialize(result));
