//! The report's JSON Schema (`schemas/report.schema.json`, generated from the report's types by
//! a unit test of `src/report/json.rs`), compiled once: tests check every JSON report they
//! make against it, so a field the schema does not describe, or describes wrongly, fails.

use std::path::Path;
use std::sync::OnceLock;

/// The JSON report's problems against the schema, one per line; `Ok` when it conforms.
pub fn check(report: &serde_json::Value) -> Result<(), String> {
    static COMPILED: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    let (schemas, index) = COMPILED.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Loaded under its own `$id`, so that nothing is fetched.
        let id = schema["$id"].as_str().unwrap().to_string();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler.add_resource(&id, schema).unwrap();
        let index = compiler
            .compile(&id, &mut schemas)
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        (schemas, index)
    });
    schemas
        .validate(report, *index)
        .map_err(|error| format!("{error}"))
}
