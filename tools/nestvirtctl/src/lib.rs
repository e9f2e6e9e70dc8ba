// SPDX-License-Identifier: GPL-2.0

//! nestvirtctl: the userspace tool of the nestvirt kernel module.
//!
//! The binary `nestvirtctl` parses its command line with [`cli`] and runs
//! [`run`]; `nestvirtctl-mangen` renders the man page from the same
//! [`cli::command`]. The commands reach the device through
//! [`device::Nestvirt`]; what they print is built by the pure functions of
//! [`report`] and [`watch`].

#![deny(unsafe_code, clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod device;
pub mod error;
pub mod model;
pub mod report;
pub mod state;
pub mod uapi;
pub mod watch;

use crate::cli::{Cli, Command, StateAction};
use crate::device::{read_info, read_rules, Device, Nestvirt};
use crate::error::{errno_failure, output_failure, usage, Exit, Failure, Op};
use crate::model::{names, parse_mode_words, Backend, ClassArg, ModeRequest};
use crate::report::{
    filter_rules, json, rule_rows, rules_table, tags_text, ClassMode, Modes, Status,
};
use crate::uapi::{NestvirtInfo, NESTVIRT_CLASS_ALL};
use crate::watch::{interval, Clock, Sample, Ticker};
use rustix::io::Errno;
use std::io::{ErrorKind, Write};
use std::time::Duration;

/// Runs the command line `cli` on the device it names, printing to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), Failure> {
    if let Command::State { action } = &cli.command {
        return state_command(action, cli.json, out);
    }
    let write = matches!(&cli.command, Command::Mode { words } if !words.is_empty());
    let mut dev = Device::open(&cli.device, write)?;
    let interval = match &cli.command {
        Command::Watch { interval, .. } => *interval,
        _ => Duration::ZERO,
    };
    run_command(&mut dev, cli, out, &mut Clock::new(interval))
}

/// Runs `cli`'s command on `dev`; `watch` waits on `ticker`.
pub fn run_command(
    dev: &mut dyn Nestvirt,
    cli: &Cli,
    out: &mut dyn Write,
    ticker: &mut dyn Ticker,
) -> Result<(), Failure> {
    let info = read_info(dev)?;
    match &cli.command {
        Command::Status => status(dev, &info, cli.json, out),
        Command::Rules { failed, class } => rules(dev, &info, *failed, class, cli.json, out),
        Command::Mode { words } => {
            let request =
                parse_mode_words(words).map_err(|m| usage(m, "see nestvirtctl mode --help"))?;
            mode(dev, &info, &request, cli.json, out)
        }
        Command::Watch { count, .. } => watch(dev, *count, cli.json, ticker, out),
        Command::Tags => tags(dev, cli.json, out),
        Command::State { action } => state_command(action, cli.json, out),
    }
}

/// Reads a state file whole.
fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::new(
            Exit::Other,
            format!("cannot read {}: {e}", path.display()),
            "give a nestvirt state container or a KVM_GET_NESTED_STATE blob",
        )
    })
}

/// The failure of a file that is no state file, or is refused.
fn refused(path: &std::path::Path, r: &state::Refusal) -> Failure {
    Failure::new(
        Exit::StateRefused,
        format!("{}: refused: {} ({})", path.display(), r.id, r.what),
        "see Documentation/nestvirt/state-format.rst and rules.rst for the ID",
    )
}

