//! placeholder
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile { pub instructions: Vec<Instruction>, pub stages: Vec<Stage>, pub global_args: Vec<usize> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction { pub keyword: String, pub line: u32, pub column: u32, pub end_line: u32, pub flags: Vec<Flag>, pub args: Args, pub heredocs: Vec<Heredoc> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args { Exec(Vec<String>), Shell(String) }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag { pub name: String, pub value: Option<String> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc { pub delimiter: String, pub body: String, pub line: u32 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage { pub from: usize, pub base: String, pub name: Option<String>, pub instructions: std::ops::Range<usize> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPair { pub name: String, pub value: Option<String>, pub line: u32, pub column: u32 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileError { pub line: u32, pub message: String }
pub fn parse(_text: &str) -> Result<Dockerfile, DockerfileError> { todo!() }
impl Instruction {
    pub fn flag(&self, _name: &str) -> Option<&str> { todo!() }
    pub fn env_pairs(&self, _source: &str) -> Vec<EnvPair> { todo!() }
}
