namespace MlopsPS.Core.Store;

/// <summary>One numbered schema change of the catalog, read from an embedded <c>NNNN_name.sql</c> file.</summary>
public sealed record Migration(int Version, string Name, string Sql);