/// `nestvirtctl state ...`: offline, no device.
fn state_command(action: &StateAction, as_json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    match action {
        StateAction::Dump { file } => {
            let bytes = read_file(file)?;
            let f = state::read(&bytes).map_err(|r| refused(file, &r))?;
            let v = state::dump(&f);
            let text = if as_json {
                format!("{v:#}\n")
            } else {
                state::text(&v)
            };
            emit(out, &text)
        }
        StateAction::Validate { file } => {
            let bytes = read_file(file)?;
            let f = state::read(&bytes).map_err(|r| refused(file, &r))?;
            let v = state::validate(&f);
            let text = if as_json {
                format!(
                    "{:#}\n",
                    serde_json::json!({
                        "valid": v.refused.is_none(),
                        "refused": v.refused.as_ref().map(|r| &r.id),
                        "failing_rules": v.failing_rules,
                        "checked": v.checked,
                    })
                )
            } else {
                let mut t = format!(
                    "{}: {}\nchecked: {}\n",
                    file.display(),
                    if v.refused.is_none() {
                        "valid"
                    } else {
                        "refused"
                    },
                    v.checked
                );
                for id in &v.failing_rules {
                    t.push_str(&format!("failing rule: {id}\n"));
                }
                t
            };
            emit(out, &text)?;
            match &v.refused {
                Some(r) => Err(refused(file, r)),
                None => Ok(()),
            }
        }
        StateAction::Diff { a, b } => {
            let (ba, bb) = (read_file(a)?, read_file(b)?);
            let fa = state::read(&ba).map_err(|r| refused(a, &r))?;
            let fb = state::read(&bb).map_err(|r| refused(b, &r))?;
            let d = state::diff(&fa, &fb);
            let text = if as_json {
                format!(
                    "{:#}\n",
                    d.iter()
                        .map(|x| serde_json::json!({ "field": x.field, "a": x.a, "b": x.b }))
                        .collect::<serde_json::Value>()
                )
            } else if d.is_empty() {
                "no difference\n".to_string()
            } else {
                d.iter()
                    .map(|x| format!("{}: {} -> {}\n", x.field, x.a, x.b))
                    .collect()
            };
            emit(out, &text)
        }
    }
}

/// Writes `text` to `out`. A closed pipe (`nestvirtctl watch | head`) ends
/// the command quietly, with success.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(Failure::new(Exit::Ok, "", "")),
        Err(e) => Err(output_failure(&e)),
    }
}

/// The mode of every class of `backend`; `None` for a class whose mode the
/// attached backend does not support reading (`EOPNOTSUPP`, shown as "not
/// supported"). SVM and VMX both answer every class.
fn class_modes(dev: &mut dyn Nestvirt, backend: Backend) -> Result<Vec<ClassMode>, Failure> {
    backend
        .classes()
        .iter()
        .map(|&(_, class)| match dev.get_mode(class) {
            Ok(mode) => Ok(ClassMode::new(backend, class, Some(mode))),
            Err(Errno::OPNOTSUPP) => Ok(ClassMode::new(backend, class, None)),
            Err(e) => Err(errno_failure(Op::GetMode, dev.path(), e)),
        })
        .collect()
}

/// The backend, or the failure of a nestvirt attached to nothing.
fn attached(dev: &dyn Nestvirt, info: &NestvirtInfo, op: Op) -> Result<Backend, Failure> {
    match Backend::from_abi(info.backend) {
        Backend::None => Err(errno_failure(op, dev.path(), Errno::NODEV)),
        backend => Ok(backend),
    }
}

/// The class number `class` names on `backend` (`None`: all).
fn resolve(class: &ClassArg, backend: Backend) -> Result<Option<u32>, Failure> {
    class.resolve(backend).map_err(|m| {
        usage(
            m,
            format!(
                "the classes of {} are: {}",
                backend.name(),
                names(backend.classes())
            ),
        )
    })
}

/// `nestvirtctl status`.
fn status(
    dev: &mut dyn Nestvirt,
    info: &NestvirtInfo,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let classes = class_modes(dev, Backend::from_abi(info.backend))?;
    let status = Status::new(info, classes);
    emit(
        out,
        &if as_json {
            json(&status)
        } else {
            status.text()
        },
    )
}

/// `nestvirtctl rules`.
fn rules(
    dev: &mut dyn Nestvirt,
    info: &NestvirtInfo,
    failed: bool,
    class: &Option<ClassArg>,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let backend = attached(dev, info, Op::GetRule)?;
    let class = match class {
        Some(c) => resolve(c, backend)?,
        None => None,
    };
    let raw = read_rules(dev).map_err(|e| errno_failure(Op::GetRule, dev.path(), e))?;
    let modes = class_modes(dev, backend)?;
    let rows = filter_rules(rule_rows(backend, &raw, &modes), failed, class);
    emit(
        out,
        &if as_json {
            json(&rows)
        } else {
            rules_table(&rows)
        },
    )
}

