using System.Management.Automation;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables.Iceberg;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Changes a store's settings: the Iceberg catalog name its tables are registered under.</summary>
[Cmdlet(VerbsCommon.Set, "MlopsStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StoreInfo))]
public sealed class SetMlopsStoreCommand : MlopsCmdlet
{
    /// <summary>
    /// The catalog name of the store's tables in the Iceberg SQL catalog (PyIceberg's and Spark's catalog name;
    /// default <c>mlops</c>). Existing tables move to it in one transaction.
    /// </summary>
    [Parameter(Mandatory = true)]
    public string IcebergCatalogName { get; set; } = string.Empty;

    /// <summary>Writes the store (as <c>Get-MlopsStore</c> shows it) after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        try
        {
            Core.Tables.Iceberg.IcebergCatalogName.Validate(IcebergCatalogName);
            var store = OpenStore();
            var current = Core.Tables.Iceberg.IcebergCatalogName.Read(store);
            if (current != IcebergCatalogName
                && ShouldProcess(store.Location.Display, $"Set the Iceberg catalog name from '{current}' to '{IcebergCatalogName}', moving the store's tables to it"))
            {
                var (oldName, moved) = Core.Tables.Iceberg.IcebergCatalogName.Change(store, IcebergCatalogName);
                WriteVerbose($"Moved {moved} table(s) from Iceberg catalog '{oldName}' to '{IcebergCatalogName}'.");
            }

            if (PassThru)
            {
                WriteRecord(store.Describe());
            }
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e))
        {
            ThrowEngineError(e, e is InvalidIcebergCatalogNameException ? IcebergCatalogName : StoreTarget);
        }
    }
}
