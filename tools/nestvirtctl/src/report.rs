// SPDX-License-Identifier: GPL-2.0

//! What the commands print: the data, its text and its JSON.
//!
//! Everything here is pure: built from ioctl results, testable without a
//! device. The JSON field names are part of nestvirtctl's interface
//! (Documentation/nestvirt/nestvirtctl.rst).

use crate::model::{c_string, mode_name, Backend};
use crate::uapi::{NestvirtInfo, NestvirtRule, NestvirtTags};
use serde::Serialize;
use std::fmt::Write as _;

/// The counters of `struct nestvirt_info`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub nested_entries: u64,
    pub kvm_rejected: u64,
    pub nestvirt_rejected: u64,
    pub replayed_entries: u64,
    pub rsm_entries: u64,
    pub set_state_entries: u64,
    pub state_missing: u64,
    pub vmcb02_checks: u64,
    pub replayed_vmcb02_checks: u64,
    pub states_saved: u64,
    pub states_restored: u64,
    pub states_refused: u64,
}

impl Counters {
    /// The counters of `info`.
    pub fn from_info(info: &NestvirtInfo) -> Self {
        Self {
            nested_entries: info.nested_entries,
            kvm_rejected: info.kvm_rejected,
            nestvirt_rejected: info.nestvirt_rejected,
            replayed_entries: info.replayed_entries,
            rsm_entries: info.rsm_entries,
            set_state_entries: info.set_state_entries,
            state_missing: info.state_missing,
            vmcb02_checks: info.vmcb02_checks,
            replayed_vmcb02_checks: info.replayed_vmcb02_checks,
            states_saved: info.states_saved,
            states_restored: info.states_restored,
            states_refused: info.states_refused,
        }
    }

    /// The counters by name, in JSON order.
    pub fn fields(&self) -> [(&'static str, u64); 12] {
        [
            ("nested_entries", self.nested_entries),
            ("kvm_rejected", self.kvm_rejected),
            ("nestvirt_rejected", self.nestvirt_rejected),
            ("replayed_entries", self.replayed_entries),
            ("rsm_entries", self.rsm_entries),
            ("set_state_entries", self.set_state_entries),
            ("state_missing", self.state_missing),
            ("vmcb02_checks", self.vmcb02_checks),
            ("replayed_vmcb02_checks", self.replayed_vmcb02_checks),
            ("states_saved", self.states_saved),
            ("states_restored", self.states_restored),
            ("states_refused", self.states_refused),
        ]
    }

    /// How much each counter grew from `prev` to `self`. A counter that went
    /// down started again from zero (nestvirt was reloaded): its delta is its
    /// new value.
    pub fn delta_since(&self, prev: &Counters) -> Counters {
        let d = counter_delta;
        Counters {
            nested_entries: d(prev.nested_entries, self.nested_entries),
            kvm_rejected: d(prev.kvm_rejected, self.kvm_rejected),
            nestvirt_rejected: d(prev.nestvirt_rejected, self.nestvirt_rejected),
            replayed_entries: d(prev.replayed_entries, self.replayed_entries),
            rsm_entries: d(prev.rsm_entries, self.rsm_entries),
            set_state_entries: d(prev.set_state_entries, self.set_state_entries),
            state_missing: d(prev.state_missing, self.state_missing),
            vmcb02_checks: d(prev.vmcb02_checks, self.vmcb02_checks),
            replayed_vmcb02_checks: d(prev.replayed_vmcb02_checks, self.replayed_vmcb02_checks),
            states_saved: d(prev.states_saved, self.states_saved),
            states_restored: d(prev.states_restored, self.states_restored),
            states_refused: d(prev.states_refused, self.states_refused),
        }
    }
}

/// The growth of a counter from `prev` to `cur`; `cur` if it went down (it
/// restarted from zero).
pub fn counter_delta(prev: u64, cur: u64) -> u64 {
    cur.checked_sub(prev).unwrap_or(cur)
}

/// The mode of one class; `mode` is `None` where the attached backend does
/// not support reading it (`NESTVIRT_GET_MODE` answered `EOPNOTSUPP`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassMode {
    pub class: u32,
    pub name: String,
    pub mode: Option<String>,
}

