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

function Start-ChildPwsh {
    # Starts a script in a separate pwsh with the module loaded and returns the process; Wait-ChildPwsh collects it.
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
    # Both streams are read from the start, so a chatty child never blocks on a full pipe.
    [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Error = $process.StandardError.ReadToEndAsync() }
}

function Wait-ChildPwsh {
    # Waits for a child started by Start-ChildPwsh; returns its output, error text and exit code.
    param([Parameter(Mandatory, ValueFromPipeline)] $Child)
    process {
        $Child.Process.WaitForExit()
        [pscustomobject]@{ ExitCode = $Child.Process.ExitCode; Output = $Child.Output.Result; Error = $Child.Error.Result }
    }
}

function Invoke-ChildPwsh {
    # Runs a script in a separate pwsh with the module loaded; returns its output lines and exit code (parameters as
    # Start-ChildPwsh's).
    param([Parameter(Mandatory)][string] $Script, [hashtable] $Environment = @{}, [switch] $NoModule, [string] $WorkingDirectory)
    Start-ChildPwsh @PSBoundParameters | Wait-ChildPwsh
}

function Invoke-AsPostgres {
    # Runs a command line as the postgres user (the cluster's files belong to it); throws with its output on failure.
    param([Parameter(Mandatory)][string] $Command)
    $output = & su postgres -s /bin/sh -c $Command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "as postgres: $Command failed ($LASTEXITCODE): $output" }
}

function Start-TestPostgres {
    # A private PostgreSQL 15 cluster on loopback for one test file (initdb -A trust --no-sync, fsync off); stop it
    # with Stop-TestPostgres in AfterAll. Each test then asks New-TestPostgresStore for a database of its own.
    $bin = '/usr/lib/postgresql/15/bin'
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('mlopsps-pg-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $dir | Out-Null
    & chown postgres $dir
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    Invoke-AsPostgres "$bin/initdb -D $dir/data -A trust --no-sync -U postgres"
    Invoke-AsPostgres "$bin/pg_ctl -D $dir/data -l $dir/server.log -o '-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off' -w start"
    [pscustomobject]@{ Bin = $bin; Directory = $dir; Port = $port }
}

function New-TestPostgresStore {
    # A new database in the cluster and a new warehouse folder, as a store location.
    param([Parameter(Mandatory)] $Cluster, [string] $Name = 'pgstore')
    $database = 'mlops_' + [guid]::NewGuid().ToString('N')
    Invoke-AsPostgres "$($Cluster.Bin)/createdb -h $($Cluster.Directory) -p $($Cluster.Port) -U postgres $database"
    "postgresql://postgres@127.0.0.1:$($Cluster.Port)/$database`?warehouse=$(New-TestStore -Name $Name)"
}

function Stop-TestPostgres {
    param($Cluster)
    if (-not $Cluster) { return }
    Invoke-AsPostgres "$($Cluster.Bin)/pg_ctl -D $($Cluster.Directory)/data -m fast -w stop"
    Remove-Item -Recurse -Force $Cluster.Directory -ErrorAction Ignore
}

Export-ModuleMember -Function Import-MlopsTestModule, New-TestStore, Start-ChildPwsh, Wait-ChildPwsh, Invoke-ChildPwsh, Start-TestPostgres, New-TestPostgresStore, Stop-TestPostgres
