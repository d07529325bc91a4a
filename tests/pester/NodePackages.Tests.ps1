# How build.ps1 installs the interop tests' npm packages (build/NodePackages.psm1): npm ci whenever node_modules does not
# hold exactly what tests/interop/package-lock.json pins, nothing otherwise.
BeforeAll {
    $script:repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'build/NodePackages.psm1') -Force
    $script:interop = Join-Path $repo 'tests/interop'

    function New-NpmProject {
        # A copy of tests/interop's package.json and lock file, without node_modules.
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item (Join-Path $interop 'package.json'), (Join-Path $interop 'package-lock.json') $folder
        $folder
    }
}

Describe 'Interop npm packages' {
    It 'pins icebird 0.3.1 in the lock file' {
        $lock = Get-Content (Join-Path $interop 'package-lock.json') -Raw | ConvertFrom-Json -AsHashtable
        $lock.packages['node_modules/icebird'].version | Should -Be '0.3.1'
        (Get-Content (Join-Path $interop 'package.json') -Raw | ConvertFrom-Json).dependencies.icebird | Should -Be '0.3.1'
    }

    It 'runs npm ci when node_modules is missing' {
        $project = New-NpmProject
        Test-NpmPackagesInstalled -Directory $project | Should -BeFalse
        $command = @(Get-NpmInstallCommand -Directory $project)
        $command.Count | Should -Be 1
        $command[0][0..3] | Should -Be @('npm', 'ci', '--prefix', $project)
    }

    It 'runs npm ci when a package is at another version than the lock file pins' {
        $project = New-NpmProject
        Copy-Item (Join-Path $interop 'node_modules') $project -Recurse
        $manifest = Join-Path $project 'node_modules/icebird/package.json'
        (Get-Content $manifest -Raw) -replace '"version": "0.3.1"', '"version": "0.3.0"' | Set-Content $manifest
        Test-NpmPackagesInstalled -Directory $project | Should -BeFalse
        @(Get-NpmInstallCommand -Directory $project).Count | Should -Be 1
    }

    It 'does nothing when node_modules holds what the lock file pins' {
        # tests/interop itself, as build.ps1 left it before this test run.
        Test-NpmPackagesInstalled -Directory $interop | Should -BeTrue
        @(Get-NpmInstallCommand -Directory $interop).Count | Should -Be 0
    }
}

Describe 'Debian packages for the interop tests' {
    BeforeAll { Import-Module (Join-Path $repo 'build/Prerequisites.psm1') -Force }

    It 'lists python3-avro and nodejs as test-only packages' {
        $packages = Get-MlopsAptPackage
        foreach ($name in 'python3-avro', 'nodejs') {
            $package = $packages | Where-Object Name -EQ $name
            $package | Should -Not -BeNullOrEmpty
            $package.Runtime | Should -BeFalse
        }
    }

    It 'asks for Debian''s npm only when no npm is on PATH (NodeSource''s nodejs ships its own and conflicts with it)' {
        $listed = [bool](Get-MlopsAptPackage | Where-Object Name -EQ 'npm')
        $listed | Should -Be (-not (Get-Command npm -CommandType Application -ErrorAction Ignore))
    }
}
