# Monitoring (issue 6): the prediction log, delayed ground truth, metric windows, explanations and lineage, through
# the cmdlets, against real scoring host processes over HTTP on 127.0.0.1.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule

    $script:store = New-TestStore -Name monitoring
    # The lab's pipeline: a batch, a retrain on it, a deployment; then 40 rows of the batch scored through the endpoint.
    $script:batch = New-Batch -Table telco -Rows 2000 -Seed 7 -Store $store
    $script:run = $batch | Invoke-Retrain -Hyperparameters @{ n_estimators = 10; max_depth = 3 }
    $script:deployment = $run | Publish-ModelEndpoint -Name celltower
    $script:scored = @(Read-Table telco -Store $store | Select-Object -First 40 | Invoke-ModelEndpoint celltower -Store $store -BatchSize 15)

    function Wait-Logged {
        # The host writes its log about 0.1 s after answering: wait until every id is there.
        param([string[]] $Id)
        $deadline = (Get-Date).AddSeconds(15)
        while ($true) {
            $found = @(Get-ModelEndpointPrediction -PredictionId $Id -Store $store -ErrorAction SilentlyContinue)
            if ($found.Count -eq $Id.Count -or (Get-Date) -gt $deadline) { return $found }
            Start-Sleep -Milliseconds 50
        }
    }
}

AfterAll {
    Get-ModelEndpoint -Store $store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $store -ErrorAction Continue
}

