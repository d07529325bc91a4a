#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester tests in this (fresh) pwsh and writes the counts for build.ps1.
.DESCRIPTION
    build.ps1 starts this in a new `pwsh -NoProfile` so that the module assemblies it loads never lock the build
    output of the next build.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $TestPath = (Join-Path $PSScriptRoot 'pester')
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
# The tests import the module from here, and start child pwsh processes with the same module.
$env:MLOPSPS_TEST_MODULE = $ModulePath
# Every store a test makes goes under one folder, removed when the run ends.
$env:MLOPSPS_TEST_ROOT = Join-Path ([System.IO.Path]::GetTempPath()) ("mlopsps-pester-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $env:MLOPSPS_TEST_ROOT | Out-Null

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
if ($env:CI -or [Console]::IsOutputRedirected) { $configuration.Output.RenderMode = 'Plaintext' }
try {
    $result = Invoke-Pester -Configuration $configuration
}
finally {
    Remove-Item $env:MLOPSPS_TEST_ROOT -Recurse -Force -ErrorAction Ignore
}

[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
} | ConvertTo-Json | Set-Content $SummaryPath
