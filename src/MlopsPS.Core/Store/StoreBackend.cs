namespace MlopsPS.Core.Store;

/// <summary>The database engine that holds a store's catalog.</summary>
public enum StoreBackend
{
    /// <summary>The embedded default: <c>catalog.db</c> in the store folder, shared by the processes of one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database named by a <c>postgresql://</c> location, shared by several machines.</summary>
    PostgreSql,
}