/// `nestvirtctl mode`.
fn mode(
    dev: &mut dyn Nestvirt,
    info: &NestvirtInfo,
    request: &ModeRequest,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let backend = attached(dev, info, Op::GetMode)?;
    if let ModeRequest::Set { class, mode } = request {
        let class = resolve(class, backend)?.unwrap_or(NESTVIRT_CLASS_ALL);
        dev.set_mode(class, mode.abi())
            .map_err(|e| errno_failure(Op::SetMode, dev.path(), e))?;
    }
    // Unlike status, the modes are all this command shows: not being able
    // to read them is a failure.
    let classes = backend
        .classes()
        .iter()
        .map(|&(_, class)| {
            dev.get_mode(class)
                .map(|m| ClassMode::new(backend, class, Some(m)))
                .map_err(|e| errno_failure(Op::GetMode, dev.path(), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let modes = Modes {
        backend: backend.name(),
        classes,
    };
    emit(out, &if as_json { json(&modes) } else { modes.text() })
}

/// `nestvirtctl tags`.
fn tags(dev: &mut dyn Nestvirt, as_json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let tags = dev
        .tags()
        .map_err(|e| errno_failure(Op::GetTags, dev.path(), e))?;
    emit(
        out,
        &if as_json {
            json(&tags)
        } else {
            tags_text(&tags)
        },
    )
}

/// One sample: the info counters and, where the backend gives them, the
/// rules.
fn sample(dev: &mut dyn Nestvirt) -> Result<Sample, Failure> {
    let info = read_info(dev)?;
    let rules = match read_rules(dev) {
        Ok(rules) => rules,
        // Not attached, or a backend that does not support rules
        // (EOPNOTSUPP): counters only.
        Err(Errno::NODEV | Errno::OPNOTSUPP) => Vec::new(),
        Err(e) => return Err(errno_failure(Op::GetRule, dev.path(), e)),
    };
    Ok(Sample::new(&info, &rules))
}

/// `nestvirtctl watch`.
fn watch(
    dev: &mut dyn Nestvirt,
    count: Option<u64>,
    as_json: bool,
    ticker: &mut dyn Ticker,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut prev = sample(dev)?;
    if !as_json {
        emit(
            out,
            &format!(
                "watching {} (backend {}): deltas per interval, Ctrl-C to stop\n",
                dev.path().display(),
                prev.backend.name()
            ),
        )?;
    }
    let mut number = 0u64;
    while count.is_none_or(|c| number < c) {
        let elapsed = ticker.wait();
        let cur = sample(dev)?;
        number += 1;
        let d = interval(number, elapsed, &prev, &cur);
        emit(out, &if as_json { d.json_line() } else { d.text() })?;
        prev = cur;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{info, rule};
    use crate::uapi::{NestvirtRule, NestvirtTags, NESTVIRT_ABI_VERSION};
    use std::path::Path;

    /// A fake `/dev/nestvirt`: an SVM or VMX backend with modes and rules;
    /// every GET_INFO adds 10 nested entries and one failure to rule 1.
    /// `fail` makes the calls it names answer an errno (`EOPNOTSUPP` for a
    /// backend that does not support them).
    struct Fake {
        info: NestvirtInfo,
        modes: Vec<u32>,
        rules: Vec<NestvirtRule>,
        calls: Vec<String>,
        fail: Option<(&'static str, Errno)>,
    }

    impl Fake {
        fn svm() -> Self {
            Self {
                info: info(),
                modes: vec![1; 7],
                rules: vec![
                    rule(0, 0, "SVM-VMRUN-CPL", 0),
                    rule(1, 1, "SVM-SAVE-EFER-SVME", 4),
                    rule(2, 2, "SVM-CTRL-ASID", 0),
                ],
                calls: vec![],
                fail: None,
            }
        }

        /// The VMX catalogue: classes controls (0), host_state (1),
        /// guest_state (2), msr_list (3).
        fn vmx() -> Self {
            let mut f = Self::svm();
            f.info.backend = 2;
            f.modes = vec![1; 5];
            f.rules = vec![
                rule(0, 0, "VMX-CTL-PIN-ALLOWED0", 0),
                rule(1, 1, "VMX-HOST-CR4-FIXED0", 4),
                rule(2, 2, "VMX-GUEST-CR0-FIXED1", 0),
                rule(3, 2, "VMX-GUEST-LINK-ALIGN", 2),
                rule(4, 3, "VMX-MSR-ENTRY-LOAD-FS-BASE", 0),
            ];
            f
        }

        fn check(&mut self, call: &str) -> Result<(), Errno> {
            self.calls.push(call.to_string());
            match self.fail {
                Some((name, e)) if call.starts_with(name) => Err(e),
                _ => Ok(()),
            }
        }
    }

    impl Nestvirt for Fake {
        fn path(&self) -> &Path {
            Path::new("/dev/fake")
        }
        fn info(&mut self) -> Result<NestvirtInfo, Errno> {
            self.check("info")?;
            let now = self.info;
            self.info.nested_entries += 10;
            if let Some(r) = self.rules.get_mut(1) {
                r.failures += 1;
            }
            Ok(now)
        }
        fn get_mode(&mut self, class: u32) -> Result<u32, Errno> {
            self.check(&format!("get_mode {class}"))?;
            self.modes.get(class as usize).copied().ok_or(Errno::INVAL)
        }
        fn set_mode(&mut self, class: u32, mode: u32) -> Result<(), Errno> {
            self.check(&format!("set_mode {class} {mode}"))?;
            if class == NESTVIRT_CLASS_ALL {
                self.modes.iter_mut().for_each(|m| *m = mode);
            } else {
                *self.modes.get_mut(class as usize).ok_or(Errno::INVAL)? = mode;
            }
            Ok(())
        }
        fn rule(&mut self, index: u32) -> Result<NestvirtRule, Errno> {
            self.check(&format!("rule {index}"))?;
            self.rules.get(index as usize).copied().ok_or(Errno::NOENT)
        }
        fn tags(&mut self) -> Result<NestvirtTags, Errno> {
            self.check("tags")?;
            Ok(NestvirtTags {
                capacity: 8,
                transitions: 2000,
                flushes_avoided: 2000,
                tag_flushes: 17,
                evictions: 3,
                asids: 21,
                in_use: 8,
                ..NestvirtTags::default()
            })
        }
    }

    #[test]
    fn tags_prints_the_mapping_and_its_counters() {
        let mut dev = Fake::svm();
        let (r, out) = exec(&mut dev, &["tags"]);
        assert_eq!(r, Ok(()));
        assert!(
            out.starts_with("VPID/ASID mapping: on, 8 host tags per vCPU\n"),
            "{out}"
        );
        assert!(
            out.contains("\n    of them without KVM's flush          2000\n"),
            "{out}"
        );
        assert!(
            out.contains("\n  evictions                                 3\n"),
            "{out}"
        );
        assert_eq!(dev.calls, ["info", "tags"]);
        let (r, out) = exec(&mut Fake::svm(), &["--json", "tags"]);
        assert_eq!(r, Ok(()));
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["capacity"], 8);
        assert_eq!(v["flushes_avoided"], 2000);
        assert_eq!(v["asids"], 21);
        assert!(v.get("reserved").is_none(), "{out}");
    }

    #[test]
    fn tags_off_and_on_vmx() {
        let off = tags_text(&NestvirtTags::default());
        assert!(off.starts_with("VPID/ASID mapping: off (tags=0)"), "{off}");
        let mut dev = Fake::vmx();
        dev.fail = Some(("tags", Errno::OPNOTSUPP));
        let (r, _) = exec(&mut dev, &["tags"]);
        let f = r.expect_err("EOPNOTSUPP is a failure");
        assert_eq!(f.exit, Exit::NotSupported);
    }

    /// A ticker that does not wait.
    struct Instant1;
    impl Ticker for Instant1 {
        fn wait(&mut self) -> Duration {
            Duration::from_secs(1)
        }
    }

    fn exec(dev: &mut Fake, args: &[&str]) -> (Result<(), Failure>, String) {
        let cli = cli::parse_args(std::iter::once("nestvirtctl").chain(args.iter().copied()))
            .expect("test command line");
        let mut out = Vec::new();
        let r = run_command(dev, &cli, &mut out, &mut Instant1);
        (r, String::from_utf8(out).expect("utf-8 output"))
    }

    #[test]
    fn status_reads_every_class_mode() {
        let mut dev = Fake::svm();
        dev.modes[4] = 2;
        let (r, out) = exec(&mut dev, &["status"]);
        assert_eq!(r, Ok(()));
        assert!(out.contains("  int_ctl                 enforce\n"), "{out}");
        assert_eq!(
            dev.calls,
            [
                "info",
                "get_mode 0",
                "get_mode 1",
                "get_mode 2",
                "get_mode 3",
                "get_mode 4",
                "get_mode 5",
                "get_mode 6"
            ]
        );
    }

    #[test]
    fn status_on_vmx_reads_every_vmx_class_mode() {
        let mut dev = Fake::vmx();
        dev.modes[2] = 2;
        let (r, out) = exec(&mut dev, &["status", "--json"]);
        assert_eq!(r, Ok(()));
        assert_eq!(
            dev.calls,
            [
                "info",
                "get_mode 0",
                "get_mode 1",
                "get_mode 2",
                "get_mode 3",
                "get_mode 4"
            ]
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["backend"], "vmx");
        assert_eq!(
            v["classes"],
            serde_json::json!([
                {"class": 0, "name": "controls", "mode": "audit"},
                {"class": 1, "name": "host_state", "mode": "audit"},
                {"class": 2, "name": "guest_state", "mode": "enforce"},
                {"class": 3, "name": "msr_list", "mode": "audit"},
                {"class": 4, "name": "hardening", "mode": "audit"}
            ])
        );
        let (r, out) = exec(&mut Fake::vmx(), &["status"]);
        assert_eq!(r, Ok(()));
        assert!(out.contains("  host_state              audit\n"), "{out}");
        assert!(
            !out.contains("not supported") && !out.contains("wired"),
            "{out}"
        );
    }

    #[test]
    fn status_survives_a_backend_without_modes() {
        for mut dev in [Fake::svm(), Fake::vmx()] {
            dev.fail = Some(("get_mode", Errno::OPNOTSUPP));
            let (r, out) = exec(&mut dev, &["status", "--json"]);
            assert_eq!(r, Ok(()));
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert!(v["classes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["mode"].is_null()));
            let (r, out) = exec(&mut dev, &["status"]);
            assert_eq!(r, Ok(()));
            assert!(
                out.contains("  controls                not supported\n"),
                "{out}"
            );
        }
        // Any other error of GET_MODE is one.
        let mut dev = Fake::vmx();
        dev.fail = Some(("get_mode", Errno::IO));
        assert_eq!(exec(&mut dev, &["status"]).0.unwrap_err().exit.code(), 1);
    }

    #[test]
    fn status_of_a_detached_nestvirt_asks_no_mode() {
        let mut dev = Fake::svm();
        dev.info.backend = 0;
        let (r, out) = exec(&mut dev, &["status"]);
        assert_eq!(r, Ok(()));
        assert!(out.contains("none (not attached)"));
        assert_eq!(dev.calls, ["info"]);
    }

    #[test]
    fn an_abi_mismatch_or_enotty_fails_with_7() {
        let mut dev = Fake::svm();
        dev.info.abi_version = NESTVIRT_ABI_VERSION + 1;
        let (r, out) = exec(&mut dev, &["status"]);
        assert_eq!(r.unwrap_err().exit.code(), 7);
        assert!(out.is_empty());
        let mut dev = Fake::svm();
        dev.fail = Some(("info", Errno::NOTTY));
        assert_eq!(exec(&mut dev, &["rules"]).0.unwrap_err().exit.code(), 7);
    }

    #[test]
    fn rules_enumerate_until_enoent_and_filter() {
        let mut dev = Fake::svm();
        let (r, out) = exec(&mut dev, &["rules"]);
        assert_eq!(r, Ok(()));
        assert_eq!(out.lines().count(), 4, "{out}");
        assert!(out.contains("SVM-CTRL-ASID"));
        assert!(dev.calls.contains(&"rule 3".to_string()));
        assert!(!dev.calls.contains(&"rule 4".to_string()));

        let (r, out) = exec(&mut Fake::svm(), &["rules", "--failed", "--json"]);
        assert_eq!(r, Ok(()));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 1);
        assert_eq!(v[0]["id"], "SVM-SAVE-EFER-SVME");
        assert_eq!(v[0]["class_name"], "save");
        assert_eq!(v[0]["mode"], "audit");
        assert_eq!(v[0]["failures"], 5);

        let (_, out) = exec(
            &mut Fake::svm(),
            &["rules", "--class", "CONTROLS", "--json"],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 1);
        assert_eq!(v[0]["id"], "SVM-CTRL-ASID");
    }

    #[test]
    fn rules_with_a_class_the_backend_lacks_is_a_usage_error() {
        let mut dev = Fake::svm();
        let err = exec(&mut dev, &["rules", "--class", "host-state"])
            .0
            .unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert_eq!(err.message, "svm has no class host_state");
        assert!(err.hint.contains("vmrun, save, controls"), "{}", err.hint);
        assert_eq!(dev.calls, ["info"]);
    }

    #[test]
    fn rules_on_vmx_list_the_vmx_catalogue_by_class() {
        let mut dev = Fake::vmx();
        dev.modes[1] = 2;
        let (r, out) = exec(&mut dev, &["rules"]);
        assert_eq!(r, Ok(()));
        assert_eq!(out.lines().count(), 6, "{out}");
        assert!(
            out.contains("VMX-HOST-CR4-FIXED0         host_state   enforce         5\n"),
            "{out}"
        );
        assert!(dev.calls.contains(&"rule 5".to_string()));

        // Each VMX class by name (any case, '-' or '_') and by number.
        for (class, ids) in [
            ("controls", &["VMX-CTL-PIN-ALLOWED0"][..]),
            ("Host-State", &["VMX-HOST-CR4-FIXED0"]),
            (
                "guest_state",
                &["VMX-GUEST-CR0-FIXED1", "VMX-GUEST-LINK-ALIGN"],
            ),
            ("2", &["VMX-GUEST-CR0-FIXED1", "VMX-GUEST-LINK-ALIGN"]),
            ("MSR_LIST", &["VMX-MSR-ENTRY-LOAD-FS-BASE"]),
        ] {
            let (r, out) = exec(&mut Fake::vmx(), &["rules", "--class", class, "--json"]);
            assert_eq!(r, Ok(()), "{class}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let got: Vec<&str> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            assert_eq!(got, ids, "{class}");
        }
        let (_, out) = exec(
            &mut Fake::vmx(),
            &["rules", "--failed", "--class", "guest-state", "--json"],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{
                "index": 3, "id": "VMX-GUEST-LINK-ALIGN", "class": 2,
                "class_name": "guest_state", "mode": "audit", "failures": 2
            }])
        );

        // SVM's classes are not VMX's.
        let mut dev = Fake::vmx();
        let err = exec(&mut dev, &["rules", "--class", "int_ctl"])
            .0
            .unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert_eq!(err.message, "vmx has no class int_ctl");
        assert!(
            err.hint
                .contains("controls, host_state, guest_state, msr_list, hardening"),
            "{}",
            err.hint
        );
        assert_eq!(dev.calls, ["info"]);
        assert_eq!(
            exec(&mut Fake::vmx(), &["rules", "--class", "5"])
                .0
                .unwrap_err()
                .exit
                .code(),
            2
        );
    }

    #[test]
    fn rules_unsupported_and_detached_fail_with_6_and_5() {
        for mut dev in [Fake::svm(), Fake::vmx()] {
            dev.fail = Some(("rule", Errno::OPNOTSUPP));
            let err = exec(&mut dev, &["rules"]).0.unwrap_err();
            assert_eq!(err.exit.code(), 6);
            assert_eq!(
                err.message,
                "NESTVIRT_GET_RULE is not supported by the attached backend (EOPNOTSUPP)"
            );
        }
        let mut dev = Fake::svm();
        dev.info.backend = 0;
        assert_eq!(exec(&mut dev, &["rules"]).0.unwrap_err().exit.code(), 5);
    }

    #[test]
    fn mode_sets_one_class_or_all_and_prints_the_result() {
        let mut dev = Fake::svm();
        let (r, out) = exec(&mut dev, &["mode", "int-ctl", "enforce"]);
        assert_eq!(r, Ok(()));
        assert!(
            dev.calls.contains(&"set_mode 4 2".to_string()),
            "{:?}",
            dev.calls
        );
        assert_eq!(dev.modes, [1, 1, 1, 1, 2, 1, 1]);
        assert!(out.contains("int_ctl    enforce\n"), "{out}");
        assert!(out.contains("save       audit\n"), "{out}");

        let mut dev = Fake::svm();
        let (r, out) = exec(&mut dev, &["mode", "0", "--json"]);
        assert_eq!(r, Ok(()));
        assert!(dev
            .calls
            .contains(&format!("set_mode {NESTVIRT_CLASS_ALL} 0")));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["backend"], "svm");
        assert!(v["classes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["mode"] == "off"));

        let mut dev = Fake::svm();
        let (r, _) = exec(&mut dev, &["mode"]);
        assert_eq!(r, Ok(()));
        assert!(!dev.calls.iter().any(|c| c.starts_with("set_mode")));
    }

    #[test]
    fn mode_on_vmx_sets_and_shows_the_vmx_classes() {
        let mut dev = Fake::vmx();
        let (r, out) = exec(&mut dev, &["mode", "guest-state", "enforce"]);
        assert_eq!(r, Ok(()));
        assert!(
            dev.calls.contains(&"set_mode 2 2".to_string()),
            "{:?}",
            dev.calls
        );
        assert_eq!(dev.modes, [1, 1, 2, 1, 1]);
        assert_eq!(
            out,
            "controls     audit\nhost_state   audit\nguest_state  enforce\nmsr_list     audit\n\
             hardening    audit\n"
        );

        // controls is class 0 on VMX (2 on SVM); names in any case, numbers.
        for (words, class, mode) in [
            (&["controls", "off"][..], 0, 0),
            (&["HOST_STATE", "enforce"], 1, 2),
            (&["msr-list", "audit"], 3, 1),
            (&["3", "off"], 3, 0),
            (&["all", "enforce"], NESTVIRT_CLASS_ALL, 2),
        ] {
            let mut dev = Fake::vmx();
            let args: Vec<&str> = std::iter::once("mode")
                .chain(words.iter().copied())
                .collect();
            let (r, _) = exec(&mut dev, &args);
            assert_eq!(r, Ok(()), "{words:?}");
            assert!(
                dev.calls.contains(&format!("set_mode {class} {mode}")),
                "{words:?}: {:?}",
                dev.calls
            );
        }

        let (r, out) = exec(&mut Fake::vmx(), &["mode", "--json"]);
        assert_eq!(r, Ok(()));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["backend"], "vmx");
        assert_eq!(v["classes"][3]["name"], "msr_list");
        assert_eq!(v["classes"].as_array().unwrap().len(), 5);

        // SVM's classes are not VMX's, nor class 5.
        for words in [&["forced", "off"][..], &["save", "off"], &["5", "off"]] {
            let mut dev = Fake::vmx();
            let args: Vec<&str> = std::iter::once("mode")
                .chain(words.iter().copied())
                .collect();
            let err = exec(&mut dev, &args).0.unwrap_err();
            assert_eq!(err.exit.code(), 2, "{words:?}");
            assert!(!dev.calls.iter().any(|c| c.starts_with("set_mode")));
        }
    }

    #[test]
    fn mode_failures() {
        let mut dev = Fake::svm();
        dev.fail = Some(("set_mode", Errno::PERM));
        assert_eq!(
            exec(&mut dev, &["mode", "off"]).0.unwrap_err().exit.code(),
            4
        );
        // A backend that does not support modes: setting or showing them
        // fails with 6.
        let mut dev = Fake::vmx();
        dev.fail = Some(("set_mode", Errno::OPNOTSUPP));
        let err = exec(&mut dev, &["mode", "audit"]).0.unwrap_err();
        assert_eq!(err.exit.code(), 6);
        assert_eq!(
            err.message,
            "NESTVIRT_SET_MODE is not supported by the attached backend (EOPNOTSUPP)"
        );
        let mut dev = Fake::svm();
        dev.fail = Some(("get_mode", Errno::OPNOTSUPP));
        assert_eq!(exec(&mut dev, &["mode"]).0.unwrap_err().exit.code(), 6);
        let err = exec(&mut Fake::svm(), &["mode", "7", "off"]).0.unwrap_err();
        assert_eq!(err.exit.code(), 2);
        let mut dev = Fake::svm();
        dev.info.backend = 0;
        assert_eq!(
            exec(&mut dev, &["mode", "save", "off"])
                .0
                .unwrap_err()
                .exit
                .code(),
            5
        );
    }

    #[test]
    fn watch_prints_count_intervals_of_deltas() {
        let mut dev = Fake::svm();
        let (r, out) = exec(&mut dev, &["watch", "--count", "3", "--json"]);
        assert_eq!(r, Ok(()));
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        for (i, v) in lines.iter().enumerate() {
            assert_eq!(v["interval"], i as u64 + 1);
            assert_eq!(v["elapsed_seconds"], 1.0);
            assert_eq!(v["nested_entries"], 10);
            assert_eq!(v["kvm_rejected"], 0);
            assert_eq!(
                v["rules"],
                serde_json::json!([{"index": 1, "id": "SVM-SAVE-EFER-SVME", "class": 1,
                                     "class_name": "save", "delta": 1}])
            );
        }
        let (r, out) = exec(&mut Fake::svm(), &["watch", "--count", "2"]);
        assert_eq!(r, Ok(()));
        assert!(out.starts_with("watching /dev/fake (backend svm)"), "{out}");
        assert_eq!(out.matches("--- interval").count(), 2);
        assert_eq!(out.matches("rule SVM-SAVE-EFER-SVME").count(), 2);
    }

    #[test]
    fn watch_on_vmx_shows_counters_and_vmx_rules() {
        let (r, out) = exec(&mut Fake::vmx(), &["watch", "--count", "1", "--json"]);
        assert_eq!(r, Ok(()));
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["nested_entries"], 10);
        assert_eq!(
            v["rules"],
            serde_json::json!([{"index": 1, "id": "VMX-HOST-CR4-FIXED0", "class": 1,
                                 "class_name": "host_state", "delta": 1}])
        );
    }

    #[test]
    fn watch_without_rules_shows_counters_only() {
        for mut dev in [Fake::svm(), Fake::vmx()] {
            dev.fail = Some(("rule", Errno::OPNOTSUPP));
            let (r, out) = exec(&mut dev, &["watch", "--count", "1", "--json"]);
            assert_eq!(r, Ok(()));
            let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
            assert_eq!(v["nested_entries"], 10);
            assert_eq!(v["rules"], serde_json::json!([]));
        }
    }

    #[test]
    fn watch_stops_on_a_device_error() {
        let mut dev = Fake::svm();
        dev.fail = Some(("rule", Errno::IO));
        let err = exec(&mut dev, &["watch", "--count", "2"]).0.unwrap_err();
        assert_eq!(err.exit.code(), 1);
        assert!(err.message.contains("NESTVIRT_GET_RULE"));
    }

    /// A writer whose reader went away.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A writer on a full disk.
    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(ErrorKind::StorageFull))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_quietly_other_write_errors_fail() {
        assert_eq!(emit(&mut ClosedPipe, "x").unwrap_err().exit, Exit::Ok);
        assert_eq!(emit(&mut Full, "x").unwrap_err().exit, Exit::Other);
        let mut v = Vec::new();
        assert_eq!(emit(&mut v, "abc"), Ok(()));
        assert_eq!(v, b"abc");
    }
}
