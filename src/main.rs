//! The faultline CLI: compare every scenario's variants, run one, sweep, grade, list.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use faultline::cli::{Cli, run};

fn main() -> ExitCode {
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
