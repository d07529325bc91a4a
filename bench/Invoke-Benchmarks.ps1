#Requires -Version 7.4
<#
.SYNOPSIS
    Runs MlopsPS's benchmarks: each measures our code and its named anchor side by side, in one run, and prints
    the ratio (these machines are noisy, so only same-run ratios mean anything).
.DESCRIPTION
    Started by `dotnet pwsh ./build.ps1 bench`. Every script in bench/sections runs in order and returns result
    objects; a summary table ends the run. -Section runs only the sections whose file names match.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepoRoot,
    [string] $Section = '*'
)

$ErrorActionPreference = 'Stop'
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("mlopsps-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $work | Out-Null
$context = @{
    ModulePath = $ModulePath
    RepoRoot   = $RepoRoot
    WorkDir    = $work
    BenchTool  = Join-Path $RepoRoot 'bench/MlopsPS.Benchmarks/bin/Release/net10.0/MlopsPS.Benchmarks.dll'
    Python     = '/usr/bin/python3'
}

$results = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($script in Get-ChildItem (Join-Path $PSScriptRoot 'sections') -Filter "$Section.ps1" | Sort-Object Name) {
        Write-Host "`n### $($script.BaseName)" -ForegroundColor Yellow
        foreach ($result in & $script.FullName @context) {
            $results.Add($result)
            $result | Format-List | Out-String -Width 200 | Write-Host
        }
    }
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}

Write-Host "`n### Summary" -ForegroundColor Yellow
$results | Format-Table Benchmark, Ours, Anchor, Ratio, Target, Met -AutoSize | Out-String -Width 220 | Write-Host
