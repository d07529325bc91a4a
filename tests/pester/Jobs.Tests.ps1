# Jobs end to end: real stores, real detached runner processes, real pwsh job processes. Job scripts are tiny so
# that the cost is the pwsh starts (about a second each). The chains, failures, concurrent triggers and definitions
# run on both backends (a folder store and a PostgreSQL store in a private cluster); their job scripts use no table
# cmdlets. Timeouts, stops, the pid check of a dead runner and the cron scheduler run on SQLite only (the engine is
# the same; the xunit pool tests run claims and leases on both), and the lease of a runner on "another machine" on
# PostgreSQL.
BeforeDiscovery {
    $script:backends = @(@{ Backend = 'Sqlite' }, @{ Backend = 'PostgreSql' })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:cluster = Start-TestPostgres
    function New-BackendStore([string] $Backend) {
        if ($Backend -eq 'PostgreSql') { New-TestPostgresStore -Cluster $cluster } else { New-TestStore }
    }

    function Wait-Until {
        # Polls a condition until it holds, or fails the test after the timeout.
        param([Parameter(Mandatory)][scriptblock] $Condition, [double] $TimeoutSeconds = 30, [string] $Because = 'the condition')
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $Because." }
            Start-Sleep -Milliseconds 100
        }
    }

    function Test-ProcessAlive([int] $Id) {
        # Alive: it exists and is not a zombie (ended, not yet reaped). It may vanish while we look.
        $process = Get-Process -Id $Id -ErrorAction Ignore
        $stat = Get-Content "/proc/$Id/stat" -Raw -ErrorAction Ignore
        $null -ne $process -and -not $process.HasExited -and $null -ne $stat -and $stat -notmatch '\) Z '
    }

    function Wait-RunRunning([string] $Store, [long] $RunId) {
        # Until the job's own process has started and is recorded.
        Wait-Until -Because "run $RunId to be running" {
            $run = Get-MlopsJobRun -RunId $RunId -Store $Store
            $run.Status -eq 'Running' -and $run.ProcessId
        }
        Get-MlopsJobRun -RunId $RunId -Store $Store
    }
}

AfterAll {
    Stop-TestPostgres $cluster
}

