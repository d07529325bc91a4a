using MlopsPS.ScoringHost;

// The scoring host of one endpoint: dotnet MlopsPS.ScoringHost.dll --store <folder> --endpoint <name> [--log <file>]
return await HostProgram.RunAsync(args);
