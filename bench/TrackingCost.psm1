# What recording every prediction costs an endpoint, on one store: the measurement that 40-Monitoring runs on a
# SQLite store and 41-MonitoringPostgreSQL on a PostgreSQL one. The same host serves with tracking on and off in
# alternating rounds (off, on, on, off, repeated: a drift in the machine's load hits both sides alike; the round after
# an "on" starts once the log has caught up), with wrk on this machine; the median of the paired rounds' ratios is the
# figure, and beside it stand the means and the host process's CPU per request. Then the log is checked: every
# prediction answered with tracking on must be in it, or counted as dropped in the host log.

Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1')

function Measure-Rounds($Endpoint, [string] $Store, $HostProcess, [string] $Url, [string] $Body, [int] $Connections, [int] $Threads,
    [string[]] $Order, [string] $WorkDir, [int] $CatchUpSeconds, [int] $Seconds = 3) {
    foreach ($tracking in $Order) {
        Set-ModelEndpoint $Endpoint -Tracking $tracking -Store $Store
        $cpu = $HostProcess.TotalProcessorTime
        $result = Invoke-Wrk $Url $Body $Connections -WorkDir $WorkDir -Threads $Threads -Seconds $Seconds -WarmupSeconds 1
        if ($result.Errors -gt 0) { throw "$($result.Errors) scoring requests failed with tracking $tracking." }
        if ($tracking -eq 'On') {
            # The next round starts when the writer has caught up, so that no round pays for another's backlog (and
            # this round's CPU includes writing all of its own). A writer that never catches up fails the section
            # instead of hanging it.
            Set-ModelEndpoint $Endpoint -Tracking Off -Store $Store
            $newest = $null
            $deadline = [datetime]::UtcNow.AddSeconds($CatchUpSeconds)
            while ($true) {
                Start-Sleep -Milliseconds 500
                $now = (Get-ModelEndpointPrediction $Endpoint -Last 1 -Store $Store).PredictionId
                if ($now -eq $newest) { break }
                if ([datetime]::UtcNow -gt $deadline) { throw "The prediction log of '$Endpoint' did not catch up within $CatchUpSeconds s." }
                $newest = $now
            }
        }
        $HostProcess.Refresh()
        $result | Add-Member -NotePropertyName HostCpuUs -NotePropertyValue (($HostProcess.TotalProcessorTime - $cpu).TotalMicroseconds / $result.Requests)
        $result | Add-Member -NotePropertyName Tracking -NotePropertyValue $tracking -PassThru
    }
}

function Get-Mean($Rounds, [string] $Tracking, [string] $Property) {
    ($Rounds | Where-Object Tracking -EQ $Tracking | Measure-Object -Property $Property -Average).Average
}

# The figure compared: the median of the ratios of neighbouring rounds. The order is off, on, on, off, repeated, so
# each pair of rounds, (1, 2), (3, 4), ..., holds one of each, seconds apart. This machine is a VM whose throughput
# drifts and dips by 15-20% for a few seconds now and then (twelve rounds with tracking off ranged from 54,000 to
# 70,000 requests/s): a pair shares the machine's state of the moment, and a dip moves one pair's ratio, not the
# median. The means of all rounds and their ratio are printed beside it.
function Get-PairRatio($Rounds) {
    for ($i = 0; $i + 1 -lt $Rounds.Count; $i += 2) {
        $on = @($Rounds[$i], $Rounds[$i + 1]) | Where-Object Tracking -EQ On
        $off = @($Rounds[$i], $Rounds[$i + 1]) | Where-Object Tracking -EQ Off
        $on.RequestsPerSecond / $off.RequestsPerSecond
    }
}