impl ClassMode {
    /// Class `class` of `backend`, with its raw mode if known.
    pub fn new(backend: Backend, class: u32, mode: Option<u32>) -> Self {
        Self {
            class,
            name: backend.class_name(class),
            mode: mode.map(mode_name),
        }
    }
}

/// Text for a mode the attached backend does not support reading.
pub const NOT_SUPPORTED: &str = "not supported";

/// `nestvirtctl status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    pub abi_version: u32,
    pub backend: String,
    pub hook_abi_version: u32,
    pub kernel_release: String,
    pub default_mode: String,
    pub classes: Vec<ClassMode>,
    #[serde(flatten)]
    pub counters: Counters,
}

impl Status {
    /// The status from `NESTVIRT_GET_INFO` and the class modes.
    pub fn new(info: &NestvirtInfo, classes: Vec<ClassMode>) -> Self {
        Self {
            abi_version: info.abi_version,
            backend: Backend::from_abi(info.backend).name(),
            hook_abi_version: info.hook_abi_version,
            kernel_release: c_string(&info.kernel_release),
            default_mode: mode_name(info.mode),
            classes,
            counters: Counters::from_info(info),
        }
    }

    /// The text of `nestvirtctl status`.
    pub fn text(&self) -> String {
        let c = &self.counters;
        let mut s = String::new();
        let mut line = |label: &str, value: &dyn std::fmt::Display| {
            let value = value.to_string();
            if value.is_empty() {
                let _ = writeln!(s, "{label}");
            } else {
                let _ = writeln!(s, "{label:<26}{value}");
            }
        };
        let backend = if self.backend == "none" {
            "none (not attached)".to_string()
        } else {
            self.backend.clone()
        };
        line("backend:", &backend);
        line("nestvirt ABI version:", &self.abi_version);
        line("hook ABI version:", &self.hook_abi_version);
        line("kernel release:", &self.kernel_release);
        line("default mode:", &self.default_mode);
        if self.classes.is_empty() {
            line("class modes:", &"none");
        } else {
            line("class modes:", &"");
        }
        for class in &self.classes {
            line(
                &format!("  {}", class.name),
                &class.mode.as_deref().unwrap_or(NOT_SUPPORTED),
            );
        }
        line("nested entries:", &c.nested_entries);
        line("  rejected by KVM:", &c.kvm_rejected);
        line("  rejected by nestvirt:", &c.nestvirt_rejected);
        line("  replayed:", &c.replayed_entries);
        line("  returns from SMM:", &c.rsm_entries);
        line("  KVM_SET_NESTED_STATE:", &c.set_state_entries);
        line("entries without state:", &c.state_missing);
        line("vmcb02 checks:", &c.vmcb02_checks);
        line("  replayed:", &c.replayed_vmcb02_checks);
        line("states saved:", &c.states_saved);
        line("states restored:", &c.states_restored);
        line("  refused:", &c.states_refused);
        s
    }
}

/// The modes of the classes, for `nestvirtctl mode`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Modes {
    pub backend: String,
    pub classes: Vec<ClassMode>,
}

impl Modes {
    /// One line per class: name and mode.
    pub fn text(&self) -> String {
        let width = self.classes.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut s = String::new();
        for c in &self.classes {
            let mode = c.mode.as_deref().unwrap_or(NOT_SUPPORTED);
            let _ = writeln!(s, "{:<width$}  {mode}", c.name);
        }
        s
    }
}

/// One row of `nestvirtctl rules`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRow {
    pub index: u32,
    pub id: String,
    pub class: u32,
    pub class_name: String,
    pub mode: Option<String>,
    pub failures: u64,
}

/// The rows of `rules` of `backend`, with the mode of each rule's class
/// from `modes`.
pub fn rule_rows(backend: Backend, rules: &[NestvirtRule], modes: &[ClassMode]) -> Vec<RuleRow> {
    rules
        .iter()
        .map(|r| RuleRow {
            index: r.index,
            id: c_string(&r.id),
            class: r.class,
            class_name: backend.class_name(r.class),
            mode: modes
                .iter()
                .find(|m| m.class == r.class)
                .and_then(|m| m.mode.clone()),
            failures: r.failures,
        })
        .collect()
}

