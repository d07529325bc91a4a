#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks MlopsPS.

.DESCRIPTION
    Run it with the pinned PowerShell tool: `dotnet tool restore && dotnet pwsh ./build.ps1 <task>`.
    Every task first installs what is missing on a fresh machine (Debian/Ubuntu packages through apt-get, NuGet
    tools through dotnet) and says what to install by hand elsewhere.

    Tasks:
      build   publish the module into out/MlopsPS (one folder that Import-Module takes)
      test    build, then run the xunit engine tests and the Pester cmdlet tests; prints "N passed, N failed"
      demo    the main job: the whole pipeline on a fresh store under out/demo-store
      bench   the benchmarks: ours beside a named anchor, with the ratio

.EXAMPLE
    dotnet pwsh ./build.ps1 demo
.EXAMPLE
    dotnet pwsh ./build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'bench')]
    [string[]] $Task = 'build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tests to run (a path under tests/pester); all by default.
    [string] $PesterPath,

    # demo: leave the endpoints it started running.
    [switch] $KeepEndpoints,

    # bench: run only the benchmark sections whose names match (e.g. '10-*').
    [string] $BenchSection
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'MlopsPS'

# What the operating system must provide, and how to get it: build/Prerequisites.psm1 (the tests ask it too).
Import-Module (Join-Path $RepoRoot 'build/Prerequisites.psm1') -Force
Import-Module (Join-Path $RepoRoot 'build/NodePackages.psm1') -Force

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Native {
    # Runs a native command and stops the build when it fails. A plain function, so that arguments such as -c
    # reach the command instead of binding to parameters of this function.
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$($args -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Install-Prerequisites {
    switch (Get-PrerequisitePlatform) {
        'Apt' {
            $missing = @(Get-MissingAptPackage -Name (Get-MlopsAptPackage).Name)
            if ($missing.Count -gt 0) {
                Write-Step "Installing Debian packages (first run only, a few minutes): $($missing -join ' ')"
                $env:DEBIAN_FRONTEND = 'noninteractive'
                # apt's and dpkg's chatter goes to a log, shown only when they fail.
                $log = New-Item -ItemType Directory (Join-Path $OutDir 'logs') -Force | Join-Path -ChildPath 'apt-install.log'
                foreach ($command in Get-AptInstallCommand -Missing $missing) {
                    $exe, $arguments = $command
                    & $exe @arguments *>> $log
                    if ($LASTEXITCODE -ne 0) {
                        Get-Content $log -Tail 30 | Write-Host
                        throw "'$($command -join ' ')' failed with exit code $LASTEXITCODE (whole output: $log)."
                    }
                }
                $still = @(Get-MissingAptPackage -Name $missing)
                if ($still.Count -gt 0) { throw "apt-get finished, but these packages are still not installed: $($still -join ' ')" }
            }
        }
        'Brew' {
            if (-not (Get-Command brew -ErrorAction Ignore)) {
                throw "On macOS build.ps1 installs with Homebrew, which is not installed. Install Homebrew, or install yourself: $($BrewFormulae -join ', ') (and python3 with xgboost, pandas, fastapi, uvicorn for the tests)."
            }
            $missing = @($BrewFormulae | Where-Object { & brew list --versions $_ *> $null; $LASTEXITCODE -ne 0 })
            if ($missing.Count -gt 0) {
                Write-Step "Installing Homebrew formulae: $($missing -join ' ')"
                Invoke-Native brew install @missing
            }
        }
        'Manual' {
            if (-not (Test-XGBoostLibraryPresent)) { throw (Get-ManualInstallMessage) }
            Write-Warning (Get-ManualInstallMessage)
        }
    }

    # Pester comes from NuGet (PackageDownload), not from the PowerShell Gallery.
    Invoke-Native dotnet restore (Join-Path $RepoRoot 'build/Tools.csproj') --verbosity quiet

    # icebird for the Iceberg interop tests, exactly as tests/interop/package-lock.json pins it.
    foreach ($command in Get-NpmInstallCommand -Directory (Join-Path $RepoRoot 'tests/interop')) {
        Write-Step 'Installing the interop tests'' npm packages (npm ci)'
        Invoke-Native @command
    }
}

function Get-PesterModulePath {
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Get-ChildItem (Join-Path $packages.Trim() 'pester') -Directory | Where-Object Name -Like '5.*' |
        Sort-Object { [version]$_.Name } | Select-Object -Last 1
    if (-not $pester) { throw 'Pester 5 was not restored; run: dotnet restore build/Tools.csproj' }
    Join-Path $pester.FullName 'tools/Pester.psd1'
}

function Get-ProjectVersion {
    ([xml](Get-Content (Join-Path $RepoRoot 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version |
        Where-Object { $_ } | Select-Object -First 1
}

function Invoke-Build {
    Write-Step "Building MlopsPS ($Configuration)"
    Invoke-Native dotnet build (Join-Path $RepoRoot 'MlopsPS.sln') -c $Configuration --nologo --verbosity quiet

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $binDir = New-Item -ItemType Directory (Join-Path $ModuleDir 'bin') -Force
    $engineDir = Join-Path $binDir 'engine'

    # The engine and its dependencies live in bin/engine and load into their own AssemblyLoadContext; only the
    # cmdlet assembly sits where pwsh's own resolver looks.
    Invoke-Native dotnet publish (Join-Path $RepoRoot 'src/MlopsPS.Core') -c $Configuration -o $engineDir --no-build --nologo --verbosity quiet
    Copy-Item (Join-Path $RepoRoot "src/MlopsPS/bin/$Configuration/net10.0/MlopsPS.dll") $binDir

    $hostProject = Join-Path $RepoRoot 'src/MlopsPS.ScoringHost'
    Invoke-Native dotnet publish $hostProject -c $Configuration -o (Join-Path $ModuleDir 'host') --no-build --nologo --verbosity quiet

    # The detached job runner and cron scheduler (dotnet runner/MlopsPS.JobRunner.dll), started by Start-MlopsJob.
    $runnerProject = Join-Path $RepoRoot 'src/MlopsPS.JobRunner'
    Invoke-Native dotnet publish $runnerProject -c $Configuration -o (Join-Path $ModuleDir 'runner') --no-build --nologo --verbosity quiet

    Copy-Item (Join-Path $RepoRoot 'module/*') $ModuleDir -Recurse
    $manifest = Join-Path $ModuleDir 'MlopsPS.psd1'
    $version = Get-ProjectVersion
    (Get-Content $manifest -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'" |
        Set-Content $manifest -NoNewline

    Write-Step 'Generating MAML help from docs/en-US'
    $helpScript = Join-Path $RepoRoot 'build/New-MamlHelp.ps1'
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File $helpScript -ModulePath $manifest `
        -DocsPath (Join-Path $RepoRoot 'docs/en-US') -OutputPath (Join-Path $ModuleDir 'en-US/MlopsPS.dll-Help.xml')
    Write-Host "Module ready: $ModuleDir (version $version)"
}

function Invoke-Test {
    $results = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $resultsDir = Join-Path $OutDir 'test-results'
    if (Test-Path $resultsDir) { Remove-Item $resultsDir -Recurse -Force }
    New-Item -ItemType Directory $resultsDir -Force | Out-Null

    Write-Step 'Engine tests (xunit)'
    $trx = 'engine.trx'
    & dotnet test (Join-Path $RepoRoot 'tests/MlopsPS.Core.Tests') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=$trx" --results-directory $resultsDir --logger 'console;verbosity=minimal'
    $xunitExit = $LASTEXITCODE
    $trxFile = Join-Path $resultsDir $trx
    if (Test-Path $trxFile) {
        $counters = ([xml](Get-Content $trxFile -Raw)).TestRun.ResultSummary.Counters
        $results.Passed += [int]$counters.passed
        $results.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $results.Skipped += [int]$counters.notExecuted
    }
    elseif ($xunitExit -ne 0) {
        $results.Failed += 1
        Write-Warning "The engine tests did not run (exit code $xunitExit)."
    }

    Write-Step 'Cmdlet tests (Pester, in a fresh pwsh)'
    $pesterJson = Join-Path $resultsDir 'pester.json'
    $pesterRunner = Join-Path $RepoRoot 'tests/Invoke-PesterTests.ps1'
    $runnerArgs = @('-PesterModule', (Get-PesterModulePath), '-ModulePath', (Join-Path $ModuleDir 'MlopsPS.psd1'), '-SummaryPath', $pesterJson)
    if ($PesterPath) { $runnerArgs += @('-TestPath', (Resolve-Path $PesterPath).Path) }
    & dotnet pwsh -NoProfile -NonInteractive -File $pesterRunner @runnerArgs
    if (Test-Path $pesterJson) {
        $pester = Get-Content $pesterJson -Raw | ConvertFrom-Json
        $results.Passed += $pester.Passed
        $results.Failed += $pester.Failed
        $results.Skipped += $pester.Skipped
    }
    else {
        $results.Failed += 1
        Write-Warning 'The Pester tests did not run.'
    }

    # The closing line CI reads: "N passed, N failed".
    Write-Host ''
    Write-Host "tests: $($results.Passed) passed, $($results.Failed) failed, $($results.Skipped) skipped"
    if ($results.Failed -gt 0 -or $results.Passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    $demo = Join-Path $RepoRoot 'demo/Invoke-Demo.ps1'
    $demoArgs = @('-ModulePath', (Join-Path $ModuleDir 'MlopsPS.psd1'), '-StorePath', (Join-Path $OutDir 'demo-store'))
    if ($KeepEndpoints) { $demoArgs += '-KeepEndpoints' }
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File $demo @demoArgs
}

function Invoke-Bench {
    $bench = Join-Path $RepoRoot 'bench/Invoke-Benchmarks.ps1'
    $benchArgs = @('-ModulePath', (Join-Path $ModuleDir 'MlopsPS.psd1'), '-RepoRoot', $RepoRoot)
    if ($BenchSection) { $benchArgs += @('-Section', $BenchSection) }
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File $bench @benchArgs
}

Push-Location $RepoRoot
try {
    Install-Prerequisites
    foreach ($name in $Task) {
        switch ($name) {
            'build' { Invoke-Build }
            'test' { Invoke-Build; Invoke-Test }
            'demo' { Invoke-Build; Invoke-Demo }
            'bench' { Invoke-Build; Invoke-Bench }
        }
    }
}
finally {
    Pop-Location
}
