namespace MlopsPS.Core.Store;

/// <summary>What <c>Get-MlopsStore</c> shows: which store is in use and what it holds.</summary>
public sealed record StoreInfo(string Path, StoreSource Source, string CatalogPath, int SchemaVersion, long TableCount);
