// SPDX-License-Identifier: GPL-2.0

//! The VPID/ASID mapping (Documentation/nestvirt/tags.rst): the
//! `tags_entry` hook runs the engine's map (`engine::tags`) on the bytes
//! the vendor glue keeps per vCPU, and says which host tag L2 runs on and
//! which host tags to flush. The glue turns host tags into host ASIDs
//! (kvm-amd) or VPIDs (kvm-intel).

use crate::{
    engine::tags::{
        svm,
        vmx::{
            self,
            Invvpid, //
        },
        Decision,
        TagMap, //
    },
    hooks_abi::{
        NestvirtTagsCall,
        NESTVIRT_TAGS_MAX,
        NESTVIRT_TAGS_OFF,
        NESTVIRT_TAGS_SVM_ENTRY,
        NESTVIRT_TAGS_VMX_ENTRY,
        NESTVIRT_TAGS_VMX_INVVPID,
        NESTVIRT_TAG_MAP_BYTES, //
    },
};
use core::mem::{
    align_of,
    size_of, //
};

extern "C" {
    fn nestvirt_param_tags() -> u32;
    fn nestvirt_param_tags_break_flush() -> bool;
}

/// `slot` for an operation that runs L2 on no host tag (an invalidation, or
/// one nestvirt cannot decide): any value past the last host tag.
const NO_SLOT: u32 = NESTVIRT_TAGS_MAX as u32;

/// A vCPU's map as the glue keeps it.
type Map = TagMap<NESTVIRT_TAGS_MAX>;

// The glue keeps NESTVIRT_TAG_MAP_BYTES, 8-byte aligned, per vCPU.
const _: () = {
    assert!(size_of::<Map>() == NESTVIRT_TAG_MAP_BYTES);
    assert!(align_of::<Map>() <= 8);
};

/// The `tags` module parameter: host tags per vCPU, 0 (off) to 16. Declared
/// in C (param/nestvirt_param.c), which validates it before `init` runs.
pub(crate) fn capacity() -> usize {
    // SAFETY: `nestvirt_param_tags` takes nothing and reads a plain integer
    // that the parameter parser wrote before the module's init ran.
    let raw = unsafe { nestvirt_param_tags() };
    usize::try_from(raw).unwrap_or(0).min(NESTVIRT_TAGS_MAX)
}

/// The `tags_break_flush` parameter (testing only): skip every flush the
/// mapping owes, so that the staleness test can show it catches that.
fn break_flush() -> bool {
    // SAFETY: `nestvirt_param_tags_break_flush` takes nothing and reads a
    // plain bool that the parameter parser wrote before init ran.
    unsafe { nestvirt_param_tags_break_flush() }
}

/// The decision for `call`, on `map` using `capacity` host tags.
fn decide(call: &NestvirtTagsCall, map: &mut Map, capacity: usize) -> Option<Decision> {
    match call.op {
        NESTVIRT_TAGS_SVM_ENTRY => {
            // A TLB_CONTROL past u8 is reserved: the engine flushes all.
            let tlb_control = u8::try_from(call.arg).unwrap_or(u8::MAX);
            Some(svm::entry(map, capacity, call.l1_tag, tlb_control))
        }
        NESTVIRT_TAGS_VMX_ENTRY => {
            let vpid12 = u16::try_from(call.l1_tag).ok().filter(|&v| v != 0)?;
            Some(vmx::vm_entry(map, capacity, vpid12))
        }
        NESTVIRT_TAGS_VMX_INVVPID => {
            // The address does not matter: the glue flushes whole host
            // tags. An INVVPID the glue could not name flushes them all.
            let op = Invvpid::from_type(call.arg, call.l1_tag, 0).unwrap_or(Invvpid::AllContext);
            Some(vmx::invvpid_decision(map, capacity, op))
        }
        _ => None,
    }
}

/// `nestvirt_hook_ops.tags_entry`: a guest operation on a vCPU's tags.
///
/// # Safety
///
/// `call` points at a valid, writable `struct nestvirt_tags_call` for the
/// call, whose `map` is null or points at `NESTVIRT_TAG_MAP_BYTES` bytes,
/// 8-byte aligned, of the vCPU's glue state, which nothing else reads or
/// writes during the call (the glue calls this on the vCPU's thread only).
pub(crate) unsafe extern "C" fn tags_entry(call: *mut NestvirtTagsCall) {
    // SAFETY: By the function's safety requirements `call` is valid,
    // writable and not aliased for the call.
    let call = unsafe { &mut *call };
    let capacity = capacity();
    call.slot = NESTVIRT_TAGS_OFF;
    if capacity == 0 || call.map.is_null() {
        return;
    }
    // SAFETY: By the function's safety requirements `map` points at
    // `size_of::<Map>()` bytes (asserted above), aligned for `Map`, which
    // nothing else accesses during the call. `Map` is `repr(C)` of
    // integers only, so whatever bytes are there are a valid `Map`.
    let map = unsafe { &mut *call.map.cast::<Map>() };
    if call.fresh != 0 {
        map.set_capacity(capacity);
    }
    let Some(decision) = decide(call, map, capacity) else {
        // An operation this nestvirt cannot decide (the glue never asks
        // one): no host tag, so the glue lets KVM flush as it does
        // without the mapping, for this operation only (OFF would turn
        // the mapping off until the next attach).
        call.slot = NO_SLOT;
        return;
    };
    call.slot = decision
        .slot
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(NO_SLOT);
    call.flush = if break_flush() { 0 } else { decision.flush };
    call.in_use = u32::try_from(decision.in_use).unwrap_or(u32::MAX);
    call.evicted = u32::from(decision.evicted);
}
