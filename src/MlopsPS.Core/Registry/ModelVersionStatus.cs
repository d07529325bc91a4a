namespace MlopsPS.Core.Registry;

/// <summary>A model version's registration state, as MLflow's ModelVersionStatus.</summary>
public enum ModelVersionStatus
{
    /// <summary>Being registered.</summary>
    PendingRegistration,

    /// <summary>Registration failed; the status message says why.</summary>
    FailedRegistration,

    /// <summary>Registered and usable.</summary>
    Ready,
}
