# What the benchmark sections share: starting pwsh and the bench tool, medians, and result objects.

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh (the dotnet tool runs as 'dotnet pwsh.dll'); returns its output lines.
    param([Parameter(Mandatory)][string] $Command)
    $exe = [System.Environment]::ProcessPath
    $prefix = @(if ($exe -match 'dotnet(\.exe)?$') { Join-Path $PSHOME 'pwsh.dll' })
    $output = & $exe @prefix -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed ($LASTEXITCODE): $Command`n$output" }
    $output
}

function Invoke-BenchTool {
    # Runs a subcommand of bench/MlopsPS.Benchmarks and returns its JSON result.
    param([Parameter(Mandatory)][string] $Tool, [Parameter(ValueFromRemainingArguments)][string[]] $Arguments)
    $output = & dotnet $Tool @Arguments
    if ($LASTEXITCODE -ne 0) { throw "MlopsPS.Benchmarks $($Arguments -join ' ') failed: $output" }
    ($output | Select-Object -Last 1) | ConvertFrom-Json
}

function Invoke-Python {
    # Runs a Python benchmark script with Debian's python3 (which has xgboost) and returns its JSON result.
    param([Parameter(Mandatory)][string] $Python, [Parameter(ValueFromRemainingArguments)][string[]] $Arguments)
    $output = & $Python @Arguments
    if ($LASTEXITCODE -ne 0) { throw "python $($Arguments -join ' ') failed: $output" }
    ($output | Select-Object -Last 1) | ConvertFrom-Json
}

function Invoke-Wrk {
    # wrk against a POST route: a 3-second warm-up, then the measured run. Returns requests/s, p50 and p99 in ms, the
    # count of non-2xx answers, and the requests answered in both runs (warm-up included).
    param(
        [Parameter(Mandatory)][string] $Url,
        [Parameter(Mandatory)][string] $Body,
        [Parameter(Mandatory)][int] $Connections,
        [Parameter(Mandatory)][string] $WorkDir,
        [int] $Threads = 2,
        [int] $Seconds = 10,
        [int] $WarmupSeconds = 3,
        # Run wrk on this processor alone (taskset), -1 for anywhere.
        [int] $Cpu = -1
    )
    $script = Join-Path $WorkDir 'post.lua'
    @'
local f = io.open(os.getenv("MLOPSPS_BENCH_BODY"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
'@ | Set-Content $script
    $env:MLOPSPS_BENCH_BODY = $Body
    $common = @('--threads', "$Threads", '--connections', "$Connections", '--script', $script)
    $wrk = @(if ($Cpu -ge 0) { 'taskset', '-c', "$Cpu", 'wrk' } else { 'wrk' })
    $warm = if ($WarmupSeconds -gt 0) { (& $wrk[0] @($wrk | Select-Object -Skip 1) @common --duration "$($WarmupSeconds)s" $Url) -join "`n" } else { '' }
    $text = (& $wrk[0] @($wrk | Select-Object -Skip 1) @common --duration "$($Seconds)s" --latency $Url) -join "`n"
    if ($LASTEXITCODE -ne 0) { throw "wrk failed on $Url`n$text" }
    $ms = {
        param($value)
        if ($value -match '^([\d.]+)(us|ms|s)$') { [double]$Matches[1] * @{ us = 0.001; ms = 1; s = 1000 }[$Matches[2]] }
    }
    $answered = {
        param($output)
        [long]([regex]::Match($output, '(\d+) requests in').Groups[1].Value)
    }
    [pscustomobject]@{
        RequestsPerSecond = [double]([regex]::Match($text, 'Requests/sec:\s+([\d.]+)').Groups[1].Value)
        P50 = & $ms ([regex]::Match($text, '(?m)^\s+50%\s+(\S+)').Groups[1].Value)
        P99 = & $ms ([regex]::Match($text, '(?m)^\s+99%\s+(\S+)').Groups[1].Value)
        Errors = if ($text -match 'Non-2xx or 3xx responses:\s+(\d+)') { [int]$Matches[1] } else { 0 }
        Requests = (& $answered $warm) + (& $answered $text)
    }
}

