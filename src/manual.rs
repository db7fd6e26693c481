//! What packagers install next to the binary (shell completions and manual pages, generated
//! from the command-line definition so they never drift from `--help`), and the rule
//! catalogue as the repository's documentation pages.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, roman};

use crate::cli::Cli;
use crate::rules::{self, RuleMeta};

/// The completion script for a shell, to be sourced from its startup file.
pub fn completions(shell: Shell) -> String {
    let mut command = Cli::command();
    let name = command.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        // clap_complete (4.6.12) escapes the `-` of `otel-doctor` in two ways: its loop builds
        // `cmd=otel__doctor__subcmd__lint` while its case arms read
        // `otel__subcmd__doctor__subcmd__lint)`, so nothing past the first word ever
        // completes. The arms are renamed to what the loop builds.
        Shell::Bash => script.replace("otel__subcmd__doctor", "otel__doctor"),
        _ => script,
    }
}

/// The top-level manual page, in roff.
pub fn page() -> std::io::Result<String> {
    let mut roff = Vec::new();
    render_top(&man(Cli::command()), &mut roff)?;
    Ok(String::from_utf8_lossy(&roff).into_owned())
}

/// `otel-doctor.1` and one `otel-doctor-SUBCOMMAND.1` per subcommand, written into `dir`.
pub fn write_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Built first, so that subcommands are named `otel-doctor-lint` rather than `lint`.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page = man(subcommand.clone());
        let mut roff = Vec::new();
        page.render(&mut roff)?;
        Roff::new()
            .control("SH", ["SEE ALSO"])
            .text([
                bold("otel-doctor"),
                roman("(1), for the exit status, the environment and the files it reads."),
            ])
            .to_writer(&mut roff)?;
        std::fs::write(dir.join(page.get_filename()), roff)?;
    }
    let top = man(command);
    let mut roff = Vec::new();
    render_top(&top, &mut roff)?;
    std::fs::write(dir.join(top.get_filename()), roff)
}

/// clap's sections, then those a user of a command-line tool looks for (EXIT STATUS,
/// ENVIRONMENT, FILES, EXAMPLES: man-pages(7)'s order), then the version. clap's EXTRA section
/// (the after-help) is left out: it is the exit codes, which EXIT STATUS gives in full.
fn render_top(page: &clap_mangen::Man, out: &mut dyn Write) -> std::io::Result<()> {
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    page.render_subcommands_section(out)?;
    let mut roff = Roff::new();
    for (heading, entries) in [
        ("EXIT STATUS", EXIT_STATUS),
        ("ENVIRONMENT", ENVIRONMENT),
        ("FILES", FILES),
    ] {
        roff.control("SH", [heading]);
        for (term, description) in entries {
            roff.control("TP", [])
                .text([bold(*term)])
                .text([roman(*description)]);
        }
    }
    roff.control("SH", ["EXAMPLES"]);
    for (command, purpose) in EXAMPLES {
        roff.text([roman(*purpose)])
            .control("PP", [])
            .control("RS", ["4"])
            .control("nf", [])
            .text([bold(*command)])
            .control("fi", [])
            .control("RE", [])
            .control("PP", []);
    }
    roff.to_writer(out)?;
    page.render_version_section(out)
}

/// DESIGN.md's exit codes.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "No finding at or above --fail-on (default: error)."),
    ("1", "Findings at or above --fail-on."),
    (
        "2",
        "otel-doctor itself could not run: a bad flag, a path it cannot read, an invalid \
         configuration or baseline. The reason is one line on standard error.",
    ),
    (
        "3",
        "Nothing failed, but some checks could not be completed: this machine could not reach \
         the network (a proxy, DNS, a timeout). That is never reported as the app's fault.",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "HONEYCOMB_API_KEY",
        "The Honeycomb key that key and canary check when no workspace supplies one (as \
         --api-key does). Like every variable of the shell, it is also what docker compose \
         would interpolate into the workspace's files.",
    ),
    (
        "COMPOSE_FILE, COMPOSE_PATH_SEPARATOR, COMPOSE_PROFILES",
        "Which compose files and profiles make the project, as docker compose reads them (from \
         the shell, else from the project's .env).",
    ),
    (
        "NO_COLOR, CLICOLOR_FORCE",
        "No colour; colour even when the output is not a terminal.",
    ),
    (
        "GITHUB_STEP_SUMMARY",
        "With --format github, the checklist is appended to this file (GitHub Actions shows it \
         on the run's page).",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "The proxy the key check and the canary go through (either case), and the hosts it \
         does not apply to.",
    ),
    (
        "SSL_CERT_FILE",
        "A bundle of certificates to trust instead of the system's, for the key check and \
         the canary over HTTPS (a company's proxy or CA).",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        ".otel-doctor.toml",
        "The configuration: the nearest one from PATH up to the repository root, unless \
         --config names one.",
    ),
    (
        "compose.yaml, docker-compose.yml, .env",
        "The project, read the way docker compose up in that folder reads it: overrides, \
         include, profiles, env_file, interpolation.",
    ),
    (
        "Dockerfile, requirements.txt, pyproject.toml, package.json, ...",
        "What each service's image installs and runs, and the code it sets tracing up with. \
         Nothing in the workspace is written, except by otel-doctor fix.",
    ),
];

