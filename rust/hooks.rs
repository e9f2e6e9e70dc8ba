// SPDX-License-Identifier: GPL-2.0

//! The callbacks the hooked vendor module calls.

use crate::{
    attach::Backend,
    engine::vmx::VMXERR_INVALID_CONTROL,
    hooks_abi::{
        NestvirtEntry,
        NestvirtHookOps,
        NestvirtMsrEntry,
        NestvirtVerdict,
        NESTVIRT_BACKEND_SVM,
        NESTVIRT_BACKEND_VMX,
        NESTVIRT_ENTRY_RSM,
        NESTVIRT_ENTRY_SET_STATE,
        NESTVIRT_ENTRY_VMCB02,
        NESTVIRT_ENTRY_VMRUN,
        NESTVIRT_VERDICT_FAIL,
        NESTVIRT_VERDICT_F_REPLAYABLE, //
    },
    stats::{
        Stats,
        STATS, //
    },
    svm_entry,
    tags,
    vmx_entry,
    vmx_msr_list,
    ATTACHED, //
};

/// The ops nestvirt attaches; 'static as the hook ABI requires.
pub(crate) static HOOK_OPS: NestvirtHookOps = NestvirtHookOps {
    nested_entry: Some(nested_entry),
    msr_entry: Some(msr_entry),
    checking: Some(checking),
    tags_entry: Some(tags::tags_entry),
    mapping: Some(mapping),
};

/// `nestvirt_hook_ops.mapping`: whether the VPID/ASID mapping is on
/// (`tags` > 0), on either backend.
extern "C" fn mapping() -> bool {
    tags::capacity() > 0
}

/// `nestvirt_hook_ops.checking`: whether some class of the attached
/// backend's catalogue is not off, or the VPID/ASID mapping is on. Before
/// nestvirt knows its backend (the glue asks during attach) it says yes;
/// init asks the glue again once it does
/// ([`crate::attach::TargetCalls::policy_changed`]).
extern "C" fn checking() -> bool {
    match ATTACHED.as_ref().map(|a| a.backend) {
        Some(Backend::Svm) => svm_entry::SVM_POLICY.modes().any_on() || tags::capacity() > 0,
        Some(Backend::Vmx) => vmx_entry::VMX_POLICY.modes().any_on() || tags::capacity() > 0,
        None => true,
    }
}

/// `nestvirt_hook_ops.nested_entry`: one nested entry.
///
/// # Safety
///
/// `entry` points at a valid `struct nestvirt_entry` and `verdict` at a
/// zeroed, writable `struct nestvirt_verdict`, both live for the call (the
/// vendor module's glue passes its locals).
unsafe extern "C" fn nested_entry(entry: *const NestvirtEntry, verdict: *mut NestvirtVerdict) {
    // SAFETY: By the function's safety requirements `entry` is valid.
    let entry = unsafe { &*entry };
    // SAFETY: By the function's safety requirements `verdict` is valid,
    // writable and not aliased for the call.
    let verdict = unsafe { &mut *verdict };
    // vmcb02's check is the second half of an entry already counted.
    let vmcb02 = entry.source == NESTVIRT_ENTRY_VMCB02;
    match entry.source {
        NESTVIRT_ENTRY_VMCB02 => Stats::bump(&STATS.vmcb02_checks),
        NESTVIRT_ENTRY_RSM => Stats::bump(&STATS.rsm_entries),
        NESTVIRT_ENTRY_SET_STATE => Stats::bump(&STATS.set_state_entries),
        _ => {}
    }
    if !vmcb02 {
        Stats::bump(&STATS.nested_entries);
    }
    if entry.kvm_verdict != 0 {
        Stats::bump(&STATS.kvm_rejected);
    }
    if entry.state.is_null() || entry.state_size == 0 {
        if !vmcb02 {
            Stats::bump(&STATS.state_missing);
        }
        fail_closed(entry, verdict);
        return;
    }
    // SAFETY: A non-null `state` points at `state_size` readable bytes that
    // KVM owns and does not change during the call (its own vmcb12 copy, or
    // its cached vmcs12), per the hook ABI.
    let state =
        unsafe { core::slice::from_raw_parts(entry.state.cast::<u8>(), entry.state_size as usize) };
    let clean = match entry.backend {
        NESTVIRT_BACKEND_SVM if vmcb02 => svm_entry::check_vmcb02(entry, state, verdict),
        NESTVIRT_BACKEND_SVM => svm_entry::check(entry, state, verdict),
        NESTVIRT_BACKEND_VMX => vmx_entry::check(entry, state, verdict),
        _ => false,
    };
    if clean && replays_count_alike(entry) {
        verdict.flags |= NESTVIRT_VERDICT_F_REPLAYABLE;
    }
}

/// Whether the glue, replaying this entry's verdict, counts what this call
/// counted: one VMRUN KVM accepted (`nested_entries`), or one vmcb02 check.
/// The other sources and KVM's rejections bump counters of their own.
fn replays_count_alike(entry: &NestvirtEntry) -> bool {
    entry.kvm_verdict == 0 && matches!(entry.source, NESTVIRT_ENTRY_VMRUN | NESTVIRT_ENTRY_VMCB02)
}

/// `nestvirt_hook_ops.msr_entry`: one entry of a VMX MSR list.
///
/// # Safety
///
/// `entry` points at a valid `struct nestvirt_msr_entry` and `verdict` at a
/// zeroed, writable `struct nestvirt_verdict`, both live for the call (the
/// vendor module's glue passes its locals).
unsafe extern "C" fn msr_entry(entry: *const NestvirtMsrEntry, verdict: *mut NestvirtVerdict) {
    // SAFETY: By the function's safety requirements `entry` is valid.
    let entry = unsafe { &*entry };
    // SAFETY: By the function's safety requirements `verdict` is valid,
    // writable and not aliased for the call.
    let verdict = unsafe { &mut *verdict };
    vmx_msr_list::check(entry, verdict);
}

/// An entry nestvirt cannot check (the glue gave it no copy of the state,
/// e.g. after a failed allocation): with any class of the backend in
/// enforce mode it fails, the way the backend fails its own checks (SVM
/// `VMEXIT_INVALID`, VMX VMfailValid 7 unless KVM failed it already), so
/// enforcement never silently turns off. In audit or off, KVM decides.
pub(crate) fn fail_closed(entry: &NestvirtEntry, verdict: &mut NestvirtVerdict) {
    let enforced = match entry.backend {
        NESTVIRT_BACKEND_SVM => svm_entry::SVM_POLICY.modes().any_enforced(),
        NESTVIRT_BACKEND_VMX => vmx_entry::VMX_POLICY.modes().any_enforced(),
        _ => false,
    };
    if !enforced {
        return;
    }
    verdict.action = NESTVIRT_VERDICT_FAIL;
    // No rule failed: the entry was not checked.
    verdict.rule = u32::MAX;
    if entry.backend == NESTVIRT_BACKEND_VMX {
        verdict.vm_instruction_error = match entry.kvm_verdict {
            0 => VMXERR_INVALID_CONTROL,
            kvm => kvm,
        };
    }
    Stats::bump(&STATS.nestvirt_rejected);
}
