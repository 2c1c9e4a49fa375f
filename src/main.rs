//! The faultline CLI: compare every scenario's variants, run one, sweep, grade, list.

use std::process::ExitCode;

use clap::Parser;
use faultline::cli::{Cli, run};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(out) => {
            print!("{}", out.text);
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
