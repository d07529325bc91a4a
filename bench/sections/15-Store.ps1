# Issue 12: snapshot commits per second with 4 concurrent writer processes, on a PostgreSQL store against a SQLite
# store, side by side in one run (alternating rounds). Each writer (bench tool commit-writer, a process of its own)
# appends 25 batches of 10 rows to one shared table; a round's rate is all commits over the wall time from the first
# writer's start to the last one's finish. The PostgreSQL cluster is private to the run (the tests' helpers: initdb as
# the postgres user, loopback, fsync off as in the tests; SQLite runs with synchronous=NORMAL as always).
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

Import-Module (Join-Path $RepoRoot 'tests/pester/TestHelpers.psm1') -Force
$Writers = 4; $Commits = 25; $Rounds = 3
$savedRoot = $env:MLOPSPS_TEST_ROOT
$env:MLOPSPS_TEST_ROOT = $WorkDir
$cluster = Start-TestPostgres

function Measure-CommitRate([string] $Location) {
    # Starts the writers together once all have paid their start-up cost; returns commits per second.
    $startAt = [DateTimeOffset]::UtcNow.AddSeconds(3).ToUnixTimeMilliseconds()
    $jobs = foreach ($w in 0..($Writers - 1)) {
        Start-Process -FilePath dotnet -ArgumentList @($BenchTool, 'commit-writer', '--store', "`"$Location`"", '--table', 'shared',
            '--writer', $w, '--commits', $Commits, '--rows', 10, '--start-at', $startAt) -NoNewWindow -PassThru `
            -RedirectStandardOutput (Join-Path $WorkDir "writer-$w.json") -RedirectStandardError (Join-Path $WorkDir "writer-$w.err")
    }
    $jobs | Wait-Process
    $results = foreach ($w in 0..($Writers - 1)) {
        if ($jobs[$w].ExitCode -ne 0) { throw "commit-writer $w failed: $(Get-Content -Raw (Join-Path $WorkDir "writer-$w.err"))" }
        Get-Content (Join-Path $WorkDir "writer-$w.json") | Select-Object -Last 1 | ConvertFrom-Json
    }
    $wall = (($results.finished_ms | Measure-Object -Maximum).Maximum - ($results.started_ms | Measure-Object -Minimum).Minimum) / 1000
    ($Writers * $Commits) / $wall
}

try {
    $postgres = @(); $sqlite = @()
    for ($round = 0; $round -lt $Rounds; $round++) {
        $sqlite += Measure-CommitRate (Join-Path $WorkDir "commits-sqlite-$round")
        $postgres += Measure-CommitRate (New-TestPostgresStore -Cluster $cluster -Name "commits-pg-$round")
    }
}
finally {
    Stop-TestPostgres $cluster
    $env:MLOPSPS_TEST_ROOT = $savedRoot
}

$pgMedian = Get-Median $postgres
$sqliteMedian = Get-Median $sqlite
New-BenchResult -Benchmark "Snapshot commits/s, $Writers writer processes, PostgreSQL" -Ours $pgMedian -Anchor $sqliteMedian -Unit 'commits/s' `
    -AnchorName 'same on SQLite' -Target 'reported (issue 12 sets no target)' -Met { param($r) $r -gt 0 } `
    -Details @{ PostgreSqlRuns = ($postgres | ForEach-Object { '{0:N1}' -f $_ }) -join ', '; SqliteRuns = ($sqlite | ForEach-Object { '{0:N1}' -f $_ }) -join ', ' }
