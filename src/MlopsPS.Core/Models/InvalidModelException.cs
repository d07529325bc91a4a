namespace MlopsPS.Core.Models;

/// <summary>A model artifact is missing, incomplete, or does not load.</summary>
public sealed class InvalidModelException(string message, Exception? inner = null)
    : MlopsException(message, MlopsErrorKind.InvalidData, inner);
