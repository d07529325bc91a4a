using System.Globalization;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Writes batches of predictions to the <c>predictions</c> table (migration 0006): one transaction per batch, through
/// one connection and prepared statements kept for the writer's life. Not thread-safe: the recorder's background
/// writer is its only caller.
/// </summary>
/// <remarks>
/// Rows go in by statements of <see cref="RowsPerStatement"/> rows (then one row at a time for the rest): SQLite's cost
/// per statement execution is larger than its cost per row, and the host may log tens of thousands of predictions a
/// second on a core it shares with the requests.
/// </remarks>
internal sealed class PredictionLogWriter : IDisposable
{
    public const int RowsPerStatement = 32;
    private const int ColumnsPerRow = 10;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _many;
    private readonly SqliteCommand _one;
    private char[] _json = new char[256];

    public PredictionLogWriter(MlopsStore store)
    {
        _connection = store.OpenConnection();
        _many = Prepare(RowsPerStatement);
        _one = Prepare(1);
    }

    /// <summary>Writes every row of <paramref name="batches"/> in one transaction; returns the rows written.</summary>
    public int Write(IReadOnlyList<PredictionBatch> batches)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _many.Transaction = transaction;
        _one.Transaction = transaction;
        var written = 0;
        var filled = 0;
        Span<byte> id = stackalloc byte[PredictionIds.Length];
        foreach (var batch in batches)
        {
            var tail = PredictionIds.Prepare(batch.RequestId, id);
            for (var row = 0; row < batch.Rows; row++)
            {
                PredictionIds.SetRow(id, tail, row);
                Bind(_many, filled, batch, row, id);
                if (++filled == RowsPerStatement)
                {
                    written += _many.ExecuteNonQuery();
                    filled = 0;
                }
            }
        }

        // The rest, one by one: the bound values are still in _many's parameters, copy them over.
        for (var r = 0; r < filled; r++)
        {
            for (var c = 0; c < ColumnsPerRow; c++)
            {
                _one.Parameters[c].Value = _many.Parameters[(r * ColumnsPerRow) + c].Value;
            }

            written += _one.ExecuteNonQuery();
        }

        transaction.Commit();
        return written;
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
        _connection.Dispose();
    }

    private void Bind(SqliteCommand command, int slot, PredictionBatch batch, int row, ReadOnlySpan<byte> id)
    {
        var source = batch.Source;
        var parameters = command.Parameters;
        var at = slot * ColumnsPerRow;
        var probability = batch.Probabilities[row];
        parameters[at].Value = System.Text.Encoding.ASCII.GetString(id);
        parameters[at + 1].Value = source.EndpointName;
        parameters[at + 2].Value = source.DeploymentId;
        parameters[at + 3].Value = source.ModelName;
        parameters[at + 4].Value = source.ModelVersion;
        parameters[at + 5].Value = batch.PredictedAtMs;
        parameters[at + 6].Value = InputsJson(source, batch.Values, row);
        parameters[at + 7].Value = source.Schema.ClassLabels[probability >= source.Schema.Threshold ? 1 : 0];
        parameters[at + 8].Value = (double)probability;
        parameters[at + 9].Value = batch.LatencyUs;
    }

    // {"feature": value, ...} in model order; a missing value (NaN) is null. Floats in their shortest round-trip form.
    private string InputsJson(PredictionSource source, float[] values, int row)
    {
        var keys = source.InputKeys;
        var start = row * keys.Length;
        var length = 0;
        for (var c = 0; c < keys.Length; c++)
        {
            Ensure(length + keys[c].Length + 16);
            keys[c].CopyTo(_json.AsSpan(length));
            length += keys[c].Length;
            var value = values[start + c];
            if (float.IsNaN(value))
            {
                "null".CopyTo(_json.AsSpan(length));
                length += 4;
            }
            else
            {
                value.TryFormat(_json.AsSpan(length), out var count, default, CultureInfo.InvariantCulture);
                length += count;
            }
        }

        Ensure(length + 1);
        _json[length++] = '}';
        return new string(_json, 0, length);
    }

    private void Ensure(int capacity)
    {
        if (_json.Length < capacity)
        {
            Array.Resize(ref _json, Math.Max(capacity, _json.Length * 2));
        }
    }

    private SqliteCommand Prepare(int rows)
    {
        var command = _connection.CreateCommand();
        var values = new System.Text.StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            values.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < ColumnsPerRow; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"$p{(r * ColumnsPerRow) + c}");
                values.Append(c == 0 ? "" : ",").Append(name);
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            values.Append(')');
        }

        // OR IGNORE: ids are unique by construction (a random UUID per request); a duplicate cannot be a second
        // prediction, and must not cost the other rows of the batch.
        command.CommandText = $"""
            INSERT OR IGNORE INTO predictions (prediction_id, endpoint_name, deployment_id, model_name, model_version,
                predicted_at, inputs_json, prediction, probability, latency_us)
            VALUES {values};
            """;
        command.Prepare();
        return command;
    }
}
