# Issue 12: the prediction log's write rate on PostgreSQL beside SQLite, in one run. The bench tool pushes rounds of
# 200,000 one-row predictions through the scoring host's recorder into each store, alternating (SQLite, PostgreSQL,
# PostgreSQL, SQLite, ...), and times each round from the first prediction to the last one committed. SQLite writes
# multi-row INSERTs through its C API (WAL, synchronous=NORMAL: no fsync per commit); PostgreSQL streams each batch with
# binary COPY. The private cluster runs with fsync on and synchronous_commit=off, the durability closest to SQLite's
# NORMAL (a crash may lose the last moments' commits, never corrupt): both sides then skip a flush per transaction.
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

function Invoke-AsPostgres([string] $Command) {
    $output = & su postgres -s /bin/sh -c $Command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "as postgres: $Command failed ($LASTEXITCODE): $output" }
}

$bin = '/usr/lib/postgresql/15/bin'
$cluster = Join-Path $WorkDir 'pg-predictionlog'
New-Item -ItemType Directory $cluster | Out-Null
& chown postgres $cluster
$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
$listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
try {
    Invoke-AsPostgres "$bin/initdb -D $cluster/data -A trust --no-sync -U postgres"
    Invoke-AsPostgres "$bin/pg_ctl -D $cluster/data -l $cluster/server.log -o '-c listen_addresses=127.0.0.1 -p $port -k $cluster -c synchronous_commit=off' -w start"
    Invoke-AsPostgres "$bin/createdb -h $cluster -p $port -U postgres predictionlog"
    $sqlite = New-Item -ItemType Directory (Join-Path $WorkDir 'predictionlog-sqlite') -Force
    $warehouse = New-Item -ItemType Directory (Join-Path $WorkDir 'predictionlog-warehouse') -Force
    $postgres = "postgresql://postgres@127.0.0.1:$port/predictionlog?warehouse=$warehouse"

    $run = Invoke-BenchTool $BenchTool prediction-log --sqlite $sqlite.FullName --postgresql $postgres --rows 200000 --rounds 4
    $pg = Get-Median $run.PostgreSqlRowsPerSecond
    $lite = Get-Median $run.SqliteRowsPerSecond
    New-BenchResult -Benchmark 'Prediction log: write rate, PostgreSQL (binary COPY) vs SQLite' -Ours $pg -Anchor $lite -Unit 'rows/s' `
        -AnchorName 'SQLite store, same run; medians of 4 rounds of 200,000 one-row predictions each' -Target 'reported (no target)' -Met { $true } `
        -Details @{
            PostgreSqlRounds = ($run.PostgreSqlRowsPerSecond | ForEach-Object { '{0:N0}' -f $_ }) -join ', '
            SqliteRounds = ($run.SqliteRowsPerSecond | ForEach-Object { '{0:N0}' -f $_ }) -join ', '
        }
}
finally {
    if (Test-Path "$cluster/data/postmaster.pid") { Invoke-AsPostgres "$bin/pg_ctl -D $cluster/data -m fast -w stop" }
}
