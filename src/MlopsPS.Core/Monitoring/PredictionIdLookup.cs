using Microsoft.Data.Sqlite;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Finds logged predictions' rows by the ids the callers got. The log has no index of the ids (migration 0007): an
/// id's time is its prediction's <c>predicted_at</c>, so a lookup seeks the (source, time) index once per source; rows
/// moved over from migration 0006, stamped a moment after their ids, are found through their own small index. The
/// statements are prepared once per lookup object, for callers that look up many ids.
/// </summary>
internal sealed class PredictionIdLookup : IDisposable
{
    private readonly SqliteCommand _byTime;
    private readonly SqliteCommand _migrated;

    public PredictionIdLookup(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        // CROSS JOIN keeps the sources as the outer loop: one index seek per source.
        _byTime = connection.CreateCommand();
        _byTime.Transaction = transaction;
        _byTime.CommandText = """
            SELECT p.seq FROM prediction_sources s CROSS JOIN prediction_log p
            WHERE p.source_id = s.source_id AND p.predicted_at = $at AND p.prediction_id = $id;
            """;
        _byTime.Parameters.Add("$at", SqliteType.Integer);
        _byTime.Parameters.Add("$id", SqliteType.Blob);
        _migrated = connection.CreateCommand();
        _migrated.Transaction = transaction;
        _migrated.CommandText = "SELECT seq FROM prediction_log WHERE prediction_id = $id AND typeof(inputs) = 'text';";
        _migrated.Parameters.Add("$id", SqliteType.Blob);
    }

    /// <summary>The <c>seq</c> of the prediction <paramref name="predictionId"/>, or null when the log has none.</summary>
    public long? FindSeq(string predictionId)
    {
        if (!PredictionIds.TryGetBytes(predictionId, out var id))
        {
            return null;
        }

        _byTime.Parameters["$at"].Value = PredictionIds.TimestampOf(id);
        _byTime.Parameters["$id"].Value = id;
        if (_byTime.ExecuteScalar() is long seq)
        {
            return seq;
        }

        _migrated.Parameters["$id"].Value = id;
        return _migrated.ExecuteScalar() as long?;
    }

    public void Dispose()
    {
        _byTime.Dispose();
        _migrated.Dispose();
    }
}
