namespace MlopsPS.Infrastructure;

/// <summary>
/// Marks a cmdlet whose area of the catalog runs on PostgreSQL stores. Every other cmdlet refuses a PostgreSQL store
/// with one PostgreSqlNotSupported error before it touches anything (<see cref="MlopsCmdlet"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class SupportsPostgreSqlStoreAttribute : Attribute
{
}