Describe 'The lab''s three-job chain, started by a pwsh that exits at once (<Backend>)' -ForEach $backends {
    BeforeAll {
        $script:store = New-BackendStore $Backend
        $script:trace = Join-Path ([System.IO.Path]::GetTempPath()) "mlopsps-trace-$([guid]::NewGuid().ToString('N')).txt"
        $environment = @{ TRACE = $trace }
        Register-MlopsJob 'New Batch' { Add-Content -LiteralPath $env:TRACE 'New Batch'; 'batch output'; Write-Warning 'a warning'; [pscustomobject]@{ Left = 'l' * 60; Right = 'r' * 60 } } -Environment $environment -Store $store
        Register-MlopsJob 'Retrain XGBoost' { Add-Content -LiteralPath $env:TRACE 'Retrain XGBoost'; "store is $((Get-MlopsStore).Path)" } -Parent 'New Batch' -Environment $environment -Store $store
        Register-MlopsJob 'API Redeployment' { Add-Content -LiteralPath $env:TRACE 'API Redeployment' } -Parent 'Retrain XGBoost' -Environment $environment -Store $store

        # The starting shell only triggers the chain and exits.
        $script:child = Invoke-ChildPwsh -Script "(Start-MlopsJob 'New Batch' -Store '$store').RunId"
        $script:childEnded = [DateTime]::UtcNow
        $script:rootId = [long]$child.Output.Trim()
        $script:chain = Wait-MlopsJobRun -RunId $rootId -Chain -Timeout 90 -Store $store
    }
    AfterAll {
        Remove-Item $trace -ErrorAction Ignore
    }

    It 'runs the three jobs in order on one trigger' {
        $child.ExitCode | Should -Be 0
        $chain.JobName | Should -Be @('New Batch', 'Retrain XGBoost', 'API Redeployment')
        $chain.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded')
        $chain.ExitCode | Should -Be @(0, 0, 0)
        Get-Content $trace | Should -Be @('New Batch', 'Retrain XGBoost', 'API Redeployment')
        $chain[1].StartTime | Should -BeGreaterOrEqual $chain[0].EndTime
        $chain[2].StartTime | Should -BeGreaterOrEqual $chain[1].EndTime
    }

    It 'completes after the starting pwsh has exited' {
        # The child returned while the first job was still running: nothing tied it to the runner.
        $chain[0].EndTime | Should -BeGreaterThan $childEnded
        $chain.RunnerProcessId | Select-Object -Unique | Should -HaveCount 1
        Wait-Until -Because 'the runner to exit when its chain ends' { -not (Test-ProcessAlive $chain[0].RunnerProcessId) } -TimeoutSeconds 10
    }

    It 'records what triggered each run' {
        $chain[0].Trigger | Should -BeLike 'manual by *'
        $chain[1].Trigger | Should -Be "after run $($chain[0].RunId) of job 'New Batch'"
        $chain[2].Trigger | Should -Be "after run $($chain[1].RunId) of job 'Retrain XGBoost'"
        $chain.ChainId | Select-Object -Unique | Should -Be $rootId
        (Get-MlopsJob 'New Batch' -Store $store).LastRunStatus | Should -Be 'Succeeded'
    }

    It 'keeps each job''s output streams in its log, with the store set' {
        $log = Get-MlopsJobRunLog -RunId $chain[0].RunId -Store $store
        $log | Should -Contain 'batch output'
        $log | Should -Contain 'WARNING: a warning'
        $log -match ('r' * 60) | Should -Not -BeNullOrEmpty -Because 'a table in the log is as wide as it needs, not cut at 80 columns'
        $log[-1] | Should -Match 'succeeded with exit code 0'
        $chain[1] | Get-MlopsJobRunLog | Should -Contain "store is $store"
        Test-Path $chain[0].LogPath | Should -BeTrue
        Test-Path ([System.IO.Path]::ChangeExtension($chain[0].LogPath, '.ps1')) | Should -BeTrue
    }

    It 'lists the history newest first, filtered by job and status' {
        (Get-MlopsJobRun -Store $store).RunId | Should -Be @($chain[2].RunId, $chain[1].RunId, $chain[0].RunId)
        (Get-MlopsJobRun -Job 'retrain*' -Status Succeeded -Store $store).RunId | Should -Be $chain[1].RunId
        Get-MlopsJobRun -Status Failed -Store $store | Should -BeNullOrEmpty
        (Get-MlopsJobRun -Since ([DateTime]::UtcNow.AddMinutes(1)) -Store $store) | Should -BeNullOrEmpty
    }
}

Describe 'A failing job in the middle of a chain (<Backend>)' -ForEach $backends {
    BeforeAll {
        $script:store = New-BackendStore $Backend
        Register-MlopsJob 'first' { 'first ran' } -Store $store
        Register-MlopsJob 'middle' { 'middle was here'; exit 3 } -Parent first -Store $store
        Register-MlopsJob 'last' { 'last ran' } -Parent middle -Store $store
        $script:runs = Start-MlopsJob first -Wait -Timeout 90 -Store $store -ErrorVariable failed -ErrorAction SilentlyContinue
        $script:failure = $failed
    }

    It 'stops the chain there and records why' {
        $runs.JobName | Should -Be @('first', 'middle')
        $runs.Status | Should -Be @('Succeeded', 'Failed')
        $runs[1].ExitCode | Should -Be 3
        $runs[1].Error | Should -Match 'exit code 3'
        $runs[1].Error | Should -Match "dependent job 'last' was not started"
        Get-MlopsJobRun -Job last -Store $store | Should -BeNullOrEmpty
    }

    It 'keeps the failed job''s output in its log' {
        $runs[1] | Get-MlopsJobRunLog | Should -Contain 'middle was here'
    }

    It 'reports the failed run as an error as well' {
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'JobRunFailed*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidResult'
    }

    It 'fails a run on any error, since jobs run with ErrorActionPreference Stop' {
        Register-MlopsJob 'bad input' { 'before'; Write-Error 'the input is bad'; 'after' } -Store $store
        $run = Start-MlopsJob 'bad input' -Wait -Store $store -ErrorAction SilentlyContinue
        $run.Status | Should -Be 'Failed'
        $run.ExitCode | Should -Be 1
        $log = $run | Get-MlopsJobRunLog
        $log | Should -Contain 'before'
        $log | Should -Contain 'ERROR: the input is bad'
        $log | Should -Not -Contain 'after'
    }
}

