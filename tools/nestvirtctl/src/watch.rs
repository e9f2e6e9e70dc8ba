// SPDX-License-Identifier: GPL-2.0

//! `nestvirtctl watch`: the deltas of the counters, interval by interval.

use crate::model::{c_string, Backend};
use crate::report::{counter_delta, Counters};
use crate::uapi::{NestvirtInfo, NestvirtRule};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The counters at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub backend: Backend,
    pub counters: Counters,
    /// The rules, in catalogue order (empty where the backend has none to
    /// give).
    pub rules: Vec<SampleRule>,
}

/// One rule's counter in a [`Sample`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleRule {
    pub index: u32,
    pub id: String,
    pub class: u32,
    pub failures: u64,
}

impl Sample {
    /// A sample from `NESTVIRT_GET_INFO` and the rules read with it.
    pub fn new(info: &NestvirtInfo, rules: &[NestvirtRule]) -> Self {
        Self {
            backend: Backend::from_abi(info.backend),
            counters: Counters::from_info(info),
            rules: rules
                .iter()
                .map(|r| SampleRule {
                    index: r.index,
                    id: c_string(&r.id),
                    class: r.class,
                    failures: r.failures,
                })
                .collect(),
        }
    }
}

/// The rule counter that changed in an interval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDelta {
    pub index: u32,
    pub id: String,
    pub class: u32,
    pub class_name: String,
    pub delta: u64,
}

/// What changed in one interval: one line of `watch --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// 1 for the first interval.
    pub interval: u64,
    /// The time the interval really took.
    pub elapsed_seconds: f64,
    #[serde(flatten)]
    pub counters: Counters,
    /// The rules whose failure counter changed.
    pub rules: Vec<RuleDelta>,
}

/// The deltas from `prev` to `cur`. Rules are matched by ID (indexes may
/// change when the module is reloaded); a rule not in `prev` counts from 0.
pub fn interval(number: u64, elapsed: Duration, prev: &Sample, cur: &Sample) -> Interval {
    let before: BTreeMap<&str, u64> = prev
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.failures))
        .collect();
    let rules = cur
        .rules
        .iter()
        .filter_map(|r| {
            let delta = counter_delta(before.get(r.id.as_str()).copied().unwrap_or(0), r.failures);
            (delta != 0).then(|| RuleDelta {
                index: r.index,
                id: r.id.clone(),
                class: r.class,
                class_name: cur.backend.class_name(r.class),
                delta,
            })
        })
        .collect();
    Interval {
        interval: number,
        elapsed_seconds: elapsed.as_secs_f64(),
        counters: cur.counters.delta_since(&prev.counters),
        rules,
    }
}

impl Interval {
    /// The text block of one interval: a header line, then one line per
    /// counter and per changed rule.
    pub fn text(&self) -> String {
        let fields = self.counters.fields();
        let width = fields
            .iter()
            .map(|(n, _)| n.len())
            .chain(self.rules.iter().map(|r| r.id.len() + 5))
            .max()
            .unwrap_or(0);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "--- interval {} ({:.2} s) ---",
            self.interval, self.elapsed_seconds
        );
        for (name, delta) in fields {
            let _ = writeln!(s, "{name:<width$}  {:>+10}", delta);
        }
        for r in &self.rules {
            let label = format!("rule {}", r.id);
            let _ = writeln!(s, "{label:<width$}  {:>+10}", r.delta);
        }
        s
    }

    /// One line of JSON, with its newline.
    pub fn json_line(&self) -> String {
        match serde_json::to_string(self) {
            Ok(mut s) => {
                s.push('\n');
                s
            }
            Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
        }
    }
}

/// Parses `--interval`: seconds, fractions allowed, more than 0 and at most
/// a day.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!(
            "'{text}': the interval must be more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// What the watch loop waits on between two samples.
pub trait Ticker {
    /// Waits for the next sample; answers the time since the previous one.
    fn wait(&mut self) -> Duration;
}

/// Waits in real time, on a fixed schedule that does not drift.
pub struct Clock {
    interval: Duration,
    next: Instant,
    last: Instant,
}

impl Clock {
    /// A schedule of `interval`, starting now (the first sample).
    pub fn new(interval: Duration) -> Self {
        let now = Instant::now();
        Self {
            interval,
            next: now,
            last: now,
        }
    }
}

impl Ticker for Clock {
    fn wait(&mut self) -> Duration {
        self.next += self.interval;
        let now = Instant::now();
        if let Some(rest) = self.next.checked_duration_since(now) {
            std::thread::sleep(rest);
        } else {
            // Past the deadline already (slow device, suspended machine):
            // sample now and keep the schedule from here.
            self.next = now;
        }
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last);
        self.last = now;
        elapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{info, rule};

