#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's MAML help file from the markdown sources in docs/en-US.

.DESCRIPTION
    platyPS is not served by our package sources, so this script does its job: it reads one markdown file per
    cmdlet (sections SYNOPSIS, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS) and takes
    the syntax, parameter types, positions and pipeline binding from the compiled cmdlets themselves, so the help
    can never disagree with the code about them. It runs in its own pwsh so the build output is not locked.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters +
[System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Read-HelpMarkdown([string] $Path) {
    # Returns @{ Title; Sections = @{ NAME = @{ Text; Subsections = ordered @{ title = text } } } }.
    $doc = @{ Title = $null; Sections = @{} }
    $section = $null
    $subsection = $null
    $inFence = $false
    foreach ($line in Get-Content $Path) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+)$') { $doc.Title = $Matches[1].Trim(); continue }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $section = @{ Text = [System.Text.StringBuilder]::new(); Subsections = [ordered]@{} }
            $doc.Sections[$Matches[1].Trim().ToUpperInvariant()] = $section
            $subsection = $null
            continue
        }
        if (-not $inFence -and $line -match '^### (.+)$' -and $section) {
            $subsection = [System.Text.StringBuilder]::new()
            $section.Subsections[$Matches[1].Trim()] = $subsection
            continue
        }
        if ($subsection) { [void]$subsection.AppendLine($line) }
        elseif ($section) { [void]$section.Text.AppendLine($line) }
    }
    $doc
}

function Split-Paragraphs([string] $Text) {
    @(($Text.Trim() -split '(\r?\n){2,}') | ForEach-Object { ($_ -replace '\r?\n', ' ').Trim() } | Where-Object { $_ })
}

function Add-Paragraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    foreach ($paragraph in Split-Paragraphs $Text) {
        $Writer.WriteElementString('maml', 'para', $ns.maml, $paragraph)
    }
}

function Split-Example([string] $Text) {
    # An example is a fenced code block followed by remarks.
    if ($Text -notmatch '(?s)```[a-zA-Z]*\r?\n(.*?)\r?\n```(.*)$') { throw 'An example needs a fenced code block.' }
    @{ Code = $Matches[1]; Remarks = $Matches[2] }
}

function Get-PipelineInput($ParameterInfo) {
    $byValue = $ParameterInfo.ValueFromPipeline
    $byName = $ParameterInfo.ValueFromPipelineByPropertyName
    if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' }
    elseif ($byValue) { 'True (ByValue)' }
    elseif ($byName) { 'True (ByPropertyName)' }
    else { 'False' }
}

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

$module = Import-Module $ModulePath -PassThru -Force
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$problems = [System.Collections.Generic.List[string]]::new()

