#!powershell
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Collects raw values only: every decision (official, screen lock, notifications) is made in Python on the
# controller (plugins/module_utils/probes/windows_facts.py). Read-only: no hive is loaded, nothing is written.
# Never opens Signal's database or reads config.json: only whether those files exist.

$spec = @{
    options = @{}
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$uninstallRoot = 'Software\Microsoft\Windows\CurrentVersion\Uninstall'
$signalGuid = '7d96caee-06e6-597c-9f2f-c7bb2e0948b4'
$signalAumid = 'org.whispersystems.signal-desktop'
$errors = [System.Collections.Generic.List[string]]@()

Function Get-RawValue {
    # Value names -> raw registry values ($null when the key or value is missing).
    param([Microsoft.Win32.RegistryKey]$Hive, [string]$Path, [string[]]$Names)
    $out = [ordered]@{}
    foreach ($name in $Names) { $out[$name] = $null }
    try {
        $key = $Hive.OpenSubKey($Path, $false)
    }
    catch {
        $errors.Add("$($Hive.Name)\$($Path): $($_.Exception.Message)")
        return $out
    }
    if ($null -eq $key) { return $out }
    try {
        foreach ($name in $Names) {
            $value = $key.GetValue($name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
            if ($value -is [byte[]]) { $value = [System.Convert]::ToBase64String($value) }
            $out[$name] = $value
        }
    }
    finally {
        $key.Dispose()
    }
    return $out
}

Function Get-UninstallEntry {
    param([Microsoft.Win32.RegistryKey]$Hive)
    $names = @('DisplayName', 'DisplayVersion', 'InstallLocation', 'Publisher', 'UninstallString')
    $entries = [System.Collections.Generic.List[object]]@()
    try {
        $root = $Hive.OpenSubKey($uninstallRoot, $false)
    }
    catch {
        $errors.Add("$($Hive.Name)\$($uninstallRoot): $($_.Exception.Message)")
        return , $entries
    }
    if ($null -eq $root) { return , $entries }
    try {
        foreach ($sub in $root.GetSubKeyNames()) {
            $values = Get-RawValue -Hive $Hive -Path "$uninstallRoot\$sub" -Names $names
            if ($sub -eq $signalGuid -or "$($values.DisplayName)" -match '^Signal( |$)') {
                $values['key'] = $sub
                $entries.Add($values)
            }
        }
    }
    finally {
        $root.Dispose()
    }
    return , $entries
}

Function Get-AsarConfig {
    # The texts of the files named config/local-production.json in resources\app.asar (Signal writes the build's
    # expiry date there); Python picks the one that holds buildExpiration. Only the archive's index and those small
    # files are read. Layout: uint32 4, uint32 header size, uint32 pickle size, uint32 index length, index JSON;
    # a file's bytes start at 8 + header size + its offset.
    param([string]$Folder)
    $path = Join-Path $Folder 'resources\app.asar'
    $out = [ordered]@{ path = $path; exists = $false; configs = @(); error = $null }
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $out }
    $out.exists = $true
    $stream = $null
    try {
        $stream = [System.IO.File]::Open($path, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::ReadWrite)
        $reader = New-Object System.IO.BinaryReader($stream)
        $null = $reader.ReadUInt32()
        $headerSize = [int64]$reader.ReadUInt32()
        $null = $reader.ReadUInt32()
        $indexLength = [int64]$reader.ReadUInt32()
        if ($indexLength -gt 67108864 -or $indexLength -gt $headerSize) {
            throw "index length $indexLength does not fit its header ($headerSize bytes)"
        }
        $index = [System.Text.Encoding]::UTF8.GetString($reader.ReadBytes([int]$indexLength))
        $pattern = '"local-production\.json":\{(?:"size":(?<size>\d+),"offset":"(?<offset>\d+)"|"offset":"(?<offset>\d+)","size":(?<size>\d+))'
        $configs = [System.Collections.Generic.List[string]]@()
        foreach ($match in ([regex]::Matches($index, $pattern) | Select-Object -First 5)) {
            $size = [int64]$match.Groups['size'].Value
            if ($size -gt 1048576) { continue }
            $null = $stream.Seek(8 + $headerSize + [int64]$match.Groups['offset'].Value, [System.IO.SeekOrigin]::Begin)
            $configs.Add([System.Text.Encoding]::UTF8.GetString($reader.ReadBytes([int]$size)))
        }
        $out.configs = @($configs)
    }
    catch {
        $out.error = $_.Exception.Message
    }
    finally {
        if ($null -ne $stream) { $stream.Dispose() }
    }
    return $out
}

Function Get-ExeInfo {
    param([string]$Path)
    $info = [ordered]@{ path = $Path; exists = $false; file_version = $null; product_version = $null; signature = $null; asar = $null }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return $info }
    $info.exists = $true
    $info.asar = Get-AsarConfig -Folder (Split-Path -Parent $Path)
    try {
        $version = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($Path)
        $info.file_version = $version.FileVersion
        $info.product_version = $version.ProductVersion
    }
    catch {
        $errors.Add("$($Path): version: $($_.Exception.Message)")
    }
    try {
        $sig = Get-AuthenticodeSignature -LiteralPath $Path
        $info.signature = [ordered]@{
            status = $sig.Status.ToString()
            status_message = $sig.StatusMessage
            signer_subject = if ($sig.SignerCertificate) { $sig.SignerCertificate.Subject } else { $null }
            signer_thumbprint = if ($sig.SignerCertificate) { $sig.SignerCertificate.Thumbprint } else { $null }
            timestamped = [bool]$sig.TimeStamperCertificate
        }
    }
    catch {
        $errors.Add("$($Path): signature: $($_.Exception.Message)")
    }
    return $info
}

