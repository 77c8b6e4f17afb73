; Inno Setup 6 script: the Windows installer of Myeloma Pocket Guide.
;
; Built by packaging\windows\build.ps1 after PyInstaller has produced dist\mmguide\:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=<repo>\dist\mmguide /DOutputDir=<repo>\dist\installer mmguide.iss
;
; What it does:
; - installs the one-folder bundle (mmguide.exe windowed, mmguide-cli.exe console, _internal\ with
;   the bundled guide database) to Program Files, read-only for users;
; - creates the machine-wide data folder %ProgramData%\MyelomaPocketGuide\MyelomaPocketGuide,
;   writable by administrators only (installed updates, trust root, history: see
;   "Updating the guideline" in README.md) and readable by every user, and starts the app with
;   --data-dir pointing there, so the ward sees what IT installs;
; - no network, no services, no scheduled tasks, no file associations, no PATH change
;   (IT calls "C:\Program Files\Myeloma Pocket Guide\mmguide-cli.exe" with its full path);
; - uninstall removes the program folder and leaves the data folder (installed updates and
;   their history) unless it is empty.
; Silent install for software distribution: mmguide-0.1.0-setup.exe /VERYSILENT /NORESTART /SP-
; (add /ALLUSERS, the default, or /CURRENTUSER for a per-user install without administrator rights).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\mmguide"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist\installer"
#endif
#define AppName "Myeloma Pocket Guide"
#define AppExe "mmguide.exe"
#define DataDir "{commonappdata}\MyelomaPocketGuide\MyelomaPocketGuide"

[Setup]
; never change AppId: upgrades and uninstall find the installation by it
AppId={{DFCB14DF-5274-4C2A-A3A5-2BFCAE24C219}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Myeloma Pocket Guide
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=mmguide-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
CloseApplications=yes
RestartApplications=no
; signing: build.ps1 signs the executables before ISCC runs and the installer after it. To let
; ISCC sign (it then also signs the uninstaller), define a sign tool named "signtool" in the
; Inno Setup IDE (Tools > Configure Sign Tools) and uncomment:
; SignTool=signtool
; SignedUninstaller=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; machine-wide data folder: administrators (and SYSTEM) write, users read
Name: "{#DataDir}"; Permissions: admins-full system-full users-readexec; Flags: uninsneveruninstall; Check: IsAdminInstallMode

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "{code:DataDirArg}"; WorkingDir: "{app}"; Comment: "EHA-EMN 2025 myeloma guideline, offline"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "{code:DataDirArg}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "{code:DataDirArg}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only the program folder; %ProgramData%\MyelomaPocketGuide (installed updates) is kept
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
{ Per-machine installs point the app at the machine-wide data folder; per-user installs
  (/CURRENTUSER) leave --data-dir out, so the app uses the user's own folder. }
function DataDirArg(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := '--data-dir "' + ExpandConstant('{#DataDir}') + '"'
  else
    Result := '';
end;
