//! What packagers install next to the binary: shell completions and manual pages, generated
//! from the command-line definition so they never drift from `--help`.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

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
    man(Cli::command()).render(&mut roff)?;
    Ok(String::from_utf8_lossy(&roff).into_owned())
}

/// `otel-doctor.1` and one `otel-doctor-SUBCOMMAND.1` per subcommand, written into `dir`.
pub fn write_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Built first, so that subcommands are named `otel-doctor-lint` rather than `lint`.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        man(subcommand.clone()).generate_to(dir)?;
    }
    man(command).generate_to(dir)?;
    Ok(())
}

/// Every page's footer names the tool and its version (clap_mangen's default is the
/// subcommand's own name).
fn man(command: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(command).source(format!("otel-doctor {}", env!("CARGO_PKG_VERSION")))
}
