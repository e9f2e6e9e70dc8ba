// SPDX-License-Identifier: GPL-2.0

//! Failures: what went wrong, the hint to print, and the exit code.

use crate::uapi::NESTVIRT_ABI_VERSION;
use rustix::io::Errno;
use std::fmt;
use std::path::Path;

/// The exit codes of nestvirtctl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Any other error.
    Other = 1,
    /// Bad command line.
    Usage = 2,
    /// The device does not exist (or has no driver behind it).
    DeviceMissing = 3,
    /// Permission denied.
    PermissionDenied = 4,
    /// nestvirt is attached to no hooked vendor module (`ENODEV`).
    NotAttached = 5,
    /// Not supported by the attached backend (`EOPNOTSUPP`).
    NotSupported = 6,
    /// Not a nestvirt device (`ENOTTY`), or another ABI version.
    NotNestvirt = 7,
    /// A state file is refused (`state validate`), or is not one.
    StateRefused = 8,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Every exit code with its meaning, as `--help`, the man page and the
/// documentation list them.
pub const EXIT_CODES: [(Exit, &str); 9] = [
    (Exit::Ok, "success"),
    (Exit::Other, "other error"),
    (
        Exit::Usage,
        "usage error (bad arguments, or a class the attached backend lacks)",
    ),
    (
        Exit::DeviceMissing,
        "device missing: /dev/nestvirt does not exist (modprobe nestvirt)",
    ),
    (Exit::PermissionDenied, "permission denied (run as root)"),
    (
        Exit::NotAttached,
        "nestvirt is not attached to a hooked kvm-amd/kvm-intel (ENODEV)",
    ),
    (
        Exit::NotSupported,
        "not supported by the attached backend (EOPNOTSUPP)",
    ),
    (
        Exit::NotNestvirt,
        "not a nestvirt device (ENOTTY), or another nestvirt ABI version",
    ),
    (
        Exit::StateRefused,
        "a state file is refused (state validate prints the STATE-* or rule ID), or is no state file",
    ),
];

/// The exit codes for `--help`.
pub fn exit_codes_help() -> String {
    let mut s = String::from("Exit status:");
    for (exit, what) in EXIT_CODES {
        s.push_str(&format!("\n  {}  {what}", exit.code()));
    }
    s
}

/// A failure: one line of what, one line of hint, and the exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Failure {
    /// `nestvirtctl: <message>` and `hint: <hint>`, on two lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nestvirtctl: {}\nhint: {}", self.message, self.hint)
    }
}

/// What nestvirtctl was doing with the device when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `open(2)` of the device, read-only.
    Open,
    /// `open(2)` of the device for writing (to change a mode).
    OpenWrite,
    /// `NESTVIRT_GET_INFO`.
    GetInfo,
    /// `NESTVIRT_SET_MODE`.
    SetMode,
    /// `NESTVIRT_GET_MODE`.
    GetMode,
    /// `NESTVIRT_GET_RULE`.
    GetRule,
    /// `NESTVIRT_GET_TAGS`.
    GetTags,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Open | Op::OpenWrite => "open",
            Op::GetInfo => "NESTVIRT_GET_INFO",
            Op::SetMode => "NESTVIRT_SET_MODE",
            Op::GetMode => "NESTVIRT_GET_MODE",
            Op::GetRule => "NESTVIRT_GET_RULE",
            Op::GetTags => "NESTVIRT_GET_TAGS",
        }
    }
}