function Merge-WrkRun {
    # Several wrk runs of one route as one result: the median of each figure (a moment of the machine's own noise, such
    # as another VM on the host, moves one run, not the median), the sums of errors and requests, and the runs' p99s.
    param([Parameter(Mandatory)][object[]] $Runs)
    [pscustomobject]@{
        RequestsPerSecond = Get-Median $Runs.RequestsPerSecond
        P50 = Get-Median $Runs.P50
        P99 = Get-Median $Runs.P99
        Errors = ($Runs | Measure-Object Errors -Sum).Sum
        Requests = ($Runs | Measure-Object Requests -Sum).Sum
        P99s = ($Runs | ForEach-Object { '{0:N2}' -f $_.P99 }) -join ', '
    }
}

function Start-LineServer {
    # Starts a long-lived process that answers each line on its stdin with one JSON line on its stdout (stderr is left
    # to the console). A benchmark alternating two such processes run by run keeps each pair of runs seconds apart.
    param([Parameter(Mandatory)][string] $FileName, [Parameter(Mandatory)][string[]] $Arguments)
    $start = [System.Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($start)
}

function Start-PwshLineServer {
    # A line server running a pwsh script file, with the pwsh that runs this one (the dotnet tool runs as 'dotnet pwsh.dll').
    param([Parameter(Mandatory)][string] $Script, [string[]] $Arguments = @())
    $exe = [System.Environment]::ProcessPath
    $prefix = @(if ($exe -match 'dotnet(\.exe)?$') { Join-Path $PSHOME 'pwsh.dll' })
    Start-LineServer $exe (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments)
}

function Invoke-LineServer {
    # Sends one request line and returns the JSON answer; lines before it that are not JSON are skipped.
    param([Parameter(Mandatory)][System.Diagnostics.Process] $Server, [Parameter(Mandatory)][string] $Request)
    $Server.StandardInput.WriteLine($Request)
    $Server.StandardInput.Flush()
    while ($null -ne ($line = $Server.StandardOutput.ReadLine())) {
        if ($line.StartsWith('{')) { return $line | ConvertFrom-Json }
    }
    throw "The benchmark process $($Server.Id) ended without answering '$Request' (exit code $(if ($Server.WaitForExit(5000)) { $Server.ExitCode }))."
}

function Stop-LineServer {
    # Closes the server's stdin, which ends its loop; kills it if it has not ended within 30 s.
    param([System.Diagnostics.Process] $Server)
    if (-not $Server) { return }
    $Server.StandardInput.Close()
    if (-not $Server.WaitForExit(30000)) { $Server.Kill($true) }
}

function Get-Median([double[]] $Values) {
    # The middle value; for an even count, the mean of the two middle ones.
    $sorted = @($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2 -eq 1) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function New-BenchResult {
    # One line of the summary: ours, the anchor, ours/anchor, and whether the target is met.
    param(
        [Parameter(Mandatory)][string] $Benchmark,
        [Parameter(Mandatory)][double] $Ours,
        [Parameter(Mandatory)][double] $Anchor,
        [Parameter(Mandatory)][string] $Unit,
        [Parameter(Mandatory)][string] $AnchorName,
        [Parameter(Mandatory)][string] $Target,
        [Parameter(Mandatory)][scriptblock] $Met,
        [double] $Ratio = $Ours / $Anchor,
        [System.Collections.IDictionary] $Details = @{}
    )
    $result = [ordered]@{
        Benchmark = $Benchmark
        Ours      = '{0:N3} {1}' -f $Ours, $Unit
        Anchor    = '{0:N3} {1} ({2})' -f $Anchor, $Unit, $AnchorName
        Ratio     = [math]::Round($Ratio, 3)
        Target    = $Target
        Met       = [bool](& $Met $Ratio)
    }
    foreach ($key in $Details.Keys) { $result[$key] = $Details[$key] }
    [pscustomobject]$result
}

Export-ModuleMember -Function Invoke-Pwsh, Invoke-BenchTool, Invoke-Python, Invoke-Wrk, Merge-WrkRun, Start-LineServer, Start-PwshLineServer,
    Invoke-LineServer, Stop-LineServer, Get-Median, New-BenchResult
