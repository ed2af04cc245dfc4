# mlobs build script for PowerShell (same verbs as build.sh).
#   ./build.ps1          publish the Native AOT binary to dist/mlobs
#   ./build.ps1 serve    publish, then run dist/mlobs serve on the embedded default config
#   ./build.ps1 test     publish, then run every test project; ends with "N passed, N failed"
param([string]$Verb = "publish", [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot

function Install-Apt([string[]]$Packages) {
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) { Write-Warning "cannot install $Packages (no apt-get)"; return }
    $sudo = if ((id -u) -eq "0") { @() } else { @("sudo") }
    & @sudo apt-get update -qq | Out-Null
    & @sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq @Packages | Out-Null
}

function Install-NpmPackages([string]$Dir) {
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { Install-Apt @("nodejs", "npm") }
    Push-Location $Dir
    try { npm ci --no-audit --no-fund --loglevel=error; if ($LASTEXITCODE -ne 0) { throw "npm ci in $Dir failed" } } finally { Pop-Location }
}

function Publish {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw "the .NET 10 SDK (dotnet) is required and is not on PATH" }
    # uPlot, pinned in src/WebUi/package-lock.json, is embedded into the binary.
    if (-not (Test-Path src/WebUi/node_modules/.package-lock.json)) { Install-NpmPackages "src/WebUi" }
    if (-not (Get-Command cc -ErrorAction SilentlyContinue) -and -not (Get-Command clang -ErrorAction SilentlyContinue)) { Install-Apt @("clang") }
    # Skip a publish whose inputs (sources, embedded config and UI, package pins, the SDK) are unchanged.
    $digest = Get-InputsDigest
    if ((Test-Path dist/mlobs) -and (Test-Path dist/.inputs) -and ((Get-Content dist/.inputs -Raw).Trim() -eq $digest)) {
        Write-Host "dist/mlobs is up to date"; return
    }
    Remove-Item dist/.inputs -ErrorAction SilentlyContinue
    dotnet publish src/Appliance/Appliance.csproj -c Release -r linux-x64 -p:PublishAot=true -o dist --nologo -v quiet -warnaserror *> dist.log
    if ($LASTEXITCODE -ne 0) { Get-Content dist.log; throw "publish failed" }
    Set-Content dist/.inputs $digest
    Write-Host "built dist/mlobs"
}

function Get-InputsDigest {
    $files = @(Get-ChildItem src, config -Recurse -File | Where-Object { $_.FullName -notmatch '[\\/](bin|obj|node_modules)[\\/]' }) +
             @(Get-ChildItem Directory.*.props -File)
    $lines = $files | Sort-Object FullName | ForEach-Object { "$((Get-FileHash $_.FullName -Algorithm SHA256).Hash) $($_.FullName)" }
    $lines += (dotnet --version)
    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))
    return [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::HashData($bytes)).Replace("-", "").ToLowerInvariant()
}

function Run-Tests {
    if (-not (Test-Path /usr/bin/prometheus-node-exporter)) { try { Install-Apt @("prometheus-node-exporter") } catch { Write-Warning $_ } }
    if (-not (Test-Path /usr/bin/promtool)) { try { Install-Apt @("--no-install-recommends", "prometheus") } catch { Write-Warning $_ } }
    if (-not (Test-Path /usr/bin/prometheus-alertmanager)) { try { Install-Apt @("--no-install-recommends", "prometheus-alertmanager") } catch { Write-Warning $_ } }
    # The UI tests drive Debian's Chromium with playwright-core (pinned in tests/EndToEnd.Tests/browser).
    if (-not (Test-Path /usr/bin/chromium)) { try { Install-Apt @("chromium") } catch { Write-Warning $_ } }
    if (-not (Test-Path tests/EndToEnd.Tests/browser/node_modules/.package-lock.json)) { Install-NpmPackages "tests/EndToEnd.Tests/browser" }
    Remove-Item -Recurse -Force TestResults -ErrorAction SilentlyContinue
    # The conventions in .editorconfig (layout, names, usings) hold everywhere; a difference fails the run.
    dotnet format Appliance.sln --verify-no-changes -v quiet
    $formatStatus = $LASTEXITCODE
    if ($formatStatus -ne 0) { Write-Warning "dotnet format found code that does not follow .editorconfig (run: dotnet format Appliance.sln)" }
    dotnet test Appliance.sln -c Release --nologo --logger trx --results-directory "$PSScriptRoot/TestResults" @Rest
    $status = $LASTEXITCODE
    if ($formatStatus -ne 0 -and $status -eq 0) { $status = $formatStatus }
    $passed = 0; $failed = 0
    foreach ($f in Get-ChildItem TestResults -Filter *.trx -ErrorAction SilentlyContinue) {
        $c = ([xml](Get-Content $f.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$c.passed; $failed += [int]$c.failed
    }
    if ($status -ne 0 -and $failed -eq 0) { $failed = 1 }
    if (Test-Path TestResults/conformance-skips.txt) {
        Write-Host "PromQL conformance: $((Get-Content TestResults/conformance-skips.txt).Count) cases skipped as out of scope (native histograms, experimental functions), listed in TestResults/conformance-skips.txt"
    }
    Write-Host "$passed passed, $failed failed"
    if ($failed -ne 0) { exit 1 }
}

switch ($Verb) {
    { $_ -in "publish", "build" } { Publish }
    "serve" { Publish; & ./dist/mlobs serve @Rest; exit $LASTEXITCODE }
    "test" { Publish; Run-Tests }
    default { Write-Error "usage: ./build.ps1 [publish|serve|test]"; exit 2 }
}