const EXAMPLES: &[(&str, &str)] = &[
    (
        "otel-doctor",
        "Check the workspace in this folder: lint it, check the key, send a canary span.",
    ),
    (
        "otel-doctor lint --fail-on warning",
        "The offline checks only, failing on warnings too (in CI, or a pre-commit hook).",
    ),
    (
        "otel-doctor lint --format sarif --output otel-doctor.sarif",
        "A SARIF report for GitHub code scanning.",
    ),
    (
        "otel-doctor explain config/endpoint-localhost",
        "Why a rule matters, how to fix it, and an example.",
    ),
    (
        "otel-doctor fix --diff | git apply",
        "Apply the fixes that are safe to automate, after reading them.",
    ),
    (
        "otel-doctor listen --duration 60",
        "A local OTLP receiver for a minute: what does the app really send?",
    ),
];

/// Every page's footer names the tool and its version (clap_mangen's default is the
/// subcommand's own name).
fn man(command: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(command).source(format!("otel-doctor {}", env!("CARGO_PKG_VERSION")))
}

/// The folder of the rule pages, from the repository's root.
const RULE_DOCS: &str = "docs/rules";

/// The rule catalogue as Markdown pages, each with its path from the repository's root: one per
/// rule (`RuleMeta::doc_path`: what `explain` prints, where SARIF's `helpUri` points) and an
/// index. They are committed; tests/rule_docs.rs fails when one is stale and rewrites them all
/// with `UPDATE_SNAPSHOTS=1`.
pub fn rule_docs() -> Vec<(String, String)> {
    let metas: Vec<&RuleMeta> = rules::all().map(|rule| rule.meta()).collect();
    let mut pages = vec![(format!("{RULE_DOCS}/README.md"), rule_index(&metas))];
    pages.extend(metas.iter().map(|meta| (meta.doc_path(), rule_page(meta))));
    pages
}

fn rule_page(meta: &RuleMeta) -> String {
    let raised = if meta.online {
        "online: by the key check or the canary (`check`, `key`, `canary`)"
    } else {
        "offline: by every command that reads the workspace (`lint`, `check`)"
    };
    format!(
        "<!-- Written by otel-doctor from the rule's doc comment (src/rules/); do not edit. -->\n\
         # `{id}`\n\n\
         Severity: **{severity}**. Raised {raised}. To change its level or turn it off, in \
         `.otel-doctor.toml`:\n\n\
         ```toml\n[rules]\n\"{id}\" = \"off\"   # off | info | warning | error\n```\n\n\
         {documentation}\n\n\
         [All rules](../README.md)\n",
        id = meta.id,
        severity = meta.severity.as_str(),
        documentation = meta.documentation(),
    )
}

fn rule_index(metas: &[&RuleMeta]) -> String {
    let mut out = String::from(
        "<!-- Written by otel-doctor from the rules' doc comments (src/rules/); do not edit. -->\n\
         # Rules\n\n\
         Every rule otel-doctor has, by area; `otel-doctor rules` lists them too, and \
         `otel-doctor explain RULE` prints a rule's page.\n",
    );
    let mut area = "";
    for meta in metas {
        let (this_area, name) = meta.id.split_once('/').unwrap_or(("", meta.id));
        if this_area != area {
            area = this_area;
            out.push_str(&format!(
                "\n## {area}\n\n| rule | severity | what it checks |\n|---|---|---|\n"
            ));
        }
        out.push_str(&format!(
            "| [`{id}`]({area}/{name}.md) | {severity} | {summary} |\n",
            id = meta.id,
            severity = meta.severity.as_str(),
            summary = meta.summary().replace('|', "\\|"),
        ));
    }
    out
}
