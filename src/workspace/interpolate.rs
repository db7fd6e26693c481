//! docker compose's variable interpolation, matching compose-go's `template` package
//! (`template/template.go`): `$$`, `$NAME`, `${NAME}`, `${NAME:-d}`, `${NAME-d}`, `${NAME:+a}`,
//! `${NAME+a}`, `${NAME:?msg}`, `${NAME?msg}`, nested and lazily evaluated. No crate implements
//! compose's rules (shellexpand and envsubst differ on every edge), so this is written here.
//!
//! compose-go's behaviour kept here:
//! - `$` followed by neither `$`, a name nor `{` stays a literal `$` (`a $ b`, `$1`, `^x$`).
//! - `${` must be followed by a name (`[_A-Za-z][_A-Za-z0-9]*`), then `}` or an operator
//!   (`:-`, `-`, `:+`, `+`, `:?`, `?`); anything else (`${`, `${}`, `${ x}`, `${x!}`) is
//!   `Invalid template`, and so is a `${` whose braces never close.
//! - The operator is the first one after the name (`${U?bar-baz}` is required, message
//!   `bar-baz`); its argument runs to the matching `}`, counting braces, so defaults may hold
//!   `:-`, `/`, nested `${...}` and JSON.
//! - Arguments are interpolated only when used: an untaken default neither expands nor warns.
//! - Only a plain reference to an unset variable warns (`The "X" variable is not set.
//!   Defaulting to a blank string.`); operators decide for themselves.

use std::fmt;

/// One variable reference met while expanding a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    /// Byte offset of the `$` that starts the reference, in the template string.
    pub offset: usize,
    pub outcome: VarOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarOutcome {
    /// The variable was set (possibly to the empty string) and its value was used.
    Value,
    /// An operator replaced the value: a `:-`/`-` default or a `:+`/`+` alternative, or
    /// `:+`/`+` yielding nothing for an unset variable.
    Default,
    /// Unset and no operator: compose substitutes "" and warns.
    Unset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    /// Every reference that was evaluated, in order (not those in untaken branches).
    pub uses: Vec<VarUse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError {
    /// compose: `Invalid template: "<template>"`.
    InvalidTemplate { offset: usize, template: String },
    /// compose: `required variable NAME is missing a value: message`.
    RequiredMissing {
        name: String,
        message: String,
        offset: usize,
    },
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpolationError::InvalidTemplate { template, .. } => {
                write!(f, "Invalid template: {template:?}")
            }
            InterpolationError::RequiredMissing { name, message, .. } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            InterpolationError::RequiredMissing { name, message, .. } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
        }
    }
}

/// Nesting deeper than this is refused as invalid: no real file needs it, and it bounds the
/// recursion on hostile input.
const MAX_DEPTH: usize = 64;

/// Expands `template` with `lookup` (`Some("")` for a variable set to the empty string).
pub fn interpolate(
    template: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, InterpolationError> {
    let mut expander = Expander {
        template,
        lookup,
        uses: Vec::new(),
    };
    let value = expander.expand(template, 0, 0)?;
    Ok(Interpolated {
        value,
        uses: expander.uses,
    })
}

struct Expander<'a> {
    /// The whole template, for error messages.
    template: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    uses: Vec<VarUse>,
}

/// The operators in compose-go's order of precedence when two start at the same place.
const OPERATORS: [&str; 6] = [":?", "?", ":-", "-", ":+", "+"];