    #[test]
    fn interval_deltas_of_counters_and_changed_rules_only() {
        let i0 = info();
        let mut i1 = info();
        i1.nested_entries += 120;
        i1.replayed_entries += 100;
        let prev = Sample::new(
            &i0,
            &[rule(0, 0, "SVM-VMRUN-CPL", 1), rule(1, 1, "SVM-SAVE-A", 5)],
        );
        let cur = Sample::new(
            &i1,
            &[rule(0, 0, "SVM-VMRUN-CPL", 1), rule(1, 1, "SVM-SAVE-A", 8)],
        );
        let d = interval(1, Duration::from_millis(1500), &prev, &cur);
        assert_eq!(d.interval, 1);
        assert_eq!(d.elapsed_seconds, 1.5);
        assert_eq!(d.counters.nested_entries, 120);
        assert_eq!(d.counters.replayed_entries, 100);
        assert_eq!(d.counters.kvm_rejected, 0);
        assert_eq!(
            d.rules,
            vec![RuleDelta {
                index: 1,
                id: "SVM-SAVE-A".into(),
                class: 1,
                class_name: "save".into(),
                delta: 3
            }]
        );
    }

    #[test]
    fn rules_match_by_id_and_new_or_reset_rules_count_from_zero() {
        let prev = Sample::new(&info(), &[rule(0, 0, "A", 4), rule(1, 1, "B", 9)]);
        // Reloaded: B now first, reset to 2; C new with 1; A unchanged.
        let cur = Sample::new(
            &info(),
            &[rule(0, 1, "B", 2), rule(1, 0, "A", 4), rule(2, 2, "C", 1)],
        );
        let d = interval(2, Duration::from_secs(1), &prev, &cur);
        let got: Vec<(&str, u32, u64)> = d
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.index, r.delta))
            .collect();
        assert_eq!(got, vec![("B", 0, 2), ("C", 2, 1)]);
    }

    #[test]
    fn interval_json_line_is_one_flat_object() {
        let mut i1 = info();
        i1.kvm_rejected += 2;
        let d = interval(
            3,
            Duration::from_millis(250),
            &Sample::new(&info(), &[rule(0, 3, "SVM-EVENT-X", 0)]),
            &Sample::new(&i1, &[rule(0, 3, "SVM-EVENT-X", 5)]),
        );
        let line = d.json_line();
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["interval"], 3);
        assert_eq!(v["elapsed_seconds"], 0.25);
        assert_eq!(v["kvm_rejected"], 2);
        assert_eq!(v["nested_entries"], 0);
        for name in [
            "nested_entries",
            "kvm_rejected",
            "nestvirt_rejected",
            "replayed_entries",
            "rsm_entries",
            "set_state_entries",
            "state_missing",
            "vmcb02_checks",
            "replayed_vmcb02_checks",
        ] {
            assert!(v[name].is_u64(), "{name}");
        }
        assert_eq!(
            v["rules"],
            serde_json::json!([{"index": 0, "id": "SVM-EVENT-X", "class": 3,
                                 "class_name": "event", "delta": 5}])
        );
    }

    #[test]
    fn interval_text() {
        let mut i1 = info();
        i1.nested_entries += 7;
        let d = interval(
            1,
            Duration::from_secs(1),
            &Sample::new(&info(), &[]),
            &Sample::new(&i1, &[rule(0, 1, "SVM-SAVE-EFER-SVME", 2)]),
        );
        let expected = "\
--- interval 1 (1.00 s) ---
nested_entries                   +7
kvm_rejected                     +0
nestvirt_rejected                +0
replayed_entries                 +0
rsm_entries                      +0
set_state_entries                +0
state_missing                    +0
vmcb02_checks                    +0
replayed_vmcb02_checks           +0
states_saved                     +0
states_restored                  +0
states_refused                   +0
rule SVM-SAVE-EFER-SVME          +2
";
        assert_eq!(d.text(), expected);
    }

    #[test]
    fn intervals_parse_fractions_and_reject_nonsense() {
        assert_eq!(parse_interval("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_interval("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_interval("2.5"), Ok(Duration::from_millis(2500)));
        for bad in ["0", "-1", "abc", "", "NaN", "inf", "86401"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_clock_waits_about_one_interval() {
        let mut clock = Clock::new(Duration::from_millis(20));
        let first = clock.wait();
        let second = clock.wait();
        // A fixed schedule: the second sample is due 40 ms after the start,
        // however late the first one came.
        assert!(first >= Duration::from_millis(20), "{first:?}");
        assert!(first + second >= Duration::from_millis(40), "{second:?}");
        assert!(first + second < Duration::from_secs(10));
    }
}