/// The rows that pass `--failed` (failures > 0) and `--class`.
pub fn filter_rules(rows: Vec<RuleRow>, failed: bool, class: Option<u32>) -> Vec<RuleRow> {
    rows.into_iter()
        .filter(|r| !failed || r.failures > 0)
        .filter(|r| class.is_none_or(|c| r.class == c))
        .collect()
}

/// The table of `nestvirtctl rules`: ID, CLASS, MODE, FAILURES.
pub fn rules_table(rows: &[RuleRow]) -> String {
    let id_w = rows.iter().map(|r| r.id.len()).max().unwrap_or(0).max(2);
    let class_w = rows
        .iter()
        .map(|r| r.class_name.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let mode_w = rows
        .iter()
        .map(|r| r.mode.as_deref().unwrap_or(NOT_SUPPORTED).len())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<id_w$}  {:<class_w$}  {:<mode_w$}  {:>8}",
        "ID", "CLASS", "MODE", "FAILURES"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{:<id_w$}  {:<class_w$}  {:<mode_w$}  {:>8}",
            r.id,
            r.class_name,
            r.mode.as_deref().unwrap_or(NOT_SUPPORTED),
            r.failures
        );
    }
    s
}

/// `nestvirtctl tags`: the VPID/ASID mapping, as text.
pub fn tags_text(t: &NestvirtTags) -> String {
    let state = match t.capacity {
        0 => "off (tags=0): KVM's own TLB flushes".to_string(),
        n => format!("on, {n} host tags per vCPU"),
    };
    let rows = [
        ("nested transitions mapped", t.transitions.to_string()),
        (
            "  of them without KVM's flush",
            t.flushes_avoided.to_string(),
        ),
        ("host tag flushes", t.tag_flushes.to_string()),
        ("evictions", t.evictions.to_string()),
        ("host ASIDs/VPIDs taken", t.asids.to_string()),
        ("host tags in use", t.in_use.to_string()),
    ];
    let mut s = format!("VPID/ASID mapping: {state}\n");
    for (name, value) in rows {
        s.push_str(&format!("  {name:<30} {value:>12}\n"));
    }
    s
}

