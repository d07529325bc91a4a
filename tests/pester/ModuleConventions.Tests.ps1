# Conventions every exported cmdlet must follow, now and later.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:cmdlets = @(Get-Command -Module MlopsPS -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    # Verbs whose cmdlets change state: they must support -WhatIf and -Confirm. Read-only exceptions are listed
    # with the reason.
    $stateChangingVerbs = @('New', 'Set', 'Remove', 'Add', 'Clear', 'Reset', 'Restore', 'Publish', 'Unpublish',
        'Register', 'Unregister', 'Start', 'Stop', 'Restart', 'Invoke', 'Update', 'Rename', 'Move', 'Copy',
        'Import', 'Send', 'Write', 'Enable', 'Disable', 'Save', 'Submit', 'Undo', 'Initialize')
    $readOnlyExceptions = @{
        'Invoke-ModelEndpoint' = 'sends scoring requests; changes nothing in the store'
    }
    $script:stateChanging = @(Get-Command -Module MlopsPS -CommandType Cmdlet |
            Where-Object { $_.Verb -in $stateChangingVerbs -and -not $readOnlyExceptions.ContainsKey($_.Name) } |
            ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-MlopsTestModule
    $script:approvedVerbs = (Get-Verb).Verb
}

Describe 'The MlopsPS module' {
    It 'exports the cmdlets its manifest lists, and only those' {
        $manifest = Import-PowerShellDataFile $env:MLOPSPS_TEST_MODULE
        $inAssembly = [System.AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -eq 'MlopsPS' } | Select-Object -First 1 |
            ForEach-Object { $_.GetExportedTypes() } |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object {
                $attribute = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                "$($attribute.VerbName)-$($attribute.NounName)"
            }
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($inAssembly | Sort-Object)
    }

    It 'carries the version of Directory.Build.props' {
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw)
        $expected = @($props.Project.PropertyGroup.Version | Where-Object { $_ })[0]
        (Get-Module MlopsPS).Version.ToString(3) | Should -Be $expected
    }

    It 'has an about_MlopsPS help topic' {
        (Get-Help about_MlopsPS | Out-String) | Should -Match 'MlopsPS'
    }
}

Describe 'Cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll {
        $script:command = Get-Command $Name
        $script:help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        $command.Verb | Should -BeIn $approvedVerbs
    }

    It 'declares its output type' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
    }

    It 'has a description' {
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        @($help.examples.example)[0].code | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = @($help.parameters.parameter) | Where-Object name -EQ $parameter
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }
}

Describe 'State-changing cmdlet <Name>' -ForEach $stateChanging {
    It 'supports -WhatIf and -Confirm' {
        $parameters = (Get-Command $Name).Parameters.Keys
        $parameters | Should -Contain 'WhatIf'
        $parameters | Should -Contain 'Confirm'
    }
}
