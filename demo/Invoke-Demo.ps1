#Requires -Version 7.4
<#
.SYNOPSIS
    The main job: the MlopsPS pipeline, end to end, on a fresh store.
.DESCRIPTION
    Started by `dotnet pwsh ./build.ps1 demo`. It walks through the lab the way a user would at the prompt, and
    prints what each step returns.
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

function Write-Section([string] $Title) {
    Write-Host ''
    Write-Host "### $Title" -ForegroundColor Yellow
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

if (Test-Path $StorePath) { Remove-Item $StorePath -Recurse -Force }
$env:MLOPSPS_HOME = $StorePath

Write-Section 'The store'
Get-MlopsStore | Show -List

Write-Section 'New Batch: two synthetic batches of telco cell-tower events'
$first = New-Batch -Table telco -Seed 1
$second = New-Batch -Table telco -Seed 2
$first, $second | Show

Write-Section 'The table and its snapshots (Iceberg "snapshots" metadata table)'
Get-Table telco | Show
Get-TableSnapshot telco | Show

Write-Section "Incremental read: only the newest batch, snapshots ($($second.ParentId), $($second.SnapshotId)]"
$newest = Read-Table telco -FromSnapshot $second.ParentId -ToSnapshot $second.SnapshotId
"{0} rows in the newest batch; {1} in the whole table" -f $newest.Count, (Get-Table telco).TotalRecords | Write-Host
$newest | Select-Object -First 5 | Show

Write-Section 'Time travel: the table as of the first snapshot'
"{0} rows as of snapshot {1}" -f @(Read-Table telco -AsOfSnapshot $first.SnapshotId).Count, $first.SnapshotId | Write-Host

Write-Section 'Retrain XGBoost: the newest batch, tracked as an experiment run'
$run = $second | Invoke-Retrain
$run | Show
"Lineage tags: " + (($run.Tags.GetEnumerator() | Where-Object Key -Like 'iceberg_*' | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ', ') + ", row_count=$($run.Tags['row_count'])" | Write-Host
$run.Metrics.GetEnumerator() | Where-Object Key -NotLike 'eval_*' | Sort-Object Key |
    Select-Object Key, @{ Label = 'Value'; Expression = { '{0:N4}' -f $_.Value } } | Show
Get-ExperimentRunArtifact -RunId $run.RunId | Show

Write-Section 'Publish: register the run''s model, build it, deploy it as a REST endpoint'
$deployment = $run | Publish-ModelEndpoint -Name celltower
$deployment | Show -List
Get-ModelEndpoint | Show

try {
    Write-Section "The lab's sample request: POST $($deployment.Url)/invocations"
    $sample = '{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}, "params": {"predict_proba": true}}'
    Write-Host $sample
    Invoke-RestMethod -Method Post -Uri "$($deployment.Url)/invocations" -ContentType application/json -Body $sample |
        ConvertTo-Json -Compress | Write-Host

    Write-Section 'Score the newest batch through the endpoint (Invoke-ModelEndpoint)'
    $scored = $newest | Invoke-ModelEndpoint celltower
    $scored | Select-Object -First 5 id, iot_signal_1, iot_signal_2, iot_signal_3, iot_signal_4, cell_tower_failure, Prediction, Probability, PredictionId | Show
    "{0} rows scored; {1:P1} of the predictions match the label" -f $scored.Count, (@($scored | Where-Object { $_.Prediction -eq $_.cell_tower_failure }).Count / $scored.Count) | Write-Host

    Write-Section 'The later job: a new batch, retrain, redeploy the same endpoint (the model is swapped in the running host)'
    $redeployed = New-Batch -Table telco -Seed 3 | Invoke-Retrain | Publish-ModelEndpoint -Name celltower
    "Now serving {0} at {1} (host pid {2}, the same process)" -f $redeployed.ModelUri, $redeployed.Url, $redeployed.ProcessId | Write-Host

    Write-Section 'Deployment history (which version was live when) and the latest deployment details'
    Get-ModelDeployment celltower | Show
    Get-ModelDeployment celltower -Latest | Show -List
    Get-ModelEndpointLog celltower -Tail 4 | Write-Host
}
finally {
    if ($KeepEndpoints) {
        Write-Host "The endpoint keeps running: $($deployment.Url) (Stop-ModelEndpoint celltower -Store '$StorePath' stops it)."
    }
    else {
        Stop-ModelEndpoint celltower
    }
}
