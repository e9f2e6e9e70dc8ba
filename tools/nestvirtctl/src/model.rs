// SPDX-License-Identifier: GPL-2.0

//! Backends, modes and rule classes: names, numbers and their parsing.

use crate::uapi::*;
use serde::Serialize;

/// The hooked vendor module nestvirt is attached to (`nestvirt_info.backend`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Attached to nothing.
    None,
    /// kvm-amd.
    Svm,
    /// kvm-intel.
    Vmx,
    /// A value this nestvirtctl does not know.
    Unknown(u32),
}

impl Backend {
    /// From `nestvirt_info.backend`.
    pub fn from_abi(value: u32) -> Self {
        match value {
            NESTVIRT_BACKEND_NONE => Backend::None,
            NESTVIRT_BACKEND_SVM => Backend::Svm,
            NESTVIRT_BACKEND_VMX => Backend::Vmx,
            other => Backend::Unknown(other),
        }
    }

    /// Its name: `none`, `svm`, `vmx` (or the number).
    pub fn name(self) -> String {
        match self {
            Backend::None => "none".into(),
            Backend::Svm => "svm".into(),
            Backend::Vmx => "vmx".into(),
            Backend::Unknown(v) => v.to_string(),
        }
    }

    /// The rule classes of this backend, by ABI number.
    pub fn classes(self) -> &'static [(&'static str, u32)] {
        match self {
            Backend::Svm => SVM_CLASSES,
            Backend::Vmx => VMX_CLASSES,
            Backend::None | Backend::Unknown(_) => &[],
        }
    }

    /// The name of class `class` of this backend, or its number.
    pub fn class_name(self, class: u32) -> String {
        self.classes()
            .iter()
            .find(|(_, c)| *c == class)
            .map_or_else(|| class.to_string(), |(n, _)| (*n).to_string())
    }
}

/// `NESTVIRT_SVM_CLASS_*`, lowercase.
pub const SVM_CLASSES: &[(&str, u32)] = &[
    ("vmrun", NESTVIRT_SVM_CLASS_VMRUN),
    ("save", NESTVIRT_SVM_CLASS_SAVE),
    ("controls", NESTVIRT_SVM_CLASS_CONTROLS),
    ("event", NESTVIRT_SVM_CLASS_EVENT),
    ("int_ctl", NESTVIRT_SVM_CLASS_INT_CTL),
    ("forced", NESTVIRT_SVM_CLASS_FORCED),
    ("hardening", NESTVIRT_SVM_CLASS_HARDENING),
];

/// `NESTVIRT_VMX_CLASS_*`, lowercase.
pub const VMX_CLASSES: &[(&str, u32)] = &[
    ("controls", NESTVIRT_VMX_CLASS_CONTROLS),
    ("host_state", NESTVIRT_VMX_CLASS_HOST_STATE),
    ("guest_state", NESTVIRT_VMX_CLASS_GUEST_STATE),
    ("msr_list", NESTVIRT_VMX_CLASS_MSR_LIST),
    ("hardening", NESTVIRT_VMX_CLASS_HARDENING),
];

const _: () = {
    assert!(SVM_CLASSES.len() == NESTVIRT_SVM_NR_CLASSES as usize);
    assert!(VMX_CLASSES.len() == NESTVIRT_VMX_NR_CLASSES as usize);
};

/// A validation mode (`NESTVIRT_MODE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Not evaluated.
    Off,
    /// Counted and traced; KVM decides.
    Audit,
    /// The first failing rule fails the entry.
    Enforce,
}

impl Mode {
    /// From a `NESTVIRT_MODE_*` value.
    pub fn from_abi(value: u32) -> Option<Self> {
        match value {
            NESTVIRT_MODE_OFF => Some(Mode::Off),
            NESTVIRT_MODE_AUDIT => Some(Mode::Audit),
            NESTVIRT_MODE_ENFORCE => Some(Mode::Enforce),
            _ => None,
        }
    }

    /// Its `NESTVIRT_MODE_*` value.
    pub fn abi(self) -> u32 {
        match self {
            Mode::Off => NESTVIRT_MODE_OFF,
            Mode::Audit => NESTVIRT_MODE_AUDIT,
            Mode::Enforce => NESTVIRT_MODE_ENFORCE,
        }
    }

    /// `off`, `audit` or `enforce`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Audit => "audit",
            Mode::Enforce => "enforce",
        }
    }

    /// Parses `off`/`audit`/`enforce` (any case) or `0`/`1`/`2`.
    pub fn parse(word: &str) -> Result<Self, String> {
        match word.trim().to_ascii_lowercase().as_str() {
            "off" | "0" => Ok(Mode::Off),
            "audit" | "1" => Ok(Mode::Audit),
            "enforce" | "2" => Ok(Mode::Enforce),
            _ => Err(format!(
                "'{word}' is not a mode: expected off, audit, enforce (or 0, 1, 2)"
            )),
        }
    }
}

