// SPDX-License-Identifier: GPL-2.0

//! `nestvirtctl`: see `nestvirtctl --help` and
//! Documentation/nestvirt/nestvirtctl.rst.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use nestvirtctl::error::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Usage errors exit 2 (clap's); --help and --version exit 0.
    let cli = match nestvirtctl::cli::parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let mut out = std::io::stdout().lock();
    match nestvirtctl::run(&cli, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the output went away: nothing left to say.
        Err(f) if f.exit == Exit::Ok => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{f}");
            ExitCode::from(f.exit.code())
        }
    }
}
