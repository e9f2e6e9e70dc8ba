// SPDX-License-Identifier: GPL-2.0

//! Per-class modes and per-rule failure counters of a rule catalogue.
//!
//! Modes are read on every nested entry and written by `NESTVIRT_SET_MODE`:
//! they live packed in one word ([`ClassModes`]), so an entry reads them all
//! with one load and a change to every class is one store. Counters are
//! bumped by the hooks and read by `NESTVIRT_GET_RULE`; each stands alone,
//! so relaxed atomics are enough and no lock is taken on the entry path.

use crate::{
    engine::rule::{
        ClassModes,
        Mode,
        Outcome,
        Rule, //
    },
    trace,
};
use kernel::{
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

/// The modes and counters of one catalogue with `CLASSES` classes and
/// `RULES` rules.
pub(crate) struct Policy<const CLASSES: usize, const RULES: usize> {
    modes: Atomic<u64>,
    failures: [Atomic<u64>; RULES],
}

impl<const CLASSES: usize, const RULES: usize> Policy<CLASSES, RULES> {
    const FITS: () = assert!(CLASSES <= ClassModes::MAX_CLASSES);

    /// Every class in audit mode, every counter at zero.
    pub(crate) const fn new() -> Self {
        let () = Self::FITS;
        Self {
            modes: Atomic::new(ClassModes::uniform(Mode::Audit, CLASSES).0),
            failures: [const { Atomic::new(0) }; RULES],
        }
    }

    /// The modes of every class, read once.
    pub(crate) fn modes(&self) -> ClassModes {
        ClassModes(self.modes.load(Relaxed))
    }

    /// The mode of class `class` (its ABI number); `None` for no such class.
    pub(crate) fn mode(&self, class: usize) -> Option<Mode> {
        (class < CLASSES).then(|| self.modes().get(class))
    }

    /// Sets the mode of class `class`, or of every class for `None`.
    pub(crate) fn set_mode(&self, class: Option<usize>, mode: Mode) -> Result {
        let Some(class) = class else {
            self.set_modes(ClassModes::uniform(mode, CLASSES));
            return Ok(());
        };
        if class >= CLASSES {
            return Err(EINVAL);
        }
        let mut old = self.modes.load(Relaxed);
        loop {
            let new = ClassModes(old).with(class, mode).ok_or(EINVAL)?;
            match self.modes.cmpxchg(old, new.0, Relaxed) {
                Ok(_) => return Ok(()),
                // Another class changed meanwhile: apply ours to that.
                Err(current) => old = current,
            }
        }
    }

    /// Sets the mode of every class at once (the load-time modes).
    pub(crate) fn set_modes(&self, modes: ClassModes) {
        self.modes.store(modes.0, Relaxed);
    }

    /// Counts one failure of `rule`.
    pub(crate) fn count<R: Rule>(&self, rule: R) {
        if let Some(counter) = self.failures.get(rule.index()) {
            counter.add(1, Relaxed);
        }
    }

    /// Counts and traces every counted failure of one check, of
    /// `backend`'s vCPU `vcpu_id`, at `gpa` (the vmcb12/vmcs12, or an MSR
    /// list).
    pub(crate) fn record<R: Rule>(
        &self,
        outcome: &Outcome<R>,
        backend: u32,
        vcpu_id: u32,
        gpa: u64,
    ) {
        for rule in outcome.counted.iter() {
            self.count(rule);
            trace::rule_failed(
                backend,
                vcpu_id,
                gpa,
                rule.index(),
                rule.info().id,
                outcome.enforced == Some(rule),
            );
        }
    }

    /// Failures of the rule with index `index`.
    pub(crate) fn failures(&self, index: usize) -> Option<u64> {
        self.failures.get(index).map(|c| c.load(Relaxed))
    }
}
