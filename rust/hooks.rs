// SPDX-License-Identifier: GPL-2.0

//! The callbacks the hooked vendor module calls.

use crate::{
    hooks_abi::{
        NestvirtEntry,
        NestvirtHookOps,
        NestvirtVerdict, //
    },
    stats::{
        Stats,
        STATS, //
    },
};

/// The ops nestvirt attaches; 'static as the hook ABI requires.
pub(crate) static HOOK_OPS: NestvirtHookOps = NestvirtHookOps {
    nested_entry: Some(nested_entry),
};

/// `nestvirt_hook_ops.nested_entry`: one nested entry.
///
/// # Safety
///
/// `entry` points at a valid `struct nestvirt_entry` and `verdict` at a
/// zeroed, writable `struct nestvirt_verdict`, both live for the call (the
/// vendor module's glue passes its locals).
unsafe extern "C" fn nested_entry(entry: *const NestvirtEntry, _verdict: *mut NestvirtVerdict) {
    // SAFETY: By the function's safety requirements `entry` is valid.
    let entry = unsafe { &*entry };
    Stats::bump(&STATS.nested_entries);
    if entry.kvm_verdict != 0 {
        Stats::bump(&STATS.kvm_rejected);
    }
    if entry.state.is_null() || entry.state_size == 0 {
        Stats::bump(&STATS.state_missing);
    }
    // Validation comes with the rule wiring: until then the verdict stays
    // NESTVIRT_VERDICT_ALLOW (zeroed by the caller) and KVM decides.
}