Describe 'Timeouts, stops and dead runners' {
    BeforeAll {
        $script:store = New-TestStore
        # 6 s: under load a fresh pwsh may need 2-3 s before the script prints 'started'.
        Register-MlopsJob 'slow' { 'started'; Start-Sleep -Seconds 60; 'never' } -Timeout 6 -Store $store
        Register-MlopsJob 'sleeper' { 'started'; Start-Sleep -Seconds 60 } -Store $store
        Register-MlopsJob 'after sleeper' { 'never' } -Parent sleeper -Store $store
    }

    It 'kills a job at its timeout and records it as timed out' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $run = Start-MlopsJob slow -Wait -Store $store -ErrorVariable timedOut -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        $run.Status | Should -Be 'TimedOut'
        $run.ExitCode | Should -BeNullOrEmpty
        $run.Error | Should -Match 'timeout of 6\.0 s'
        Test-ProcessAlive $run.ProcessId | Should -BeFalse
        $log = $run | Get-MlopsJobRunLog
        $log | Should -Contain 'started'
        $log | Should -Not -Contain 'never'
        $timedOut[0].FullyQualifiedErrorId | Should -BeLike 'JobRunTimedOut*'
    }

    It 'stops a running job: kills its process and starts none of its dependents' {
        $started = Start-MlopsJob sleeper -Store $store
        $running = Wait-RunRunning $store $started.RunId
        $stopped = $running | Stop-MlopsJobRun -Confirm:$false
        $stopped.Status | Should -Be 'Stopped'
        Wait-Until -Because 'the job process to end' { -not (Test-ProcessAlive $running.ProcessId) } -TimeoutSeconds 10
        $chain = Wait-MlopsJobRun -RunId $started.RunId -Chain -Timeout 30 -Store $store
        $chain.JobName | Should -Be @('sleeper')
        $chain[0].Status | Should -Be 'Stopped'
        $chain[0].Error | Should -Match "dependent job 'after sleeper' was not started"
    }

    It 'detects a killed runner and marks its run failed, killing the job process it left' {
        $started = Start-MlopsJob sleeper -Store $store
        $running = Wait-RunRunning $store $started.RunId
        Stop-Process -Id $running.RunnerProcessId -Force
        Wait-Until -Because 'the runner to die' { -not (Test-ProcessAlive $running.RunnerProcessId) } -TimeoutSeconds 10

        $read = Get-MlopsJobRun -RunId $started.RunId -Store $store
        $read.Status | Should -Be 'Failed'
        $read.Error | Should -Match "runner process \(pid $($running.RunnerProcessId) .*\) ended before the run finished"
        $read.EndTime | Should -Not -BeNullOrEmpty
        Wait-Until -Because 'the orphaned job process to be killed' { -not (Test-ProcessAlive $running.ProcessId) } -TimeoutSeconds 10
    }
}

Describe 'Concurrent triggers of one job (<Backend>)' -ForEach $backends {
    It 'queue the second run until the first has ended, never running the job twice at once' {
        $store = New-BackendStore $Backend
        $trace = Join-Path ([System.IO.Path]::GetTempPath()) "mlopsps-trace-$([guid]::NewGuid().ToString('N')).txt"
        try {
            Register-MlopsJob 'exclusive' { Add-Content -LiteralPath $env:TRACE "start $env:MLOPSPS_JOB_RUN_ID"; Start-Sleep -Milliseconds 1500; Add-Content -LiteralPath $env:TRACE "end $env:MLOPSPS_JOB_RUN_ID" } -Environment @{ TRACE = $trace } -Store $store
            $first = Start-MlopsJob exclusive -Store $store
            $second = Start-MlopsJob exclusive -Store $store
            $second.Status | Should -Be 'Queued'

            $runs = @($first, $second) | Wait-MlopsJobRun -Timeout 60 -Store $store
            $runs.Status | Should -Be @('Succeeded', 'Succeeded')
            $runs[1].StartTime | Should -BeGreaterOrEqual $runs[0].EndTime
            Get-Content $trace | Should -Be @("start $($first.RunId)", "end $($first.RunId)", "start $($second.RunId)", "end $($second.RunId)")
        }
        finally {
            Remove-Item $trace -ErrorAction Ignore
        }
    }
}

