#Requires -Version 7.4
<#
.SYNOPSIS
    The main job: the whole lab, end to end, on a fresh store.
.DESCRIPTION
    Started by `dotnet pwsh ./build.ps1 demo`. It creates the lab's three jobs ("New Batch", "Retrain XGBoost"
    dependent on it, "API Redeployment" dependent on that), triggers "New Batch" and waits for the chain, prints the
    job history and sends the lab's sample request to the endpoint; triggers the chain again and shows the endpoint
    serving model version 2 from the same host process (redeployed, not restarted); then shows the same pipeline as
    one line of PowerShell, and what the store knows about it all. It stops the endpoint unless -KeepEndpoints.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $StorePath,
    [switch] $KeepEndpoints
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
$clock = [System.Diagnostics.Stopwatch]::StartNew()

function Write-Section([string] $Title) {
    Write-Host ''
    Write-Host ("### {0}  [{1:N0} s]" -f $Title, $clock.Elapsed.TotalSeconds) -ForegroundColor Yellow
}

function Show {
    # Prints objects with their default view, wide enough that the columns are not cut.
    param([Parameter(ValueFromPipeline)] $InputObject, [switch] $List)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end {
        $formatted = if ($List) { $items | Format-List } else { $items | Format-Table -AutoSize }
        $formatted | Out-String -Width 220 | Write-Host
    }
}

if (Test-Path $StorePath) {
    Get-ModelEndpoint -Store $StorePath -ErrorAction Ignore | Stop-ModelEndpoint -Store $StorePath -ErrorAction Ignore
    Remove-Item $StorePath -Recurse -Force
}
$env:MLOPSPS_HOME = $StorePath
$sample = '{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}'

Write-Section 'The store'
Get-MlopsStore | Show -List

try {
    Write-Section 'The lab''s three jobs: New Batch (manual) -> Retrain XGBoost -> API Redeployment'
    & (Join-Path $PSScriptRoot 'Register-LabJobs.ps1') -Table telco -Endpoint celltower | Show

    Write-Section 'Trigger New Batch; the chain runs unattended, each job in its own pwsh'
    Start-MlopsJob 'New Batch' -Wait | Show

    Write-Section 'What the chain made: a snapshot, a tracked run with its lineage tags, a deployed endpoint'
    Get-TableSnapshot telco | Show
    $run = Get-ExperimentRun -Experiment xgb-telco -Latest
    $run | Show
    $run.Tags.GetEnumerator() | Where-Object { $_.Key -like 'iceberg_*' -or $_.Key -eq 'row_count' } | Sort-Object Key | Show
    $endpoint = Get-ModelEndpoint celltower
    $endpoint | Show

    Write-Section "The lab's sample request: POST $($endpoint.Url)/invocations"
    Write-Host $sample
    Invoke-RestMethod -Method Post -Uri "$($endpoint.Url)/invocations" -ContentType application/json -Body $sample |
        ConvertTo-Json -Compress | Write-Host

    Write-Section 'Trigger the chain again: a second batch, a second model, redeployed into the running host'
    Start-MlopsJob 'New Batch' -Wait | Show
    $after = Get-ModelEndpoint celltower
    Invoke-RestMethod "$($after.Url)/version" | ConvertTo-Json -Compress | Write-Host
    "Version {0} -> {1}; host pid {2} -> {3}: {4}" -f $endpoint.Version, $after.Version, $endpoint.ProcessId, $after.ProcessId,
        $(if ($endpoint.ProcessId -eq $after.ProcessId) { 'redeployed, not restarted' } else { 'RESTARTED' }) | Write-Host
    Invoke-RestMethod -Method Post -Uri "$($after.Url)/invocations" -ContentType application/json -Body $sample |
        ConvertTo-Json -Compress | Write-Host

    Write-Section 'The Job History'
    Get-MlopsJobRun | Show

    Write-Section 'The same pipeline as one line: New-Batch -Table telco | Invoke-Retrain | Publish-ModelEndpoint -Name celltower'
    New-Batch -Table telco | Invoke-Retrain | Publish-ModelEndpoint -Name celltower | Show -List

    Write-Section 'Only the newest batch, read incrementally, scored through the endpoint'
    $newest = Get-TableSnapshot telco -Current
    $rows = Read-Table telco -FromSnapshot $newest.ParentId -ToSnapshot $newest.SnapshotId
    $scored = $rows | Invoke-ModelEndpoint celltower
    $scored | Select-Object -First 5 id, iot_signal_1, iot_signal_2, iot_signal_3, iot_signal_4, cell_tower_failure, Prediction, Probability, PredictionId | Show
    "{0} rows of {1} in the table scored; {2:P1} of the predictions match the label" -f $scored.Count, (Get-Table telco).TotalRecords,
        (@($scored | Where-Object { "$($_.Prediction)" -eq "$($_.cell_tower_failure)" }).Count / $scored.Count) | Write-Host

    Write-Section 'Monitoring: the true labels arrive later (delayed ground truth), then accuracy and latency per window'
    $scored | Select-Object PredictionId, @{ Name = 'Label'; Expression = { $_.cell_tower_failure } } | Add-GroundTruth
    Get-ModelEndpointMetric celltower -WindowSize 500 | Show

    Write-Section 'Lineage of one prediction: endpoint, deployment, model version, run, the snapshot it was trained on'
    $scored[0] | Get-PredictionLineage | Show -List

    Write-Section 'Drift: a batch from the same distribution, then a drifted one (New-Batch -Drift), against the batch before'
    New-Batch -Table telco -Seed 11 | Measure-FeatureDrift | Show
    New-Batch -Table telco -Seed 12 -Drift | Measure-FeatureDrift | Show

    Write-Section 'A self-contained HTML report of the endpoint (opens in a browser with no network)'
    Export-ModelEndpointReport -Name celltower -Path (Join-Path (Split-Path $StorePath) 'celltower-report.html') | Select-Object FullName, Length | Show

    Write-Section 'Runs side by side, the registry, and the deployment history (which version was live when)'
    Get-ExperimentRun -Experiment xgb-telco | Compare-ExperimentRun -DifferentOnly | Where-Object Key -Like 'metrics.*' | Show
    Get-ModelVersion celltower | Show
    Get-ModelDeployment celltower | Show
}
finally {
    if ($KeepEndpoints) {
        Write-Host "`nThe endpoint keeps running: Get-ModelEndpoint -Store '$StorePath'; Stop-ModelEndpoint celltower -Store '$StorePath' stops it."
    }
    else {
        Get-ModelEndpoint -ErrorAction Ignore | Stop-ModelEndpoint -ErrorAction Continue
    }
}

Write-Section 'Done'
