# The module installed the PowerShell way: build.ps1's package, published to a local PSResourceGet repository,
# installed for the current user and used from that copy, with no path into the repository.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $out = Split-Path (Split-Path $env:MLOPSPS_TEST_MODULE)
    $version = (Import-PowerShellDataFile $env:MLOPSPS_TEST_MODULE).ModuleVersion
    $script:package = Join-Path $out "MlopsPS.$version.nupkg"
    $script:version = $version

    # PSResourceGet keeps its repositories under $HOME and installs CurrentUser modules there: a HOME of the test's own
    # keeps the user's settings untouched and makes the module path fresh. PSModulePath is dropped so that the child
    # pwsh builds it from that HOME, as a new user's shell does.
    $script:userHome = New-Item -ItemType Directory (New-TestStore -Name home)
    $script:childEnvironment = @{ HOME = $userHome.FullName; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; MLOPSPS_HOME = $null }
}

Describe 'build.ps1 package' {
    It 'writes out/MlopsPS.<version>.nupkg' {
        Test-Path $package | Should -BeTrue
    }

    It 'carries a manifest fit for the PowerShell Gallery' {
        $manifest = Test-ModuleManifest $env:MLOPSPS_TEST_MODULE
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Not -BeNullOrEmpty
        foreach ($field in 'ProjectUri', 'LicenseUri', 'Tags', 'ReleaseNotes') {
            $manifest.PrivateData.PSData[$field] | Should -Not -BeNullOrEmpty -Because "the Gallery shows $field"
        }
        $manifest.PrivateData.PSData.Tags | ForEach-Object { $_ | Should -Not -Match '\s' }
        $data = Import-PowerShellDataFile $env:MLOPSPS_TEST_MODULE
        foreach ($list in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $data[$list] | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty -Because "$list names what it exports"
        }
        $data.CmdletsToExport.Count | Should -BeGreaterThan 40
    }
}

Describe 'Installing the package with PSResourceGet' {
    BeforeAll {
        $repository = New-Item -ItemType Directory (Join-Path $userHome 'repository')
        $script:install = Invoke-ChildPwsh -NoModule -Environment $childEnvironment -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Local -Uri '$repository' -Trusted
Publish-PSResource -NupkgPath '$package' -Repository Local
Find-PSResource -Name MlopsPS -Repository Local | ForEach-Object { "found `$(`$_.Version)" }
Install-PSResource -Name MlopsPS -Repository Local -Scope CurrentUser -TrustRepository -Quiet
Get-InstalledPSResource -Name MlopsPS -Scope CurrentUser | ForEach-Object { "installed `$(`$_.InstalledLocation)" }
"@
    }

    It 'publishes into a local file repository and installs for the current user' {
        $install.Error | Should -BeNullOrEmpty
        $install.ExitCode | Should -Be 0
        $install.Output | Should -Match "found $([regex]::Escape($version))"
        $install.Output | Should -Match "installed $([regex]::Escape($userHome.FullName))"
    }

    It 'runs the pipeline from the installed copy in a fresh pwsh' {
        $work = New-Item -ItemType Directory (Join-Path $userHome 'work')
        $run = Invoke-ChildPwsh -NoModule -Environment $childEnvironment -WorkingDirectory $work.FullName -Script @'
$ErrorActionPreference = 'Stop'
Import-Module MlopsPS
"base $((Get-Module MlopsPS).ModuleBase)"
$deployment = New-Batch -Table telco | Invoke-Retrain | Publish-ModelEndpoint -Name t
try {
    "version $($deployment.Version)"
    $answer = Read-Table telco -First 3 | Invoke-ModelEndpoint -Name t
    "predictions $(@($answer).Count)"
}
finally {
    Stop-ModelEndpoint -Name t | Out-Null
    "status $((Get-ModelEndpoint -Name t).Status)"
}
'@
        $run.Error | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $base = [regex]::Match($run.Output, '(?m)^base (.+)$').Groups[1].Value.Trim()
        $base | Should -BeLike "$($userHome.FullName)*" -Because 'the module came from the installed copy'
        $base | Should -Not -BeLike "$(Split-Path (Split-Path $env:MLOPSPS_TEST_MODULE))*"
        $run.Output | Should -Match '(?m)^version 1\s*$'
        $run.Output | Should -Match '(?m)^predictions 3\s*$'
        $run.Output | Should -Match '(?m)^status Stopped\s*$'
        Test-Path (Join-Path $work 'mlops-store/catalog.db') | Should -BeTrue -Because 'the default store is ./mlops-store'
    }
}
