//! What a secret looks like, whatever tool issued it: the words that make a variable's name
//! secret, and the shapes of well-known tokens. Reports are uploaded as CI artifacts, so every
//! value that matches is masked before anything is written (see `crate::redact`).
//!
//! The shapes follow gitleaks' `config/gitleaks.toml` (rule ids in the comments) and
//! detect-secrets' plugins, trimmed to those precise enough to run over a whole report without
//! masking ordinary text. URL passwords (which may hold `/` and `@`, past what a pattern can
//! tell from a path) and values given to secret names are found by `crate::redact`'s code.

/// A variable, header or key whose name contains one of these (in any case) holds a secret:
/// `DB_PASS`, `MYSQL_PWD`, `PASSWORD_SALT`, `apiKey`, `authorization`, `Password=` in a
/// connection string. `KEY` also masks harmless values such as a partition key's name: masking
/// is the safe side.
pub const SECRET_NAME_WORDS: &[&str] = &[
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "SALT",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "COOKIE",
];

/// Words of a name (between `_`, `-`, `.`) that hold a secret word and mean something else:
/// the keyboard, Cassandra's keyspaces, the Keycloak server, Phusion Passenger's settings,
/// proxies passed through or bypassed, FTP's passive mode, Hugging Face's
/// `TOKENIZERS_PARALLELISM`, git's `GIT_AUTHOR_NAME`. A name with another secret word is
/// still secret (`KEYCLOAK_ADMIN_PASSWORD`).
pub const NOT_SECRET_WORDS: &[&str] = &[
    "KEYBOARD",
    "MONKEY",
    "KEYSPACE",
    "KEYCLOAK",
    "PASSENGER",
    "PASSTHROUGH",
    "PASSTHRU",
    "BYPASS",
    "COMPASS",
    "PASSIVE",
    "TOKENIZERS",
    "TOKENIZER",
    "AUTHOR",
    "AUTHORS",
];

/// Environment variables whose names hold a secret word and no secret: the shell's working
/// directories. (`PWD=` in an ODBC connection string is the password.)
pub const NOT_SECRET_VARIABLES: &[&str] = &["PWD", "OLDPWD"];

/// Whether an environment variable's name says its value is a secret.
pub fn is_secret_variable(name: &str) -> bool {
    !NOT_SECRET_VARIABLES.contains(&name) && is_secret_name(name)
}

/// Whether a name (of a header, a flag, a key in a connection string or a URL's query) says
/// its value is a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !NOT_SECRET_WORDS.contains(word))
        .any(|word| SECRET_NAME_WORDS.iter().any(|secret| word.contains(secret)))
}

/// Headers of `OTEL_EXPORTER_OTLP_*HEADERS` whose values are not secrets (every other value
/// is masked, whatever its name): the Honeycomb dataset a report needs to name.
pub const NOT_SECRET_HEADERS: &[&str] = &["x-honeycomb-dataset"];

/// A well-known token's shape. The `secret` group is what gets masked; what the pattern matches
/// around it (a vendor prefix such as `ghp_`) stays, so that a reader knows what was there.
#[derive(Debug)]
pub struct TokenShape {
    pub name: &'static str,
    pub pattern: &'static str,
    /// Literal text every match contains: the pattern runs only on text that has one of them.
    pub keywords: &'static [&'static str],
    /// Matches may span lines; the others are searched line by line, which keeps masking a
    /// large report fast (`regex-lite` has no literal optimisations).
    pub spans_lines: bool,
}

