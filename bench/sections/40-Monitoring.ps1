# Issue 6: what recording every prediction costs an endpoint on the embedded SQLite store (bench/TrackingCost.psm1
# says how it is measured).
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

Import-Module $ModulePath -Force
Import-Module (Join-Path $RepoRoot 'bench/TrackingCost.psm1') -Force
Measure-TrackingCost -Store (Join-Path $WorkDir 'monitoring') -Backend SQLite -WorkDir $WorkDir
