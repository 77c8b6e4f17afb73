<#
.SYNOPSIS
  Build Myeloma Pocket Guide for Windows: the PyInstaller one-folder bundle, its self-test,
  the bundle check, code signing and the Inno Setup installer.

.DESCRIPTION
  Run from any folder in PowerShell 5.1 or 7 on Windows 10/11 x64 with Python 3.11 (python.org
  build) and, for the installer, Inno Setup 6. Steps:
    1. a virtual environment .venv with the app and the `build` extra (PyInstaller);
    2. db\guide.sqlite built from resources\content if it is absent;
    3. PyInstaller with packaging\mmguide.spec -> dist\mmguide\ (mmguide.exe windowed,
       mmguide-cli.exe console, _internal\ with Qt, Python and the bundled database);
    4. dist\mmguide\mmguide-cli.exe --self-test (offscreen) must print {"ok": true};
    5. packaging\check_bundle.py: no QtNetwork, no TLS/OpenSSL DLLs, within budget;
    6. if a certificate is given: signtool signs mmguide.exe and mmguide-cli.exe
       (SHA-256, RFC 3161 timestamp);
    7. ISCC builds dist\installer\mmguide-<version>-setup.exe, then signtool signs it and
       verifies every signature.
  The build machine needs the network only for pip and for the timestamp server; the installed
  app never uses it.

.PARAMETER Python
  The Python 3.11 launcher command (default: "py -3.11").
.PARAMETER CertThumbprint
  SHA-1 thumbprint of the code-signing certificate in the certificate store (or a hardware
  token's certificate). Default: $env:MMGUIDE_SIGN_THUMBPRINT. Without one nothing is signed.
.PARAMETER TimestampUrl
  RFC 3161 timestamp server of your certificate authority. Default: $env:MMGUIDE_TIMESTAMP_URL.
.PARAMETER InnoSetup
  Path of ISCC.exe (default: Inno Setup 6 in Program Files (x86)).
.PARAMETER BudgetMB
  Size budget of dist\mmguide on disk for check_bundle.py (default 120).
.PARAMETER SkipInstaller
  Stop after the bundle (no ISCC).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -CertThumbprint 0123...ABCD -TimestampUrl http://timestamp.example-ca.com
#>
[CmdletBinding()]
param(
  [string]$Python = "py -3.11",
  [string]$CertThumbprint = $env:MMGUIDE_SIGN_THUMBPRINT,
  [string]$TimestampUrl = $env:MMGUIDE_TIMESTAMP_URL,
  [string]$InnoSetup = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
  [int]$BudgetMB = 120,
  [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Checked([string]$What, [scriptblock]$Block) {
  Write-Host "== $What"
  & $Block
  if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
}

# 1. environment
$venv = Join-Path $Root ".venv"
if (-not (Test-Path "$venv\Scripts\python.exe")) {
  $launcher, $launcherArgs = $Python.Split(" ", 2)
  Invoke-Checked "create $venv" { & $launcher $launcherArgs -m venv $venv }
}
$py = "$venv\Scripts\python.exe"
Invoke-Checked "install the app and PyInstaller" {
  & $py -m pip install -q --upgrade pip
  & $py -m pip install -q -e ".[build]"
}
$version = (& $py packaging\version_info.py).Trim()

# 2. the bundled database
if (-not (Test-Path "db\guide.sqlite")) {
  Invoke-Checked "build db\guide.sqlite" { & $py -m app.storage.build --out db\guide.sqlite }
}

# 3. PyInstaller
if (Test-Path "dist\mmguide") { Remove-Item -Recurse -Force "dist\mmguide" }
Invoke-Checked "PyInstaller (app $version)" {
  & $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\mmguide.spec
}

# 4. frozen self-test, offscreen (the console executable prints the JSON report)
$tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("mmguide-selftest-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
try {
  $out = & "dist\mmguide\mmguide-cli.exe" --self-test --data-dir "$tmp\data"
  $rc = $LASTEXITCODE
} finally {
  Remove-Item Env:\QT_QPA_PLATFORM
}
$report = ($out -join "`n") | ConvertFrom-Json
Write-Host "frozen self-test: exit $rc, ok=$($report.ok), screens=$($report.screens -join ',')"
if ($rc -ne 0 -or -not $report.ok) { throw "frozen self-test failed: $($report.failures -join '; ')" }
Remove-Item -Recurse -Force $tmp

# 5. bundle check
Invoke-Checked "check the bundle" { & $py packaging\check_bundle.py dist\mmguide --budget-mb $BudgetMB }

# 6./7. signing and installer
$signtool = Get-Command signtool.exe -ErrorAction SilentlyContinue
function Sign([string[]]$Files) {
  if (-not $CertThumbprint) { Write-Host "(not signed: no -CertThumbprint)"; return }
  if (-not $signtool) { throw "signtool.exe not found: install the Windows SDK signing tools" }
  if (-not $TimestampUrl) { throw "give -TimestampUrl (your CA's RFC 3161 server): unsigned timestamps expire with the certificate" }
  Invoke-Checked "sign $($Files -join ', ')" {
    & $signtool.Source sign /sha1 $CertThumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 /d "Myeloma Pocket Guide" $Files
  }
  Invoke-Checked "verify signatures" { & $signtool.Source verify /pa /v $Files }
}
Sign @("dist\mmguide\mmguide.exe", "dist\mmguide\mmguide-cli.exe")

if ($SkipInstaller) { Write-Host "bundle: dist\mmguide (installer skipped)"; exit 0 }
if (-not (Test-Path $InnoSetup)) { throw "Inno Setup 6 not found at $InnoSetup (give -InnoSetup)" }
Invoke-Checked "Inno Setup" {
  & $InnoSetup /Q "/DAppVersion=$version" "/DSourceDir=$Root\dist\mmguide" "/DOutputDir=$Root\dist\installer" packaging\windows\mmguide.iss
}
$installer = "dist\installer\mmguide-$version-setup.exe"
Sign @($installer)
$size = (Get-ChildItem -Recurse dist\mmguide | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("bundle: dist\mmguide ({0:N1} MiB); installer: {1} ({2:N1} MiB)" -f $size, $installer, ((Get-Item $installer).Length / 1MB))