/// The one mapping of an errno, from `op` on the device at `path`, to a
/// failure (exit code, message, hint).
pub fn errno_failure(op: Op, path: &Path, errno: Errno) -> Failure {
    let dev = path.display();
    let modprobe = "load the module: modprobe nestvirt";
    match (op, errno) {
        (Op::Open | Op::OpenWrite, Errno::NOENT) => Failure::new(Exit::DeviceMissing, format!("{dev} not found"), modprobe),
        (Op::Open | Op::OpenWrite, Errno::NXIO | Errno::NODEV) => Failure::new(
            Exit::DeviceMissing,
            format!("{dev} has no driver behind it"),
            modprobe,
        ),
        (Op::OpenWrite, Errno::ACCESS | Errno::PERM) => Failure::new(
            Exit::PermissionDenied,
            format!("permission denied opening {dev} for writing"),
            "changing a mode needs write access to the device: run as root",
        ),
        (Op::SetMode, Errno::ACCESS | Errno::PERM) => Failure::new(
            Exit::PermissionDenied,
            format!("permission denied changing a mode through {dev}"),
            "changing a mode needs privilege (CAP_SYS_ADMIN): run as root",
        ),
        (Op::Open, Errno::ACCESS | Errno::PERM) => Failure::new(
            Exit::PermissionDenied,
            format!("permission denied opening {dev}"),
            "run as root (/dev/nestvirt is accessible to root only unless its permissions were changed)",
        ),
        (_, Errno::ACCESS | Errno::PERM) => Failure::new(
            Exit::PermissionDenied,
            format!("{}: permission denied", op.name()),
            "run as root",
        ),
        (_, Errno::NODEV) => Failure::new(
            Exit::NotAttached,
            "nestvirt is not attached to a KVM vendor module",
            "load the hooked kvm-amd or kvm-intel first (modprobe kvm_amd nested=1), then modprobe nestvirt",
        ),
        (_, Errno::OPNOTSUPP) => Failure::new(
            Exit::NotSupported,
            format!(
                "{} is not supported by the attached backend (EOPNOTSUPP)",
                op.name()
            ),
            "the loaded nestvirt does not offer this on its backend; status and watch still show the entry counters",
        ),
        (_, Errno::NOTTY) => Failure::new(
            Exit::NotNestvirt,
            format!("{dev} is not a nestvirt device ({} answered ENOTTY)", op.name()),
            "point --device (or NESTVIRT_DEVICE) at the nestvirt device, /dev/nestvirt",
        ),
        (Op::Open | Op::OpenWrite, other) => Failure::new(
            Exit::Other,
            format!("cannot open {dev}: {}", describe(other)),
            "check that --device names the nestvirt character device",
        ),
        (_, Errno::INVAL) => Failure::new(
            Exit::Other,
            format!("{} on {dev} was rejected as invalid (EINVAL)", op.name()),
            "this nestvirtctl and the loaded module may disagree; compare `nestvirtctl status` with the module",
        ),
        (_, other) => Failure::new(
            Exit::Other,
            format!("{} on {dev} failed: {}", op.name(), describe(other)),
            "see dmesg for messages from nestvirt",
        ),
    }
}

/// The device answered `NESTVIRT_GET_INFO` with another ABI version.
pub fn abi_mismatch(path: &Path, got: u32) -> Failure {
    Failure::new(
        Exit::NotNestvirt,
        format!(
            "{} speaks nestvirt ABI {got}, this nestvirtctl speaks ABI {NESTVIRT_ABI_VERSION}",
            path.display()
        ),
        "use the nestvirtctl built from the same source as the loaded nestvirt module",
    )
}

/// A class or argument the attached backend does not have: a usage error.
pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Failure {
    Failure::new(Exit::Usage, message, hint)
}

/// Writing the output failed.
pub fn output_failure(err: &std::io::Error) -> Failure {
    Failure::new(
        Exit::Other,
        format!("cannot write the output: {err}"),
        "check where the output goes (a closed pipe, a full disk)",
    )
}

