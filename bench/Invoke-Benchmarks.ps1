#Requires -Version 7.4
<#
.SYNOPSIS
    The benchmarks: each section prints ours, a named anchor measured in the same run on the same machine, and the ratio.
.DESCRIPTION
    Started by `dotnet pwsh ./build.ps1 bench`. Sections:
      serving-single-row   POST /invocations with the lab's one-row request, 16 connections (wrk): requests/s, p50, p99
                           anchors: a FastAPI + uvicorn + xgboost server (pandas DataFrame, same model.json), and a
                           constant-answer route of the same Kestrel host (the limit of the HTTP stack)
      serving-10k-rows     10,000-row dataframe_split requests: rows/s; anchor: the FastAPI server
      serving-redeploy     Publish-ModelEndpoint of a new version to a running endpoint, until /version reports it;
                           anchor: the first publish (which starts the host process)
    The model: 100 trees of depth 6 (the lab's XGBClassifier defaults) on 4 synthetic IoT signals.
    Everything runs on this machine, load generator included, so absolute figures depend on it and on what else runs.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepoRoot,
    # Seconds per wrk measurement (after a warm-up of a third of it).
    [int] $Duration = 10,
    [string] $Python = '/usr/bin/python3'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Resolve-Path $ModulePath).Path -Force
$RepoRoot = (Resolve-Path $RepoRoot).Path

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("mlopsps-bench-" + [guid]::NewGuid().ToString('N'))
$store = Join-Path $work 'store'
New-Item -ItemType Directory $work | Out-Null
$results = [System.Collections.Generic.List[object]]::new()
$pythonServer = $null

function Write-Section([string] $Title) { Write-Host ''; Write-Host "### $Title" -ForegroundColor Yellow }

function Add-Result([string] $Section, [string] $Metric, [double] $Ours, [string] $AnchorName, [double] $Anchor, [string] $Unit, [string] $Target) {
    $ratio = if ($Anchor -gt 0) { $Ours / $Anchor } else { [double]::NaN }
    $row = [pscustomobject]@{
        Section = $Section; Metric = $Metric; Ours = [math]::Round($Ours, 2); Anchor = $AnchorName
        AnchorValue = [math]::Round($Anchor, 2); Ratio = [math]::Round($ratio, 2); Unit = $Unit; Target = $Target
    }
    $results.Add($row)
    '{0,-20} {1,-26} ours {2,12:N2} {3,-6} | {4}: {5:N2} | ratio {6:N2}  {7}' -f $Section, $Metric, $Ours, $Unit, $AnchorName, $Anchor, $ratio, $Target | Out-Host
}

