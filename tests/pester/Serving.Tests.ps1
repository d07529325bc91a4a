# Publish-ModelEndpoint and the endpoint cmdlets, against real scoring host processes over HTTP on 127.0.0.1.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule

    $script:labSample = '{"dataframe_split": {"columns": ["iot_signal_1", "iot_signal_2", "iot_signal_3", "iot_signal_4"], "data": [[35.5, 200.5, 30.5, 14.5]]}}'
    $script:columns = 'iot_signal_1', 'iot_signal_2', 'iot_signal_3', 'iot_signal_4'
    $script:stores = [System.Collections.Generic.List[string]]::new()

    function New-TestStoreWithModule {
        $path = New-TestStore -Name serving
        Get-MlopsStore -Store $path | Out-Null
        $stores.Add($path)
        $path
    }

    function New-TrainedRun {
        # The pipeline's first two stages: a batch of the lab's telco data, and a retrain on it (10 small trees).
        param([Parameter(Mandatory)][string] $Store, [int] $Seed = 1, [switch] $Broken)
        $run = New-Batch -Table telco -Rows 2000 -Seed $Seed -Store $Store |
            Invoke-Retrain -Store $Store -Hyperparameters @{ n_estimators = 10; max_depth = 3 }
        if ($Broken) {
            # A finished run whose model file libxgboost cannot load: registration accepts it, the build must not.
            Set-Content (Join-Path $run.ArtifactUri 'model/model.json') '{"learner": "not a model"}'
        }
        $run
    }

    function Invoke-Lab([string] $Url, [hashtable] $Headers = @{}) {
        Invoke-RestMethod -Method Post -Uri "$Url/invocations" -ContentType 'application/json' -Body $labSample -Headers $Headers
    }
}

AfterAll {
    foreach ($store in $stores) {
        Get-ModelEndpoint -Store $store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $store -ErrorAction Continue
    }
}

