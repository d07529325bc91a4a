using System.Data.Common;
using System.Globalization;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Parameterised one-liners for the job catalog, on either engine (<c>@name</c> parameters). Commands join the
/// connection's open transaction: Microsoft.Data.Sqlite and Npgsql both give a new command the pending one.
/// </summary>
internal static class JobSql
{
    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        CatalogDatabase.Command(connection, null, sql, parameters);

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public static int Run(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        CatalogDatabase.Execute(connection, null, sql, parameters);

    /// <summary>Runs a query; returns its first value (64-bit integers as long on both engines), or null.</summary>
    public static object? Scalar(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var value = CatalogDatabase.Scalar(connection, null, sql, parameters);
        return value switch
        {
            DBNull => null,
            int i => (long)i,
            _ => value,
        };
    }

    public static string? StringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? Int64OrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? Int32OrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
