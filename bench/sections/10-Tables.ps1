# Issue 2: appending and reading versioned tables, and importing the module.
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

# New-Batch of 1,000,000 telco rows, end to end through the cmdlet in a fresh pwsh (after a small warm-up
# append), against writing the same columns with Parquet.Net directly. Alternating, three of each.
$ours = @(); $anchor = @()
for ($i = 0; $i -lt 3; $i++) {
    $store = Join-Path $WorkDir "new-batch-$i"
    $ours += [double](Invoke-Pwsh "Import-Module '$ModulePath'; New-Batch -Table warm -Rows 1000 -Store '$store' | Out-Null; (Measure-Command { New-Batch -Table big -Rows 1000000 -Seed 1 -Store '$store' }).TotalSeconds" | Select-Object -Last 1)
    $anchor += (Invoke-BenchTool $BenchTool parquet-anchor --rows 1000000 --out (Join-Path $WorkDir "anchor-$i.parquet")).seconds
}
New-BenchResult -Benchmark 'New-Batch 1M telco rows' -Ours (Get-Median $ours) -Anchor (Get-Median $anchor) -Unit s `
    -AnchorName 'Parquet.Net direct write' -Target 'ratio <= 1.5' -Met { param($r) $r -le 1.5 } `
    -Details @{ OursRuns = $ours -join ', '; AnchorRuns = $anchor -join ', ' }

# Reading the newest 1,440-row batch when the table has 1,000 snapshots against when it has 1.
$deep = Invoke-BenchTool $BenchTool newest-batch-read --snapshots 1000 --dir (Join-Path $WorkDir 'deep')
$shallow = Invoke-BenchTool $BenchTool newest-batch-read --snapshots 1 --dir (Join-Path $WorkDir 'shallow')
New-BenchResult -Benchmark 'Newest 1,440-row batch, 1,000 snapshots' -Ours $deep.median_ms -Anchor $shallow.median_ms -Unit ms `
    -AnchorName 'same read, 1 snapshot' -Target 'ratio <= 1.5' -Met { param($r) $r -le 1.5 } `
    -Details @{ P90 = '{0:N3} ms vs {1:N3} ms' -f $deep.p90_ms, $shallow.p90_ms }

# Import-Module MlopsPS in a fresh pwsh against a bare pwsh -c exit, alternating, seven of each; beside it the
# import alone, timed inside the fresh pwsh (no process start-up or exit in it).
$bare = @(); $import = @(); $inside = @()
$exe = [System.Environment]::ProcessPath
$prefix = @(if ($exe -match 'dotnet(\.exe)?$') { Join-Path $PSHOME 'pwsh.dll' })
for ($i = 0; $i -lt 7; $i++) {
    $bare += (Measure-Command { & $exe @prefix -NoProfile -NonInteractive -Command 'exit' }).TotalSeconds
    $import += (Measure-Command { & $exe @prefix -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; exit" }).TotalSeconds
    $inside += [double](& $exe @prefix -NoProfile -NonInteractive -Command "(Measure-Command { Import-Module '$ModulePath' }).TotalSeconds")
}
$bareMedian = Get-Median $bare
$importMedian = Get-Median $import
New-BenchResult -Benchmark 'Import-Module MlopsPS (fresh pwsh)' -Ours $importMedian -Anchor $bareMedian -Unit s `
    -AnchorName 'pwsh -c exit' -Target '<= 0.18 s above the anchor' -Met { param($r) ($importMedian - $bareMedian) -le 0.18 } `
    -Details @{ Difference = '{0:N3} s' -f ($importMedian - $bareMedian); ImportAloneMedian = '{0:N3} s' -f (Get-Median $inside)
        OursRuns = ($import | ForEach-Object { '{0:N3}' -f $_ }) -join ', '; AnchorRuns = ($bare | ForEach-Object { '{0:N3}' -f $_ }) -join ', ' }
