namespace MlopsPS.Core.Store;

/// <summary>
/// What <c>Get-MlopsStore</c> shows: which store is in use and what it holds. <see cref="Path"/> is the location to
/// pass as <c>-Store</c> (a folder, or a PostgreSQL URI without its password); <see cref="Root"/> the folder of data
/// files, artifacts and logs; <see cref="IcebergCatalogName"/> the catalog name its tables have in the Iceberg SQL catalog.
/// </summary>
public sealed record StoreInfo(string Path, StoreSource Source, string CatalogPath, int SchemaVersion, long TableCount, StoreBackend Backend, string Root, string IcebergCatalogName);
