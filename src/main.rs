//! The faultline CLI: compare every scenario's variants, run one, sweep, grade, list.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use faultline::cli::{Cli, run};

fn main() -> ExitCode {
    log_to_stderr();
    match run(Cli::parse()) {
        Ok(out) => {
            // `cargo run | head` closes the pipe early: that is no error, and no panic.
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: could not write to stdout: {e}");
                    return ExitCode::FAILURE;
                }
                _ => {}
            }
            if out.success {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// With `RUST_LOG` set (`RUST_LOG=faultline=info`, `RUST_LOG=debug`), what faultline and
/// the code under test log goes to stderr, filtered by it: stdout keeps the report alone,
/// byte for byte. Unset, nothing is installed.
fn log_to_stderr() {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() else {
        if let Ok(bad) = std::env::var("RUST_LOG")
            && !bad.is_empty()
        {
            eprintln!("warning: RUST_LOG={bad:?} is not a valid filter; logging stays off");
        }
        return;
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
