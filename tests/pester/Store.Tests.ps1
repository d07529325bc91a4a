# The store: where it is, how it is found, and that the module's native dependencies load inside pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:cluster = Start-TestPostgres
    function New-BackendStore([string] $Backend) {
        if ($Backend -eq 'PostgreSql') { New-TestPostgresStore -Cluster $cluster } else { New-TestStore }
    }
}

AfterAll {
    Stop-TestPostgres $cluster
}

Describe 'Get-MlopsStore' {
    BeforeEach {
        $script:savedHome = $env:MLOPSPS_HOME
        $env:MLOPSPS_HOME = $null
    }
    AfterEach {
        $env:MLOPSPS_HOME = $savedHome
    }

    It 'creates and migrates the store named by -Store (loads SQLite natively inside pwsh)' {
        $path = New-TestStore
        $info = Get-MlopsStore -Store $path
        $info.Path | Should -Be $path
        $info.Source | Should -Be 'Parameter'
        $info.SchemaVersion | Should -BeGreaterThan 0
        Test-Path (Join-Path $path 'catalog.db') | Should -BeTrue
        foreach ($folder in 'tables', 'artifacts', 'logs') { Test-Path (Join-Path $path $folder) | Should -BeTrue }
    }

    It 'uses MLOPSPS_HOME when -Store is not given' {
        $env:MLOPSPS_HOME = New-TestStore -Name env
        $info = Get-MlopsStore
        $info.Source | Should -Be 'Environment'
        $info.Path | Should -Be $env:MLOPSPS_HOME
    }

    It 'defaults to ./mlops-store in the current location' {
        $work = New-Item -ItemType Directory (New-TestStore -Name cwd)
        Push-Location $work
        try {
            $info = Get-MlopsStore
            $info.Source | Should -Be 'Default'
            $info.Path | Should -Be (Join-Path $work.FullName 'mlops-store')
        }
        finally { Pop-Location }
    }

    It 'resolves a relative -Store from the current location, not the process directory' {
        $work = New-Item -ItemType Directory (New-TestStore -Name rel)
        Push-Location $work
        try { (Get-MlopsStore -Store ./here).Path | Should -Be (Join-Path $work.FullName 'here') }
        finally { Pop-Location }
    }

    It 'tags its output with the store so the next cmdlet binds it' {
        $path = New-TestStore
        (Get-MlopsStore -Store $path).Store | Should -Be $path
    }

    It 'reports an unusable store location as ResourceUnavailable' {
        $file = New-TestStore -Name file
        Set-Content $file 'not a folder'
        { Get-MlopsStore -Store $file -ErrorAction Stop } | Should -Throw -ErrorId 'Store,MlopsPS.Commands.GetMlopsStoreCommand'
        $error[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }
}

Describe 'Get-MlopsStore on <Backend>' -ForEach @{ Backend = 'Sqlite' }, @{ Backend = 'PostgreSql' } {
    BeforeEach {
        $script:savedHome = $env:MLOPSPS_HOME
        $env:MLOPSPS_HOME = $null
    }
    AfterEach {
        $env:MLOPSPS_HOME = $savedHome
    }

    It 'creates and migrates the store, with its folders in the store folder or the warehouse' {
        $location = New-BackendStore $Backend
        $info = Get-MlopsStore -Store $location
        $info.Backend | Should -Be $Backend
        $info.Path | Should -Be $location
        $info.Store | Should -Be $location
        $info.SchemaVersion | Should -BeGreaterThan 7
        $info.TableCount | Should -Be 0
        foreach ($folder in 'tables', 'artifacts', 'logs') { Test-Path (Join-Path $info.Root $folder) | Should -BeTrue }
        (Get-MlopsStore -Store $location).SchemaVersion | Should -Be $info.SchemaVersion
    }

    It 'takes the store from MLOPSPS_HOME' {
        $env:MLOPSPS_HOME = New-BackendStore $Backend
        $info = Get-MlopsStore
        $info.Source | Should -Be 'Environment'
        $info.Backend | Should -Be $Backend
    }
}

Describe 'A PostgreSQL store' {
    It 'is read by the listing cmdlets of every area, which find nothing in a new store' {
        $location = New-TestPostgresStore -Cluster $cluster
        foreach ($list in { Get-Table }, { Get-Experiment }, { Get-RegisteredModel }, { Get-ModelEndpoint -NoHealthCheck },
            { Get-MlopsJob }, { Get-ModelEndpointPrediction -Name * }) {
            & $list -Store $location -ErrorAction Stop | Should -BeNullOrEmpty -Because "$list on an empty PostgreSQL store"
        }
        (Get-MlopsStore -Store $location).TableCount | Should -Be 0
    }

    It 'serves the tracking and registry cmdlets' {
        $location = New-TestPostgresStore -Cluster $cluster
        Get-Experiment -Store $location -ErrorAction Stop | Should -BeNullOrEmpty
        # The Store property of output objects is the location without a password, and the next cmdlet binds it.
        Get-MlopsStore -Store $location | Get-Experiment -ErrorAction Stop | Should -BeNullOrEmpty
        Get-ExperimentRun -Store $location -Filter "metrics.roc_auc > 0.5 and params.max_depth = '6'" -ErrorAction Stop | Should -BeNullOrEmpty
        { Get-ExperimentRun -Store $location -Experiment missing -ErrorAction Stop } | Should -Throw -ErrorId 'ExperimentNotFound,MlopsPS.Commands.GetExperimentRunCommand'
        Get-RegisteredModel -Store $location -ErrorAction Stop | Should -BeNullOrEmpty
        { Get-ModelVersion -Store $location -ModelName missing -ErrorAction Stop } | Should -Throw -ErrorId 'ModelNotFound,MlopsPS.Commands.GetModelVersionCommand'
    }

    It 'is migrated once when three processes with their own working folders open it at the same moment' {
        # Separate pwsh processes, as separate machines would be (no shared memory; each its own working folder).
        # A migration applied twice fails (its CREATE TABLE finds the table there), so every process must succeed.
        $location = New-TestPostgresStore -Cluster $cluster
        $start = [datetime]::UtcNow.AddSeconds(4).ToString('o')
        $children = foreach ($i in 1..3) {
            $work = New-Item -ItemType Directory (New-TestStore -Name "machine$i")
            Start-ChildPwsh -WorkingDirectory $work.FullName -Script @"
while ([datetime]::UtcNow -lt [datetime]::Parse('$start').ToUniversalTime()) { Start-Sleep -Milliseconds 5 }
(Get-MlopsStore -Store '$location' -ErrorAction Stop).SchemaVersion
"@
        }
        $results = $children | Wait-ChildPwsh
        $expected = (Get-MlopsStore -Store $location).SchemaVersion
        foreach ($result in $results) {
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            [int]$result.Output.Trim() | Should -Be $expected
        }
    }

    It 'that cannot connect is one error naming host and port, never the password' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $location = "postgresql://mlops:s3cret-Pw@127.0.0.1:$port/catalog?warehouse=$(New-TestStore)"
        { Get-MlopsStore -Store $location -ErrorAction Stop } | Should -Throw -ErrorId 'Store,MlopsPS.Commands.GetMlopsStoreCommand'
        $error[0].Exception.Message | Should -BeLike "*127.0.0.1:$port*"
        $error[0].Exception.Message | Should -Not -BeLike '*s3cret-Pw*'
        $error[0].TargetObject | Should -BeNullOrEmpty
    }
}

Describe 'Module loading' {
    It 'survives Remove-Module and Import-Module -Force in one session' {
        $result = Invoke-ChildPwsh -Script @"
`$s = '$(New-TestStore)'
Get-MlopsStore -Store `$s | Out-Null
Remove-Module MlopsPS
Import-Module '$env:MLOPSPS_TEST_MODULE' -Force
Import-Module '$env:MLOPSPS_TEST_MODULE' -Force
(Get-MlopsStore -Store `$s).SchemaVersion
"@
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        [int]($result.Output.Trim()) | Should -BeGreaterThan 0
    }

    It 'loads the engine into its own AssemblyLoadContext' {
        $result = Invoke-ChildPwsh -Script @"
Get-MlopsStore -Store '$(New-TestStore)' | Out-Null
[System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'Microsoft.Data.Sqlite' } | ForEach-Object Name
"@
        $result.Output.Trim() | Should -Be 'MlopsPS.Engine'
    }
}
