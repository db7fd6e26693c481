use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = otel_doctor::cli::Cli::parse();
    match otel_doctor::app::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("otel-doctor: {error}");
            ExitCode::from(2)
        }
    }
}