Describe 'The prediction log' {
    It 'holds every prediction with the id the caller got, its inputs, answer, probability and the version' {
        $logged = Wait-Logged $scored.PredictionId

        $logged.Count | Should -Be 40
        $byId = @{}
        foreach ($entry in $logged) { $byId[$entry.PredictionId] = $entry }
        foreach ($row in $scored) {
            $entry = $byId[$row.PredictionId]
            $entry | Should -Not -BeNullOrEmpty
            $entry.Prediction | Should -Be "$($row.Prediction)"
            [float]$entry.Probability | Should -Be ([float]$row.Probability)
            [float]$entry.Inputs['iot_signal_1'] | Should -Be ([float]$row.iot_signal_1)
            $entry.ModelUri | Should -Be 'models:/celltower/1'
            $entry.DeploymentId | Should -Be $deployment.DeploymentId
            $entry.LatencyMs | Should -BeGreaterThan 0
        }
        @($logged.Inputs[0].Keys) | Should -Be @('iot_signal_1', 'iot_signal_2', 'iot_signal_3', 'iot_signal_4')
        (Get-ModelEndpointPrediction celltower -Last 5 -Store $store).Count | Should -Be 5
        $logged[0].PSObject.TypeNames[0] | Should -Be 'MlopsPS.Core.Monitoring.LoggedPrediction'
        ($logged | Out-String) | Should -Match 'celltower/1'
    }

    It 'records nothing while tracking is off, switched live, and again once it is on' {
        $endpoint = Set-ModelEndpoint celltower -Tracking Off -PassThru -Store $store
        $endpoint.TrackingEnabled | Should -BeFalse
        $endpoint.ProcessId | Should -Be $deployment.ProcessId -Because 'the running host applies it, no restart'
        $before = (Get-ModelEndpointMetric celltower -Store $store).Predictions

        $off = @(Read-Table telco -Store $store | Select-Object -First 10 | Invoke-ModelEndpoint celltower -Store $store)
        Start-Sleep -Milliseconds 400
        (Get-ModelEndpointMetric celltower -Store $store).Predictions | Should -Be $before
        Get-ModelEndpointPrediction -PredictionId $off[0].PredictionId -Store $store -ErrorAction SilentlyContinue -ErrorVariable missing |
            Should -BeNullOrEmpty
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'

        Set-ModelEndpoint celltower -Tracking On -Store $store
        $on = @(Read-Table telco -Store $store | Select-Object -First 3 | Invoke-ModelEndpoint celltower -Store $store)
        (Wait-Logged $on.PredictionId).Count | Should -Be 3
        (Get-ModelEndpoint celltower -Store $store).TrackingEnabled | Should -BeTrue
    }

    It 'is off from the start for an endpoint published with -Tracking Off' {
        $quiet = $run | Publish-ModelEndpoint -Name quiet -Tracking Off -Store $store
        (Get-ModelEndpoint quiet -NoHealthCheck -Store $store).TrackingEnabled | Should -BeFalse
        $answer = Invoke-RestMethod -Method Post -Uri "$($quiet.Url)/invocations" -ContentType 'application/json' `
            -Body '{"instances": [[1, 2, 3, 4]]}'
        $answer.prediction_ids.Count | Should -Be 1
        Start-Sleep -Milliseconds 400
        Get-ModelEndpointPrediction quiet -Store $store | Should -BeNullOrEmpty
        Stop-ModelEndpoint quiet -Store $store
    }
}

Describe 'Add-GroundTruth and Get-ModelEndpointMetric' {
    BeforeAll {
        Wait-Logged $scored.PredictionId | Out-Null
        # The true labels of the first 30 scored rows, as a CSV of id,label, with two ids the log never saw.
        $script:truthFile = Join-Path $store 'truth.csv'
        $rows = @($scored | Select-Object -First 30 | ForEach-Object { [pscustomobject]@{ prediction_id = $_.PredictionId; label = $_.cell_tower_failure } })
        $rows += [pscustomobject]@{ prediction_id = [guid]::NewGuid().ToString(); label = 1 }
        $rows += [pscustomobject]@{ prediction_id = 'not-a-prediction'; label = 0 }
        $rows | Export-Csv $truthFile -NoTypeInformation
    }

    It 'records the known ids, and reports each unknown id as ObjectNotFound without dropping the rest' {
        $recorded = @(Import-Csv $truthFile | Add-GroundTruth -PassThru -Store $store -ErrorVariable problems -ErrorAction SilentlyContinue)

        $recorded.Count | Should -Be 30
        $problems.Count | Should -Be 2
        $problems | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'PredictionNotFound,MlopsPS.Commands.AddGroundTruthCommand'
            $_.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        $problems[1].TargetObject | Should -Be 'not-a-prediction'
        $first = $scored[0]
        $match = $recorded | Where-Object PredictionId -EQ $first.PredictionId
        $match.Label | Should -Be "$($first.cell_tower_failure)"
        $match.Correct | Should -Be ("$($first.Prediction)" -eq "$($first.cell_tower_failure)")
    }

    It 'refuses a label that is not a class label, and records nothing with -WhatIf' {
        $id = $scored[35].PredictionId
        [pscustomobject]@{ PredictionId = $id; Label = 'yes' } | Add-GroundTruth -Store $store -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad[0].CategoryInfo.Category | Should -Be 'InvalidData'
        Add-GroundTruth -PredictionId $id -Label 1 -WhatIf -Store $store
        (Get-ModelEndpointPrediction -PredictionId $id -Store $store).Label | Should -BeNullOrEmpty
    }

    It 'gives accuracy, precision, recall and F1 over the labelled predictions, as counted by hand' {
        $labelled = $scored | Select-Object -First 30
        $tp = @($labelled | Where-Object { "$($_.Prediction)" -eq '1' -and "$($_.cell_tower_failure)" -eq '1' }).Count
        $fp = @($labelled | Where-Object { "$($_.Prediction)" -eq '1' -and "$($_.cell_tower_failure)" -eq '0' }).Count
        $fn = @($labelled | Where-Object { "$($_.Prediction)" -eq '0' -and "$($_.cell_tower_failure)" -eq '1' }).Count
        $right = @($labelled | Where-Object { "$($_.Prediction)" -eq "$($_.cell_tower_failure)" }).Count

        $window = Get-ModelEndpointMetric celltower -ModelVersion 1 -Store $store

        $window.Predictions | Should -Be 43 -Because '40 scored, then 3 with tracking back on'
        $window.Labelled | Should -Be 30
        $window.Accuracy | Should -Be ($right / 30)
        $window.Precision | Should -Be $(if ($tp + $fp) { $tp / ($tp + $fp) } else { 0 })
        $window.Recall | Should -Be $(if ($tp + $fn) { $tp / ($tp + $fn) } else { 0 })
        $window.LatencyP50Ms | Should -BeGreaterThan 0
        $window.LatencyP99Ms | Should -BeGreaterOrEqual $window.LatencyP95Ms
        $window.Requests | Should -Be 4 -Because '40 rows went in batches of 15, 15 and 10, then 3 in one'
        ($window | Out-String) | Should -Match 'celltower'
    }

    It 'cuts windows by count and by time' {
        $byCount = @(Get-ModelEndpointMetric celltower -WindowSize 20 -Store $store)
        $byCount.Predictions | Should -Be @(20, 20, 3)
        $byCount[0].Labelled | Should -Be 20
        $byTime = @(Get-ModelEndpointMetric -Name cell* -Window ([timespan]::FromDays(1)) -Store $store)
        ($byTime.Predictions | Measure-Object -Sum).Sum | Should -Be 43
        $byTime[0].Start.TimeOfDay | Should -Be ([timespan]::Zero) -Because 'day windows start at midnight UTC'
        { Get-ModelEndpointMetric celltower -WindowSize 5 -Window 00:01:00 -Store $store -ErrorAction Stop } | Should -Throw
        Get-ModelEndpointMetric nope -Store $store -ErrorAction SilentlyContinue -ErrorVariable missing
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'EndpointNotFound,*'
    }
}

Describe 'Explanations' {
    It 'gives each row contributions per input and a bias that sum to the margin of its probability' {
        $explained = @(Read-Table telco -Store $store | Select-Object -First 20 | Invoke-ModelEndpoint celltower -Explain -Store $store)

        $explained.Count | Should -Be 20
        foreach ($row in $explained) {
            @($row.Contributions.PSObject.Properties.Name) | Should -Be @('iot_signal_1', 'iot_signal_2', 'iot_signal_3', 'iot_signal_4', 'bias')
            $sum = ($row.Contributions.PSObject.Properties.Value | Measure-Object -Sum).Sum
            $p = [double]$row.Probability
            if ($p -gt 0.001 -and $p -lt 0.999) {
                [math]::Abs($sum - [math]::Log($p / (1 - $p))) | Should -BeLessThan 1e-4
            }
        }
    }
}

Describe 'Lineage' {
    It 'traces a scored prediction to its endpoint, deployment, version, run, snapshot and data file' {
        $lineage = $scored[0] | Get-PredictionLineage

        $lineage.PredictionId | Should -Be $scored[0].PredictionId
        $lineage.EndpointName | Should -Be 'celltower'
        $lineage.DeploymentId | Should -Be $deployment.DeploymentId
        $lineage.ModelUri | Should -Be 'models:/celltower/1'
        $lineage.RunId | Should -Be $run.RunId
        $lineage.Run.Metrics['accuracy'] | Should -Be $run.Metrics['accuracy']
        $lineage.Table | Should -Be 'telco'
        $lineage.SnapshotIds | Should -Be @($batch.SnapshotId)
        $lineage.DataFiles.Count | Should -Be 1
        $lineage.DataFiles[0].Path | Should -Be $batch.DataFiles[0]
        Test-Path $lineage.DataFiles[0].FullPath | Should -BeTrue
        ($lineage | Out-String) | Should -Match ([regex]::Escape($batch.SnapshotId.ToString()))
    }

    It 'goes from a snapshot to the runs, versions and endpoints built from it' {
        $fromBatch = $batch | Get-SnapshotLineage

        $fromBatch.RunIds | Should -Be @($run.RunId)
        $fromBatch.ModelUris | Should -Contain 'models:/celltower/1'
        $fromBatch.EndpointNames | Should -Contain 'celltower'

        $next = New-Batch -Table telco -Rows 500 -Seed 8 -Store $store
        (Get-SnapshotLineage -Table telco -SnapshotId $next.SnapshotId -Store $store).RunIds | Should -BeNullOrEmpty
    }

    It 'reports an unknown prediction id and carries on with the next' {
        $found = @(Get-PredictionLineage ([guid]::NewGuid()), $scored[1].PredictionId -Store $store -ErrorVariable problems -ErrorAction SilentlyContinue)
        $found.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'PredictionNotFound,MlopsPS.Commands.GetPredictionLineageCommand'
    }
}

Describe 'The prediction log on a PostgreSQL store' {
    # Issue 12: the log's reads, ground truth and metrics through the cmdlets on PostgreSQL. The rows are written with
    # plain SQL in the writer's format (the writer itself, binary COPY, is tested in xunit on both backends; serving
    # on PostgreSQL, which writes them for real, is tested with the endpoints).
    BeforeAll {
        $script:cluster = Start-TestPostgres
        $script:pg = New-TestPostgresStore -Cluster $cluster -Name monitoring-pg
        Get-MlopsStore -Store $pg | Out-Null
        # The module may load its assemblies in a context of their own: its types are found through the assembly.
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MlopsPS.Core' } | Select-Object -First 1
        $Store = $core.GetType('MlopsPS.Core.Store.MlopsStore'); $Location = $core.GetType('MlopsPS.Core.Store.StoreLocation')
        $Database = $core.GetType('MlopsPS.Core.Store.CatalogDatabase'); $IdType = $core.GetType('MlopsPS.Core.Serving.Protocol.PredictionIds')
        $catalog = $Store::Open($Location::Parse($pg, $PWD.Path)).Database
        $connection = $catalog.Open()
        try {
            $Database::Execute($connection, $null, @"
INSERT INTO prediction_sources (endpoint_name, deployment_id, model_name, model_version, features_json)
VALUES ('pgwatch', 'd1', 'pgwatch', 1, '["a","b"]')
"@) | Out-Null
            # Two requests, of 4 rows and 2 rows, a second apart; P(1) per row, inputs (row, 10 * row).
            $script:probabilities = 0.9, 0.2, 0.7, 0.4, 0.8, 0.1
            $script:ids = @()
            $requests = @($IdType::NewRequestId([datetimeoffset]::FromUnixTimeMilliseconds(1700000000000))) +
                @($IdType::NewRequestId([datetimeoffset]::FromUnixTimeMilliseconds(1700000001000)))
            for ($i = 0; $i -lt 6; $i++) {
                $request = if ($i -lt 4) { $requests[0] } else { $requests[1] }
                $row = if ($i -lt 4) { $i } else { $i - 4 }
                $id = $IdType::ForRow($request, $row)
                $script:ids += $id
                $bytes = $null
                $IdType::TryGetBytes($id, [ref]$bytes) | Out-Null
                $inputs = [BitConverter]::GetBytes([single]$i) + [BitConverter]::GetBytes([single](10 * $i))
                $at = $IdType::TimestampOf($request)
                $label = if ($probabilities[$i] -ge 0.5) { '1' } else { '0' }
                $Database::Execute($connection, $null, @"
INSERT INTO prediction_log (prediction_id, source_id, predicted_at, inputs, prediction, probability, latency_us)
VALUES ('\x$([Convert]::ToHexString($bytes))'::bytea, (SELECT source_id FROM prediction_sources WHERE endpoint_name = 'pgwatch'),
    $at, '\x$([Convert]::ToHexString($inputs))'::bytea, '$label', $($probabilities[$i]), $(1000 * ($i + 1)))
"@) | Out-Null
            }
        }
        finally {
            $connection.Dispose()
        }
    }

    AfterAll {
        Stop-TestPostgres $cluster
    }

    It 'finds predictions by id and by endpoint, with their inputs by name' {
        $found = @(Get-ModelEndpointPrediction -PredictionId ($ids | ForEach-Object ToUpperInvariant) -Store $pg)
        $found.PredictionId | Should -Be $ids
        $found.Probability | Should -Be $probabilities
        $found[5].Inputs['b'] | Should -Be 50
        $found[0].ModelUri | Should -Be 'models:/pgwatch/1'
        $last = @(Get-ModelEndpointPrediction -Name 'pg*' -Last 2 -Store $pg)
        $last.PredictionId | Should -Be $ids[4..5]
        Get-ModelEndpointPrediction -PredictionId ([guid]::NewGuid()) -Store $pg -ErrorAction SilentlyContinue -ErrorVariable missing
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'records ground truth, reports unknown ids, and scores the labelled predictions' {
        # Predictions 1 0 1 0 1 0; true labels for the first four: 1 1 0 0.
        $labels = @('1', '1', '0', '0')
        $rows = @(0..3 | ForEach-Object { [pscustomobject]@{ PredictionId = $ids[$_]; Label = $labels[$_] } }) +
            [pscustomobject]@{ PredictionId = [guid]::NewGuid().ToString(); Label = '1' }
        $recorded = @($rows | Add-GroundTruth -PassThru -Store $pg -ErrorVariable problems -ErrorAction SilentlyContinue)
        $recorded.Count | Should -Be 4
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'PredictionNotFound,MlopsPS.Commands.AddGroundTruthCommand'
        (Get-ModelEndpointPrediction -PredictionId $ids[1] -Store $pg).Label | Should -Be '1'

        $window = Get-ModelEndpointMetric -Name 'pg*' -Store $pg
        $window.Predictions | Should -Be 6
        $window.Requests | Should -Be 2
        $window.Labelled | Should -Be 4
        $window.Accuracy | Should -Be 0.5
        $window.Precision | Should -Be 0.5
        $window.Recall | Should -Be 0.5
        $window.LatencyP50Ms | Should -Be 3
        @(Get-ModelEndpointMetric -Name 'pg*' -WindowSize 4 -Store $pg).Predictions | Should -Be @(4, 2)
    }
}