function Measure-TrackingCost {
    # Publishes the lab's model on $Store, measures one-row and 1,000-row requests with tracking on and off, stops the
    # endpoint, and returns three results: one-row throughput, 1,000-row throughput, predictions accounted for.
    param(
        [Parameter(Mandatory)][string] $Store,
        [Parameter(Mandatory)][string] $Backend,
        [Parameter(Mandatory)][string] $WorkDir,
        # How many times the order off, on, on, off (twice over) is repeated for each request size.
        [int] $OneRowRepeats = 4,
        [int] $ThousandRowRepeats = 2,
        # The longest wait for the writer to log its backlog after a round with tracking on. The writer drains at its
        # budget's pace (5% of the machine), so a 1,000-row flood's backlog of up to 1,000,000 predictions takes
        # up to half a minute on SQLite and most of a minute on a PostgreSQL server that shares the machine.
        [int] $CatchUpSeconds = 120
    )
    if (-not (Get-Command wrk -ErrorAction Ignore)) { throw 'wrk is missing: apt-get install wrk' }
    $bodies = New-Item -ItemType Directory (Join-Path $WorkDir "monitoring-bodies-$Backend") -Force
    try {
        # The lab's model, as 30-Serving: 100 trees of depth 6 on iot_signal_1..4, from 20,000 rows.
        $deployment = New-Batch -Table telco -Rows 20000 -Seed 1 -Store $Store | Invoke-Retrain -Store $Store |
            Publish-ModelEndpoint -Name monitored -Store $Store
        $url = "$($deployment.Url)/invocations"
        $hostProcess = Get-Process -Id $deployment.ProcessId

        $single = Join-Path $bodies 'single.json'
        Set-Content $single '{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}'
        $rows = Read-Table telco -Store $Store | Select-Object -First 1000
        $data = ($rows | ForEach-Object { '[{0},{1},{2},{3}]' -f $_.iot_signal_1, $_.iot_signal_2, $_.iot_signal_3, $_.iot_signal_4 }) -join ','
        $batch = Join-Path $bodies 'rows1k.json'
        Set-Content $batch ('{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [' + $data + ']}}')

        $order = 'Off', 'On', 'On', 'Off', 'Off', 'On', 'On', 'Off'
        $rounds = @{ Endpoint = 'monitored'; Store = $Store; HostProcess = $hostProcess; Url = $url; WorkDir = $WorkDir; CatchUpSeconds = $CatchUpSeconds }
        Set-ModelEndpoint monitored -Tracking Off -Store $Store
        Invoke-Wrk $url $single 16 -WorkDir $WorkDir -Seconds 2 | Out-Null
        $oneRowStart = [datetime]::UtcNow
        $oneRow = @(Measure-Rounds @rounds -Body $single -Connections 16 -Threads 2 -Order ($order * $OneRowRepeats))
        $oneRowLogged = (Get-ModelEndpointMetric monitored -Start $oneRowStart -Store $Store).Predictions
        $oneRowAnswered = ($oneRow | Where-Object Tracking -EQ On | Measure-Object Requests -Sum).Sum
        $thousand = @(Measure-Rounds @rounds -Body $batch -Connections 2 -Threads 1 -Order ($order * $ThousandRowRepeats))

        # Stopping the host writes what is still queued; then every prediction answered with tracking on is either in
        # the log or counted as dropped in the host log.
        Stop-ModelEndpoint monitored -Store $Store
        $answered = ($oneRow | Where-Object Tracking -EQ On | Measure-Object Requests -Sum).Sum +
            1000 * ($thousand | Where-Object Tracking -EQ On | Measure-Object Requests -Sum).Sum
        $logged = (Get-ModelEndpointMetric monitored -Store $Store).Predictions
        $dropped = 0
        foreach ($line in Get-ModelEndpointLog monitored -Store $Store) {
            if ($line -match 'prediction log: (\d+) predictions written in (\d+) transactions, (\d+) dropped') { $dropped += [long]$Matches[3] }
        }
        $accounted = $logged + $dropped
        # wrk counts the requests it saw answered; those in flight when a run ends (at most one per connection, in two
        # wrk runs, warm-up and measured, of each round with tracking on) are answered and logged but not counted.
        $inFlight = 2 * 16 * 4 * $OneRowRepeats + 2 * 2 * 4 * $ThousandRowRepeats * 1000

        $anchorName = 'tracking off, same host; medians of the rounds, ratio: median of paired rounds'
        $on = Get-Median ($oneRow | Where-Object Tracking -EQ On | ForEach-Object RequestsPerSecond)
        $off = Get-Median ($oneRow | Where-Object Tracking -EQ Off | ForEach-Object RequestsPerSecond)
        New-BenchResult -Benchmark "Monitoring ($Backend store): one-row /invocations, 16 connections, tracking on" -Ours $on -Anchor $off -Unit 'req/s' `
            -Ratio (Get-Median (Get-PairRatio $oneRow)) -AnchorName $anchorName -Target 'ratio >= 0.9' -Met { param($r) $r -ge 0.9 } `
            -Details @{
                P50 = '{0:N2} ms vs {1:N2} ms' -f (Get-Mean $oneRow On P50), (Get-Mean $oneRow Off P50)
                P99 = '{0:N2} ms vs {1:N2} ms' -f (Get-Mean $oneRow On P99), (Get-Mean $oneRow Off P99)
                HostCpu = '{0:N1} us vs {1:N1} us per request (the host process, all threads)' -f (Get-Mean $oneRow On HostCpuUs), (Get-Mean $oneRow Off HostCpuUs)
                Logged = "$oneRowLogged of the $oneRowAnswered predictions answered with tracking on (wrk's count, which misses those in flight at each run's end)"
                Rounds = ($oneRow | ForEach-Object { '{0} {1:N0}' -f $_.Tracking, $_.RequestsPerSecond }) -join ', '
                Pairs = (Get-PairRatio $oneRow | ForEach-Object { '{0:N3}' -f $_ }) -join ', '
                Means = '{0:N0} vs {1:N0} req/s, ratio {2:N3}' -f (Get-Mean $oneRow On RequestsPerSecond), (Get-Mean $oneRow Off RequestsPerSecond), ((Get-Mean $oneRow On RequestsPerSecond) / (Get-Mean $oneRow Off RequestsPerSecond))
            }
        $rowsOn = 1000 * (Get-Median ($thousand | Where-Object Tracking -EQ On | ForEach-Object RequestsPerSecond))
        $rowsOff = 1000 * (Get-Median ($thousand | Where-Object Tracking -EQ Off | ForEach-Object RequestsPerSecond))
        New-BenchResult -Benchmark "Monitoring ($Backend store): 1,000-row dataframe_split, 2 connections, tracking on" -Ours $rowsOn -Anchor $rowsOff -Unit 'rows/s' `
            -Ratio (Get-Median (Get-PairRatio $thousand)) -AnchorName $anchorName -Target 'ratio >= 0.9' -Met { param($r) $r -ge 0.9 } `
            -Details @{ Rounds = ($thousand | ForEach-Object { '{0} {1:N0} rows/s' -f $_.Tracking, (1000 * $_.RequestsPerSecond) }) -join ', '
                Pairs = (Get-PairRatio $thousand | ForEach-Object { '{0:N3}' -f $_ }) -join ', '
                Note = 'more rows than the writer logs in its 5% of the machine: the excess is dropped and counted, never waited for' }
        New-BenchResult -Benchmark "Monitoring ($Backend store): predictions accounted for (logged + counted as dropped)" -Ours $accounted -Anchor $answered `
            -Unit 'predictions' -AnchorName 'answered with tracking on, as wrk counted them' -Target "0 to $inFlight more (in flight)" `
            -Met { $accounted -ge $answered -and $accounted - $answered -le $inFlight }.GetNewClosure() `
            -Details @{ Log = "$logged logged, $dropped dropped (queue full)" }
    }
    finally {
        Get-ModelEndpoint -Store $Store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $Store -ErrorAction Continue
    }
}

Export-ModuleMember -Function Measure-TrackingCost
