# The versioned-table cmdlets, against a real store in a temporary folder.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
}

Describe 'New-Batch and the snapshot chain' {
    BeforeAll {
        $script:store = New-TestStore
        $script:first = New-Batch -Table telco -Seed 1 -Store $store
        $script:second = New-Batch -Table telco -Seed 2 -Rows 500 -Store $store
    }

    It 'creates the table with the first batch and appends the second on top of it' {
        $first.Table | Should -Be 'telco'
        $first.ParentId | Should -BeNullOrEmpty
        $first.Summary.AddedRecords | Should -Be 1440
        $second.ParentId | Should -Be $first.SnapshotId
        $second.SequenceNumber | Should -Be 2
        $second.Summary.TotalRecords | Should -Be 1940
        $second.Operation | Should -Be 'append'
        $second.CommittedAt.Kind | Should -Be 'Utc'
        $second.Store | Should -Be $store
    }

    It 'remembers the dataset, so later batches need only the table' {
        (Get-Table telco -Store $store).Dataset | Should -Be 'TelcoCellTowers'
    }

    It 'lists the snapshots oldest first in a compact table' {
        $snapshots = Get-TableSnapshot telco -Store $store
        $snapshots.SnapshotId | Should -Be @($first.SnapshotId, $second.SnapshotId)
        $view = ($snapshots | Out-String -Width 200)
        $view | Should -Match 'SnapshotId\s+ParentId'
        $view | Should -Not -Match 'DataFiles'
    }

    It 'reads only the newest batch incrementally, and the whole table as of the first snapshot' {
        @(Read-Table telco -FromSnapshot $first.SnapshotId -ToSnapshot $second.SnapshotId -Store $store).Count | Should -Be 500
        @(Read-Table telco -AsOfSnapshot $first.SnapshotId -Store $store).Count | Should -Be 1440
        @(Read-Table telco -Store $store).Count | Should -Be 1940
    }

    It 'projects columns and stops after -First rows' {
        $rows = Read-Table telco -Columns iot_signal_1, cell_tower_failure -First 3 -Store $store
        $rows.Count | Should -Be 3
        $rows[0].PSObject.Properties.Name | Should -Be @('iot_signal_1', 'cell_tower_failure')
    }

    It 'gives the same rows for the same seed' {
        $other = New-TestStore
        New-Batch -Table again -Seed 1 -Rows 20 -Store $other | Out-Null
        $a = Read-Table again -Store $other | ConvertTo-Json -Compress
        $b = Read-Table telco -AsOfSnapshot $first.SnapshotId -First 20 -Store $store | ConvertTo-Json -Compress
        $a | Should -Be $b
    }

    It 'processes every name piped into Get-Table, not only the first' {
        New-Batch -Table other -Rows 10 -Store $store | Out-Null
        New-Batch -Table third -Rows 10 -Store $store | Out-Null
        ('telco', 'other', 'third' | Get-Table -Store $store).Name | Should -Be @('telco', 'other', 'third')
    }

    It 'completes table names' {
        $result = TabExpansion2 -inputScript "Read-Table -Store '$store' -Table te" -cursorColumn ("Read-Table -Store '$store' -Table te").Length
        $result.CompletionMatches.CompletionText | Should -Contain 'telco'
    }

    It 'appends a drifted batch of the other dataset' {
        $cards = New-Batch -Table cards -Dataset CreditCardTransactions -Rows 200 -Seed 3 -Drift -DriftMagnitude 0.5 -Store $store
        $cards.Summary.AddedRecords | Should -Be 200
        (Read-Table cards -First 1 -Store $store).PSObject.Properties.Name | Should -Contain 'fraud_trx'
    }

    It 'changes nothing under -WhatIf' {
        New-Batch -Table telco -WhatIf -Store $store
        (Get-Table telco -Store $store).SnapshotCount | Should -Be 2
    }
}

