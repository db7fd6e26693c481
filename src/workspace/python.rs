//! placeholder
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PythonSource { pub imports: Vec<Import>, pub calls: Vec<Call> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import { pub module: String, pub names: Option<Vec<ImportedName>>, pub alias: Option<String>, pub line: u32, pub column: u32 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName { pub name: String, pub alias: Option<String>, pub line: u32, pub column: u32 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call { pub callee: String, pub line: u32, pub column: u32, pub args: Vec<Arg> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg { pub keyword: Option<String>, pub value: ArgValue, pub line: u32, pub column: u32 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue { Str(String), Bool(bool), None, Number(String), Name(String), Other }
pub fn parse(_source: &str) -> PythonSource { todo!() }
