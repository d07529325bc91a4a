# Invoke-Retrain as a long-lived process for 20-Training, which alternates it run by run with the Python anchor
# (bench/python/xgb_train_serve.py). It warms up first (two small retrains of the same kind and a second's pause, so
# that neither JIT nor the first libxgboost load is timed, nor the runtime's background recompilation of the methods
# the warm-ups made hot: on 2 cores it takes a core from libxgboost's two threads), then answers each stdin line,
# {"table": ..., "from": parent, "to": batch}, with one JSON line: the cmdlet's seconds (Measure-Command), the engine's
# phase timings from the run's Timings, and the model file.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $Store,
    [Parameter(Mandatory)][string] $WarmUpTable,
    [Parameter(Mandatory)][long] $WarmUpFrom,
    [Parameter(Mandatory)][long] $WarmUpTo
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
foreach ($warmUp in 1, 2) {
    Invoke-Retrain $WarmUpTable -FromSnapshot $WarmUpFrom -ToSnapshot $WarmUpTo -Store $Store -Hyperparameters @{ nthread = 2 } | Out-Null
}
Start-Sleep -Milliseconds 1000

while ($null -ne ($line = [Console]::In.ReadLine())) {
    $request = $line | ConvertFrom-Json
    $script:run = $null
    $seconds = (Measure-Command {
        $script:run = Invoke-Retrain $request.table -FromSnapshot $request.from -ToSnapshot $request.to -Store $Store -Hyperparameters @{ nthread = 2 }
    }).TotalSeconds
    $phases = [ordered]@{}
    foreach ($phase in $run.Timings.PSObject.Properties) {
        if ($phase.Value -is [timespan]) { $phases[$phase.Name] = $phase.Value.TotalMilliseconds }
    }
    [Console]::Out.WriteLine((@{ seconds = $seconds; phases = $phases; model = Join-Path $run.ArtifactUri 'model/model.json' } | ConvertTo-Json -Compress))
    [Console]::Out.Flush()
}