function Invoke-Wrk([string] $Url, [string] $Body, [int] $Connections, [int] $Threads = 2) {
    # One warm-up run, then the measured run; returns requests/s, p50 and p99 in ms, and non-2xx answers.
    $script = Join-Path $work 'post.lua'
    @'
local f = io.open(os.getenv("MLOPSPS_BENCH_BODY"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
'@ | Set-Content $script
    $env:MLOPSPS_BENCH_BODY = $Body
    $warm = [math]::Max(2, [int]($Duration / 3))
    $common = @('--threads', "$Threads", '--connections', "$Connections", '--script', $script)
    & wrk @common --duration "$($warm)s" $Url | Out-Null
    $text = (& wrk @common --duration "$($Duration)s" --latency $Url) -join "`n"
    if ($LASTEXITCODE -ne 0) { throw "wrk failed on $Url`n$text" }
    function ConvertTo-Ms([string] $value) {
        if ($value -match '^([\d.]+)(us|ms|s)$') {
            switch ($Matches[2]) { 'us' { [double]$Matches[1] / 1000 } 'ms' { [double]$Matches[1] } 's' { [double]$Matches[1] * 1000 } }
        }
    }
    [pscustomobject]@{
        RequestsPerSecond = [double]([regex]::Match($text, 'Requests/sec:\s+([\d.]+)').Groups[1].Value)
        P50 = ConvertTo-Ms ([regex]::Match($text, '(?m)^\s+50%\s+(\S+)').Groups[1].Value)
        P99 = ConvertTo-Ms ([regex]::Match($text, '(?m)^\s+99%\s+(\S+)').Groups[1].Value)
        Errors = if ($text -match 'Non-2xx or 3xx responses:\s+(\d+)') { [int]$Matches[1] } else { 0 }
        Text = $text
    }
}

function Wait-Http([string] $Url, [int] $Seconds = 30) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while ((Get-Date) -lt $deadline) {
        try { Invoke-WebRequest $Url -TimeoutSec 2 | Out-Null; return } catch { Start-Sleep -Milliseconds 200 }
    }
    throw "$Url did not answer in $Seconds s."
}

try {
    foreach ($tool in 'wrk', $Python) {
        if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "$tool is missing: apt-get install wrk python3-fastapi python3-uvicorn python3-pandas python3-xgboost" }
    }

    Write-Section 'Preparing: a store with three versions of the bench model, and the request bodies'
    $helper = Join-Path $RepoRoot 'bench/csharp/ServingBenchmarks'
    & dotnet build $helper -c Release --nologo --verbosity quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'Building bench/csharp/ServingBenchmarks failed.' }
    $prepared = & dotnet (Join-Path $helper 'bin/Release/net10.0/ServingBenchmarks.dll') prepare --store $store --out (Join-Path $work 'bodies') | ConvertFrom-Json
    if ($LASTEXITCODE -ne 0) { throw 'Preparing the bench store failed.' }
    "model {0}, versions {1}; one-row body {2}; 10k-row body {3:N0} bytes" -f $prepared.model, ($prepared.versions -join ', '), $prepared.single, (Get-Item $prepared.rows10k).Length | Out-Host

    Write-Section 'serving-redeploy: Publish-ModelEndpoint to a running endpoint until /version reports the new version'
    # The benchmark routes (a constant answer at /_bench/constant) are enabled for this host only.
    $env:MLOPSPS_HOST_BENCHMARK_ROUTES = '1'
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $first = Publish-ModelEndpoint -Name bench -ModelUri "models:/$($prepared.model)/1" -Store $store
    $coldMs = $clock.Elapsed.TotalMilliseconds
    $env:MLOPSPS_HOST_BENCHMARK_ROUTES = $null
    $swaps = foreach ($round in 1..6) {
        $version = $prepared.versions[$round % $prepared.versions.Count]
        $clock.Restart()
        $deployment = Publish-ModelEndpoint -Name bench -ModelUri "models:/$($prepared.model)/$version" -Store $store
        $elapsed = $clock.Elapsed.TotalMilliseconds
        if ((Invoke-RestMethod "$($first.Url)/version").model_version -ne $version) { throw "Publish returned before /version reported version $version." }
        if ($deployment.ProcessId -ne $first.ProcessId) { throw 'A redeploy started a new host process.' }
        $elapsed
    }
    $swapMedian = ($swaps | Sort-Object)[[int][math]::Floor($swaps.Count / 2)]
    Add-Result 'serving-redeploy' 'publish to running host' $swapMedian 'first publish (starts the host)' $coldMs 'ms' 'median of 6 swaps'
    Publish-ModelEndpoint -Name bench -ModelUri "models:/$($prepared.model)/1" -Store $store | Out-Null
    $url = $first.Url

    Write-Section 'Python anchor: FastAPI + uvicorn (1 worker) + pandas + xgboost, same model.json'
    $pythonPort = Get-Random -Minimum 20000 -Maximum 40000
    $pythonServer = Start-Process $Python -ArgumentList @((Join-Path $RepoRoot 'bench/python/fastapi_server.py'), '--model', $prepared.model_json, '--port', $pythonPort) `
        -PassThru -RedirectStandardOutput (Join-Path $work 'python.out') -RedirectStandardError (Join-Path $work 'python.err')
    Wait-Http "http://127.0.0.1:$pythonPort/ping"
    $pyOne = Invoke-Wrk "http://127.0.0.1:$pythonPort/invocations" $prepared.single 16
    $pyBatch = Invoke-Wrk "http://127.0.0.1:$pythonPort/invocations" $prepared.rows10k 2 -Threads 1
    Stop-Process -Id $pythonServer.Id
    $pythonServer = $null
    "FastAPI one row: {0:N0} requests/s, p50 {1:N2} ms, p99 {2:N2} ms; 10k rows: {3:N0} rows/s" -f $pyOne.RequestsPerSecond, $pyOne.P50, $pyOne.P99, ($pyBatch.RequestsPerSecond * 10000) | Out-Host

    Write-Section 'serving-single-row: POST /invocations, the lab''s one-row request, 16 connections'
    $constant = Invoke-Wrk "$url/_bench/constant" $prepared.single 16
    $ours = Invoke-Wrk "$url/invocations" $prepared.single 16
    if ($ours.Errors -gt 0) { throw "$($ours.Errors) requests failed.`n$($ours.Text)" }
    "MlopsPS: {0:N0} requests/s, p50 {1:N2} ms, p99 {2:N2} ms; constant-answer Kestrel: {3:N0} requests/s, p99 {4:N2} ms" -f $ours.RequestsPerSecond, $ours.P50, $ours.P99, $constant.RequestsPerSecond, $constant.P99 | Out-Host
    Add-Result 'serving-single-row' 'requests/s' $ours.RequestsPerSecond 'FastAPI+xgboost' $pyOne.RequestsPerSecond 'req/s' 'target >= 20x'
    Add-Result 'serving-single-row' 'requests/s vs the limit' $ours.RequestsPerSecond 'constant Kestrel' $constant.RequestsPerSecond 'req/s' 'target >= 0.5'
    Add-Result 'serving-single-row' 'p50 latency' $ours.P50 'FastAPI+xgboost' $pyOne.P50 'ms' ''
    Add-Result 'serving-single-row' 'p99 latency' $ours.P99 'FastAPI+xgboost' $pyOne.P99 'ms' 'target p99 <= 2 ms'
    # The HTTP stack's own tail on this machine now: what the machine (and its other tenants) add to any server.
    Add-Result 'serving-single-row' 'p99 latency vs the limit' $ours.P99 'constant Kestrel' $constant.P99 'ms' ''

    Write-Section 'serving-10k-rows: 10,000-row dataframe_split requests, 2 connections'
    $batch = Invoke-Wrk "$url/invocations" $prepared.rows10k 2 -Threads 1
    if ($batch.Errors -gt 0) { throw "$($batch.Errors) requests failed.`n$($batch.Text)" }
    Add-Result 'serving-10k-rows' 'rows/s' ($batch.RequestsPerSecond * 10000) 'FastAPI+xgboost' ($pyBatch.RequestsPerSecond * 10000) 'rows/s' 'target >= 300,000'

    Write-Section 'Summary'
    $results | Format-Table Section, Metric, Ours, Anchor, AnchorValue, Ratio, Unit, Target -AutoSize | Out-String -Width 220 | Out-Host
    $resultsFile = Join-Path $RepoRoot 'out/bench-serving.json'
    New-Item -ItemType Directory (Split-Path $resultsFile) -Force | Out-Null
    $results | ConvertTo-Json | Set-Content $resultsFile
    "Results written to $resultsFile" | Out-Host
}
finally {
    if ($pythonServer) { Stop-Process -Id $pythonServer.Id -ErrorAction Ignore }
    Get-ModelEndpoint -Store $store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $store -ErrorAction Continue
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
