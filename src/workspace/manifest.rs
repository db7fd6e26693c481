//! placeholder
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement { pub name: String, pub extras: Vec<String>, pub line: u32, pub column: u32 }
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequirementsFile { pub requirements: Vec<Requirement>, pub includes: Vec<Include>, pub local_paths: Vec<Include> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include { pub path: String, pub line: u32, pub column: u32 }
pub fn parse_requirements(_text: &str) -> RequirementsFile { todo!() }
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pyproject { pub requirements: Vec<Requirement> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError { pub line: u32, pub column: u32, pub message: String }
pub fn parse_pyproject(_text: &str) -> Result<Pyproject, ManifestError> { todo!() }