Describe 'Publish-ModelEndpoint' {
    BeforeAll {
        $script:store = New-TestStoreWithModule
        $script:runs = 1..3 | ForEach-Object { New-TrainedRun -Store $store -Seed $_ }
    }

    It 'runs the lab''s pipeline: New-Batch | Invoke-Retrain | Publish-ModelEndpoint' {
        $lab = New-TestStoreWithModule
        $deployment = New-Batch -Table telco -Rows 2000 -Store $lab | Invoke-Retrain -Hyperparameters @{ n_estimators = 10 } |
            Publish-ModelEndpoint -Name celltower
        $deployment.Store | Should -Be $lab -Because 'the store travels down the pipeline'
        $deployment.ModelUri | Should -Be 'models:/celltower/1'
        (Invoke-Lab $deployment.Url).predictions.Count | Should -Be 1
        $scored = @(Read-Table telco -Store $lab | Select-Object -First 50 | Invoke-ModelEndpoint celltower -Store $lab -BatchSize 20)
        $scored.Count | Should -Be 50
        $scored[0].PSObject.Properties.Name | Should -Contain 'cell_tower_failure'
        ($scored | Where-Object { $_.Prediction -eq $_.cell_tower_failure }).Count | Should -BeGreaterThan 25 -Because 'the model learned something'
    }

    It 'takes Runs from the pipeline, registers each as the next version of the endpoint''s model, and serves the last' {
        $deployments = @($runs | Publish-ModelEndpoint -Name celltower -Store $store)

        $deployments.Count | Should -Be 3
        $deployments.Version | Should -Be @(1, 2, 3)
        $deployments.ModelName | Sort-Object -Unique | Should -Be 'celltower'
        $deployments[2].Url | Should -Match '^http://127\.0\.0\.1:\d+$'
        $deployments[2].DeploymentId | Should -Not -Be $deployments[2].BuildId
        $deployments[2].ProcessId | Should -Be $deployments[0].ProcessId -Because 'a redeploy swaps inside the running host'
        $answer = Invoke-Lab $deployments[2].Url
        @($answer.predictions).Count | Should -Be 1
        $answer.predictions[0] | Should -BeIn 0, 1
        $answer.prediction_ids[0] | Should -Match '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        (Invoke-RestMethod "$($deployments[2].Url)/version").model_version | Should -Be 3
    }

    It 'records the history: which version was live when, and the latest deployment details' {
        $history = @(Get-ModelDeployment celltower -Store $store)
        $history.Status | Should -Be @('Live', 'Replaced', 'Replaced')
        $history.Version | Should -Be @(3, 2, 1)
        $history[1].EndTime | Should -Be $history[0].DeployedTime
        (Get-ModelDeployment -Latest -Store $store).DeploymentId | Should -Be $history[0].DeploymentId
    }

    It 'lists the endpoint with its live health, and its log' {
        $endpoint = Get-ModelEndpoint cell* -Store $store
        $endpoint.Health | Should -Be 'Healthy'
        $endpoint.Status | Should -Be 'Running'
        $endpoint.ModelUri | Should -Be 'models:/celltower/3'
        Get-ModelEndpointLog celltower -Tail 1 -Store $store | Should -Match 'celltower/3'
    }

    It 'deploys a ModelVersion from the pipeline, and does nothing with -WhatIf' {
        [pscustomobject]@{ ModelName = 'celltower'; Version = 1; Store = $store } | Publish-ModelEndpoint -Name celltower -WhatIf
        (Get-ModelEndpoint celltower -Store $store).Version | Should -Be 3

        $deployment = [pscustomobject]@{ ModelName = 'celltower'; Version = 1; Store = $store } | Publish-ModelEndpoint -Name celltower
        $deployment.Version | Should -Be 1
        (Invoke-RestMethod "$($deployment.Url)/version").model_version | Should -Be 1
    }

    It 'refuses a version that fails validation, and the old one keeps serving' {
        $broken = New-TrainedRun -Store $store -Broken
        $live = Get-ModelEndpoint celltower -Store $store

        { $broken | Publish-ModelEndpoint -Name celltower -Store $store -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidModel,MlopsPS.Commands.PublishModelEndpointCommand'
        $error[0].CategoryInfo.Category | Should -Be 'InvalidData'
        (Invoke-RestMethod "$($live.Url)/version").model_version | Should -Be $live.Version
        (Get-ModelDeployment celltower -Latest -Store $store).Status | Should -Be 'Failed'
    }

    It 'refuses a non-loopback address without an API key' {
        { Publish-ModelEndpoint -Name open -ModelUri models:/celltower/1 -BindAddress 0.0.0.0 -Store $store -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEndpointSetting,MlopsPS.Commands.PublishModelEndpointCommand'
        $error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ModelEndpoint open -Store $store -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-ModelEndpoint' {
    BeforeAll {
        $script:store = New-TestStoreWithModule
        New-TrainedRun -Store $store | Publish-ModelEndpoint -Name scorer -Store $store | Out-Null
    }

    It 'sends objects in batches and writes each back with its prediction, probability and id' {
        $rows = 1..5 | ForEach-Object { [pscustomobject]@{ iot_signal_1 = $_ / 10; iot_signal_2 = -$_ / 10; iot_signal_3 = 0; iot_signal_4 = $null; tower = "t$_" } }

        $scored = @($rows | Invoke-ModelEndpoint scorer -BatchSize 2 -Store $store)

        $scored.Count | Should -Be 5
        $scored.tower | Should -Be @('t1', 't2', 't3', 't4', 't5')
        $scored.Prediction | ForEach-Object { $_ | Should -BeIn 0, 1 }
        $scored.Probability | ForEach-Object { $_ | Should -BeGreaterOrEqual 0; $_ | Should -BeLessOrEqual 1 }
        @($scored.PredictionId | Sort-Object -Unique).Count | Should -Be 5
        $scored.ModelVersion | Sort-Object -Unique | Should -Be 1
        $scored[0].PSObject.TypeNames[0] | Should -Be 'MlopsPS.Prediction'
    }

    It 'gives the same answer as a direct request, and takes hashtables and -Uri' {
        $url = (Get-ModelEndpoint scorer -Store $store).Url
        $direct = Invoke-RestMethod -Method Post -Uri "$url/invocations" -ContentType 'application/json' `
            -Body ('{"inputs": {"iot_signal_1": 35.5, "iot_signal_2": 200.5, "iot_signal_3": 30.5, "iot_signal_4": 14.5}, "params": {"predict_proba": true}}')
        $scored = @{ iot_signal_1 = 35.5; iot_signal_2 = 200.5; iot_signal_3 = 30.5; iot_signal_4 = 14.5 } | Invoke-ModelEndpoint -Uri $url
        $scored.Prediction | Should -Be $direct.predictions[0]
        [float]$scored.Probability | Should -Be ([float]$direct.probabilities[0])
    }

    It 'reports an object that lacks an input and carries on with the others' {
        $scored = @([pscustomobject]@{ iot_signal_1 = 1 }, [pscustomobject]@{ iot_signal_1 = 1; iot_signal_2 = 2; iot_signal_3 = 3; iot_signal_4 = 4 } |
                Invoke-ModelEndpoint scorer -Store $store -ErrorVariable problems -ErrorAction SilentlyContinue)
        $scored.Count | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPredictionInput,*'
    }

    It 'needs the API key of an endpoint that has one' {
        $key = ConvertTo-SecureString 'pester-key-0123456789abcdef' -AsPlainText -Force
        Publish-ModelEndpoint -Name scorer -ModelUri models:/scorer/1 -ApiKey $key -Store $store | Out-Null
        $row = [pscustomobject]@{ iot_signal_1 = 1; iot_signal_2 = 2; iot_signal_3 = 3; iot_signal_4 = 4 }

        { $row | Invoke-ModelEndpoint scorer -Store $store -ErrorAction Stop } | Should -Throw '*UNAUTHENTICATED*'
        ($row | Invoke-ModelEndpoint scorer -Store $store -ApiKey $key).Prediction | Should -BeIn 0, 1
        $url = (Get-ModelEndpoint scorer -Store $store).Url
        (Invoke-Lab $url -Headers @{ 'X-Api-Key' = 'pester-key-0123456789abcdef' }).predictions.Count | Should -Be 1
    }
}

Describe 'Endpoint lifecycle' {
    BeforeAll {
        $script:store = New-TestStoreWithModule
        New-TrainedRun -Store $store | Publish-ModelEndpoint -Name cycle -Store $store | Out-Null
    }

    It 'stops and starts again with the same version' {
        $before = Get-ModelEndpoint cycle -Store $store
        Stop-ModelEndpoint cycle -Store $store
        (Get-ModelEndpoint cycle -Store $store).Health | Should -Be 'Stopped'
        { Invoke-Lab $before.Url } | Should -Throw

        $started = Start-ModelEndpoint cycle -Store $store -PassThru
        $started.Health | Should -Be 'Healthy'
        $started.ModelUri | Should -Be 'models:/cycle/1'
        (Invoke-Lab $started.Url).predictions.Count | Should -Be 1
        (Get-ModelDeployment cycle -Store $store).Status | Should -Be @('Live', 'Stopped')
    }

    It 'keeps serving after the pwsh that published it exits' {
        $child = [System.Diagnostics.ProcessStartInfo]::new([System.Environment]::ProcessPath)
        if ($child.FileName -match 'dotnet(\.exe)?$') { $child.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        $script = "Set-Location '$folderB'; Import-Module '$env:MLOPSPS_TEST_MODULE'; (Publish-ModelEndpoint -Name detached -ModelUri models:/cycle/1 -Store '$store').ProcessId; `$PID"
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $script) { $child.ArgumentList.Add($a) }
        $child.RedirectStandardOutput = $true
        $child.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($child)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit(120000) | Should -BeTrue -Because 'the child pwsh finishes'
        # The host must not hold the child's stdout: the reads end when the child does.
        $stdout.Wait(10000) | Should -BeTrue -Because 'the host does not inherit the parent''s stdout'
        $stderr.Wait(10000) | Out-Null
        $stderr.Result | Should -BeNullOrEmpty
        $hostPid, $childPid = $stdout.Result.Trim() -split '\s+'

        $endpoint = Get-ModelEndpoint detached -Store $store
        $endpoint.Health | Should -Be 'Healthy'
        $endpoint.ProcessId | Should -Be ([int]$hostPid)
        Get-Process -Id ([int]$childPid) -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Invoke-Lab $endpoint.Url).predictions.Count | Should -Be 1
        Stop-ModelEndpoint detached -Store $store
    }

    It 'completes endpoint names' {
        $line = "Stop-ModelEndpoint -Store '$store' -Name cy"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'cycle'
    }

    It 'writes an error for an unknown endpoint and carries on with the next' {
        $found = @(Get-ModelEndpoint nope, cycle -Store $store -ErrorVariable problems -ErrorAction SilentlyContinue)
        $found.Name | Should -Be 'cycle'
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'EndpointNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Several scoring hosts of one endpoint on a PostgreSQL store' {
    BeforeAll { $script:cluster = Start-TestPostgres; $script:pgStores = [System.Collections.Generic.List[string]]::new() }
    AfterAll {
        foreach ($store in $pgStores) { Stop-ModelEndpoint -Name multi -Store $store -ErrorAction Continue | Out-Null }
        Stop-TestPostgres $cluster
    }

    It 'a second machine joins with Start-ModelEndpoint, Publish redeploys both, Get-ModelEndpoint lists both hosts' {
        # The model is trained on a folder store (tables are not on PostgreSQL yet) and logged and registered on the
        # PostgreSQL store through the engine, which works there.
        $sqlite = New-TestStoreWithModule
        $first = New-TrainedRun -Store $sqlite -Seed 1
        $second = New-TrainedRun -Store $sqlite -Seed 2
        $pg = New-TestPostgresStore -Cluster $cluster
        $pgStores.Add($pg)
        # The engine loads in its own context: its types are reached through an object it returned.
        $core = (Get-MlopsStore -Store $pg).GetType().Assembly
        $engine = $core.GetType('MlopsPS.Core.Store.MlopsStore')::Open($core.GetType('MlopsPS.Core.Store.StoreLocation')::Parse($pg, $PWD.Path), 'Parameter')
        $tracking = $core.GetType('MlopsPS.Core.Tracking.TrackingStore')::new($engine)
        $registry = $core.GetType('MlopsPS.Core.Registry.ModelRegistry')::new($engine)
        $versions = foreach ($source in $first, $second) {
            $run = $tracking.StartRun('serving')
            Copy-Item -Recurse (Join-Path $source.ArtifactUri 'model') (Join-Path $run.ArtifactUri 'model')
            $tracking.EndRun($run.RunId, 'Finished')
            $registry.RegisterRunModel('multi', $run.RunId)
        }

        $env:MLOPSPS_MACHINE_NAME = 'machine-a'
        try {
            Publish-ModelEndpoint -Name multi -ModelUri 'models:/multi/1' -Store $pg | Out-Null
        }
        finally { $env:MLOPSPS_MACHINE_NAME = $null }
        # Machine B: another process, its own working folder and machine name.
        $folderB = New-TestStore -Name machine-b
        New-Item -ItemType Directory $folderB | Out-Null
        $script = "Set-Location '$folderB'; Import-Module '$env:MLOPSPS_TEST_MODULE'; `$env:MLOPSPS_MACHINE_NAME = 'machine-b'; Start-ModelEndpoint -Name multi -Store '$pg' | Out-Null"
        $b = Start-Process dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script -WorkingDirectory (Join-Path $PSScriptRoot '../..') -PassThru -Wait -RedirectStandardError (Join-Path $folderB 'err.txt') -RedirectStandardOutput (Join-Path $folderB 'out.txt')
        $b.ExitCode | Should -Be 0 -Because (Get-Content -Raw (Join-Path $folderB 'err.txt'), (Join-Path $folderB 'out.txt'))

        $endpoint = Get-ModelEndpoint -Name multi -Store $pg
        $endpoint.Hosts.MachineName | Sort-Object | Should -Be 'machine-a', 'machine-b'
        $endpoint.Hosts | ForEach-Object { $_.ModelUri | Should -Be 'models:/multi/1'; $_.Health | Should -Be 'Healthy' }

        Publish-ModelEndpoint -Name multi -ModelUri 'models:/multi/2' -Store $pg | Out-Null
        $after = Get-ModelEndpoint -Name multi -Store $pg
        $after.Hosts | ForEach-Object {
            $_.ModelUri | Should -Be 'models:/multi/2'
            (Invoke-Lab $_.Url).predictions | Should -HaveCount 1
            (Invoke-RestMethod "$($_.Url)/version").model_version | Should -Be 2
        }

        $stopped = Stop-ModelEndpoint -Name multi -Store $pg
        $stopped.Hosts | Should -BeNullOrEmpty
    }
}
