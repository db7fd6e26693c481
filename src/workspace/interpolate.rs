//! placeholder: delivered by a helper
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarUse { pub name: String, pub offset: usize, pub outcome: VarOutcome }
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarOutcome { Value, Default, Unset }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated { pub value: String, pub uses: Vec<VarUse> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError { InvalidTemplate { offset: usize }, RequiredMissing { name: String, message: String, offset: usize } }
impl std::fmt::Display for InterpolationError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "x") } }
pub fn interpolate(template: &str, _lookup: &dyn Fn(&str) -> Option<String>) -> Result<Interpolated, InterpolationError> { Ok(Interpolated { value: template.to_string(), uses: vec![] }) }
