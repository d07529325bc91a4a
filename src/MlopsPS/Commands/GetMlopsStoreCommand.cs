using System.Management.Automation;
using MlopsPS.Core.Store;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Shows which store is in use and what it holds; creates it if it does not exist yet.</summary>
[Cmdlet(VerbsCommon.Get, "MlopsStore")]
[OutputType(typeof(StoreInfo))]
public sealed class GetMlopsStoreCommand : MlopsCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        try
        {
            WriteRecord(OpenStore().Describe());
        }
        catch (StoreException e)
        {
            ThrowEngineError(e, StoreTarget);
        }
    }
}
