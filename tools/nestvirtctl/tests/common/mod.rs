// SPDX-License-Identifier: GPL-2.0

//! What the tests that run the built binary share.

use std::process::{Command, Output};

/// Runs nestvirtctl with `args`, as a user would, ignoring NESTVIRT_DEVICE.
pub fn nestvirtctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nestvirtctl"))
        .args(args)
        .env_remove("NESTVIRT_DEVICE")
        .output()
        .expect("run nestvirtctl")
}

/// `bytes` as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
