#Requires -Version 7.4
<#
.SYNOPSIS
    Creates the lab's three jobs: "New Batch" (manual), "Retrain XGBoost" (dependent on New Batch) and
    "API Redeployment" (dependent on Retrain XGBoost).

.DESCRIPTION
    The jobs of the original lab, over the MlopsPS job cmdlets. Once they exist, one trigger runs the whole pipeline
    unattended, each job in its own pwsh after the previous one succeeded, and the history shows every run:

        Start-MlopsJob 'New Batch' -Wait
        Get-MlopsJobRun

    Running the script again brings existing jobs back to these definitions (Set-MlopsJob) instead of failing.
    The jobs use the store named by -Store, else $env:MLOPSPS_HOME, else ./mlops-store. "API Redeployment" needs
    Publish-ModelEndpoint in the module.

.EXAMPLE
    ./demo/Register-LabJobs.ps1 -ModulePath ./out/MlopsPS/MlopsPS.psd1 -Store ./out/demo-store
    Start-MlopsJob 'New Batch' -Store ./out/demo-store -Wait

.EXAMPLE
    ./demo/Register-LabJobs.ps1 -Table cards -Endpoint fraud -RetrainTimeout 00:10:00
#>
[CmdletBinding(SupportsShouldProcess)]
[OutputType('MlopsPS.Core.Jobs.JobDefinition')]
param(
    # The store; $env:MLOPSPS_HOME or ./mlops-store when omitted.
    [string] $Store,

    # The table New Batch appends to and Retrain XGBoost trains on.
    [ValidateNotNullOrEmpty()]
    [string] $Table = 'telco',

    # The endpoint API Redeployment publishes the newest model to.
    [ValidateNotNullOrEmpty()]
    [string] $Endpoint = 'celltower',

    # How long the retrain job may run before it is killed.
    [TimeSpan] $RetrainTimeout = '00:30:00',

    # The module to import when MlopsPS is not loaded yet (e.g. ./out/MlopsPS/MlopsPS.psd1).
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
if ($ModulePath) { Import-Module (Resolve-Path $ModulePath).Path }
elseif (-not (Get-Module MlopsPS)) { Import-Module MlopsPS }

function Quote([string] $Text) { "'" + ($Text -replace "'", "''") + "'" }

# Job scripts run in a new pwsh, so values go into their text (a script block does not capture variables).
$experiment = "xgb-$Table"
$jobs = @(
    @{ Name = 'New Batch'; Script = "New-Batch -Table $(Quote $Table)"; Parent = $null; Timeout = $null }
    @{ Name = 'Retrain XGBoost'; Script = "Invoke-Retrain -Table $(Quote $Table)"; Parent = 'New Batch'; Timeout = $RetrainTimeout }
    @{ Name = 'API Redeployment'; Script = "Get-ExperimentRun -Experiment $(Quote $experiment) -Latest | Publish-ModelEndpoint -Name $(Quote $Endpoint)"; Parent = 'Retrain XGBoost'; Timeout = $null }
)

$storeParameter = if ($Store) { @{ Store = $Store } } else { @{} }
$existing = @(Get-MlopsJob @storeParameter).Name
foreach ($job in $jobs) {
    $definition = @{ ScriptBlock = [scriptblock]::Create($job.Script) } + $storeParameter
    if ($job.Timeout) { $definition.Timeout = $job.Timeout }
    if ($existing -contains $job.Name) {
        if ($job.Parent) { $definition.Parent = $job.Parent } else { $definition.Manual = $true }
        if (-not $job.Timeout) { $definition.Timeout = 0 }
        Set-MlopsJob -Name $job.Name @definition -WhatIf:$WhatIfPreference
    }
    else {
        if ($job.Parent) { $definition.Parent = $job.Parent }
        Register-MlopsJob -Name $job.Name @definition -WhatIf:$WhatIfPreference
    }
}
