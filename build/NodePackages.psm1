# The npm packages the interop tests run (icebird, an independent Iceberg reader), pinned by a package-lock.json, and
# how build.ps1 installs them: `npm ci` whenever node_modules does not hold exactly what the lock file pins. A module
# of its own so that the Pester tests can ask it the same question build.ps1 does.

function Test-NpmPackagesInstalled {
    # True when every package the lock file pins is in node_modules at the pinned version.
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)] [string] $Directory)
    $lockFile = Join-Path $Directory 'package-lock.json'
    if (-not (Test-Path -LiteralPath $lockFile)) { throw "No package-lock.json in $Directory." }
    $lock = Get-Content -LiteralPath $lockFile -Raw | ConvertFrom-Json -AsHashtable
    foreach ($entry in $lock.packages.GetEnumerator()) {
        if (-not $entry.Key) { continue } # the project itself
        $manifest = Join-Path $Directory $entry.Key 'package.json'
        if (-not (Test-Path -LiteralPath $manifest)) { return $false }
        if ((Get-Content -LiteralPath $manifest -Raw | ConvertFrom-Json).version -ne $entry.Value.version) { return $false }
    }
    $true
}

function Get-NpmInstallCommand {
    # The command that installs the pinned packages into -Directory, or nothing when they are already there.
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Directory)
    if (-not (Test-NpmPackagesInstalled -Directory $Directory)) {
        , @('npm', 'ci', '--prefix', $Directory, '--no-audit', '--no-fund', '--loglevel=error')
    }
}

Export-ModuleMember -Function Test-NpmPackagesInstalled, Get-NpmInstallCommand
