# build.ps1's prerequisite logic: what it installs on a bare machine, and that the list covers what the module loads.
# CI runs on a machine where the packages stay installed, so these tests ask the same functions build.ps1 uses about
# a package that is absent, instead of relying on the machine to be bare.
BeforeDiscovery {
    $script:isApt = (Get-Command dpkg-query -CommandType Application -ErrorAction Ignore) -and
        (Get-Content /etc/os-release -Raw -ErrorAction Ignore) -match '(?m)^ID(_LIKE)?=.*\b(debian|ubuntu)\b'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../../build/Prerequisites.psm1') -Force
    # A name Debian cannot have: package names are lower case, so the upper-case letters make it impossible.
    $script:absent = 'mlopsps-ABSENT-package'
}

Describe 'Debian package check' -Skip:(-not $isApt) {
    It 'reports a package dpkg has never heard of as not installed' {
        Test-AptPackageInstalled -Name $absent | Should -BeFalse
    }

    It 'reports an installed package as installed' {
        Test-AptPackageInstalled -Name 'dpkg' | Should -BeTrue
    }

    It 'lists exactly the absent packages, in order, among installed ones' {
        $missing = @(Get-MissingAptPackage -Name 'dpkg', $absent, 'coreutils', "$absent-2")
        $missing | Should -Be @($absent, "$absent-2")
    }

    It 'leaves LASTEXITCODE clean for the build that asked' {
        Test-AptPackageInstalled -Name $absent | Out-Null
        $LASTEXITCODE | Should -Be 0
    }

    It 'finds every package of the build''s list installed once the build ran' {
        # The test command builds first: a package left out here was on the list but never installed.
        @(Get-MissingAptPackage -Name (Get-MlopsAptPackage).Name) | Should -BeNullOrEmpty
    }
}

