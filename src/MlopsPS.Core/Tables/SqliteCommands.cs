using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Tables;

/// <summary>One-line parameterised statements for the catalog's writes.</summary>
internal static class SqliteCommands
{
    /// <summary>Runs <paramref name="sql"/>; returns its first value when that is an integer (RETURNING), else 0.</summary>
    public static long Execute(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        connection.ExecuteScalarValue(sql, parameters) is long first ? first : 0;

    /// <summary>Runs <paramref name="sql"/> and returns its first value as it is (null for none or NULL).</summary>
    public static object? ExecuteScalarValue(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteScalar() is var result and not DBNull ? result : null;
    }
}
