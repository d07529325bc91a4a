using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Snapshot ids are random positive 64-bit numbers, as Iceberg's: unique without coordination between
/// processes, and they say nothing about order (sequence numbers do that).
/// </summary>
internal static class SnapshotIds
{
    /// <summary>A new id not used by any snapshot in the catalog (checked inside the commit's transaction).</summary>
    public static long NewUnused(DbConnection connection)
    {
        while (true)
        {
            var id = Random();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM snapshots WHERE snapshot_id = @id;";
            command.AddParameter("@id", id);
            if ((long)command.ExecuteScalar()! == 0)
            {
                return id;
            }
        }
    }

    private static long Random()
    {
        Span<byte> bytes = stackalloc byte[8];
        long id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BinaryPrimitives.ReadInt64LittleEndian(bytes) & long.MaxValue;
        }
        while (id == 0);
        return id;
    }
}
