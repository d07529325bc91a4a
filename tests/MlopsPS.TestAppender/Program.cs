using System.Globalization;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

// Usage:
//   append <store> <table> <writer> <batches> <rows> <seed> [<start-at-unix-ms>]
//       Appends <batches> snapshots of <rows> rows each; prints one line per commit and, last,
//       "interleaved <n>": how many commits landed on a parent other than the current snapshot read just before.
//   hang <store> <table> <rows>
//       Starts an append whose first batch has <rows> rows, then prints "HANGING" and blocks forever while
//       the data file is still being written, so a test can kill the process mid-append.
var mode = args[0];
var store = MlopsStore.Open(StoreLocation.Parse(args[1], Environment.CurrentDirectory));
var catalog = new TableCatalog(store);
var table = args[2];

if (mode == "hang")
{
    var rows = Int(args[3]);
    catalog.Append(table, HangAfterFirst(TestRows.Batch(writer: 99, batch: 0, rows, seed: 1), Path.Combine(store.TablesDirectory, table)));
    return 1;
}

var writerId = Int(args[3]);
var batches = Int(args[4]);
var rowCount = Int(args[5]);
var seed = Int(args[6]);
if (args.Length > 7)
{
    // Start together with the other processes, once all have paid their start-up cost.
    var wait = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[7], CultureInfo.InvariantCulture)) - DateTimeOffset.UtcNow;
    if (wait > TimeSpan.Zero)
    {
        Thread.Sleep(wait);
    }
}

var interleaved = 0;
for (var b = 0; b < batches; b++)
{
    long? before = catalog.TableExists(table) ? catalog.CurrentSnapshot(table).SnapshotId : null;
    var snapshot = catalog.Append(table, [TestRows.Batch(writerId, b, rowCount, seed)]);
    if (snapshot.ParentId != before)
    {
        interleaved++;
    }

    Console.WriteLine($"snapshot {snapshot.SnapshotId} parent {snapshot.ParentId} sequence {snapshot.SequenceNumber}");
}

Console.WriteLine($"interleaved {interleaved}");
return 0;

static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

static IEnumerable<ColumnBatch> HangAfterFirst(ColumnBatch first, string tableFolder)
{
    yield return first;

    // The append reads batches ahead on another thread: wait until the first row group is in the temporary file,
    // so that "HANGING" means the append is really in the middle of its write.
    var deadline = DateTime.UtcNow.AddMinutes(1);
    while (DateTime.UtcNow < deadline && !Directory.EnumerateFiles(tableFolder, "*.parquet.tmp").Any(f => new FileInfo(f).Length > 0))
    {
        Thread.Sleep(20);
    }

    Console.WriteLine("HANGING");
    Console.Out.Flush();
    Thread.Sleep(Timeout.Infinite);
}
