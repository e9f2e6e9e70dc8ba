// SPDX-License-Identifier: GPL-2.0

//! SVM's tagged-TLB operations (APM vol. 2, 15.16 "TLB Control", INVLPGA)
//! as mapping ops.

use super::map::{HostFlush, TagMap, TagOp};

/// What VMRUN with vmcb12's `asid` and `tlb_control` does to L2's tags:
/// the flush TLB_CONTROL asks for, then L2 runs on `asid`'s host tag.
/// 00h: nothing; 01h: every ASID (the map's; L1's own is KVM's to flush);
/// 03h: this guest's ASID; 07h: its non-global translations. Other values
/// are reserved: treated as 01h, as flushing more is always allowed.
pub fn vmrun(asid: u32, tlb_control: u8) -> [Option<TagOp>; 2] {
    let flush = match tlb_control {
        0x00 => None,
        0x03 => Some(TagOp::InvalidateTag(asid)),
        0x07 => Some(TagOp::InvalidateTagNonGlobal(asid)),
        _ => Some(TagOp::InvalidateAll),
    };
    [flush, Some(TagOp::Enter(asid))]
}

/// INVLPGA `addr`, `asid` executed by L1: that ASID's translations of
/// `addr`. ASID 0 is L1's own, outside the map.
pub fn invlpga(asid: u32, addr: u64) -> Option<TagOp> {
    (asid != 0).then_some(TagOp::InvalidateAddr(asid, addr))
}

/// What the kernel does at a nested entry of an L1 that runs L2 on vmcb12
/// ASID `asid` with `tlb_control`: the host tag L2 runs on, and the host
/// tags to flush first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The host tag L2 runs on.
    pub slot: usize,
    /// Bit `s`: flush host tag `s` in full before L2 runs. The kernel
    /// flushes a host tag by giving it a fresh host ASID, so an address or
    /// non-global flush becomes a full one: more than asked, which the
    /// architecture always allows.
    pub flush: u32,
    /// Whether mapping `asid` evicted another L1 ASID.
    pub evicted: bool,
    /// Host tags mapped after the entry.
    pub in_use: usize,
}

/// Applies a nested entry (VMRUN, or a return into guest mode) to `map`,
/// which uses `capacity` host tags: a map of another capacity (zeroed
/// bytes, the kernel's first use) starts empty with this one.
pub fn entry<const N: usize>(
    map: &mut TagMap<N>,
    capacity: usize,
    asid: u32,
    tlb_control: u8,
) -> Entry {
    if map.capacity() != capacity.clamp(1, N) {
        map.set_capacity(capacity);
    }
    let evictions = map.evictions();
    let mut flush = 0u32;
    let mut slot = 0;
    for op in vmrun(asid, tlb_control).into_iter().flatten() {
        let ran = map.apply(op, |f| {
            let (HostFlush::Tag(s) | HostFlush::Addr(s, _) | HostFlush::NonGlobal(s)) = f;
            flush |= 1u32.checked_shl(s as u32).unwrap_or(0);
        });
        if let Some(s) = ran {
            slot = s;
        }
    }
    Entry {
        slot,
        flush,
        evicted: map.evictions() != evictions,
        in_use: map.in_use(),
    }
}
