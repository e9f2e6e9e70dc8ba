// SPDX-License-Identifier: GPL-2.0

//! SVM's tagged-TLB operations (APM vol. 2, 15.16 "TLB Control", INVLPGA)
//! as mapping ops.

use super::map::{Decision, TagMap, TagOp};

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

/// What the kernel does at a nested entry (VMRUN, or a return into guest
/// mode) of an L1 that runs L2 on vmcb12 ASID `asid` with `tlb_control`,
/// on `map` using `capacity` host tags.
pub fn entry<const N: usize>(
    map: &mut TagMap<N>,
    capacity: usize,
    asid: u32,
    tlb_control: u8,
) -> Decision {
    map.decide(capacity, vmrun(asid, tlb_control).into_iter().flatten())
}
