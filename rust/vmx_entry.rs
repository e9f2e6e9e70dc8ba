// SPDX-License-Identifier: GPL-2.0

//! The VMX checks on a nested entry, as the hook sees it: the engine
//! decides ([`check_vmx_entry`], [`EntryFailure::combine`]), this reads
//! what the glue passed, counts, traces and fills the verdict.

use crate::{
    engine::{
        rule::Rule,
        vmx::{
            check_vmx_entry,
            EntryFailure,
            Vmcs12,
            VmxClass,
            VmxMemo,
            VmxRule,
            EXIT_REASON_INVALID_STATE, //
        },
    },
    hooks,
    hooks_abi::{
        NestvirtEntry,
        NestvirtVerdict,
        NESTVIRT_VERDICT_FAIL,
        NESTVIRT_VMX_MEMO_BYTES, //
    },
    policy::Policy,
    stats::{
        Stats,
        STATS, //
    },
};

/// The modes and counters of the VMX catalogue.
pub(crate) type VmxPolicy = Policy<{ VmxClass::ALL.len() }, { VmxRule::COUNT }>;

/// Modes and counters of the VMX catalogue.
pub(crate) static VMX_POLICY: VmxPolicy = Policy::new();

/// The ABI number of a class (`NESTVIRT_VMX_CLASS_*`): its place in
/// `VmxClass::ALL`.
pub(crate) fn class_index(class: VmxClass) -> usize {
    class as usize
}

/// What nestvirt keeps in the glue's per-vCPU memo scratch: the policy
/// generation it was written under, then the engine's memo.
#[repr(C)]
struct MemoSlot {
    gen: u64,
    memo: VmxMemo,
}

const _: () = assert!(
    core::mem::size_of::<MemoSlot>() <= NESTVIRT_VMX_MEMO_BYTES
        && core::mem::align_of::<MemoSlot>() <= 8
);

/// The memo of this entry's vCPU, fresh when the scratch holds none written
/// under the current generation; `None` when the glue has no scratch (the
/// check is then a full one).
fn memo(entry: &NestvirtEntry) -> Option<&mut VmxMemo> {
    let (scratch, gen) = entry.vmx_memo()?;
    let slot = scratch.cast::<MemoSlot>().as_ptr();
    // SAFETY: `scratch` is `NESTVIRT_VMX_MEMO_BYTES` bytes, 8-byte aligned
    // (hook ABI), which holds a `MemoSlot` (size and alignment asserted
    // above). Only this hook uses it, for its own vCPU, and KVM runs one
    // nested entry of a vCPU at a time (the vCPU's thread, under its
    // mutex), so nothing else accesses it during the call. `gen` is read
    // as a plain integer, valid for any bits (zeroed at allocation).
    let current = unsafe { core::ptr::addr_of!((*slot).gen).read() } == gen;
    if !current {
        // SAFETY: As above; the write replaces whatever another generation
        // (or another build of nestvirt.ko) left without reading it.
        unsafe {
            slot.write(MemoSlot {
                gen,
                memo: VmxMemo::new(),
            })
        };
    }
    // SAFETY: The slot now holds a `MemoSlot` this build wrote under `gen`;
    // the exclusive borrow ends with the hook call (see above).
    Some(unsafe { &mut (*slot).memo })
}

/// Checks the vmcs12 of one VMLAUNCH/VMRESUME (or restored guest mode) and
/// fills the verdict: the failure the entry ends with when nestvirt
/// enforces one, KVM's VM-instruction error (`kvm_verdict`) taken into
/// account. Returns whether the check was clean.
pub(crate) fn check(entry: &NestvirtEntry, state: &[u8], verdict: &mut NestvirtVerdict) -> bool {
    let Some(env) = entry.vmx_env() else {
        Stats::bump(&STATS.state_missing);
        hooks::fail_closed(entry, verdict);
        return false;
    };
    if state.len() != Vmcs12::SIZE {
        Stats::bump(&STATS.state_missing);
        hooks::fail_closed(entry, verdict);
        return false;
    }
    // SAFETY: `state` is `Vmcs12::SIZE` readable bytes (checked above);
    // `Vmcs12` is `repr(transparent)` over `[u8; Vmcs12::SIZE]`, alignment
    // 1, and any content is a valid `Vmcs12`. KVM does not change its
    // cached vmcs12 during the hook call, which the borrow of `state`
    // spans.
    let vmcs = unsafe { &*state.as_ptr().cast::<Vmcs12>() };
    let modes = VMX_POLICY.modes();
    if !modes.any_on() {
        return true;
    }
    let (caps, ctx) = (env.caps(), env.context());
    // The memo re-runs only the checks that read a changed field; its
    // outcome is the full check's (the engine's tests prove it).
    let outcome = match memo(entry) {
        Some(memo) => memo.check(vmcs, &caps, &ctx, modes),
        None => check_vmx_entry(vmcs, &caps, &ctx, modes),
    };
    VMX_POLICY.record(&outcome, entry.backend, entry.vcpu_id, entry.state_gpa);
    let Some(rule) = outcome.enforced else {
        return outcome.counted.is_empty();
    };
    let ours = EntryFailure::of(rule.info().consequence);
    let kvm = entry.kvm_verdict;
    let Some(failure) = EntryFailure::combine(kvm, ours) else {
        return false;
    };
    verdict.action = NESTVIRT_VERDICT_FAIL;
    verdict.rule = u32::try_from(rule.index()).unwrap_or(u32::MAX);
    match failure {
        EntryFailure::VmFail(error) => verdict.vm_instruction_error = error,
        EntryFailure::InvalidGuestState(qualification) => {
            verdict.exit_reason = EXIT_REASON_INVALID_STATE;
            verdict.exit_qualification = qualification.into();
        }
    }
    // Counted when nestvirt's failure, not KVM's, is what the entry ends with.
    if kvm == 0 || failure != EntryFailure::VmFail(kvm) {
        Stats::bump(&STATS.nestvirt_rejected);
    }
    false
}
