# Measure-FeatureDrift and Export-ModelEndpointReport: drift between batches, runs and endpoints, and the HTML report.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:signals = 'iot_signal_1', 'iot_signal_2', 'iot_signal_3', 'iot_signal_4'
    $script:shifted = 'iot_signal_1', 'iot_signal_2', 'iot_signal_4'
    $script:stores = [System.Collections.Generic.List[string]]::new()
}

AfterAll {
    foreach ($store in $stores) {
        Get-ModelEndpoint -Store $store -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $store -ErrorAction Continue
    }
}

Describe 'Measure-FeatureDrift between snapshots' {
    BeforeAll {
        $script:store = New-TestStore -Name drift
        $script:first = New-Batch -Table telco -Rows 1440 -Seed 101 -Store $store
        $script:second = New-Batch -Table telco -Rows 1440 -Seed 102 -Store $store
    }

    It 'flags a batch made with New-Batch -Drift on the shifted signals only, from the pipeline' {
        $drift = @(New-Batch -Table telco -Rows 1440 -Seed 103 -Drift -Store $store | Measure-FeatureDrift)

        $drift.Feature | Should -Be $signals
        ($drift | Where-Object Drifted).Feature | Should -Be $shifted
        ($drift | Where-Object Feature -EQ iot_signal_3).Psi | Should -BeLessThan 0.1
        ($drift | Where-Object Feature -EQ iot_signal_4).Psi | Should -BeGreaterThan 1
        $drift[0].BaselineCount | Should -Be 1440
        $drift[0].CurrentCount | Should -Be 1440
        $drift[0].Current | Should -Match 'batch of snapshot'
        $drift[0].Store | Should -Be $store -Because 'the store travels down the pipeline'
        $drift[0].PSObject.TypeNames[0] | Should -Be 'MlopsPS.Core.Monitoring.FeatureDrift'
    }

    It 'flags nothing between batches of one distribution with different seeds' {
        $drift = @(Measure-FeatureDrift telco -Baseline $first.SnapshotId -Current $second.SnapshotId -Store $store)

        $drift.Count | Should -Be 4
        $drift | Where-Object Drifted | Should -BeNullOrEmpty
        $drift | ForEach-Object { $_.Psi | Should -BeLessThan 0.1 -Because $_.Feature }
    }

    It 'reads the table as of each snapshot with -Scope Table' {
        $drift = @(Measure-FeatureDrift telco -Baseline $first.SnapshotId -Scope Table -Feature iot_signal_4 -Store $store)

        $drift.Count | Should -Be 1
        $drift[0].BaselineCount | Should -Be 1440
        $drift[0].CurrentCount | Should -Be (3 * 1440)
        $drift[0].Drifted | Should -BeTrue -Because 'a third of the current table is drifted'
    }

    It 'processes every piped snapshot, and reports a snapshot without a baseline as an error without stopping' {
        $snapshots = Get-TableSnapshot telco -Store $store
        $drift = @($snapshots | Measure-FeatureDrift -Feature iot_signal_1 -ErrorVariable failures -ErrorAction SilentlyContinue)

        $drift.Count | Should -Be 2 -Because 'the second and the third snapshot have a parent'
        $drift.Drifted | Should -Be @($false, $true)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Match '^DriftBaselineNotFound,'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'applies the thresholds given' {
        $drift = @(Measure-FeatureDrift telco -Baseline $first.SnapshotId -Current $second.SnapshotId -PsiThreshold 0.0001 -Store $store)

        $drift | ForEach-Object { $_.PsiDrifted | Should -BeTrue; $_.Thresholds.Psi | Should -Be 0.0001 }
        { Measure-FeatureDrift telco -Bins 1 -Store $store } | Should -Throw
    }

    It 'refuses a feature that is not a numeric column' {
        Measure-FeatureDrift telco -Feature manufacturer -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Match '^DriftArgument,'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Measure-FeatureDrift from a run''s training rows' {
    It 'compares the rows a piped run was trained on with the newest batch' {
        $store = New-TestStore -Name drift-run
        $run = New-Batch -Table telco -Rows 2000 -Seed 11 -Store $store | Invoke-Retrain -Hyperparameters @{ n_estimators = 3 }
        New-Batch -Table telco -Rows 1440 -Seed 12 -Drift -Store $store | Out-Null

        $drift = @($run | Measure-FeatureDrift)

        $drift.Feature | Should -Be $signals
        ($drift | Where-Object Drifted).Feature | Should -Be $shifted
        $drift[0].BaselineCount | Should -Be 2000
        $drift[0].Baseline | Should -Match "run .*$($run.RunId.Substring(0, 8))"
    }
}

Describe 'Measure-FeatureDrift and Export-ModelEndpointReport on an endpoint' {
    BeforeAll {
        $script:store = New-TestStore -Name drift-endpoint
        $stores.Add($store)
        $script:deployment = New-Batch -Table telco -Rows 2000 -Seed 21 -Store $store |
            Invoke-Retrain -Hyperparameters @{ n_estimators = 5 } | Publish-ModelEndpoint -Name celltower
        $script:folder = Join-Path $store 'reports'
        New-Item -ItemType Directory $folder | Out-Null
    }

    It 'says there is nothing to compare before the endpoint has logged a prediction' {
        Get-ModelEndpoint celltower -NoHealthCheck -Store $store | Measure-FeatureDrift -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -Match '^DriftSampleEmpty,'
        $failure[0].Exception.Message | Should -Match "Endpoint 'celltower' has logged no predictions"
    }

    It 'writes one self-contained HTML file with a message in place of each chart that has no data' {
        $file = Export-ModelEndpointReport -Name celltower -Path (Join-Path $folder 'celltower.html') -Store $store

        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be (Join-Path $folder 'celltower.html')
        $html = Get-Content $file.FullName -Raw
        $html | Should -Match '^<!DOCTYPE html>'
        $html | Should -Match '<h1>Endpoint <code>celltower</code></h1>'
        foreach ($section in 'volume', 'latency', 'accuracy', 'drift') {
            $html | Should -Match "data-empty=""$section"""
        }
        $html | Should -Match 'data-chart="importance"' -Because 'the served model''s importance is known without any request'
        $html | Should -Not -Match '(?i)\b(src|href)\s*='
    }

    It 'flags the inputs of drifted requests scored through the endpoint, against the training rows' {
        $batch = New-Batch -Table telco -Rows 1440 -Seed 22 -Drift -Store $store
        $script:scored = @(Read-Table telco -FromSnapshot $batch.ParentId -ToSnapshot $batch.SnapshotId -Store $store |
                Invoke-ModelEndpoint celltower -Store $store)
        $scored.Count | Should -Be 1440
        # The host writes its log off the request path, about 0.1 s after answering.
        $deadline = (Get-Date).AddSeconds(15)
        while (@(Get-ModelEndpointPrediction celltower -Store $store).Count -lt 1440 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }

        $drift = @(Measure-FeatureDrift -Endpoint celltower -Store $store)

        $drift.Feature | Should -Be $signals
        ($drift | Where-Object Drifted).Feature | Should -Be $shifted
        $drift[0].CurrentCount | Should -Be 1000 -Because 'the newest 1,000 predictions by default'
        $drift[0].BaselineCount | Should -Be 2000
        (Measure-FeatureDrift -Endpoint celltower -Last 1440 -Store $store)[0].CurrentCount | Should -Be 1440
        @(Measure-FeatureDrift -Endpoint celltower -Start (Get-Date).AddMinutes(-10) -Store $store)[0].CurrentCount | Should -Be 1440
    }

    It 'draws volume, latency and accuracy once requests are scored and their true labels sent' {
        $scored | Select-Object PredictionId, @{ Name = 'Label'; Expression = { $_.cell_tower_failure } } | Add-GroundTruth -Store $store

        $file = Export-ModelEndpointReport celltower (Join-Path $folder 'scored.html') -Store $store
        $html = Get-Content $file.FullName -Raw

        foreach ($chart in 'volume', 'latency', 'accuracy', 'drift', 'importance') {
            $html | Should -Match "data-chart=""$chart"" data-points=""[1-9]"
        }
        $html | Should -Not -Match 'data-empty='
        $html | Should -Match '<div class="label">Drifted features</div><div class="value">3 of 4</div>'
    }

    It 'writes <name>.html into a folder for each piped endpoint, relative to the current location' {
        Push-Location $store
        try {
            $files = @(Get-ModelEndpoint -NoHealthCheck -Store $store | Export-ModelEndpointReport -Path reports)
        }
        finally {
            Pop-Location
        }

        $files.FullName | Should -Be @(Join-Path $folder 'celltower.html')
    }

    It 'writes nothing with -WhatIf, and refuses a folder that does not exist' {
        $target = Join-Path $folder 'whatif.html'
        Export-ModelEndpointReport celltower $target -WhatIf -Store $store | Should -BeNullOrEmpty
        Test-Path $target | Should -BeFalse

        Export-ModelEndpointReport celltower (Join-Path $store 'no/such/folder.html') -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Match '^PathNotFound,'
    }

    It 'reports an unknown endpoint as not found' {
        Export-ModelEndpointReport nosuch (Join-Path $folder 'x.html') -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Test-Path (Join-Path $folder 'x.html') | Should -BeFalse
    }
}

Describe 'The whole pipeline on a PostgreSQL store' {
    BeforeAll {
        $script:cluster = Start-TestPostgres
        $script:pg = New-TestPostgresStore -Cluster $cluster
    }
    AfterAll {
        Get-ModelEndpoint -Store $pg -NoHealthCheck -ErrorAction Ignore | Stop-ModelEndpoint -Store $pg -ErrorAction Continue
        Stop-TestPostgres $cluster
    }

    It 'trains, serves, logs, measures drift, traces lineage and writes the report, as on SQLite' {
        New-Batch -Table telco -Rows 2000 -Seed 31 -Store $pg | Invoke-Retrain -Hyperparameters @{ n_estimators = 5 } |
            Publish-ModelEndpoint -Name celltower | Out-Null
        $batch = New-Batch -Table telco -Rows 1440 -Seed 32 -Drift -Store $pg
        @(Measure-FeatureDrift telco -Baseline $batch.ParentId -Current $batch.SnapshotId -Store $pg | Where-Object Drifted).Feature |
            Should -Be $shifted

        $scored = @(Read-Table telco -FromSnapshot $batch.ParentId -ToSnapshot $batch.SnapshotId -Store $pg |
                Invoke-ModelEndpoint celltower -Store $pg)
        $scored.Count | Should -Be 1440
        $deadline = (Get-Date).AddSeconds(15)
        while (@(Get-ModelEndpointPrediction celltower -Store $pg).Count -lt 1440 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        @(Measure-FeatureDrift -Endpoint celltower -Last 1440 -Store $pg)[0].CurrentCount | Should -Be 1440

        ($scored[0] | Get-PredictionLineage -Store $pg).PredictionId | Should -Be $scored[0].PredictionId
        $lineage = Get-SnapshotLineage -Table telco -SnapshotId $batch.ParentId -Store $pg
        @($lineage.RunIds).Count | Should -Be 1

        $scored | Select-Object PredictionId, @{ Name = 'Label'; Expression = { $_.cell_tower_failure } } | Add-GroundTruth -Store $pg
        $folder = New-Item -ItemType Directory (Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('N')))
        $file = Export-ModelEndpointReport celltower (Join-Path $folder 'pg.html') -Store $pg
        $html = Get-Content $file.FullName -Raw
        foreach ($chart in 'volume', 'latency', 'accuracy', 'drift', 'importance') {
            $html | Should -Match "data-chart=""$chart"" data-points=""[1-9]"
        }
        Remove-Item $folder -Recurse -Force
    }
}