pub const TOKEN_SHAPES: &[TokenShape] = &[
    // gitleaks aws-access-token
    TokenShape {
        name: "AWS access key id",
        pattern: r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)(?P<secret>[A-Z2-7]{16})\b",
        keywords: &["A3T", "AKIA", "ASIA", "ABIA", "ACCA"],
        spans_lines: false,
    },
    // detect-secrets AWSKeyDetector: 40 characters after a name that says what they are.
    TokenShape {
        name: "AWS secret access key",
        pattern: r#"(?i)aws.{0,20}?(?:secret|private|key|pass|token).{0,20}?[=:]\s*["']?(?P<secret>[0-9A-Za-z/+]{40})\b"#,
        keywords: &["aws", "AWS", "Aws"],
        spans_lines: false,
    },
    // gitleaks github-pat, github-oauth, github-app-token, github-refresh-token
    TokenShape {
        name: "GitHub token",
        pattern: r"\bgh[pousr]_(?P<secret>[0-9A-Za-z]{36})\b",
        keywords: &["gh"],
        spans_lines: false,
    },
    // gitleaks github-fine-grained-pat
    TokenShape {
        name: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_(?P<secret>[0-9A-Za-z_]{82})\b",
        keywords: &["github_pat_"],
        spans_lines: false,
    },
    // gitleaks gitlab-pat
    TokenShape {
        name: "GitLab token",
        pattern: r"\bglpat-(?P<secret>[0-9A-Za-z_-]{20})\b",
        keywords: &["glpat-"],
        spans_lines: false,
    },
    // gitleaks slack-bot-token, slack-user-token, slack-app-token, slack-legacy-*
    TokenShape {
        name: "Slack token",
        pattern: r"\bxox[abeoprs]-(?P<secret>[0-9A-Za-z-]{10,})",
        keywords: &["xox"],
        spans_lines: false,
    },
    // gitleaks slack-webhook-url
    TokenShape {
        name: "Slack webhook",
        pattern: r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[0-9A-Za-z+/]{20,})",
        keywords: &["hooks.slack.com"],
        spans_lines: false,
    },
    // gitleaks stripe-access-token (and the publishable keys, which identify the account)
    TokenShape {
        name: "Stripe key",
        pattern: r"\b(?:sk|rk|pk)_(?:live|test|prod)_(?P<secret>[0-9A-Za-z]{10,99})\b",
        keywords: &["_live_", "_test_", "_prod_"],
        spans_lines: false,
    },
    // gitleaks gcp-api-key
    TokenShape {
        name: "Google API key",
        pattern: r"\bAIza(?P<secret>[0-9A-Za-z_-]{35})",
        keywords: &["AIza"],
        spans_lines: false,
    },
    // gitleaks jwt: a header and a payload, both JSON objects in base64url (`{"` is `eyJ`).
    TokenShape {
        name: "JSON Web Token",
        pattern: r"\beyJ(?P<secret>[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]*)",
        keywords: &["eyJ"],
        spans_lines: false,
    },
    // gitleaks private-key; in a JSON report the line breaks are `\n`, hence the backslash.
    TokenShape {
        name: "private key",
        pattern: r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?P<secret>[0-9A-Za-z+/=\s\\]+?)-----END",
        keywords: &["-----BEGIN"],
        spans_lines: true,
    },
    // shared/HONEYCOMB.md: ingest, configuration and management keys with their `hc?xx_` prefix
    // (classic 32-hex keys look like trace ids: they are masked by name only).
    TokenShape {
        name: "Honeycomb key",
        pattern: r"\bhc[a-z][a-z]{2}_(?P<secret>[0-9a-z]{26,58})\b",
        keywords: &["hc"],
        spans_lines: false,
    },
    // gitleaks npm-access-token
    TokenShape {
        name: "npm token",
        pattern: r"\bnpm_(?P<secret>[0-9A-Za-z]{36})\b",
        keywords: &["npm_"],
        spans_lines: false,
    },
    // gitleaks pypi-upload-token
    TokenShape {
        name: "PyPI token",
        pattern: r"\bpypi-AgEIcHlwaS5vcmc(?P<secret>[0-9A-Za-z_-]{50,})",
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        spans_lines: false,
    },
    // gitleaks sendgrid-api-token
    TokenShape {
        name: "SendGrid key",
        pattern: r"\bSG\.(?P<secret>[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43})\b",
        keywords: &["SG."],
        spans_lines: false,
    },
    // detect-secrets AzureStorageKeyDetector: the key of a storage connection string.
    TokenShape {
        name: "Azure storage key",
        pattern: r"AccountKey=(?P<secret>[0-9A-Za-z+/=]{86,88})",
        keywords: &["AccountKey="],
        spans_lines: false,
    },
];
