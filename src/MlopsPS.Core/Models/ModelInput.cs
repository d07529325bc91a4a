namespace MlopsPS.Core.Models;

/// <summary>One input column of a model's signature, as MLflow's column spec <c>{"type": "double", "name": ...}</c>.</summary>
public sealed record ModelInput(string Name, string Type);