Describe 'The cron scheduler' {
    BeforeAll {
        $script:store = New-TestStore
        Register-MlopsJob 'every 2 s' { 'tick' } -Cron '*/2 * * * * *' -Store $store
    }
    AfterAll {
        Stop-MlopsScheduler -Store $store -Confirm:$false -WarningAction Ignore | Out-Null
        # Leave no runner behind to find its store deleted.
        Get-MlopsJobRun -Status Queued, Running -Store $store | Stop-MlopsJobRun -Confirm:$false | Out-Null
    }

    It 'starts a detached scheduler process, and only one per store' {
        $scheduler = Start-MlopsScheduler -Store $store
        $scheduler.Status | Should -Be 'Running'
        Test-ProcessAlive $scheduler.ProcessId | Should -BeTrue
        $again = Start-MlopsScheduler -Store $store -WarningVariable warned -WarningAction SilentlyContinue
        $again.ProcessId | Should -Be $scheduler.ProcessId
        $warned | Should -Match 'already runs'
        (Get-MlopsScheduler -Store $store).NextJob | Should -Be 'every 2 s'
    }

    It 'triggers a due job on its schedule' {
        Wait-Until -TimeoutSeconds 30 -Because 'a scheduled run to succeed' {
            Get-MlopsJobRun -Job 'every 2 s' -Status Succeeded -Store $store
        }
        $run = Get-MlopsJobRun -Job 'every 2 s' -Status Succeeded -Store $store | Select-Object -Last 1
        $run.TriggerKind | Should -Be 'Schedule'
        $run.Trigger | Should -BeLike "schedule '*/2 * * * * *' at *"
        $run.ScheduledTick.Second % 2 | Should -Be 0
        $run | Get-MlopsJobRunLog | Should -Contain 'tick'
    }

    It 'stops when asked, and says so' {
        $schedulerPid = (Get-MlopsScheduler -Store $store).ProcessId
        $stopped = Stop-MlopsScheduler -Store $store -Confirm:$false
        $stopped.Status | Should -Be 'Stopped'
        $stopped.Message | Should -Be 'Stopped.'
        Test-ProcessAlive $schedulerPid | Should -BeFalse
        Stop-MlopsScheduler -Store $store -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned | Should -Match 'not running'
    }
}

Describe 'Job definitions through the cmdlets (<Backend>)' -ForEach $backends {
    BeforeEach {
        $script:store = New-BackendStore $Backend
        Register-MlopsJob 'New Batch' { New-Batch -Table telco } -Store $store | Out-Null
        Register-MlopsJob 'Retrain XGBoost' { Invoke-Retrain -Table telco } -Parent 'New Batch' -Timeout 90 -Store $store | Out-Null
    }

    It 'stores the schedule, reading a number as seconds of timeout' {
        $job = Get-MlopsJob 'retrain xgboost' -Store $store
        $job.Parent | Should -Be 'New Batch'
        $job.Timeout | Should -Be ([TimeSpan]::FromSeconds(90))
        $job.Script.Text | Should -Be 'Invoke-Retrain -Table telco'
        (Get-MlopsJob 'New Batch' -Store $store).Dependents | Should -Be @('Retrain XGBoost')
        (Get-MlopsJob -Store $store).Name | Should -Be @('New Batch', 'Retrain XGBoost')
    }

    It 'refuses an unknown parent and a cycle, saying why' {
        { Register-MlopsJob 'orphan' { 'x' } -Parent 'nope' -Store $store -ErrorAction Stop } | Should -Throw -ExpectedMessage "*cannot depend on 'nope'*"
        $error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Set-MlopsJob 'New Batch' -Parent 'Retrain XGBoost' -Store $store -ErrorAction Stop } | Should -Throw -ExpectedMessage '*cycle*'
        { Set-MlopsJob 'New Batch' -Parent 'Retrain XGBoost' -Cron '* * * * *' -Store $store -ErrorAction Stop } | Should -Throw -ExpectedMessage '*one schedule*'
    }

    It 'removes a job others depend on only with -Force, naming them' {
        { Unregister-MlopsJob 'New Batch' -Store $store -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'Retrain XGBoost' depends on it*-Force*"
        Unregister-MlopsJob 'New Batch' -Force -Store $store -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match "'Retrain XGBoost' no longer run after it"
        (Get-MlopsJob 'Retrain XGBoost' -Store $store).Schedule.Kind | Should -Be 'Manual'
    }

    It 'removes every piped job, not just the first' {
        Register-MlopsJob 'third' { 'x' } -Store $store | Out-Null
        'third', 'Retrain XGBoost', 'New Batch' | Unregister-MlopsJob -Store $store -Confirm:$false
        Get-MlopsJob -Store $store | Should -BeNullOrEmpty
    }

    It 'changes what it is given and leaves the rest' {
        $changed = Set-MlopsJob 'Retrain XGBoost' -NewName 'Retrain' -Timeout 0 -Store $store
        $changed.Name | Should -Be 'Retrain'
        $changed.Timeout | Should -BeNullOrEmpty
        $changed.Parent | Should -Be 'New Batch'
        (Set-MlopsJob 'Retrain' -Manual -Store $store).Schedule.Kind | Should -Be 'Manual'
    }

    It 'completes job names, quoting those with spaces' {
        $line = "Start-MlopsJob -Store '$store' -Name Ne"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Be @("'New Batch'")
    }
}

