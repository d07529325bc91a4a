namespace MlopsPS.Core.Store;

/// <summary>Where the store location came from, in the order it is resolved.</summary>
public enum StoreSource
{
    /// <summary>An explicit <c>-Store</c> parameter.</summary>
    Parameter,

    /// <summary>The <c>MLOPSPS_HOME</c> environment variable.</summary>
    Environment,

    /// <summary>The default folder in the working directory, like MLflow's <c>./mlruns</c>.</summary>
    Default,
}
