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
      package build, then out/MlopsPS.<version>.nupkg for Publish-PSResource / Install-PSResource / Save-PSResource

.EXAMPLE
    dotnet pwsh ./build.ps1 demo
.EXAMPLE
    dotnet pwsh ./build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'bench', 'package')]
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
                $log = Join-Path (New-Item -ItemType Directory (Join-Path $OutDir 'logs') -Force).FullName 'apt-install.log'
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
                throw "On macOS build.ps1 installs with Homebrew, which is not installed. Install Homebrew, or install yourself: $((Get-MlopsBrewFormula) -join ', ') (and python3 with xgboost, pandas, fastapi, uvicorn for the tests)."
            }
            $missing = @(Get-MlopsBrewFormula | Where-Object { & brew list --versions $_ *> $null; $LASTEXITCODE -ne 0 })
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

function Get-ReleaseNote([string] $Version) {
    # The section of CHANGELOG.md headed '## <version>', without its heading.
    $changelog = Get-Content (Join-Path $RepoRoot 'CHANGELOG.md') -Raw
    $pattern = '(?ms)^## ' + [regex]::Escape($Version) + '\s*$(.*?)(?=^## |\z)'
    if ($changelog -notmatch $pattern) { throw "CHANGELOG.md has no section '## $Version': add the release notes of this version." }
    $Matches[1].Trim()
}

function Invoke-Build {
    Write-Step "Building MlopsPS ($Configuration)"
    Invoke-Native dotnet build (Join-Path $RepoRoot 'MlopsPS.sln') -c $Configuration --nologo --verbosity quiet

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $binDir = New-Item -ItemType Directory (Join-Path $ModuleDir 'bin') -Force
    $engineDir = Join-Path $binDir 'engine'

    # The engine and its dependencies live in bin/engine and load into their own AssemblyLoadContext; only the
    # cmdlet assembly sits where pwsh's own resolver looks. The scoring host (Publish-ModelEndpoint) and the job runner
    # (Start-MlopsJob) are published into the same folder: they run on the engine and its dependencies, so one copy of
    # them serves all three (each program keeps its own deps.json and runtimeconfig.json there).
    foreach ($project in 'MlopsPS.Core', 'MlopsPS.ScoringHost', 'MlopsPS.JobRunner') {
        Invoke-Native dotnet publish (Join-Path $RepoRoot "src/$project") -c $Configuration -o $engineDir --no-build --nologo --verbosity quiet
    }
    Copy-Item (Join-Path $RepoRoot "src/MlopsPS/bin/$Configuration/net10.0/MlopsPS.dll") $binDir

    Copy-Item (Join-Path $RepoRoot 'module/*') $ModuleDir -Recurse
    Copy-Item (Join-Path $RepoRoot 'LICENSE') $ModuleDir
    $manifest = Join-Path $ModuleDir 'MlopsPS.psd1'
    $version = Get-ProjectVersion
    $notes = (Get-ReleaseNote -Version $version) -replace "'", "''"
    $text = (Get-Content $manifest -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    # String.Replace, not -replace: the notes may hold '$', which -replace would read as a group reference.
    $text.Replace("ReleaseNotes = ''", "ReleaseNotes = '$notes'") | Set-Content $manifest -NoNewline

    Write-Step 'Generating MAML help from docs/en-US'
    $helpScript = Join-Path $RepoRoot 'build/New-MamlHelp.ps1'
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File $helpScript -ModulePath $manifest `
        -DocsPath (Join-Path $RepoRoot 'docs/en-US') -OutputPath (Join-Path $ModuleDir 'en-US/MlopsPS.dll-Help.xml')
    Write-Host "Module ready: $ModuleDir (version $version)"
}

function Invoke-Package {
    # out/MlopsPS.<version>.nupkg: what Publish-PSResource, Install-PSResource and Save-PSResource take.
    Write-Step 'Packaging the module for PSResourceGet'
    Get-ChildItem $OutDir -Filter 'MlopsPS.*.nupkg' | Remove-Item
    Compress-PSResource -Path $ModuleDir -DestinationPath $OutDir
    $package = Join-Path $OutDir "MlopsPS.$(Get-ProjectVersion).nupkg"
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
    Write-Host "Package ready: $package ($([math]::Round((Get-Item $package).Length / 1MB, 1)) MB)"
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
            # The tests install the package the PowerShell way, so the test task packages too.
            'test' { Invoke-Build; Invoke-Package; Invoke-Test }
            'package' { Invoke-Build; Invoke-Package }
            'demo' { Invoke-Build; Invoke-Demo }
            'bench' { Invoke-Build; Invoke-Bench }
        }
    }
}
finally {
    Pop-Location
}