Describe 'Installing what is missing' {
    It 'installs only the missing packages, as root without sudo' {
        $commands = @(Get-AptInstallCommand -Missing $absent, 'wrk' -IsRoot $true -HasSudo $false)
        $commands.Count | Should -Be 2
        $commands[0] -join ' ' | Should -Be 'apt-get update -qq'
        $commands[1] -join ' ' | Should -Be "apt-get install -y -qq --no-install-recommends $absent wrk"
    }

    It 'goes through sudo when the user is not root' {
        $commands = @(Get-AptInstallCommand -Missing $absent -IsRoot $false -HasSudo $true)
        $commands | ForEach-Object { $_[0] | Should -Be 'sudo' }
    }

    It 'stops with the exact apt-get line when there is neither root nor sudo' {
        { Get-AptInstallCommand -Missing $absent, 'wrk' -IsRoot $false -HasSudo $false } |
            Should -Throw -ExpectedMessage "*apt-get update && apt-get install -y --no-install-recommends $absent wrk*"
    }

    It 'tells Debian and Ubuntu from other systems' {
        Get-PrerequisitePlatform -OsRelease "PRETTY_NAME=`"Debian GNU/Linux 12`"`nID=debian`n" | Should -Be 'Apt'
        Get-PrerequisitePlatform -OsRelease "ID=ubuntu`nID_LIKE=debian`n" | Should -Be 'Apt'
        Get-PrerequisitePlatform -OsRelease "ID=linuxmint`nID_LIKE=`"ubuntu debian`"`n" | Should -Be 'Apt'
        if (-not $IsMacOS) { Get-PrerequisitePlatform -OsRelease "ID=fedora`nID_LIKE=`"rhel centos`"`n" | Should -Be 'Manual' }
    }

    It 'gives other systems one message that names the library, its variable and the test tools' {
        $message = Get-ManualInstallMessage
        foreach ($word in 'XGBoost C library', 'MLOPSPS_XGBOOST_LIBRARY', 'xgboost', 'pandas', 'fastapi', 'uvicorn', 'wrk', 'chromium') {
            $message | Should -BeLike "*$word*"
        }
    }

    It 'stops the build on another system when libxgboost cannot be found' {
        $saved = $env:MLOPSPS_XGBOOST_LIBRARY
        try {
            $env:MLOPSPS_XGBOOST_LIBRARY = Join-Path $TestDrive 'no-such-libxgboost.so'
            Test-XGBoostLibraryPresent | Should -BeFalse
            Set-Content $env:MLOPSPS_XGBOOST_LIBRARY 'stand-in'
            Test-XGBoostLibraryPresent | Should -BeTrue
        }
        finally { $env:MLOPSPS_XGBOOST_LIBRARY = $saved }
    }
}

Describe 'Native libraries the module loads at run time' -Skip:(-not $isApt) {
    BeforeAll {
        function Get-MappedLibrary([string] $MapsText) {
            # The shared objects a process has mapped, from the text of /proc/<pid>/maps.
            $MapsText -split "`n" | ForEach-Object { if ($_ -match '\s(/\S+\.so[\.\d]*)\s*$') { $Matches[1] } } | Sort-Object -Unique
        }

        function Get-OwningPackage([string] $Path) {
            # The Debian package that installed a file; with merged /usr, dpkg may know it under /lib instead.
            foreach ($candidate in $Path, ($Path -replace '^/usr/lib/', '/lib/')) {
                $owner = & dpkg-query -S $candidate 2>$null
                if ($LASTEXITCODE -eq 0 -and $owner) { return (($owner | Select-Object -First 1) -split ':')[0] }
            }
            $global:LASTEXITCODE = 0
            $null
        }

        function Get-DependencyClosure([string[]] $Name) {
            # Every installed package that -Name pulls in through Depends and Pre-Depends (any alternative counts).
            $seen = [System.Collections.Generic.HashSet[string]]::new()
            $queue = [System.Collections.Generic.Queue[string]]::new()
            foreach ($package in $Name) { $queue.Enqueue($package) }
            while ($queue.Count) {
                $package = $queue.Dequeue()
                if (-not $seen.Add($package)) { continue }
                $depends = & dpkg-query -W -f='${Depends}, ${Pre-Depends}' $package 2>$null
                foreach ($clause in ([string]$depends -split '[,|]')) {
                    $dependency = ($clause.Trim() -split '[\s(:]')[0]
                    if ($dependency) { $queue.Enqueue($dependency) }
                }
            }
            $global:LASTEXITCODE = 0
            , $seen  # the set itself, not its items
        }

        # The .NET runtime's own Debian dependencies (Microsoft's list for Debian 12): the README's prerequisite, the
        # .NET SDK, brings them; the ASP.NET host maps OpenSSL from them, for instance.
        $script:dotnetPackage = '^(libc6|libgcc-s1|libgssapi-krb5-2|libstdc\+\+6|zlib1g|libicu\d+|libssl\d+(t64)?)$'

        function Get-UncoveredLibrary([string[]] $Library, [string[]] $Package) {
            # The libraries whose package is neither .NET's nor among -Package or what they depend on.
            $covered = Get-DependencyClosure -Name $Package
            foreach ($path in $Library) {
                $owner = Get-OwningPackage $path
                if (-not $owner -or -not ($covered.Contains($owner) -or $owner -match $dotnetPackage)) { "$path (package: $owner)" }
            }
        }

        # One pwsh that records what it has mapped before the module loads, then trains and serves a model.
        $store = New-TestStore -Name native
        $probe = Invoke-ChildPwsh -NoModule -Script @"
`$before = Get-Content /proc/`$PID/maps -Raw
Import-Module '$env:MLOPSPS_TEST_MODULE'
`$endpoint = New-Batch -Table telco -Rows 500 -Store '$store' | Invoke-Retrain | Publish-ModelEndpoint -Name native
try {
    `$hostMaps = Get-Content "/proc/`$((Get-ModelEndpoint -Name native -Store '$store').ProcessId)/maps" -Raw
    [pscustomobject]@{ Before = `$before; After = (Get-Content /proc/`$PID/maps -Raw); Host = `$hostMaps; ModuleBase = (Get-Module MlopsPS).ModuleBase } | ConvertTo-Json -Compress
}
finally { Stop-ModelEndpoint -Name native -Store '$store' | Out-Null }
"@
        $probe.Error | Should -BeNullOrEmpty
        $probe.ExitCode | Should -Be 0
        $maps = $probe.Output | ConvertFrom-Json

        # What .NET itself maps (ICU, OpenSSL, libc...) is there before the module loads; what the module ships sits
        # under its own folder. What is left is what the module brings in from the system.
        $dotnetOwn = Get-MappedLibrary $maps.Before
        $script:hostLibraries = @(Get-MappedLibrary $maps.Host)
        $script:systemLibraries = @(@(Get-MappedLibrary $maps.After) + $hostLibraries | Sort-Object -Unique | Where-Object {
                $_ -notin $dotnetOwn -and -not $_.StartsWith($maps.ModuleBase) -and $_ -notlike '*/Microsoft.NETCore.App/*' -and $_ -notlike '*/Microsoft.AspNetCore.App/*'
            })
        $script:xgboost = $systemLibraries | Where-Object { $_ -like '*/libxgboost.so*' } | Select-Object -First 1
    }

    It 'sees libxgboost mapped by the pwsh that trained and by the scoring host' {
        $xgboost | Should -Not -BeNullOrEmpty
        $hostLibraries | Should -Contain $xgboost
    }

    It 'installs, through build.ps1''s runtime list, the package of every system library the module or its host loads' {
        Get-UncoveredLibrary -Library $systemLibraries -Package (Get-MlopsAptPackage -Runtime).Name | Should -BeNullOrEmpty
    }

    It 'would notice a runtime library dropped from the list' {
        # The same check with libxgboost0 left out must report libxgboost: the check can fail.
        $without = @((Get-MlopsAptPackage -Runtime).Name | Where-Object { $_ -ne 'libxgboost0' })
        Get-UncoveredLibrary -Library $systemLibraries -Package $without | Should -Contain "$xgboost (package: libxgboost0)"
    }
}