New-Item -ItemType Directory (Split-Path $OutputPath) -Force | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $commands) {
        $docFile = Join-Path $DocsPath "$($command.Name).md"
        if (-not (Test-Path $docFile)) { $problems.Add("$($command.Name): no help source at $docFile"); continue }
        $doc = Read-HelpMarkdown $docFile
        $sections = $doc.Sections
        $parameterDocs = if ($sections.ContainsKey('PARAMETERS')) { $sections.PARAMETERS.Subsections } else { @{} }

        $writer.WriteStartElement('command', 'command', $ns.command)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
        $writer.WriteAttributeString('xmlns', 'command', $null, $ns.command)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

        $writer.WriteStartElement('command', 'details', $ns.command)
        $writer.WriteElementString('command', 'name', $ns.command, $command.Name)
        $writer.WriteElementString('command', 'verb', $ns.command, $command.Verb)
        $writer.WriteElementString('command', 'noun', $ns.command, $command.Noun)
        $writer.WriteStartElement('maml', 'description', $ns.maml)
        Add-Paragraphs $writer $sections.SYNOPSIS.Text.ToString()
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        $writer.WriteStartElement('maml', 'description', $ns.maml)
        Add-Paragraphs $writer $sections.DESCRIPTION.Text.ToString()
        $writer.WriteEndElement()

        # Syntax and parameter facts come from the cmdlet's own metadata.
        $writer.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($set in $command.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $ns.command)
            $writer.WriteElementString('maml', 'name', $ns.maml, $command.Name)
            foreach ($parameter in $set.Parameters | Where-Object Name -NotIn $commonParameters) {
                $writer.WriteStartElement('command', 'parameter', $ns.command)
                $writer.WriteAttributeString('required', $parameter.IsMandatory.ToString().ToLowerInvariant())
                $writer.WriteAttributeString('position', $(if ($parameter.Position -ge 0) { $parameter.Position + 1 } else { 'named' }))
                $writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $parameter))
                $writer.WriteElementString('maml', 'name', $ns.maml, $parameter.Name)
                if ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                    $writer.WriteStartElement('command', 'parameterValue', $ns.command)
                    $writer.WriteAttributeString('required', 'true')
                    $writer.WriteString($parameter.ParameterType.Name)
                    $writer.WriteEndElement()
                }
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $commonParameters | Sort-Object Name) {
            $key = "-$($parameter.Name)"
            if (-not $parameterDocs.Contains($key)) { $problems.Add("$($command.Name): parameter $key is not documented"); continue }
            $inSets = @($parameter.ParameterSets.Values)
            $writer.WriteStartElement('command', 'parameter', $ns.command)
            $writer.WriteAttributeString('required', ($inSets.IsMandatory -contains $true).ToString().ToLowerInvariant())
            $position = ($inSets | ForEach-Object Position | Where-Object { $_ -ge 0 } | Select-Object -First 1)
            $writer.WriteAttributeString('position', $(if ($null -ne $position) { $position + 1 } else { 'named' }))
            $writer.WriteAttributeString('pipelineInput', (Get-PipelineInput ([pscustomobject]@{
                            ValueFromPipeline               = $inSets.ValueFromPipeline -contains $true
                            ValueFromPipelineByPropertyName = $inSets.ValueFromPipelineByPropertyName -contains $true
                        })))
            $writer.WriteAttributeString('globbing', ($parameter.Attributes.TypeId.Name -contains 'SupportsWildcardsAttribute').ToString().ToLowerInvariant())
            $writer.WriteAttributeString('aliases', $(if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }))
            $writer.WriteElementString('maml', 'name', $ns.maml, $parameter.Name)
            $writer.WriteStartElement('maml', 'description', $ns.maml)
            Add-Paragraphs $writer $parameterDocs[$key].ToString()
            $writer.WriteEndElement()
            $writer.WriteStartElement('command', 'parameterValue', $ns.command)
            $writer.WriteAttributeString('required', ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]).ToString().ToLowerInvariant())
            $writer.WriteString($parameter.ParameterType.Name)
            $writer.WriteEndElement()
            $writer.WriteStartElement('dev', 'type', $ns.dev)
            $writer.WriteElementString('maml', 'name', $ns.maml, $parameter.ParameterType.FullName)
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        foreach ($documented in $parameterDocs.Keys) {
            if (-not $command.Parameters.ContainsKey($documented.TrimStart('-'))) { $problems.Add("$($command.Name): documents unknown parameter $documented") }
        }
        $writer.WriteEndElement()

        foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
            if (-not $sections.ContainsKey($kind[0])) { continue }
            $writer.WriteStartElement('command', $kind[1], $ns.command)
            foreach ($entry in $sections[$kind[0]].Subsections.GetEnumerator()) {
                $writer.WriteStartElement('command', $kind[2], $ns.command)
                $writer.WriteStartElement('dev', 'type', $ns.dev)
                $writer.WriteElementString('maml', 'name', $ns.maml, $entry.Key)
                $writer.WriteEndElement()
                $writer.WriteStartElement('maml', 'description', $ns.maml)
                Add-Paragraphs $writer $entry.Value.ToString()
                $writer.WriteEndElement()
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }

        if ($sections.ContainsKey('NOTES')) {
            $writer.WriteStartElement('maml', 'alertSet', $ns.maml)
            $writer.WriteStartElement('maml', 'alert', $ns.maml)
            Add-Paragraphs $writer $sections.NOTES.Text.ToString()
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $ns.command)
        foreach ($example in $sections.EXAMPLES.Subsections.GetEnumerator()) {
            $parts = Split-Example $example.Value.ToString()
            $writer.WriteStartElement('command', 'example', $ns.command)
            $writer.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($example.Key) --------------------------")
            $writer.WriteElementString('dev', 'code', $ns.dev, $parts.Code)
            $writer.WriteStartElement('dev', 'remarks', $ns.dev)
            Add-Paragraphs $writer $parts.Remarks
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $ns.command)
        if ($sections.ContainsKey('RELATED LINKS')) {
            foreach ($link in ($sections['RELATED LINKS'].Text.ToString() -split '\r?\n' | Where-Object { $_ -match '\S' })) {
                $writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
                $writer.WriteElementString('maml', 'linkText', $ns.maml, ($link -replace '^[-*]\s*', '' -replace '\[([^\]]+)\]\([^)]*\)', '$1').Trim())
                $writer.WriteElementString('maml', 'uri', $ns.maml, '')
                $writer.WriteEndElement()
            }
        }
        $writer.WriteEndElement()

        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

if ($problems.Count -gt 0) {
    $problems | ForEach-Object { Write-Error $_ -ErrorAction Continue }
    throw "Help sources are incomplete ($($problems.Count) problem(s)); see docs/en-US."
}
Write-Host "Help for $($commands.Count) cmdlet(s) written to $OutputPath"
