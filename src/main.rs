use std::process::ExitCode;

use clap::Parser;

// A lint allocates many small, short-lived values (tokens, paths, findings) on every core;
// glibc's allocator spent a fifth of the run in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = otel_doctor::cli::Cli::parse();
    match otel_doctor::app::run(cli) {
        Ok(code) => code,
        Err(error) => {
            // Shapes only: the secrets of the project are not known when it could not be read.
            let message = otel_doctor::redact::Redactor::default().redact(&error.to_string());
            eprintln!("otel-doctor: {message}");
            ExitCode::from(2)
        }
    }
}
