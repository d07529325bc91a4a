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

function Write-Section([string] $Title) {
    Write-Host ''
    Write-Host "### $Title" -ForegroundColor Yellow
}

if (Test-Path $StorePath) { Remove-Item $StorePath -Recurse -Force }
$env:MLOPSPS_HOME = $StorePath

Write-Section 'The store'
Get-MlopsStore | Format-List | Out-Host

Write-Section 'New Batch: two synthetic batches of telco cell-tower events'
$first = New-Batch -Table telco -Seed 1
$second = New-Batch -Table telco -Seed 2
$first, $second | Format-Table | Out-Host

Write-Section 'The table and its snapshots (Iceberg "snapshots" metadata table)'
Get-Table telco | Format-Table | Out-Host
Get-TableSnapshot telco | Format-Table | Out-Host

Write-Section "Incremental read: only the newest batch, snapshots ($($second.ParentId), $($second.SnapshotId)]"
$newest = Read-Table telco -FromSnapshot $second.ParentId -ToSnapshot $second.SnapshotId
"{0} rows in the newest batch; {1} in the whole table" -f $newest.Count, (Get-Table telco).TotalRecords | Out-Host
$newest | Select-Object -First 5 | Format-Table | Out-Host

Write-Section 'Time travel: the table as of the first snapshot'
"{0} rows as of snapshot {1}" -f @(Read-Table telco -AsOfSnapshot $first.SnapshotId).Count, $first.SnapshotId | Out-Host