/// Pretty JSON of `value`, with a final newline.
pub fn json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Serializing these plain structures cannot fail; say so if it does.
        Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::uapi::NESTVIRT_ABI_VERSION;

    pub(crate) fn info() -> NestvirtInfo {
        let mut info = NestvirtInfo::zeroed();
        info.abi_version = NESTVIRT_ABI_VERSION;
        info.backend = 1;
        info.hook_abi_version = 5;
        info.mode = 1;
        info.kernel_release[..5].copy_from_slice(b"7.3.4");
        info.states_saved = 11;
        info.states_restored = 12;
        info.states_refused = 13;
        info.nested_entries = 1000;
        info.kvm_rejected = 2;
        info.nestvirt_rejected = 3;
        info.state_missing = 4;
        info.rsm_entries = 5;
        info.set_state_entries = 6;
        info.vmcb02_checks = 990;
        info.replayed_entries = 900;
        info.replayed_vmcb02_checks = 890;
        info
    }

    pub(crate) fn rule(index: u32, class: u32, id: &str, failures: u64) -> NestvirtRule {
        let mut r = NestvirtRule::request(index);
        r.class = class;
        r.failures = failures;
        r.id[..id.len()].copy_from_slice(id.as_bytes());
        r
    }

    fn svm_modes() -> Vec<ClassMode> {
        (0..6)
            .map(|c| ClassMode::new(Backend::Svm, c, Some(if c == 1 { 2 } else { 1 })))
            .collect()
    }

    #[test]
    fn status_json_has_the_documented_fields_and_values() {
        let status = Status::new(&info(), svm_modes());
        let v: serde_json::Value = serde_json::from_str(&json(&status)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec![
            "abi_version",
            "backend",
            "hook_abi_version",
            "kernel_release",
            "default_mode",
            "classes",
            "nested_entries",
            "kvm_rejected",
            "nestvirt_rejected",
            "replayed_entries",
            "rsm_entries",
            "set_state_entries",
            "state_missing",
            "vmcb02_checks",
            "replayed_vmcb02_checks",
            "states_saved",
            "states_restored",
            "states_refused",
        ];
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        expected.sort_unstable();
        assert_eq!(sorted, expected);
        assert_eq!(v["abi_version"], 1);
        assert_eq!(v["backend"], "svm");
        assert_eq!(v["hook_abi_version"], 5);
        assert_eq!(v["kernel_release"], "7.3.4");
        assert_eq!(v["default_mode"], "audit");
        assert_eq!(v["nested_entries"], 1000);
        assert_eq!(v["kvm_rejected"], 2);
        assert_eq!(v["nestvirt_rejected"], 3);
        assert_eq!(v["state_missing"], 4);
        assert_eq!(v["rsm_entries"], 5);
        assert_eq!(v["set_state_entries"], 6);
        assert_eq!(v["vmcb02_checks"], 990);
        assert_eq!(v["replayed_entries"], 900);
        assert_eq!(v["replayed_vmcb02_checks"], 890);
        assert_eq!(
            v["classes"][1],
            serde_json::json!({"class": 1, "name": "save", "mode": "enforce"})
        );
        assert_eq!(v["classes"].as_array().unwrap().len(), 6);
    }

    fn vmx_modes() -> Vec<ClassMode> {
        (0..4)
            .map(|c| ClassMode::new(Backend::Vmx, c, Some(if c == 2 { 2 } else { 1 })))
            .collect()
    }

    #[test]
    fn vmx_status_names_the_vmx_classes_and_their_modes() {
        let mut i = info();
        i.backend = 2;
        let status = Status::new(&i, vmx_modes());
        let v: serde_json::Value = serde_json::from_str(&json(&status)).unwrap();
        assert_eq!(v["backend"], "vmx");
        assert_eq!(
            v["classes"],
            serde_json::json!([
                {"class": 0, "name": "controls", "mode": "audit"},
                {"class": 1, "name": "host_state", "mode": "audit"},
                {"class": 2, "name": "guest_state", "mode": "enforce"},
                {"class": 3, "name": "msr_list", "mode": "audit"}
            ])
        );
        let text = status.text();
        assert!(text.contains("backend:                  vmx\n"), "{text}");
        assert!(
            text.contains(
                "class modes:\n  controls                audit\n  host_state              audit\n  guest_state             enforce\n  msr_list                audit\n"
            ),
            "{text}"
        );
        assert!(!text.contains(NOT_SUPPORTED), "{text}");
    }

    #[test]
    fn unsupported_modes_are_json_null_and_text_not_supported() {
        let classes = (0..6)
            .map(|c| ClassMode::new(Backend::Svm, c, None))
            .collect();
        let status = Status::new(&info(), classes);
        let v: serde_json::Value = serde_json::from_str(&json(&status)).unwrap();
        assert_eq!(
            v["classes"][5],
            serde_json::json!({"class": 5, "name": "forced", "mode": null})
        );
        let text = status.text();
        assert!(
            text.contains("  int_ctl                 not supported\n"),
            "{text}"
        );
        let modes = Modes {
            backend: "svm".into(),
            classes: status.classes.clone(),
        };
        assert!(modes.text().contains("vmrun     not supported\n"));
    }

    #[test]
    fn status_text_shows_every_value() {
        let text = Status::new(&info(), svm_modes()).text();
        let expected = "\
backend:                  svm
nestvirt ABI version:     1
hook ABI version:         5
kernel release:           7.3.4
default mode:             audit
class modes:
  vmrun                   audit
  save                    enforce
  controls                audit
  event                   audit
  int_ctl                 audit
  forced                  audit
nested entries:           1000
  rejected by KVM:        2
  rejected by nestvirt:   3
  replayed:               900
  returns from SMM:       5
  KVM_SET_NESTED_STATE:   6
entries without state:    4
vmcb02 checks:            990
  replayed:               890
states saved:             11
states restored:          12
  refused:                13
";
        assert_eq!(text, expected);
    }

    #[test]
    fn status_of_a_detached_nestvirt() {
        let mut i = info();
        i.backend = 0;
        let text = Status::new(&i, vec![]).text();
        assert!(text.starts_with("backend:                  none (not attached)\n"));
        assert!(text.contains("class modes:              none\n"));
    }

    #[test]
    fn rules_rows_take_id_class_name_and_the_class_mode() {
        let rules = [
            rule(0, 0, "SVM-VMRUN-CPL", 0),
            rule(1, 1, "SVM-SAVE-EFER-SVME", 7),
            rule(2, 4, "SVM-INT-CTL-X", 1),
        ];
        let rows = rule_rows(Backend::Svm, &rules, &svm_modes());
        assert_eq!(
            rows[1],
            RuleRow {
                index: 1,
                id: "SVM-SAVE-EFER-SVME".into(),
                class: 1,
                class_name: "save".into(),
                mode: Some("enforce".into()),
                failures: 7,
            }
        );
        assert_eq!(rows[2].class_name, "int_ctl");
        assert_eq!(rows[0].mode.as_deref(), Some("audit"));

        let failed = filter_rules(rows.clone(), true, None);
        assert_eq!(
            failed.iter().map(|r| r.index).collect::<Vec<_>>(),
            vec![1, 2]
        );
        let save = filter_rules(rows.clone(), false, Some(1));
        assert_eq!(save.iter().map(|r| r.index).collect::<Vec<_>>(), vec![1]);
        assert!(filter_rules(rows.clone(), true, Some(0)).is_empty());
        assert_eq!(filter_rules(rows, false, None).len(), 3);
    }

    #[test]
    fn rules_table_is_aligned() {
        let rules = [
            rule(0, 0, "SVM-VMRUN-CPL", 0),
            rule(1, 1, "SVM-SAVE-EFER-SVME", 12345),
        ];
        let table = rules_table(&rule_rows(Backend::Svm, &rules, &svm_modes()));
        let expected = "\
ID                  CLASS  MODE     FAILURES
SVM-VMRUN-CPL       vmrun  audit           0
SVM-SAVE-EFER-SVME  save   enforce     12345
";
        assert_eq!(table, expected);
        assert_eq!(
            rules_table(&[]),
            "ID  CLASS  MODE  FAILURES\n",
            "an empty table keeps its header"
        );
    }

    #[test]
    fn rules_json_is_an_array_of_the_documented_fields() {
        let rows = rule_rows(
            Backend::Svm,
            &[rule(3, 2, "SVM-CTRL-ASID", 9)],
            &svm_modes(),
        );
        let v: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{
                "index": 3, "id": "SVM-CTRL-ASID", "class": 2,
                "class_name": "controls", "mode": "audit", "failures": 9
            }])
        );
    }

    #[test]
    fn modes_text_and_json() {
        let modes = Modes {
            backend: "svm".into(),
            classes: svm_modes(),
        };
        assert_eq!(
            modes.text(),
            "vmrun     audit\nsave      enforce\ncontrols  audit\nevent     audit\nint_ctl   audit\nforced    audit\n"
        );
        let v: serde_json::Value = serde_json::from_str(&json(&modes)).unwrap();
        assert_eq!(v["backend"], "svm");
        assert_eq!(v["classes"][5]["name"], "forced");
        assert_eq!(v["classes"][5]["mode"], "audit");
    }

    #[test]
    fn counter_deltas_survive_a_reload() {
        assert_eq!(counter_delta(10, 15), 5);
        assert_eq!(counter_delta(10, 10), 0);
        assert_eq!(counter_delta(10, 3), 3);
        let prev = Counters::from_info(&info());
        let mut next = info();
        next.nested_entries += 40;
        next.replayed_vmcb02_checks += 1;
        next.kvm_rejected = 0;
        let d = Counters::from_info(&next).delta_since(&prev);
        assert_eq!(d.nested_entries, 40);
        assert_eq!(d.replayed_vmcb02_checks, 1);
        assert_eq!(d.kvm_rejected, 0);
        assert_eq!(d.vmcb02_checks, 0);
    }
}
