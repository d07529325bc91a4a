# Issue 3: retraining on 1,000,000 rows through Invoke-Retrain against Python's xgboost on the same rows.
param($ModulePath, $RepoRoot, $WorkDir, $BenchTool, $Python)

$store = Join-Path $WorkDir 'training'
$script = Join-Path $RepoRoot 'bench/python/xgb_train_predict.py'
Invoke-Pwsh "Import-Module '$ModulePath'; New-Batch -Table small -Rows 5000 -Seed 2 -Store '$store' | Out-Null; New-Batch -Table big -Rows 1000000 -Seed 1 -Store '$store' | Out-Null" | Out-Null

# Ours: Invoke-Retrain -Full (table read, split, 100 rounds with the test split evaluated every round, metrics,
# artifacts) in a fresh pwsh, after a small warm-up retrain; the process's peak memory comes from /proc.
$measure = @"
Import-Module '$ModulePath'
Invoke-Retrain small -Full -Store '$store' | Out-Null
`$run = `$null
`$seconds = (Measure-Command { `$script:run = Invoke-Retrain big -Full -Store '$store' -Hyperparameters @{ nthread = 2 } }).TotalSeconds
`$peak = [int]((Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value)
@{ seconds = `$seconds; peak_kb = `$peak; model = (Join-Path `$script:run.ArtifactUri 'model/model.json') } | ConvertTo-Json -Compress
"@
$baselineKb = [int](Invoke-Pwsh "Import-Module '$ModulePath'; Invoke-Retrain small -Full -Store '$store' | Out-Null; (Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value" | Select-Object -Last 1)

# The anchor: the same train/test rows as numpy arrays, xgb.train with the same parameters and thread count,
# the test split evaluated every round as ours does. Three of each, alternating, so load on the machine hits
# both sides alike; the medians are compared.
$data = Join-Path $WorkDir 'training-npy'
$split = Invoke-BenchTool $BenchTool export-split --store $store --table big --out $data
$oursRuns = @(); $pythonRuns = @()
for ($i = 0; $i -lt 3; $i++) {
    $ours = Invoke-Pwsh $measure | Select-Object -Last 1 | ConvertFrom-Json
    $oursRuns += $ours.seconds
    $pythonTrain = Invoke-Python $Python $script --data (Join-Path $data 'train_x.npy') --labels (Join-Path $data 'train_y.npy') `
        --eval-data (Join-Path $data 'test_x.npy') --eval-labels (Join-Path $data 'test_y.npy') --rounds 100 --nthread 2 `
        --params '{"seed": 42}' --predict-data (Join-Path $data 'test_x.npy') --single-row-samples 10
    $pythonRuns += $pythonTrain.train_seconds
}
New-BenchResult -Benchmark 'Invoke-Retrain 1M x 4, 100 rounds' -Ours (Get-Median $oursRuns) -Anchor (Get-Median $pythonRuns) -Unit s `
    -AnchorName 'Python xgb.train on numpy' -Target 'ratio <= 1.10' -Met { param($r) $r -le 1.10 } `
    -Details @{ TrainRows = $split.train_rows; TestRows = $split.test_rows; OursRuns = $oursRuns -join ', '; AnchorRuns = $pythonRuns -join ', ' }

# Predicting all 1,000,000 rows with the run's model: our binding against Python's, same model file.
$ourPredict = Invoke-BenchTool $BenchTool predict --model $ours.model --data (Join-Path $data 'all_x.npy')
$pythonPredict = Invoke-Python $Python $script --model $ours.model --data (Join-Path $data 'all_x.npy') --nthread 2 --single-row-samples 1000
New-BenchResult -Benchmark 'Predict 1M rows' -Ours $ourPredict.predict_seconds -Anchor $pythonPredict.predict_seconds -Unit s `
    -AnchorName 'Python Booster.predict' -Target 'ratio <= 1.05' -Met { param($r) $r -le 1.05 } `
    -Details @{ MeanPrediction = '{0:N6} vs {1:N6}' -f $ourPredict.prediction_mean, $pythonPredict.prediction_mean }

# Peak memory of the retrain beside the size of its float32 feature matrix.
$matrixMb = $split.rows * $split.columns * 4 / 1MB
[pscustomobject][ordered]@{
    Benchmark = 'Invoke-Retrain 1M x 4 peak memory'
    Ours      = '{0:N0} MB peak RSS of the pwsh process' -f ($ours.peak_kb / 1KB)
    Anchor    = '{0:N0} MB (same process retraining 5,000 rows)' -f ($baselineKb / 1KB)
    Ratio     = [math]::Round(($ours.peak_kb - $baselineKb) / 1KB / $matrixMb, 2)
    Target    = 'reported beside the float32 matrix'
    Met       = $true
    Matrix    = '{0:N1} MB float32 features; the ratio is the growth over the baseline in matrix sizes' -f $matrixMb
}
