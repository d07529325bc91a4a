# Helpers shared by the Pester tests: a fresh store per test and the module under test.

function Import-MlopsTestModule {
    # The module build.ps1 just published; tests never import a stale copy from elsewhere.
    Import-Module $env:MLOPSPS_TEST_MODULE -Force -Global
}

function New-TestStore {
    # A new, empty store folder under the test drive.
    param([string] $Name = 'store')
    $root = if ($env:MLOPSPS_TEST_ROOT) { $env:MLOPSPS_TEST_ROOT } else { [System.IO.Path]::GetTempPath() }
    Join-Path $root ("$Name-" + [guid]::NewGuid().ToString('N'))
}

function Invoke-ChildPwsh {
    # Runs a script in a separate pwsh with the module loaded; returns its output lines and exit code.
    # -NoModule: a bare pwsh, for a script that must see the process before the module loads. An -Environment entry
    # whose value is $null removes that variable.
    param([Parameter(Mandatory)][string] $Script, [hashtable] $Environment = @{}, [switch] $NoModule, [string] $WorkingDirectory)
    $psi = [System.Diagnostics.ProcessStartInfo]::new([System.Environment]::ProcessPath)
    # pwsh installed as a dotnet tool runs as 'dotnet pwsh.dll'.
    if ($psi.FileName -match 'dotnet(\.exe)?$') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $(if ($NoModule) { $Script } else { "Import-Module '$env:MLOPSPS_TEST_MODULE'; $Script" })) { $psi.ArgumentList.Add($a) }
    foreach ($entry in $Environment.GetEnumerator()) {
        if ($null -eq $entry.Value) { [void]$psi.Environment.Remove($entry.Key) } else { $psi.Environment[$entry.Key] = $entry.Value }
    }
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
}

Export-ModuleMember -Function Import-MlopsTestModule, New-TestStore, Invoke-ChildPwsh