/// `strerror`-like text without the `(os error N)` suffix, plus the name.
fn describe(errno: Errno) -> String {
    let io = std::io::Error::from(errno);
    let text = io.to_string();
    let text = text
        .split(" (os error")
        .next()
        .map_or(text.clone(), str::to_string);
    format!("{text} (errno {})", errno.raw_os_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_OPS: [Op; 6] = [
        Op::Open,
        Op::OpenWrite,
        Op::GetInfo,
        Op::SetMode,
        Op::GetMode,
        Op::GetRule,
    ];

    fn map(op: Op, errno: Errno) -> Failure {
        errno_failure(op, Path::new("/dev/nestvirt"), errno)
    }

    #[test]
    fn open_enoent_is_device_missing_with_modprobe_hint() {
        let f = map(Op::Open, Errno::NOENT);
        assert_eq!(f.exit, Exit::DeviceMissing);
        assert_eq!(f.exit.code(), 3);
        assert_eq!(f.message, "/dev/nestvirt not found");
        assert!(f.hint.contains("modprobe nestvirt"));
        let f = map(Op::Open, Errno::NXIO);
        assert_eq!(f.exit.code(), 3);
        assert_eq!(map(Op::Open, Errno::NODEV).exit.code(), 3);
        assert_eq!(map(Op::OpenWrite, Errno::NOENT).exit.code(), 3);
    }

    #[test]
    fn permission_denied_is_4_with_a_root_hint() {
        for op in ALL_OPS {
            for e in [Errno::ACCESS, Errno::PERM] {
                let f = map(op, e);
                assert_eq!(f.exit.code(), 4, "{op:?} {e:?}");
                assert!(f.hint.contains("root"), "{op:?}");
            }
        }
        assert!(map(Op::SetMode, Errno::PERM).hint.contains("CAP_SYS_ADMIN"));
        assert!(map(Op::Open, Errno::ACCESS).message.contains("opening"));
        assert!(map(Op::OpenWrite, Errno::ACCESS)
            .message
            .contains("for writing"));
    }

    #[test]
    fn ioctl_enodev_is_not_attached() {
        for op in [Op::GetInfo, Op::SetMode, Op::GetMode, Op::GetRule] {
            let f = map(op, Errno::NODEV);
            assert_eq!(f.exit.code(), 5);
            assert!(f.hint.contains("kvm-amd or kvm-intel"));
        }
    }

    #[test]
    fn eopnotsupp_is_not_supported_by_the_backend() {
        for op in [Op::SetMode, Op::GetMode, Op::GetRule] {
            let f = map(op, Errno::OPNOTSUPP);
            assert_eq!(f.exit, Exit::NotSupported);
            assert_eq!(f.exit.code(), 6);
            assert_eq!(
                f.message,
                format!(
                    "{} is not supported by the attached backend (EOPNOTSUPP)",
                    op.name()
                )
            );
            assert!(!f.message.contains("VMX") && !f.message.contains("wired"));
            assert!(f.hint.contains("status and watch"), "{}", f.hint);
        }
        assert!(
            exit_codes_help().contains("\n  6  not supported by the attached backend (EOPNOTSUPP)")
        );
    }

    #[test]
    fn enotty_is_not_a_nestvirt_device() {
        let f = errno_failure(Op::GetInfo, Path::new("/dev/null"), Errno::NOTTY);
        assert_eq!(f.exit.code(), 7);
        assert!(f.message.starts_with("/dev/null is not a nestvirt device"));
        assert!(f.hint.contains("--device"));
    }

    #[test]
    fn other_errors_are_1_and_name_the_errno() {
        let f = map(Op::GetRule, Errno::FAULT);
        assert_eq!(f.exit, Exit::Other);
        assert!(f.message.contains("NESTVIRT_GET_RULE"), "{}", f.message);
        assert!(f.message.contains("errno 14"), "{}", f.message);
        assert!(!f.message.contains("os error"));
        assert_eq!(map(Op::GetMode, Errno::INVAL).exit.code(), 1);
        assert_eq!(map(Op::Open, Errno::ISDIR).exit.code(), 1);
        assert_eq!(map(Op::GetInfo, Errno::NOENT).exit.code(), 1);
    }

    #[test]
    fn abi_mismatch_is_7() {
        let f = abi_mismatch(Path::new("/dev/nestvirt"), 2);
        assert_eq!(f.exit.code(), 7);
        assert!(f.message.contains("ABI 2"), "{}", f.message);
        assert!(f.message.contains("ABI 1"), "{}", f.message);
    }

    #[test]
    fn failures_print_two_lines() {
        let f = map(Op::Open, Errno::NOENT);
        assert_eq!(
            f.to_string(),
            "nestvirtctl: /dev/nestvirt not found\nhint: load the module: modprobe nestvirt"
        );
        for op in ALL_OPS {
            for e in [Errno::NOENT, Errno::INVAL, Errno::NOTTY, Errno::IO] {
                let f = map(op, e);
                assert!(!f.message.contains('\n') && !f.hint.contains('\n'));
                assert!(!f.hint.is_empty());
            }
        }
    }

    #[test]
    fn exit_codes_are_distinct_and_documented() {
        let help = exit_codes_help();
        for (i, (e, what)) in EXIT_CODES.iter().enumerate() {
            assert_eq!(usize::from(e.code()), i);
            assert!(help.contains(&format!("\n  {i}  {what}")), "{help}");
        }
        assert!(help.starts_with("Exit status:\n  0  success\n  1  other error\n"));
    }
}
