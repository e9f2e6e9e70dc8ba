// SPDX-License-Identifier: GPL-2.0

//! `nestvirtctl-mangen PATH`: writes the man page nestvirtctl.1, rendered
//! from nestvirtctl's own command line, to PATH (a file, or a directory to
//! write PATH/nestvirtctl.1 in). The Debian package build runs it.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: nestvirtctl-mangen PATH");
        return ExitCode::from(2);
    };
    let mut path = PathBuf::from(path);
    if path.is_dir() {
        path.push("nestvirtctl.1");
    }
    let mut page = Vec::new();
    if let Err(e) = nestvirtctl::cli::man_page(&mut page) {
        eprintln!("nestvirtctl-mangen: cannot render the man page: {e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::write(&path, page) {
        eprintln!("nestvirtctl-mangen: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