Describe 'Leases on a PostgreSQL store: a runner on another machine, killed' {
    It 'has its run failed with the lease reason once the lease expires, by whoever reads the history' {
        $store = New-TestPostgresStore -Cluster $cluster
        Register-MlopsJob 'sleeper' { 'started'; Start-Sleep -Seconds 60 } -Store $store | Out-Null
        # The runner reports another host (its pid cannot be checked from here) and a 2 s lease.
        $env:MLOPSPS_JOB_LEASE_SECONDS = '2'
        $env:MLOPSPS_RUNNER_HOST = 'machine-b'
        try {
            $started = Start-MlopsJob sleeper -Store $store
        }
        finally {
            $env:MLOPSPS_JOB_LEASE_SECONDS = $null
            $env:MLOPSPS_RUNNER_HOST = $null
        }
        $running = Wait-RunRunning $store $started.RunId
        Start-Sleep -Seconds 3
        (Get-MlopsJobRun -RunId $started.RunId -Store $store).Status | Should -Be 'Running' -Because 'a live runner renews its lease'

        & kill -KILL $running.RunnerProcessId
        Wait-Until -Because 'the run to be failed once the lease expired' -TimeoutSeconds 20 {
            (Get-MlopsJobRun -RunId $started.RunId -Store $store).Status -eq 'Failed'
        }
        $read = Get-MlopsJobRun -RunId $started.RunId -Store $store
        $read.Error | Should -Match '^Runner machine-b-\d+-[0-9a-f]{8} on machine-b stopped renewing its lease at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z'
        Wait-Until -Because 'the orphaned job process (on this machine) to be killed' { -not (Test-ProcessAlive $running.ProcessId) } -TimeoutSeconds 10
    }
}

Describe 'demo/Register-LabJobs.ps1' {
    It 'creates the lab''s three jobs as a chain, and brings them back to it when run again' {
        $store = New-TestStore
        $script = Join-Path $PSScriptRoot '../../demo/Register-LabJobs.ps1'
        $jobs = & $script -Store $store
        $jobs.Name | Should -Be @('New Batch', 'Retrain XGBoost', 'API Redeployment')
        $jobs.Schedule.Kind | Should -Be @('Manual', 'Dependent', 'Dependent')
        $jobs.Parent | Should -Be @($null, 'New Batch', 'Retrain XGBoost')
        $jobs[0].Script.Text | Should -Be "New-Batch -Table 'telco'"
        $jobs[2].Script.Text | Should -Be "Get-ExperimentRun -Experiment 'xgb-telco' -Latest | Publish-ModelEndpoint -Name 'celltower'"
        $jobs[1].Timeout | Should -Be ([TimeSpan]'00:30:00')

        Set-MlopsJob 'API Redeployment' -Manual -Store $store | Out-Null
        $again = & $script -Store $store
        $again.Parent | Should -Be @($null, 'New Batch', 'Retrain XGBoost')
        (Get-MlopsJob -Store $store).Count | Should -Be 3
    }
}
