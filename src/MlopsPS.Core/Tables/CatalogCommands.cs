using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables;

/// <summary>
/// One-line parameterised statements for the catalog's writes, on either engine (<c>@name</c> parameters; commands
/// join the connection's pending transaction: Microsoft.Data.Sqlite gives a new command its connection's, Npgsql has
/// one transaction per connection).
/// </summary>
internal static class CatalogCommands
{
    /// <summary>Runs <paramref name="sql"/>; returns its first value when that is an integer (RETURNING), else 0.</summary>
    public static long Execute(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        connection.ExecuteScalarValue(sql, parameters) switch
        {
            long value => value,
            int value => value,
            _ => 0,
        };

    /// <summary>Runs <paramref name="sql"/> and returns its first value as it is (null for none or NULL).</summary>
    public static object? ExecuteScalarValue(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = CatalogDatabase.Command(connection, null, sql, parameters);
        return command.ExecuteScalar() is var result and not DBNull ? result : null;
    }
}

/// <summary>Read transactions: every query of one call sees the same committed state, on either engine.</summary>
internal static class CatalogReads
{
    /// <summary>
    /// SQLite: a deferred transaction (a WAL read snapshot; readers never block the writer). PostgreSQL: REPEATABLE
    /// READ, the snapshot of the first statement for the whole transaction.
    /// </summary>
    public static DbTransaction BeginRead(DbConnection connection) => connection is SqliteConnection sqlite
        ? sqlite.BeginTransaction(deferred: true)
        : connection.BeginTransaction(IsolationLevel.RepeatableRead);
}
