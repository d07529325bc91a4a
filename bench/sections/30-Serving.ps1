# Issue 4: the scoring host against a FastAPI + uvicorn + xgboost server and against a constant-answer route of the
# same Kestrel host, with wrk on this machine; and the time a redeploy takes.
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

Import-Module $ModulePath -Force
$store = Join-Path $WorkDir 'serving'
$bodies = New-Item -ItemType Directory (Join-Path $WorkDir 'serving-bodies') -Force
$pythonServer = $null

try {
    if (-not (Get-Command wrk -ErrorAction Ignore)) { throw 'wrk is missing: apt-get install wrk' }

    # Three versions of the lab's model (100 trees of depth 6 on iot_signal_1..4), each from its own batch.
    $runs = 1..3 | ForEach-Object { New-Batch -Table telco -Rows 20000 -Seed $_ -Store $store | Invoke-Retrain -Store $store }
    $versions = @($runs | Register-Model -ModelName bench -Store $store)
    $modelJson = Join-Path $versions[0].Source 'model.json'

    # The lab's request, and 10,000 rows of the table as one dataframe_split.
    $single = Join-Path $bodies 'single.json'
    Set-Content $single '{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}'
    $rows = Read-Table telco -Store $store | Select-Object -First 10000
    $data = [System.Text.StringBuilder]::new()
    foreach ($row in $rows) {
        if ($data.Length) { [void]$data.Append(',') }
        [void]$data.Append('[').Append($row.iot_signal_1).Append(',').Append($row.iot_signal_2).Append(',').Append($row.iot_signal_3).Append(',').Append($row.iot_signal_4).Append(']')
    }
    $batch = Join-Path $bodies 'rows10k.json'
    Set-Content $batch ('{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [' + $data + ']}}')

    # Redeploy: Publish to the running endpoint returns only when /version reports the new version.
    $env:MLOPSPS_HOST_BENCHMARK_ROUTES = '1'   # this host also answers POST /_bench/constant
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    # Tracking off: these figures are about serving, like the anchors (which log nothing); 40-Monitoring measures what
    # recording every prediction costs on top.
    $first = Publish-ModelEndpoint -Name bench -ModelUri 'models:/bench/1' -Tracking Off -Store $store
    $coldMs = $clock.Elapsed.TotalMilliseconds
    $env:MLOPSPS_HOST_BENCHMARK_ROUTES = $null
    $swaps = foreach ($round in 1..6) {
        $version = 1 + ($round % 3)
        $clock.Restart()
        $deployment = Publish-ModelEndpoint -Name bench -ModelUri "models:/bench/$version" -Store $store
        $elapsed = $clock.Elapsed.TotalMilliseconds
        if ((Invoke-RestMethod "$($first.Url)/version").model_version -ne $version) { throw "Publish returned before /version reported version $version." }
        if ($deployment.ProcessId -ne $first.ProcessId) { throw 'A redeploy started a new host process.' }
        $elapsed
    }
    Publish-ModelEndpoint -Name bench -ModelUri 'models:/bench/1' -Store $store | Out-Null
    $url = $first.Url

    # The anchor server, alone on the machine while it is measured.
    $port = Get-Random -Minimum 20000 -Maximum 40000
    $pythonServer = Start-Process $Python -ArgumentList @((Join-Path $RepoRoot 'bench/python/fastapi_server.py'), '--model', $modelJson, '--port', $port) `
        -PassThru -RedirectStandardOutput (Join-Path $WorkDir 'fastapi.out') -RedirectStandardError (Join-Path $WorkDir 'fastapi.err')
    $deadline = (Get-Date).AddSeconds(30)
    while ($true) {
        try { Invoke-RestMethod "http://127.0.0.1:$port/ping" -TimeoutSec 2 | Out-Null; break }
        catch { if ((Get-Date) -gt $deadline) { throw 'The FastAPI server did not start.' } Start-Sleep -Milliseconds 200 }
    }
    $pyOne = Invoke-Wrk "http://127.0.0.1:$port/invocations" $single 16 -WorkDir $WorkDir
    $pyBatch = Invoke-Wrk "http://127.0.0.1:$port/invocations" $batch 2 -WorkDir $WorkDir -Threads 1
    Stop-Process -Id $pythonServer.Id
    $pythonServer = $null

    # Ours and the constant route in five alternating runs each (after one warm-up of each), so that a moment of the
    # machine's own noise falls on one run of either rather than on a whole figure; each figure is the median of the
    # runs, and every run's p99 is printed beside it.
    Invoke-Wrk "$url/_bench/constant" $single 16 -WorkDir $WorkDir -Seconds 2 | Out-Null
    Invoke-Wrk "$url/invocations" $single 16 -WorkDir $WorkDir -Seconds 2 | Out-Null
    $constantRuns = @(); $oursRuns = @()
    foreach ($run in 1..5) {
        $constantRuns += Invoke-Wrk "$url/_bench/constant" $single 16 -WorkDir $WorkDir -Seconds 4 -WarmupSeconds 1
        $oursRuns += Invoke-Wrk "$url/invocations" $single 16 -WorkDir $WorkDir -Seconds 4 -WarmupSeconds 1
    }
    $constant = Merge-WrkRun $constantRuns
    $ours = Merge-WrkRun $oursRuns
    $oursBatch = Invoke-Wrk "$url/invocations" $batch 2 -WorkDir $WorkDir -Threads 1
    if ($ours.Errors + $oursBatch.Errors -gt 0) { throw "$($ours.Errors + $oursBatch.Errors) scoring requests failed." }

    # Latency with the load generator on a processor of its own: the host's threads on CPU 0, wrk on CPU 1 (Linux,
    # taskset, 2+ processors). Sharing both, a request waits whenever the scheduler gives its thread's processor to one
    # of wrk's threads for a time slice, and the p99 above measures that: the constant route's runs to tens of ms.
    $pinnedOurs = $null
    $pinnedConstant = $null
    if ($IsLinux -and [Environment]::ProcessorCount -ge 2 -and (Get-Command taskset -ErrorAction Ignore)) {
        & taskset -a -p -c 0 $first.ProcessId | Out-Null
        try {
            Invoke-Wrk "$url/_bench/constant" $single 16 -WorkDir $WorkDir -Seconds 2 -Cpu 1 | Out-Null
            Invoke-Wrk "$url/invocations" $single 16 -WorkDir $WorkDir -Seconds 2 -Cpu 1 | Out-Null
            $constantRuns = @(); $oursRuns = @()
            foreach ($run in 1..5) {
                $constantRuns += Invoke-Wrk "$url/_bench/constant" $single 16 -WorkDir $WorkDir -Seconds 4 -WarmupSeconds 1 -Cpu 1
                $oursRuns += Invoke-Wrk "$url/invocations" $single 16 -WorkDir $WorkDir -Seconds 4 -WarmupSeconds 1 -Cpu 1
            }
            $pinnedConstant = Merge-WrkRun $constantRuns
            $pinnedOurs = Merge-WrkRun $oursRuns
        }
        finally {
            & taskset -a -p -c "0-$([Environment]::ProcessorCount - 1)" $first.ProcessId | Out-Null
        }
        if ($pinnedOurs.Errors -gt 0) { throw "$($pinnedOurs.Errors) scoring requests failed." }
    }

    New-BenchResult -Benchmark 'Serving: one-row /invocations, 16 connections' -Ours $ours.RequestsPerSecond -Anchor $pyOne.RequestsPerSecond `
        -Unit 'req/s' -AnchorName 'FastAPI + uvicorn + pandas + xgboost' -Target 'ratio >= 20' -Met { param($r) $r -ge 20 } `
        -Details @{ P50 = '{0:N2} ms vs {1:N2} ms' -f $ours.P50, $pyOne.P50; P99 = '{0:N2} ms vs {1:N2} ms' -f $ours.P99, $pyOne.P99 }
    New-BenchResult -Benchmark 'Serving: one row against the HTTP stack''s limit' -Ours $ours.RequestsPerSecond -Anchor $constant.RequestsPerSecond `
        -Unit 'req/s' -AnchorName 'constant answer, same Kestrel host' -Target 'ratio >= 0.5' -Met { param($r) $r -ge 0.5 } `
        -Details @{ Runs = 'median of 5 alternating runs of 4 s' }
    $latency = if ($pinnedOurs) { $pinnedOurs } else { $ours }
    $latencyAnchor = if ($pinnedOurs) { $pinnedConstant } else { $constant }
    $oursP99 = $latency.P99
    New-BenchResult -Benchmark 'Serving: one-row p99 latency' -Ours $latency.P99 -Anchor $latencyAnchor.P99 -Unit ms `
        -AnchorName 'constant answer, same host, same run' -Target 'p99 <= 2 ms' -Met { param($r) $oursP99 -le 2 }.GetNewClosure() `
        -Details @{
            Setup = if ($pinnedOurs) { 'host on CPU 0, wrk on CPU 1 (taskset); median of 5 alternating runs of 4 s' } else { 'wrk shares the processors (no taskset here); median of 5 alternating runs of 4 s' }
            Runs = "ours $($latency.P99s) ms, constant $($latencyAnchor.P99s) ms; p50 $('{0:N2}' -f $latency.P50) ms, $('{0:N0}' -f $latency.RequestsPerSecond) req/s"
            Shared = "with wrk on the same 2 processors: ours $($ours.P99s) ms, constant $($constant.P99s) ms" }
    $oursRows = $oursBatch.RequestsPerSecond * 10000
    New-BenchResult -Benchmark 'Serving: 10,000-row dataframe_split, 2 connections' -Ours $oursRows -Anchor ($pyBatch.RequestsPerSecond * 10000) `
        -Unit 'rows/s' -AnchorName 'FastAPI + uvicorn + pandas + xgboost' -Target '>= 300,000 rows/s' -Met { param($r) $oursRows -ge 300000 }.GetNewClosure()
    New-BenchResult -Benchmark 'Serving: redeploy, Publish until /version reports it' -Ours (Get-Median $swaps) -Anchor $coldMs -Unit ms `
        -AnchorName 'first publish, which starts the host' -Target 'reported (median of 6)' -Met { $true }
}
finally {
    if ($pythonServer) { Stop-Process -Id $pythonServer.Id -ErrorAction Ignore }
    Get-ModelEndpoint -Store $store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $store -ErrorAction Continue
}
