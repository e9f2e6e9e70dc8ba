// SPDX-License-Identifier: GPL-2.0

//! Per-class modes and per-rule failure counters of a rule catalogue.
//!
//! Modes are read on every nested entry and written by `NESTVIRT_SET_MODE`;
//! counters are bumped by the hooks and read by `NESTVIRT_GET_RULE`. Each
//! value stands alone (no reader needs two of them to agree), so relaxed
//! atomics are enough and no lock is taken on the entry path.

use crate::engine::rule::{
    Mode,
    Rule, //
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
    modes: [Atomic<u32>; CLASSES],
    failures: [Atomic<u64>; RULES],
}

impl<const CLASSES: usize, const RULES: usize> Policy<CLASSES, RULES> {
    /// Every class in audit mode, every counter at zero.
    pub(crate) const fn new() -> Self {
        Self {
            modes: [const { Atomic::new(Mode::Audit as u32) }; CLASSES],
            failures: [const { Atomic::new(0) }; RULES],
        }
    }

    /// The mode of class `class` (its ABI number); `None` for no such class.
    pub(crate) fn mode(&self, class: usize) -> Option<Mode> {
        self.modes
            .get(class)
            .and_then(|m| Mode::from_u32(m.load(Relaxed)))
    }

    /// Whether any class is evaluated at all.
    pub(crate) fn any_on(&self) -> bool {
        (0..CLASSES).any(|c| self.mode(c).is_some_and(|m| m != Mode::Off))
    }

    /// Sets the mode of class `class`, or of every class for `None`.
    pub(crate) fn set_mode(&self, class: Option<usize>, mode: Mode) -> Result {
        match class {
            None => self
                .modes
                .iter()
                .for_each(|m| m.store(mode as u32, Relaxed)),
            Some(c) => self.modes.get(c).ok_or(EINVAL)?.store(mode as u32, Relaxed),
        }
        Ok(())
    }

    /// Counts one failure of `rule`.
    pub(crate) fn count<R: Rule>(&self, rule: R) {
        if let Some(counter) = self.failures.get(rule.index()) {
            counter.add(1, Relaxed);
        }
    }

    /// Failures of the rule with index `index`.
    pub(crate) fn failures(&self, index: usize) -> Option<u64> {
        self.failures.get(index).map(|c| c.load(Relaxed))
    }
}
