# Issue 12: what recording every prediction costs an endpoint whose store is PostgreSQL (a private cluster on loopback,
# started as the tests start one), where the host's writer sends each batch with binary COPY. The same measurement as
# 40-Monitoring (bench/TrackingCost.psm1).
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

Import-Module $ModulePath -Force
Import-Module (Join-Path $RepoRoot 'bench/TrackingCost.psm1') -Force
Import-Module (Join-Path $RepoRoot 'tests/pester/TestHelpers.psm1') -Force
$cluster = Start-TestPostgres
try {
    # One set of 1,000-row rounds, not two: after each with tracking on, the writer takes most of a minute to log the
    # flood's backlog within its budget, which now counts the server's work on this machine.
    Measure-TrackingCost -Store (New-TestPostgresStore -Cluster $cluster -Name monitoring) -Backend PostgreSQL -WorkDir $WorkDir `
        -ThousandRowRepeats 1 -CatchUpSeconds 150
}
finally {
    Stop-TestPostgres $cluster
}
