// SPDX-License-Identifier: GPL-2.0

//! The ASID mapping on SVM (Documentation/nestvirt/tags.rst): the
//! `tags_entry` hook runs the engine's map (`engine::tags`) on the bytes
//! the vendor glue keeps per vCPU, and says which host tag L2 runs on and
//! which host tags to flush. The glue turns that into host ASIDs.

use crate::{
    engine::tags::{
        svm,
        TagMap, //
    },
    hooks_abi::{
        NestvirtTagsCall,
        NESTVIRT_TAGS_MAX,
        NESTVIRT_TAGS_OFF,
        NESTVIRT_TAG_MAP_BYTES, //
    },
};
use core::mem::{
    align_of,
    size_of, //
};

extern "C" {
    fn nestvirt_param_tags() -> u32;
}

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

/// `nestvirt_hook_ops.tags_entry`: an entry into guest mode of an SVM vCPU.
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
    if capacity == 0 || call.map.is_null() {
        call.slot = NESTVIRT_TAGS_OFF;
        return;
    }
    // SAFETY: By the function's safety requirements `map` points at
    // `size_of::<Map>()` bytes (asserted above), aligned for `Map`, which
    // nothing else accesses during the call. `Map` is `repr(C)` of
    // integers only, so whatever bytes are there are a valid `Map`.
    let map = unsafe { &mut *call.map.cast::<Map>() };
    // A TLB_CONTROL past u8 is reserved: the engine flushes all for it.
    let tlb_control = u8::try_from(call.tlb_control).unwrap_or(u8::MAX);
    let entry = svm::entry(map, capacity, call.l1_tag, tlb_control);
    call.slot = u32::try_from(entry.slot).unwrap_or(NESTVIRT_TAGS_OFF);
    call.flush = entry.flush;
    call.in_use = u32::try_from(entry.in_use).unwrap_or(u32::MAX);
    call.evicted = u32::from(entry.evicted);
}
