# What MlopsPS needs from the operating system, and how build.ps1 gets it on a fresh machine.
# A module of its own so that the Pester tests can ask it the same questions build.ps1 does.

# Debian/Ubuntu packages. Runtime: what the module itself loads; every other entry serves the tests or the benchmarks.
$script:AptPackages = @(
    [pscustomobject]@{ Name = 'libxgboost0'; Runtime = $true; Purpose = 'the XGBoost C library the engine binds (libxgboost.so.0)' }
    [pscustomobject]@{ Name = 'python3-xgboost'; Runtime = $false; Purpose = 'interop tests: Python loads our model files; the training anchor' }
    [pscustomobject]@{ Name = 'python3-pandas'; Runtime = $false; Purpose = 'the Python scoring anchor parses requests into a DataFrame' }
    [pscustomobject]@{ Name = 'python3-fastapi'; Runtime = $false; Purpose = 'the Python scoring anchor' }
    [pscustomobject]@{ Name = 'python3-uvicorn'; Runtime = $false; Purpose = 'the Python scoring anchor' }
    [pscustomobject]@{ Name = 'wrk'; Runtime = $false; Purpose = 'HTTP load generator of the serving benchmarks' }
    [pscustomobject]@{ Name = 'chromium'; Runtime = $false; Purpose = 'the report tests render Export-ModelEndpointReport headless' }
    [pscustomobject]@{ Name = 'python3-avro'; Runtime = $false; Purpose = 'interop tests: an independent Avro reader decodes our Iceberg manifests' }
    [pscustomobject]@{ Name = 'nodejs'; Runtime = $false; Purpose = 'interop tests: icebird, a JavaScript Iceberg reader, reads our tables' }
    [pscustomobject]@{ Name = 'postgresql-15'; Runtime = $false; Purpose = 'the PostgreSQL store tests start a private cluster of their own (initdb, pg_ctl) on loopback' }
    # Debian's npm only where no npm is on PATH: NodeSource's nodejs package (a common way to get a newer node, and
    # what dpkg then reports as 'nodejs') ships its own npm and conflicts with Debian's, which apt would resolve by
    # removing it.
    if (-not (Get-Command npm -CommandType Application -ErrorAction Ignore)) {
        [pscustomobject]@{ Name = 'npm'; Runtime = $false; Purpose = 'installs icebird for the interop tests (npm ci)' }
    }
)

# The same needs in Homebrew's names, for macOS (not tried here: no macOS machine).
$script:BrewFormulae = @('xgboost', 'wrk', 'chromium')

function Get-MlopsBrewFormula {
    # The Homebrew formulae (and casks) build.ps1 installs on macOS.
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $script:BrewFormulae
}

function Get-MlopsAptPackage {
    # The Debian packages build.ps1 installs; -Runtime: only those the module needs to run.
    [CmdletBinding()]
    param([switch] $Runtime)
    $script:AptPackages | Where-Object { -not $Runtime -or $_.Runtime }
}

function Test-AptPackageInstalled {
    # True when dpkg has the package installed. A package dpkg has never heard of makes dpkg-query exit non-zero and
    # print nothing: that is "not installed", never an empty answer that a filter could read as "fine".
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)] [string] $Name)
    $status = & dpkg-query -W -f='${Status}' $Name 2>$null
    $known = $LASTEXITCODE -eq 0
    $global:LASTEXITCODE = 0
    $known -and ([string]$status -match '\binstall ok installed\b')
}

function Get-MissingAptPackage {
    # The names among -Name that are not installed, in the order given.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string[]] $Name)
    foreach ($package in $Name) {
        if (-not (Test-AptPackageInstalled -Name $package)) { $package }
    }
}

function Get-AptInstallCommand {
    # The commands that install -Missing: as root directly, otherwise through sudo. With neither, it throws the one
    # line the user has to run, so that the build stops before it builds anything.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Missing,
        [bool] $IsRoot = ((& id -u) -eq '0'),
        [bool] $HasSudo = [bool](Get-Command sudo -CommandType Application -ErrorAction Ignore)
    )
    $packages = $Missing -join ' '
    if (-not $IsRoot -and -not $HasSudo) {
        throw "MlopsPS needs Debian packages that are not installed, and this user is neither root nor has sudo. Ask an administrator to run:`n  apt-get update && apt-get install -y --no-install-recommends $packages`nthen run build.ps1 again."
    }
    $prefix = @(if (-not $IsRoot) { 'sudo' })
    , @($prefix + @('apt-get', 'update', '-qq'))
    , @($prefix + @('apt-get', 'install', '-y', '-qq', '--no-install-recommends') + $Missing)
}

function Get-ManualInstallMessage {
    # The one message for a machine build.ps1 cannot install on: exactly what to install, and what each is for.
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $lines = @('build.ps1 installs prerequisites only on Debian/Ubuntu (apt-get) and macOS (Homebrew). Install these yourself, then run it again:')
    $lines += '  - the XGBoost C library, version 1.7 (libxgboost.so / libxgboost.dylib / xgboost.dll); if it is not on the loader''s path, set MLOPSPS_XGBOOST_LIBRARY to its full path. The module cannot train or serve without it.'
    $lines += '  - for the tests and benchmarks only: python3 with the xgboost (1.7), pandas, fastapi, uvicorn and avro packages; wrk; chromium (headless); node and npm.'
    $lines -join [Environment]::NewLine
}

function Test-XGBoostLibraryPresent {
    # On a machine build.ps1 cannot install on: is libxgboost where the engine will look (its variable, or the
    # dynamic loader's cache)?
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    if ($env:MLOPSPS_XGBOOST_LIBRARY) { return (Test-Path -LiteralPath $env:MLOPSPS_XGBOOST_LIBRARY) }
    $ldconfig = Get-Command ldconfig -CommandType Application -ErrorAction Ignore
    [bool]($ldconfig -and ((& $ldconfig -p 2>$null) -match 'libxgboost\.so'))
}

function Get-PrerequisitePlatform {
    # 'Apt' on Debian and its derivatives, 'Brew' on macOS, 'Manual' anywhere else.
    [CmdletBinding()]
    [OutputType([string])]
    param([string] $OsRelease = $(if (Test-Path /etc/os-release) { Get-Content /etc/os-release -Raw } else { '' }))
    if ($OsRelease -match '(?m)^ID(_LIKE)?=.*\b(debian|ubuntu)\b') { 'Apt' }
    elseif ($IsMacOS) { 'Brew' }
    else { 'Manual' }
}

Export-ModuleMember -Function Get-MlopsAptPackage, Get-MlopsBrewFormula, Test-AptPackageInstalled, Get-MissingAptPackage, Get-AptInstallCommand,
    Get-ManualInstallMessage, Test-XGBoostLibraryPresent, Get-PrerequisitePlatform
