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

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
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
        [hashtable] $Details = @{}
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

Export-ModuleMember -Function Invoke-Pwsh, Invoke-BenchTool, Invoke-Python, Get-Median, New-BenchResult
