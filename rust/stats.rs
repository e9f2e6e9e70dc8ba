// SPDX-License-Identifier: GPL-2.0

//! Counters of what the hooks saw, global to the module.
//!
//! Relaxed atomics: each counter is read on its own by `NESTVIRT_GET_INFO`;
//! no reader needs two counters to agree with each other.

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

/// What the hooks have seen since nestvirt was loaded.
pub(crate) struct Stats {
    /// Nested entries (VMRUN, VMLAUNCH, VMRESUME) seen.
    pub(crate) nested_entries: Atomic<u64>,
    /// Of those, entries KVM's own checks failed.
    pub(crate) kvm_rejected: Atomic<u64>,
    /// Of those, entries nestvirt failed in enforce mode.
    pub(crate) nestvirt_rejected: Atomic<u64>,
    /// Entries that came without a copy of vmcb12/vmcs12.
    pub(crate) state_missing: Atomic<u64>,
    /// Of the entries, returns from SMM into guest mode.
    pub(crate) rsm_entries: Atomic<u64>,
    /// Of the entries, `KVM_SET_NESTED_STATE` calls.
    pub(crate) set_state_entries: Atomic<u64>,
    /// SVM: checks of a vmcb02 KVM built (not entries of their own).
    pub(crate) vmcb02_checks: Atomic<u64>,
    /// `NESTVIRT_GET_STATE` calls that wrote a container.
    pub(crate) states_saved: Atomic<u64>,
    /// `NESTVIRT_SET_STATE` calls checked in full and applied by KVM.
    pub(crate) states_restored: Atomic<u64>,
    /// `NESTVIRT_SET_STATE` calls refused, by nestvirt or by KVM.
    pub(crate) states_refused: Atomic<u64>,
}

impl Stats {
    /// All counters at zero.
    pub(crate) const fn new() -> Self {
        Self {
            nested_entries: Atomic::new(0),
            kvm_rejected: Atomic::new(0),
            nestvirt_rejected: Atomic::new(0),
            state_missing: Atomic::new(0),
            rsm_entries: Atomic::new(0),
            set_state_entries: Atomic::new(0),
            vmcb02_checks: Atomic::new(0),
            states_saved: Atomic::new(0),
            states_restored: Atomic::new(0),
            states_refused: Atomic::new(0),
        }
    }

    /// Counts one event.
    pub(crate) fn bump(counter: &Atomic<u64>) {
        counter.add(1, Relaxed);
    }

    /// Reads one counter.
    pub(crate) fn read(counter: &Atomic<u64>) -> u64 {
        counter.load(Relaxed)
    }
}

/// The module's counters.
pub(crate) static STATS: Stats = Stats::new();