/// The name of a raw mode value: its name, or `unknown(N)`.
pub fn mode_name(value: u32) -> String {
    Mode::from_abi(value).map_or_else(|| format!("unknown({value})"), |m| m.name().to_string())
}

/// A class as given on the command line, before the backend is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassArg {
    /// `all`.
    All,
    /// A class number.
    Number(u32),
    /// A class name, normalized (lowercase, `_`), known to some backend.
    Name(String),
}

/// Normalizes a class name: lowercase, `-` as `_`.
fn normalize(word: &str) -> String {
    word.trim().to_ascii_lowercase().replace('-', "_")
}

impl ClassArg {
    /// Parses `all`, a class number, or a class name of either backend
    /// (any case, `-` or `_`).
    pub fn parse(word: &str) -> Result<Self, String> {
        let norm = normalize(word);
        if norm == "all" {
            return Ok(ClassArg::All);
        }
        if let Ok(n) = norm.parse::<u32>() {
            return Ok(ClassArg::Number(n));
        }
        if SVM_CLASSES
            .iter()
            .chain(VMX_CLASSES)
            .any(|(name, _)| *name == norm)
        {
            return Ok(ClassArg::Name(norm));
        }
        Err(format!(
            "'{word}' is not a class: expected all, a number, or one of {} (svm), {} (vmx)",
            names(SVM_CLASSES),
            names(VMX_CLASSES)
        ))
    }

    /// The class number on `backend`: `Ok(None)` for all classes, `Err`
    /// with a message if `backend` has no such class.
    pub fn resolve(&self, backend: Backend) -> Result<Option<u32>, String> {
        let classes = backend.classes();
        let missing = || format!("{} has no class {}", backend.name(), self.text());
        match self {
            ClassArg::All => Ok(None),
            ClassArg::Number(n) => classes
                .iter()
                .any(|(_, c)| c == n)
                .then_some(Some(*n))
                .ok_or_else(missing),
            ClassArg::Name(name) => classes
                .iter()
                .find(|(c, _)| c == name)
                .map(|(_, n)| Some(*n))
                .ok_or_else(missing),
        }
    }

    fn text(&self) -> String {
        match self {
            ClassArg::All => "all".into(),
            ClassArg::Number(n) => n.to_string(),
            ClassArg::Name(s) => s.clone(),
        }
    }
}