impl Expander<'_> {
    /// Expands `text`, which starts at byte `base` of the whole template.
    fn expand(
        &mut self,
        text: &str,
        base: usize,
        depth: usize,
    ) -> Result<String, InterpolationError> {
        if depth > MAX_DEPTH {
            return Err(self.invalid(base));
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut offset = base;
        while let Some(dollar) = rest.find('$') {
            out.push_str(&rest[..dollar]);
            let at = offset + dollar;
            let after = &rest[dollar + 1..];
            let consumed = match after.as_bytes().first() {
                Some(b'$') => {
                    out.push('$');
                    2
                }
                Some(b'{') => {
                    let (value, length) = self.braced(&after[1..], at, depth)?;
                    out.push_str(&value);
                    2 + length
                }
                Some(&c) if c == b'_' || c.is_ascii_alphabetic() => {
                    let name = name_at(after);
                    out.push_str(&self.plain(name, at));
                    1 + name.len()
                }
                _ => {
                    out.push('$');
                    1
                }
            };
            rest = &rest[dollar + consumed..];
            offset = at + consumed;
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A plain reference: the value, or "" with compose's warning when unset.
    fn plain(&mut self, name: &str, offset: usize) -> String {
        let value = (self.lookup)(name);
        let outcome = if value.is_some() {
            VarOutcome::Value
        } else {
            VarOutcome::Unset
        };
        self.record(name, offset, outcome);
        value.unwrap_or_default()
    }

    /// `${...}` with `body` the text after `${`; returns the value and the length of the body
    /// including its closing brace.
    fn braced(
        &mut self,
        body: &str,
        at: usize,
        depth: usize,
    ) -> Result<(String, usize), InterpolationError> {
        let name = name_at(body);
        if name.is_empty() {
            return Err(self.invalid(at));
        }
        let close = matching_brace(body).ok_or_else(|| self.invalid(at))?;
        let after_name = &body[name.len()..close];
        if after_name.is_empty() {
            return Ok((self.plain(name, at), close + 1));
        }
        let Some(operator) = OPERATORS.iter().find(|op| after_name.starts_with(**op)) else {
            return Err(self.invalid(at));
        };
        let argument = &after_name[operator.len()..];
        // `${` + name + operator: where the argument starts in the whole template.
        let argument_at = at + 2 + name.len() + operator.len();
        let value = (self.lookup)(name);
        let set = value.is_some();
        let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
        let result = match *operator {
            ":?" | "?" => {
                let present = if *operator == ":?" { non_empty } else { set };
                if !present {
                    let message = self.expand(argument, argument_at, depth + 1)?;
                    return Err(InterpolationError::RequiredMissing {
                        name: name.to_string(),
                        message,
                        offset: at,
                    });
                }
                self.record(name, at, VarOutcome::Value);
                value.unwrap_or_default()
            }
            ":-" | "-" => {
                let absent = if *operator == ":-" { !non_empty } else { !set };
                if absent {
                    self.record(name, at, VarOutcome::Default);
                    self.expand(argument, argument_at, depth + 1)?
                } else {
                    self.record(name, at, VarOutcome::Value);
                    value.unwrap_or_default()
                }
            }
            _ => {
                let present = if *operator == ":+" { non_empty } else { set };
                self.record(name, at, VarOutcome::Default);
                if present {
                    self.expand(argument, argument_at, depth + 1)?
                } else {
                    value.unwrap_or_default()
                }
            }
        };
        Ok((result, close + 1))
    }

    fn record(&mut self, name: &str, offset: usize, outcome: VarOutcome) {
        self.uses.push(VarUse {
            name: name.to_string(),
            offset,
            outcome,
        });
    }

    fn invalid(&self, offset: usize) -> InterpolationError {
        InterpolationError::InvalidTemplate {
            offset,
            template: self.template.to_string(),
        }
    }
}

/// The variable name at the start of `text` (empty if there is none).
fn name_at(text: &str) -> &str {
    let bytes = text.as_bytes();
    if !bytes
        .first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
    {
        return "";
    }
    let end = bytes
        .iter()
        .position(|&c| !(c == b'_' || c.is_ascii_alphanumeric()))
        .unwrap_or(bytes.len());
    &text[..end]
}

/// The index of the `}` closing a `${` whose body is `text`, counting nested braces.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            // compose-go's pattern does not let a braced expression span lines.
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The environment of compose-go's `template_test.go`.
    fn defaults(name: &str) -> Option<String> {
        match name {
            "FOO" => Some("first".into()),
            "BAR" => Some(String::new()),
            "JSON" => Some("{ \"json\": 2 }".into()),
            _ => None,
        }
    }

    fn expand(template: &str) -> String {
        interpolate(template, &defaults).unwrap().value
    }

    fn error(template: &str) -> String {
        interpolate(template, &defaults).unwrap_err().to_string()
    }

    // Cases ported from compose-go template/template_test.go.
    #[test]
    fn escaped_and_plain() {
        assert_eq!(expand("$$"), "$");
        assert_eq!(expand("${FOO}"), "first");
        assert_eq!(expand("$FOO"), "first");
        assert_eq!(expand("${FOO}-bar"), "first-bar");
        assert_eq!(expand("$FOO-bar"), "first-bar");
        assert_eq!(expand("$$FOO"), "$FOO");
        assert_eq!(expand("${UNSET}"), "");
        assert_eq!(expand("no variables"), "no variables");
        assert_eq!(expand("a $ b"), "a $ b");
        assert_eq!(expand("^x$"), "^x$");
        assert_eq!(expand("$1"), "$1");
        assert_eq!(expand("${foo}"), "");
    }

    #[test]
    fn invalid_templates() {
        for template in [
            "${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}", "${FOO:x}", "${FOO",
        ] {
            assert_eq!(
                error(template),
                format!("Invalid template: {template:?}"),
                "{template}"
            );
        }
        assert_eq!(expand("$}"), "$}");
    }

    #[test]
    fn defaults_when_unset_or_empty() {
        assert_eq!(expand("ok ${UNSET:-def}"), "ok def");
        assert_eq!(expand("ok ${UNSET-def}"), "ok def");
        assert_eq!(expand("ok ${BAR:-def}"), "ok def");
        assert_eq!(expand("ok ${BAR-def}"), "ok ");
        assert_eq!(expand("ok ${FOO:-def}"), "ok first");
        assert_eq!(
            expand("ok ${UNSET:-default value with spaces}"),
            "ok default value with spaces"
        );
        assert_eq!(
            expand("ok ${UNSET:-/path/to:with-colons}"),
            "ok /path/to:with-colons"
        );
        assert_eq!(expand("ok ${UNSET:-a:-b}"), "ok a:-b");
    }

    #[test]
    fn alternatives_when_set() {
        assert_eq!(expand("${FOO:+alt}"), "alt");
        assert_eq!(expand("${BAR:+alt}"), "");
        assert_eq!(expand("${BAR+alt}"), "alt");
        assert_eq!(expand("${UNSET+alt}"), "");
    }

    #[test]
    fn nested_defaults_are_lazy() {
        assert_eq!(expand("${UNSET:-${FOO}}"), "first");
        assert_eq!(expand("${UNSET:-${UNSET2:-nested}}"), "nested");
        assert_eq!(expand("${FOO:-${UNSET:?never evaluated}}"), "first");
        assert_eq!(expand("${UNSET:-{ \"json\": 1 }}"), "{ \"json\": 1 }");
        let uses = interpolate("${FOO:-${OTHER}}", &defaults).unwrap().uses;
        assert_eq!(
            uses.len(),
            1,
            "the untaken default is not evaluated: {uses:?}"
        );
    }

    /// template_test.go's TestInterpolationExternalInterference and TestDefaultsForMandatoryVariables.
    #[test]
    fn compose_go_default_table() {
        let cases = [
            ("-ok ${BAR:-defaultValue}", "-ok defaultValue"),
            ("+ok ${UNSET:-${BAR-defaultValue}}", "+ok "),
            ("-ok ${FOO:-defaultValue}", "-ok first"),
            (":-ok ${UNSET-defaultValue}", ":-ok defaultValue"),
            (":-ok ${BAR-defaultValue}", ":-ok "),
            (":?ok ${BAR-defaultValue}", ":?ok "),
            (":?ok ${BAR:-defaultValue}", ":?ok defaultValue"),
            (":+ok ${BAR:-defaultValue}", ":+ok defaultValue"),
            ("+ok ${BAR-defaultValue}", "+ok "),
            ("?ok ${BAR:-defaultValue}", "?ok defaultValue"),
            ("ok ${UNSET_VAR-$FOO}", "ok first"),
            ("ok ${UNSET_VAR-${FOO}}", "ok first"),
            ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"),
            ("ok ${BAR:-$FOO}", "ok first"),
            ("ok ${BAR:-${FOO}}", "ok first"),
            ("ok ${BAR:-${FOO} ${FOO}}", "ok first first"),
            ("ok ${BAR+$FOO}", "ok first"),
            ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
            ("ok ${FOO:?err}", "ok first"),
            ("ok ${FOO?err}", "ok first"),
            ("ok ${BAR?err}", "ok "),
            ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
            ("${FOO?bar-baz}", "first"),
            ("This ${missing} var", "This  var"),
            ("This ${BAR} var", "This  var"),
            ("ok ${missing-{\"json\":1}}", "ok {\"json\":1}"),
            ("ok ${JSON:-{\"json\":1}}", "ok { \"json\": 2 }"),
        ];
        for (template, expected) in cases {
            assert_eq!(expand(template), expected, "{template}");
        }
        assert_eq!(
            error("not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}"),
            "required variable UNSET_VAR is missing a value: Mandatory Variable first"
        );
    }

    #[test]
    fn required_variables() {
        assert_eq!(
            error("${UNSET:?it is required}"),
            "required variable UNSET is missing a value: it is required"
        );
        assert_eq!(
            error("${BAR:?empty}"),
            "required variable BAR is missing a value: empty"
        );
        assert_eq!(expand("${BAR?empty is fine}"), "");
        assert_eq!(
            error("${UNSET?}"),
            "required variable UNSET is missing a value"
        );
        assert_eq!(
            error("${UNSET?bar-baz}"),
            "required variable UNSET is missing a value: bar-baz"
        );
        assert_eq!(expand("${FOO:?x}"), "first");
    }

    #[test]
    fn the_first_operator_wins() {
        assert_eq!(expand("${UNSET-a:?b}"), "a:?b");
        assert_eq!(
            error("${UNSET?a-b}"),
            "required variable UNSET is missing a value: a-b"
        );
    }

    #[test]
    fn uses_record_names_offsets_and_outcomes() {
        let result = interpolate("x-honeycomb-team=${KEY},d=$FOO,${U:-x}", &defaults).unwrap();
        assert_eq!(result.value, "x-honeycomb-team=,d=first,x");
        let uses: Vec<(&str, usize, VarOutcome)> = result
            .uses
            .iter()
            .map(|u| (u.name.as_str(), u.offset, u.outcome))
            .collect();
        assert_eq!(
            uses,
            [
                ("KEY", 17, VarOutcome::Unset),
                ("FOO", 26, VarOutcome::Value),
                ("U", 31, VarOutcome::Default)
            ]
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "${A:-".repeat(500) + &"}".repeat(500);
        assert!(interpolate(&deep, &defaults).is_err());
    }
}
