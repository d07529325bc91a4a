using System.Data.Common;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Finds logged predictions' rows by the ids the callers got. The log has no index of the ids (migration 0007): an
/// id's time is its prediction's <c>predicted_at</c>, so a lookup seeks the (source, time) index once per source; rows
/// moved over from migration 0006 (SQLite only: a PostgreSQL catalog was created at 0007), stamped a moment after their
/// ids, are found through their own small index. The commands are made once per lookup object, for callers that look
/// up many ids.
/// </summary>
internal sealed class PredictionIdLookup : IDisposable
{
    private readonly DbCommand _byTime;
    private readonly DbParameter _at;
    private readonly DbParameter _id;
    private readonly DbCommand? _migrated;
    private readonly DbParameter? _migratedId;

    public PredictionIdLookup(DbConnection connection, DbTransaction? transaction = null)
    {
        // CROSS JOIN keeps the sources as the outer loop on SQLite: one index seek per source (PostgreSQL plans the
        // same nested loop over the (source, time) index by itself).
        _byTime = CatalogDatabase.Command(connection, transaction, """
            SELECT p.seq FROM prediction_sources s CROSS JOIN prediction_log p
            WHERE p.source_id = s.source_id AND p.predicted_at = @at AND p.prediction_id = @id
            """);
        _at = _byTime.AddParameter("at", 0L);
        _id = _byTime.AddParameter("id", Array.Empty<byte>());
        if (connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            _migrated = CatalogDatabase.Command(connection, transaction, "SELECT seq FROM prediction_log WHERE prediction_id = @id AND typeof(inputs) = 'text'");
            _migratedId = _migrated.AddParameter("id", Array.Empty<byte>());
        }
    }

    /// <summary>The <c>seq</c> of the prediction <paramref name="predictionId"/>, or null when the log has none.</summary>
    public long? FindSeq(string predictionId)
    {
        if (!PredictionIds.TryGetBytes(predictionId, out var id))
        {
            return null;
        }

        _at.Value = PredictionIds.TimestampOf(id);
        _id.Value = id;
        if (_byTime.ExecuteScalar() is long seq)
        {
            return seq;
        }

        if (_migrated is null)
        {
            return null;
        }

        _migratedId!.Value = id;
        return _migrated.ExecuteScalar() as long?;
    }

    public void Dispose()
    {
        _byTime.Dispose();
        _migrated?.Dispose();
    }
}