$users = [System.Collections.Generic.List[object]]@()
$loaded = @()
try {
    $loaded = [Microsoft.Win32.Registry]::Users.GetSubKeyNames()
}
catch {
    $errors.Add("HKEY_USERS: $($_.Exception.Message)")
}
$profileList = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList'
$profileKey = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($profileList, $false)
$sids = @()
if ($null -ne $profileKey) {
    $sids = @($profileKey.GetSubKeyNames() | Where-Object { $_ -match '^S-1-5-21-[\d-]+$' })
    $profileKey.Dispose()
}
foreach ($sid in $sids) {
    $profilePath = (Get-RawValue -Hive ([Microsoft.Win32.Registry]::LocalMachine) -Path "$profileList\$sid" -Names @('ProfileImagePath')).ProfileImagePath
    $profilePath = if ($profilePath) { [System.Environment]::ExpandEnvironmentVariables($profilePath) } else { $null }
    $user = [ordered]@{
        sid = $sid
        name = $null
        profile_path = $profilePath
        hive_loaded = $loaded -contains $sid
        uninstall = @()
        exes = @()
        appdata = $null
        signal_userdata = $null
        desktop = $null
        desktop_policy = $null
        notifications = $null
        push_notifications = $null
        notifications_policy = $null
        signal_toasts = $null
    }
    try {
        $user.name = (New-Object System.Security.Principal.SecurityIdentifier($sid)).Translate([System.Security.Principal.NTAccount]).Value
    }
    catch {
        $user.name = $null  # a deleted account: the SID stays
    }
    $locations = [System.Collections.Generic.List[string]]@()
    if ($user.hive_loaded) {
        $hive = [Microsoft.Win32.Registry]::Users.OpenSubKey($sid, $false)
        try {
            $user.uninstall = Get-UninstallEntry -Hive $hive
            foreach ($entry in $user.uninstall) {
                if ($entry.InstallLocation) { $locations.Add((Join-Path $entry.InstallLocation 'Signal.exe')) }
            }
            $user.appdata = (Get-RawValue -Hive $hive -Path 'Software\Microsoft\Windows\CurrentVersion\Explorer\Shell Folders' -Names @('AppData')).AppData
            $user.desktop = Get-RawValue -Hive $hive -Path 'Control Panel\Desktop' `
                -Names @('ScreenSaveActive', 'ScreenSaverIsSecure', 'ScreenSaveTimeOut', 'SCRNSAVE.EXE')
            $user.desktop_policy = Get-RawValue -Hive $hive -Path 'Software\Policies\Microsoft\Windows\Control Panel\Desktop' `
                -Names @('ScreenSaveActive', 'ScreenSaverIsSecure', 'ScreenSaveTimeOut', 'SCRNSAVE.EXE')
            $user.notifications = Get-RawValue -Hive $hive -Path 'Software\Microsoft\Windows\CurrentVersion\Notifications\Settings' `
                -Names @('NOC_GLOBAL_SETTING_ALLOW_TOASTS_ABOVE_LOCK', 'NOC_GLOBAL_SETTING_TOASTS_ENABLED')
            $user.push_notifications = Get-RawValue -Hive $hive -Path 'Software\Microsoft\Windows\CurrentVersion\PushNotifications' `
                -Names @('ToastEnabled', 'LockScreenToastEnabled')
            $user.notifications_policy = Get-RawValue -Hive $hive -Path 'Software\Policies\Microsoft\Windows\CurrentVersion\PushNotifications' `
                -Names @('NoToastApplicationNotification', 'NoToastApplicationNotificationOnLockScreen')
            $user.signal_toasts = Get-RawValue -Hive $hive `
                -Path "Software\Microsoft\Windows\CurrentVersion\Notifications\Settings\$signalAumid" `
                -Names @('Enabled', 'AllowContentAboveLock', 'ShowInActionCenter')
        }
        finally {
            if ($null -ne $hive) { $hive.Dispose() }
        }
    }
    if ($profilePath) {
        $locations.Add((Join-Path $profilePath 'AppData\Local\Programs\signal-desktop\Signal.exe'))
    }
    $user.exes = @($locations | Select-Object -Unique | ForEach-Object { Get-ExeInfo -Path $_ })
    $appdata = if ($user.appdata) { $user.appdata } elseif ($profilePath) { Join-Path $profilePath 'AppData\Roaming' } else { $null }
    if ($appdata) {
        $folder = Join-Path $appdata 'Signal'
        $user.signal_userdata = [ordered]@{
            path = $folder
            exists = Test-Path -LiteralPath $folder -PathType Container
            config_json = Test-Path -LiteralPath (Join-Path $folder 'config.json') -PathType Leaf
            db_sqlite = Test-Path -LiteralPath (Join-Path $folder 'sql\db.sqlite') -PathType Leaf
        }
    }
    $users.Add($user)
}

$hklm = [Microsoft.Win32.Registry]::LocalMachine
$machine = [ordered]@{
    system_policy = Get-RawValue -Hive $hklm -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -Names @('InactivityTimeoutSecs')
    winlogon = Get-RawValue -Hive $hklm -Path 'SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon' -Names @('ScreenSaverGracePeriod')
    system_policy_windows = Get-RawValue -Hive $hklm -Path 'SOFTWARE\Policies\Microsoft\Windows\System' -Names @('DisableLockScreenAppNotifications')
    hosts_lines = @()
    hosts_line_numbers = @()
    hosts_read = $false
}
$hostsPath = Join-Path $env:SystemRoot 'System32\drivers\etc\hosts'
try {
    if (Test-Path -LiteralPath $hostsPath -PathType Leaf) {
        # The lines that mention signal.org, and where they are in the file (the controller names the line).
        $hostsText = @(Get-Content -LiteralPath $hostsPath -ErrorAction Stop)
        $hostsLines = [System.Collections.Generic.List[string]]@()
        $hostsNumbers = [System.Collections.Generic.List[int]]@()
        for ($i = 0; $i -lt $hostsText.Count; $i++) {
            if ($hostsText[$i] -match 'signal\.org') {
                $hostsLines.Add([string]$hostsText[$i])
                $hostsNumbers.Add($i + 1)
            }
        }
        $machine.hosts_lines = @($hostsLines)
        $machine.hosts_line_numbers = @($hostsNumbers)
    }
    $machine.hosts_read = $true
}
catch {
    $errors.Add("$($hostsPath): $($_.Exception.Message)")
}

$os = [ordered]@{ caption = $null; version = $null; build = $null }
try {
    $cim = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
    $os.caption = $cim.Caption
    $os.version = $cim.Version
    $os.build = $cim.BuildNumber
}
catch {
    $errors.Add("Win32_OperatingSystem: $($_.Exception.Message)")
}

$module.Result.changed = $false
$module.Result.windows_raw = [ordered]@{
    format = 'hardening.signal/windows-raw'
    format_version = 1
    os = $os
    users = $users
    machine = $machine
    errors = $errors
}
$module.ExitJson()