/// `a, b, c` of the names of `classes`.
pub fn names(classes: &[(&str, u32)]) -> String {
    classes
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The string in a NUL-terminated `char` array (up to the first NUL, or the
/// whole array), with invalid UTF-8 replaced.
pub fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// A `nestvirt mode` command line: `[CLASS|all] [MODE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModeRequest {
    /// No mode given: show the modes.
    Show,
    /// Set `class` (possibly all) to `mode`.
    Set { class: ClassArg, mode: Mode },
}

/// Parses the words after `nestvirtctl mode`: none (show), `MODE` (all
/// classes), or `CLASS MODE`.
pub fn parse_mode_words(words: &[String]) -> Result<ModeRequest, String> {
    match words {
        [] => Ok(ModeRequest::Show),
        [mode] => Ok(ModeRequest::Set {
            class: ClassArg::All,
            mode: Mode::parse(mode)?,
        }),
        [class, mode] => Ok(ModeRequest::Set {
            class: ClassArg::parse(class)?,
            mode: Mode::parse(mode)?,
        }),
        _ => Err("expected at most two words: [CLASS|all] off|audit|enforce".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn modes_parse_by_name_any_case_and_number() {
        for (word, mode) in [
            ("off", Mode::Off),
            ("AUDIT", Mode::Audit),
            ("Enforce", Mode::Enforce),
            ("0", Mode::Off),
            ("1", Mode::Audit),
            ("2", Mode::Enforce),
        ] {
            assert_eq!(Mode::parse(word), Ok(mode), "{word}");
        }
        for bad in ["", "3", "enforced", "-1", "on"] {
            assert!(Mode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mode_values_round_trip_and_unknown_values_are_named() {
        for m in [Mode::Off, Mode::Audit, Mode::Enforce] {
            assert_eq!(Mode::from_abi(m.abi()), Some(m));
            assert_eq!(mode_name(m.abi()), m.name());
        }
        assert_eq!(Mode::from_abi(3), None);
        assert_eq!(mode_name(9), "unknown(9)");
    }

    #[test]
    fn class_names_are_the_header_constants_lowercased() {
        // The uapi header test checks the same against the header itself.
        assert_eq!(
            names(SVM_CLASSES),
            "vmrun, save, controls, event, int_ctl, forced, hardening"
        );
        assert_eq!(
            names(VMX_CLASSES),
            "controls, host_state, guest_state, msr_list, hardening"
        );
        for (i, (_, n)) in SVM_CLASSES.iter().enumerate() {
            assert_eq!(*n as usize, i);
        }
        for (i, (_, n)) in VMX_CLASSES.iter().enumerate() {
            assert_eq!(*n as usize, i);
        }
    }

    #[test]
    fn classes_parse_any_case_with_dash_or_underscore() {
        assert_eq!(
            ClassArg::parse("INT-CTL"),
            Ok(ClassArg::Name("int_ctl".into()))
        );
        assert_eq!(
            ClassArg::parse("Host_State"),
            Ok(ClassArg::Name("host_state".into()))
        );
        assert_eq!(ClassArg::parse("3"), Ok(ClassArg::Number(3)));
        assert_eq!(ClassArg::parse("ALL"), Ok(ClassArg::All));
        assert!(ClassArg::parse("bogus").is_err());
        assert!(ClassArg::parse("int ctl").is_err());
    }

    #[test]
    fn classes_resolve_per_backend() {
        let controls = ClassArg::Name("controls".into());
        assert_eq!(controls.resolve(Backend::Svm), Ok(Some(2)));
        assert_eq!(controls.resolve(Backend::Vmx), Ok(Some(0)));
        assert_eq!(
            ClassArg::Name("msr_list".into()).resolve(Backend::Vmx),
            Ok(Some(3))
        );
        assert_eq!(
            ClassArg::Name("vmrun".into()).resolve(Backend::Vmx),
            Err("vmx has no class vmrun".into())
        );
        assert_eq!(ClassArg::Number(6).resolve(Backend::Svm), Ok(Some(6)));
        assert!(ClassArg::Number(7).resolve(Backend::Svm).is_err());
        assert_eq!(ClassArg::Number(4).resolve(Backend::Vmx), Ok(Some(4)));
        assert!(ClassArg::Number(5).resolve(Backend::Vmx).is_err());
        assert_eq!(
            ClassArg::Name("hardening".into()).resolve(Backend::Svm),
            Ok(Some(6))
        );
        assert_eq!(ClassArg::All.resolve(Backend::Vmx), Ok(None));
        assert!(ClassArg::Number(0).resolve(Backend::None).is_err());
    }

    #[test]
    fn backend_names_and_class_names() {
        assert_eq!(Backend::from_abi(0), Backend::None);
        assert_eq!(Backend::from_abi(1).name(), "svm");
        assert_eq!(Backend::from_abi(2).name(), "vmx");
        assert_eq!(Backend::from_abi(7), Backend::Unknown(7));
        assert_eq!(Backend::Svm.class_name(4), "int_ctl");
        assert_eq!(Backend::Vmx.class_name(1), "host_state");
        assert_eq!(Backend::Svm.class_name(42), "42");
    }

    #[test]
    fn c_strings_stop_at_the_first_nul_or_the_end() {
        assert_eq!(c_string(b"7.3.4\0junk"), "7.3.4");
        assert_eq!(c_string(b"full"), "full");
        assert_eq!(c_string(b"\0"), "");
        assert_eq!(c_string(b"a\xffb\0"), "a\u{fffd}b");
    }

    #[test]
    fn mode_words() {
        assert_eq!(parse_mode_words(&[]), Ok(ModeRequest::Show));
        assert_eq!(
            parse_mode_words(&words(&["enforce"])),
            Ok(ModeRequest::Set {
                class: ClassArg::All,
                mode: Mode::Enforce
            })
        );
        assert_eq!(
            parse_mode_words(&words(&["Int-Ctl", "0"])),
            Ok(ModeRequest::Set {
                class: ClassArg::Name("int_ctl".into()),
                mode: Mode::Off
            })
        );
        assert_eq!(
            parse_mode_words(&words(&["2", "1"])),
            Ok(ModeRequest::Set {
                class: ClassArg::Number(2),
                mode: Mode::Audit
            })
        );
        assert!(parse_mode_words(&words(&["save"])).is_err());
        assert!(parse_mode_words(&words(&["bogus", "audit"])).is_err());
        assert!(parse_mode_words(&words(&["save", "bogus"])).is_err());
        assert!(parse_mode_words(&words(&["all", "off", "x"])).is_err());
    }
}
