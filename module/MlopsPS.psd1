@{
    # build.ps1 stamps ModuleVersion from Directory.Build.props, the one place the version lives.
    RootModule           = 'bin/MlopsPS.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '6f0c9a52-2b8e-4c1e-9d43-7a51e3f0c2d8'
    Author               = 'MlopsPS contributors'
    CompanyName          = 'MlopsPS'
    Copyright            = '(c) MlopsPS contributors. MIT License.'
    Description          = 'A local MLOps pipeline in PowerShell: versioned Parquet tables with Iceberg semantics, XGBoost training tracked like MLflow, a model registry, Kestrel scoring endpoints, dependent jobs and monitoring. No cluster, no cloud account.'
    PowerShellVersion    = '7.4'
    # Linux is what is tested (Debian); macOS needs `brew install xgboost`. The engine, scoring host and job runner
    # are .NET 10 assemblies, run by the dotnet muxer that must be on PATH.
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('MlopsPS.format.ps1xml')
    CmdletsToExport      = @(
        'Get-MlopsStore'
        'Set-MlopsStore'
        'New-Batch'
        'Read-Table'
        'Get-Table'
        'Get-TableSnapshot'
        'Get-TableHistory'
        'Restore-TableSnapshot'
        'Remove-TableSnapshot'
        'Remove-TableOrphanFile'
        'Invoke-Retrain'
        'Get-Experiment'
        'Get-ExperimentRun'
        'Get-ExperimentRunMetric'
        'Get-ExperimentRunArtifact'
        'Compare-ExperimentRun'
        'Get-RegisteredModel'
        'Get-ModelVersion'
        'Register-Model'
        'Set-ModelAlias'
        'Remove-ModelAlias'
        'Publish-ModelEndpoint'
        'Get-ModelEndpoint'
        'Stop-ModelEndpoint'
        'Start-ModelEndpoint'
        'Get-ModelEndpointLog'
        'Get-ModelDeployment'
        'Invoke-ModelEndpoint'
        'Set-ModelEndpoint'
        'Get-ModelEndpointPrediction'
        'Add-GroundTruth'
        'Get-ModelEndpointMetric'
        'Get-PredictionLineage'
        'Get-SnapshotLineage'
        'Measure-FeatureDrift'
        'Export-ModelEndpointReport'
        'Register-MlopsJob'
        'Get-MlopsJob'
        'Set-MlopsJob'
        'Unregister-MlopsJob'
        'Start-MlopsJob'
        'Get-MlopsJobRun'
        'Get-MlopsJobRunLog'
        'Wait-MlopsJobRun'
        'Stop-MlopsJobRun'
        'Start-MlopsScheduler'
        'Stop-MlopsScheduler'
        'Get-MlopsScheduler'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MLOps', 'XGBoost', 'Iceberg', 'MLflow', 'Parquet', 'MachineLearning', 'ModelServing', 'Linux')
            ProjectUri   = 'https://github.com/mlopsps/MlopsPS'
            LicenseUri   = 'https://github.com/mlopsps/MlopsPS/blob/main/LICENSE'
            # build.ps1 stamps the notes of this version from CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
}
