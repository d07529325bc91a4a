# Invoke-Retrain and the experiment and registry cmdlets, with real libxgboost.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:fast = @{ n_estimators = 10; max_depth = 3 }
}

Describe 'Invoke-Retrain on the pipeline' {
    BeforeAll {
        $script:store = New-TestStore
        $script:first = New-Batch -Table telco -Seed 1 -Rows 2000 -Store $store
        $script:batch = New-Batch -Table telco -Seed 2 -Rows 3000 -Store $store
        $script:run = $batch | Invoke-Retrain -Hyperparameters $fast -RunName piped
    }

    It 'trains on the piped snapshot''s batch and records a finished run with the lab''s lineage tags' {
        $run.Status | Should -Be 'Finished'
        $run.ExperimentName | Should -Be 'xgb-telco'
        $run.Tags['iceberg_snapshot_id'] | Should -Be "$($batch.SnapshotId)"
        $run.Tags['iceberg_parent_id'] | Should -Be "$($first.SnapshotId)"
        $run.Tags['row_count'] | Should -Be '3000'
        $run.Tags['mlflow.source.type'] | Should -Be 'LOCAL'
        $run.Params['max_depth'] | Should -Be '3'
        $run.Params['num_boost_round'] | Should -Be '10'
        $run.Metrics['roc_auc'] | Should -BeGreaterThan 0.6
        $run.Store | Should -Be $store
    }

    It 'says where the retrain''s time went, on the run it returns' {
        $run.Timings.Total | Should -BeGreaterThan ([timespan]::Zero)
        $run.Timings.Rounds | Should -BeGreaterThan ([timespan]::Zero)
        $run.Timings.Other | Should -BeGreaterOrEqual ([timespan]::Zero) -Because 'the phases do not overlap'
    }

    It 'finds the run by filter, newest first, and as the latest of its experiment' {
        $second = Invoke-Retrain telco -Hyperparameters @{ n_estimators = 5; max_depth = 3 } -RunName second -Store $store
        (Get-ExperimentRun -Experiment xgb-telco -Store $store).RunName | Should -Be @('second', 'piped')
        (Get-ExperimentRun -Filter "params.num_boost_round = '10'" -Store $store).RunId | Should -Be $run.RunId
        (Get-ExperimentRun -Latest -Store $store).RunId | Should -Be $second.RunId
        (Get-ExperimentRun -Filter 'metrics.roc_auc > 0.5' -OrderBy 'attributes.start_time ASC' -Store $store).RunName | Should -Be @('piped', 'second')
        (Get-Experiment -Store $store).Name | Should -Be 'xgb-telco'
    }

    It 'returns piped runs by id, each of them' {
        $all = Get-ExperimentRun -Store $store
        ($all | Get-ExperimentRun).RunId | Should -Be $all.RunId
    }

    It 'shows the eval logloss of every round as metric history' {
        $history = $run | Get-ExperimentRunMetric -Name eval_logloss
        $history.Step | Should -Be (0..9)
        $history[9].Value | Should -BeLessThan $history[0].Value
    }

    It 'lists the model, its MLmodel file and the feature importance as artifacts' {
        ($run | Get-ExperimentRunArtifact).Path | Should -Be @('feature_importance.json', 'model/MLmodel', 'model/model.json')
    }

    It 'compares runs side by side' {
        $rows = Get-ExperimentRun -Store $store | Compare-ExperimentRun -DifferentOnly
        $rows.Key | Should -Contain 'params.num_boost_round'
        $rows.Key | Should -Not -Contain 'params.max_depth' -Because 'only the differences were asked for'
        ($rows | Where-Object Key -EQ 'params.num_boost_round').piped | Should -Be '10'
    }

    It 'registers the run''s model and moves aliases only when confirmed' {
        $version = $run | Register-Model -ModelName celltower
        $version.Version | Should -Be 1
        $version.Signature.Name | Should -Be @('iot_signal_1', 'iot_signal_2', 'iot_signal_3', 'iot_signal_4')

        Set-ModelAlias celltower champion 1 -WhatIf -Store $store
        (Get-RegisteredModel celltower -Store $store).Aliases.Count | Should -Be 0
        Set-ModelAlias celltower champion 1 -Store $store | Out-Null
        (Get-ModelVersion -Uri 'models:/celltower@champion' -Store $store).RunId | Should -Be $run.RunId
        Remove-ModelAlias celltower champion -Store $store
        (Get-RegisteredModel celltower -Store $store).Aliases.Count | Should -Be 0
    }
}

Describe 'Invoke-Retrain refusing bad input' {
    BeforeAll {
        $script:store = New-TestStore
        New-Batch -Table telco -Seed 3 -Rows 1000 -Store $store | Out-Null
    }

    It 'refuses <Case> with <ErrorId> before any run starts' -ForEach @(
        @{ Case = 'a missing label'; ErrorId = 'LabelColumnNotFound'; Category = 'InvalidData'; Extra = @{ Label = 'nope' } }
        @{ Case = 'a string feature'; ErrorId = 'CategoricalFeature'; Category = 'InvalidData'; Extra = @{ Features = 'manufacturer' } }
        @{ Case = 'an unknown snapshot'; ErrorId = 'SnapshotNotFound'; Category = 'ObjectNotFound'; Extra = @{ SnapshotId = 7 } }
        @{ Case = 'an unknown table'; ErrorId = 'TableNotFound'; Category = 'ObjectNotFound'; Extra = @{ Table = 'nope' } }
    ) {
        $splat = @{ Table = 'telco'; Store = $store }
        foreach ($key in $Extra.Keys) { $splat[$key] = $Extra[$key] }
        Invoke-Retrain @splat -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failure[0].CategoryInfo.Category | Should -Be $Category
        Get-ExperimentRun -Store $store | Should -BeNullOrEmpty
    }

    It 'refuses an empty increment' {
        $current = Get-TableSnapshot telco -Current -Store $store
        Invoke-Retrain telco -FromSnapshot $current.SnapshotId -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'EmptyTrainingData,*'
    }

    It 'ends a run that libxgboost refuses as FAILED with its error, never RUNNING' {
        Invoke-Retrain telco -Hyperparameters @{ max_depth = 'deep' } -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $run = Get-ExperimentRun -Store $store
        $run.Status | Should -Be 'Failed'
        $run.ErrorMessage | Should -Match 'max_depth'
    }

    It 'trains nothing under -WhatIf' {
        $before = @(Get-ExperimentRun -Store $store).Count
        Invoke-Retrain telco -WhatIf -Store $store
        @(Get-ExperimentRun -Store $store).Count | Should -Be $before
    }

    It 'one-hot encodes string features when asked' {
        $run = Invoke-Retrain telco -Features iot_signal_1, manufacturer -CategoricalEncoding OneHot -Hyperparameters $fast -Store $store
        $run.Params['features'] | Should -Match '^iot_signal_1,manufacturer='
    }
}