Describe 'New-Batch from files and objects' {
    BeforeEach {
        $script:store = New-TestStore
        $script:folder = New-Item -ItemType Directory (New-TestStore -Name files)
    }

    It 'appends a CSV file, then piped objects, to one table' {
        $csv = Join-Path $folder 'sensors.csv'
        @(
            [pscustomobject]@{ temperature = 21.5; vendor = 'acme'; failed = 0 }
            [pscustomobject]@{ temperature = 35.0; vendor = 'globex'; failed = 1 }
        ) | Export-Csv $csv
        $fromFile = New-Batch -Table sensors -Path (Join-Path $folder '*.csv') -Store $store
        $fromObjects = @(
            [pscustomobject]@{ temperature = 19; vendor = 'acme'; failed = 0 }
            @{ temperature = 40.5; vendor = 'initech'; failed = 1 }
        ) | New-Batch -Table sensors -Store $store

        $fromFile.Summary.AddedRecords | Should -Be 2
        $fromObjects.Summary.AddedRecords | Should -Be 2
        $fromObjects.ParentId | Should -Be $fromFile.SnapshotId
        (Read-Table sensors -Store $store).vendor | Should -Be @('acme', 'globex', 'acme', 'initech')
    }

    It 'appends a Parquet file the table wrote, by literal path' {
        New-Batch -Table source -Rows 100 -Seed 5 -Store $store | Out-Null
        $file = Get-ChildItem (Join-Path $store 'tables') -Recurse -Filter *.parquet | Select-Object -First 1
        $copy = $file | New-Batch -Table copy -Store $store
        $copy.Summary.AddedRecords | Should -Be 100
    }

    It 'stops at a piped row that does not fit the table, names the column, and writes nothing' {
        New-Batch -Table telco -Rows 10 -Store $store | Out-Null
        $rows = { [pscustomobject]@{ id = 1; unexpected = 'x' } | New-Batch -Table telco -Store $store }
        $rows | Should -Throw -ErrorId 'InvalidSourceData,MlopsPS.Commands.NewBatchCommand'
        $error[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $error[0].Exception.Message | Should -Match 'unexpected'
        (Get-Table telco -Store $store).SnapshotCount | Should -Be 1
    }

    It 'refuses a file whose schema does not fit, names the columns, and writes nothing' {
        New-Batch -Table telco -Rows 10 -Store $store | Out-Null
        New-Batch -Table cards -Dataset CreditCardTransactions -Rows 10 -Store $store | Out-Null
        $cardsFile = Get-ChildItem (Join-Path $store 'tables/cards') -Recurse -Filter *.parquet | Select-Object -First 1
        New-Batch -Table telco -LiteralPath $cardsFile.FullName -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'SchemaMismatch,*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failure[0].Exception.Message | Should -Match 'iot_signal_1'
        (Get-Table telco -Store $store).SnapshotCount | Should -Be 1
    }

    It 'reports a malformed CSV as InvalidData and creates nothing' {
        $bad = Join-Path $folder 'bad.csv'
        Set-Content $bad "a,b`n1,2,3"
        New-Batch -Table broken -LiteralPath $bad -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidData'
        Get-Table -Store $store | Should -BeNullOrEmpty
    }

    It 'reports a missing file as ObjectNotFound' {
        New-Batch -Table t -Path (Join-Path $folder 'none*.csv'), (Join-Path $folder 'missing.csv') -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure.CategoryInfo.Category | Should -Contain 'ObjectNotFound'
    }

    It 'refuses invalid table names as InvalidArgument' -ForEach @(
        @{ Name = '../escape' }, @{ Name = 'a/b' }, @{ Name = ' ' }, @{ Name = '..' }
    ) {
        New-Batch -Table $Name -Rows 5 -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTableName,*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ChildItem (Join-Path $store 'tables') | Should -BeNullOrEmpty
    }
}

Describe 'Unknown tables and snapshots' {
    BeforeAll {
        $script:store = New-TestStore
        New-Batch -Table known -Rows 10 -Store $store | Out-Null
    }

    It '<Command> reports TableNotFound as ObjectNotFound' -ForEach @(
        @{ Command = 'Read-Table' }, @{ Command = 'Get-TableSnapshot' }, @{ Command = 'Get-TableHistory' }, @{ Command = 'Get-Table' }
    ) {
        & $Command -Store $store 'unknown' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TableNotFound,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports an unknown snapshot as SnapshotNotFound' {
        Read-Table known -AsOfSnapshot 42 -Store $store -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'SnapshotNotFound,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Table maintenance' {
    BeforeEach {
        $script:store = New-TestStore
        $script:s1 = New-Batch -Table t -Rows 50 -Seed 1 -Store $store
        $script:s2 = New-Batch -Table t -Rows 50 -Seed 2 -Store $store
    }

    It 'rolls back only when confirmed, and records it in the history' {
        Restore-TableSnapshot t $s1.SnapshotId -WhatIf -Store $store
        (Get-Table t -Store $store).CurrentSnapshotId | Should -Be $s2.SnapshotId

        $result = Restore-TableSnapshot t $s1.SnapshotId -Confirm:$false -Store $store
        $result.PreviousSnapshotId | Should -Be $s2.SnapshotId
        $result.CurrentSnapshotId | Should -Be $s1.SnapshotId
        @(Read-Table t -Store $store).Count | Should -Be 50
        $history = Get-TableHistory t -Store $store
        ($history | Where-Object SnapshotId -EQ $s2.SnapshotId).IsCurrentAncestor | Should -BeFalse
    }

    It 'expires old snapshots and deletes the files nothing needs' {
        Restore-TableSnapshot t $s1.SnapshotId -Confirm:$false -Store $store | Out-Null
        $result = Remove-TableSnapshot t -OlderThan (Get-Date).AddMinutes(1) -Confirm:$false -Store $store
        $result.ExpiredSnapshotIds | Should -Contain $s2.SnapshotId
        $result.DeletedFiles.Count | Should -Be 1
        @(Get-TableSnapshot t -Store $store).SnapshotId | Should -Be @($s1.SnapshotId)
        @(Read-Table t -Store $store).Count | Should -Be 50
        # The Iceberg side: s2's manifest list and manifest, and the metadata files whose current snapshot was s2.
        $result.DeletedMetadataFiles | Should -Contain 'tables/t/metadata/v2.metadata.json'
        @($result.DeletedMetadataFiles | Where-Object { $_ -like 'tables/t/metadata/snap-*.avro' }).Count | Should -Be 1
        foreach ($file in $result.DeletedMetadataFiles) { Test-Path (Join-Path $store $file) | Should -BeFalse }
        Test-Path (Join-Path $store 'tables/t/metadata/v4.metadata.json') | Should -BeTrue
    }

    It 'makes every commit an Iceberg commit: a metadata file per commit, and the SQL catalog pointing at the newest' {
        Restore-TableSnapshot t $s1.SnapshotId -Confirm:$false -Store $store | Out-Null
        $metadata = Join-Path $store 'tables/t/metadata'
        foreach ($version in 1..3) { Test-Path (Join-Path $metadata "v$version.metadata.json") | Should -BeTrue }
        $current = Get-Content (Join-Path $metadata 'v3.metadata.json') -Raw | ConvertFrom-Json
        $current.'format-version' | Should -Be 2
        $current.'current-snapshot-id' | Should -Be $s1.SnapshotId
        @($current.snapshots).Count | Should -Be 2
        Get-Content (Join-Path $metadata 'version-hint.text') | Should -Be '3'
    }

    It 'lists orphan files under -WhatIf and removes them when confirmed' {
        $orphan = Join-Path $store 'tables/t/left-over.parquet.tmp'
        Set-Content $orphan 'partial'
        (Get-Item $orphan).LastWriteTime = (Get-Date).AddDays(-4)

        Remove-TableOrphanFile t -WhatIf -Store $store
        Test-Path $orphan | Should -BeTrue
        $result = Remove-TableOrphanFile t -Confirm:$false -Store $store
        $result.Files.Count | Should -Be 1
        Test-Path $orphan | Should -BeFalse
        @(Read-Table t -Store $store).Count | Should -Be 100
    }
}

Describe 'Set-MlopsStore -IcebergCatalogName' {
    BeforeAll {
        function Get-IcebergRow([string] $Store) {
            # What PyIceberg's SqlCatalog reads: iceberg_tables, with Python's sqlite3 (no MlopsPS code).
            $script = "import sqlite3,sys; [print('|'.join(r)) for r in sqlite3.connect(sys.argv[1]).execute('SELECT catalog_name, table_namespace, table_name FROM iceberg_tables ORDER BY 2, 3')]"
            @(& /usr/bin/python3 -c $script (Join-Path $Store 'catalog.db'))
        }
    }

    It 'defaults to mlops, and moves the existing tables to the chosen name' {
        $store = New-TestStore
        New-Batch -Table telco -Rows 10 -Store $store | Out-Null
        (Get-MlopsStore -Store $store).IcebergCatalogName | Should -Be 'mlops'
        Get-IcebergRow $store | Should -Be @('mlops|default|telco')

        $info = Set-MlopsStore -IcebergCatalogName lake -PassThru -Store $store
        $info.IcebergCatalogName | Should -Be 'lake'
        Get-IcebergRow $store | Should -Be @('lake|default|telco')

        $next = New-Batch -Table telco -Rows 10 -Store $store
        $next.ParentId | Should -Not -BeNullOrEmpty
        New-Batch -Table ns.other -Rows 5 -Store $store | Out-Null
        Get-IcebergRow $store | Should -Be @('lake|default|telco', 'lake|ns|other')
        (Read-Table -Table telco -Store $store | Measure-Object).Count | Should -Be 20
    }

    It 'changes nothing with -WhatIf' {
        $store = New-TestStore
        New-Batch -Table telco -Rows 10 -Store $store | Out-Null
        Set-MlopsStore -IcebergCatalogName lake -WhatIf -Store $store
        (Get-MlopsStore -Store $store).IcebergCatalogName | Should -Be 'mlops'
        Get-IcebergRow $store | Should -Be @('mlops|default|telco')
    }

    It 'refuses a name Spark could not use, as InvalidArgument' {
        $store = New-TestStore
        { Set-MlopsStore -IcebergCatalogName 'my lake' -Store $store -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidIcebergCatalogName,MlopsPS.Commands.SetMlopsStoreCommand'
        (Get-MlopsStore -Store $store).IcebergCatalogName | Should -Be 'mlops'
    }
}

Describe 'Tables on a PostgreSQL store' {
    BeforeAll {
        $script:cluster = Start-TestPostgres
    }
    AfterAll {
        Stop-TestPostgres $cluster
    }

    It 'New-Batch | Invoke-Retrain trains on the newest batch, and the table cmdlets read it back' {
        $pg = New-TestPostgresStore -Cluster $cluster
        $first = New-Batch -Table telco -Rows 500 -Seed 1 -Store $pg
        $run = New-Batch -Table telco -Rows 500 -Seed 2 -Store $pg | Invoke-Retrain -Hyperparameters @{ n_estimators = 3; max_depth = 3 } -RunName pg
        $run.Status | Should -Be 'Finished'
        $run.Tags['row_count'] | Should -Be '500'

        $table = Get-Table -Name TELCO -Store $pg
        $table.Name | Should -Be 'telco'
        $table.TotalRecords | Should -Be 1000
        $snapshots = Get-TableSnapshot -Table telco -Store $pg
        $snapshots.Count | Should -Be 2
        $snapshots[1].ParentId | Should -Be $first.SnapshotId
        (Read-Table -Table telco -AsOfSnapshot $first.SnapshotId -Store $pg | Measure-Object).Count | Should -Be 500
        (Read-Table -Table telco -Store $pg | Measure-Object).Count | Should -Be 1000
        (Get-TableHistory -Table telco -Store $pg).Count | Should -Be 2

        Restore-TableSnapshot -Table telco -SnapshotId $first.SnapshotId -Confirm:$false -Store $pg | Out-Null
        (Get-Table -Name telco -Store $pg).TotalRecords | Should -Be 500
        (Get-MlopsStore -Store $pg).TableCount | Should -Be 1
        $line = "Read-Table -Store '$pg' -Table te"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'telco'
    }

    It 'keeps both writers of two separate processes, each with its own working folder, in one parent chain' {
        $pg = New-TestPostgresStore -Cluster $cluster
        New-Batch -Table shared -Rows 10 -Seed 1 -Store $pg | Out-Null
        $start = [datetime]::UtcNow.AddSeconds(4).ToString('o')
        $children = foreach ($i in 1..2) {
            $work = New-Item -ItemType Directory (New-TestStore -Name "machine$i")
            Start-ChildPwsh -WorkingDirectory $work.FullName -Script @"
while ([datetime]::UtcNow -lt [datetime]::Parse('$start').ToUniversalTime()) { Start-Sleep -Milliseconds 5 }
foreach (`$b in 1..5) { New-Batch -Table shared -Rows 10 -Seed (`$b * 10 + $i) -Store '$pg' -ErrorAction Stop | Out-Null }
"@
        }
        foreach ($result in $children | Wait-ChildPwsh) {
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
        }
        $snapshots = @(Get-TableSnapshot -Table shared -Store $pg)
        $snapshots.Count | Should -Be 11
        ($snapshots.SnapshotId | Select-Object -Unique).Count | Should -Be 11
        foreach ($i in 1..10) { $snapshots[$i].ParentId | Should -Be $snapshots[$i - 1].SnapshotId }
        (Get-Table -Name shared -Store $pg).TotalRecords | Should -Be 110
    }

    It 'registers the tables in the Iceberg catalog under the chosen name' {
        $pg = New-TestPostgresStore -Cluster $cluster
        New-Batch -Table ns.t -Rows 10 -Store $pg | Out-Null
        (Set-MlopsStore -IcebergCatalogName lake -PassThru -Store $pg).IcebergCatalogName | Should -Be 'lake'
        $next = New-Batch -Table ns.t -Rows 10 -Store $pg
        $next.ParentId | Should -Not -BeNullOrEmpty
        (Get-Table -Name ns.t -Store $pg).TotalRecords | Should -Be 20
    }
}
