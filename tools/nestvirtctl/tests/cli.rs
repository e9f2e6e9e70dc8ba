// SPDX-License-Identifier: GPL-2.0

//! The built binaries, run as a user would, without a nestvirt device.

use std::process::Command;

mod common;
use common::{nestvirtctl, text};

#[test]
fn help_lists_the_commands_options_and_exit_codes() {
    let out = nestvirtctl(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for word in [
        "status",
        "rules",
        "mode",
        "watch",
        "--device",
        "--json",
        "NESTVIRT_DEVICE",
        "/dev/nestvirt",
        "Exit status:",
        "3  device missing",
        "6  not supported by the attached backend (EOPNOTSUPP)",
        "7  not a nestvirt device",
    ] {
        assert!(help.contains(word), "--help lacks {word:?}:\n{help}");
    }
    let out = nestvirtctl(&["rules", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("--failed"));
}

#[test]
fn a_missing_device_exits_3_with_the_modprobe_hint() {
    let out = nestvirtctl(&["--device", "/nonexistent", "status"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "nestvirtctl: /nonexistent not found\nhint: load the module: modprobe nestvirt\n"
    );
}

#[test]
fn the_device_comes_from_nestvirt_device_too() {
    let out = Command::new(env!("CARGO_BIN_EXE_nestvirtctl"))
        .arg("rules")
        .env("NESTVIRT_DEVICE", "/nonexistent/nestvirt")
        .output()
        .expect("run nestvirtctl");
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).starts_with("nestvirtctl: /nonexistent/nestvirt not found\n"));
}

#[test]
fn a_device_that_is_not_nestvirt_exits_7() {
    for cmd in [
        &["status"][..],
        &["rules"],
        &["mode"],
        &["watch", "--count", "1"],
    ] {
        let mut args = vec!["--device", "/dev/null"];
        args.extend_from_slice(cmd);
        let out = nestvirtctl(&args);
        assert_eq!(out.status.code(), Some(7), "{cmd:?}");
        let err = text(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(
            lines[0].starts_with("nestvirtctl: /dev/null is not a nestvirt device"),
            "{err}"
        );
        assert!(lines[1].starts_with("hint: "), "{err}");
    }
}

#[test]
fn bad_words_are_usage_errors_exiting_2_before_any_device_access() {
    for args in [
        &["--device", "/nonexistent", "mode", "bogus"][..],
        &["--device", "/nonexistent", "mode", "save", "enforced"],
        &["--device", "/nonexistent", "mode", "nope", "off"],
        &["--device", "/nonexistent", "rules", "--class", "nope"],
        &["--device", "/nonexistent", "watch", "--interval", "0"],
        &["--device", "/nonexistent", "frobnicate"],
        &[],
    ] {
        let out = nestvirtctl(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!text(&out.stderr).contains("not found"), "{args:?}");
    }
}

#[test]
fn setting_a_mode_opens_the_device_for_writing() {
    // A read-only sysfs attribute: open(2) for writing answers EACCES even
    // to root. The read-only commands get past open(2) (and fail on the
    // ioctl), `mode MODE` does not.
    let ro = "/sys/devices/system/cpu/online";
    let out = nestvirtctl(&["--device", ro, "mode", "audit"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(
        err,
        format!(
            "nestvirtctl: permission denied opening {ro} for writing\n\
             hint: changing a mode needs write access to the device: run as root\n"
        )
    );
    let out = nestvirtctl(&["--device", ro, "mode"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
}

#[test]
fn the_man_page_is_rendered_from_the_same_command() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mangen");
    std::fs::create_dir_all(&dir).expect("create the test directory");
    let page = dir.join("nestvirtctl.1");
    let _ = std::fs::remove_file(&page);
    let out = Command::new(env!("CARGO_BIN_EXE_nestvirtctl-mangen"))
        .arg(&dir)
        .output()
        .expect("run nestvirtctl-mangen");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let man = std::fs::read_to_string(&page).expect("nestvirtctl.1 written");
    assert!(man.contains(".TH nestvirtctl 1"), "{man}");
    for word in [
        "status",
        "rules",
        "watch",
        "NESTVIRT_DEVICE",
        "not a nestvirt device",
    ] {
        assert!(man.contains(word), "the man page lacks {word:?}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_nestvirtctl-mangen"))
        .output()
        .expect("run nestvirtctl-mangen");
    assert_eq!(out.status.code(), Some(2));
}
