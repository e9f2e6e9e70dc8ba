// SPDX-License-Identifier: GPL-2.0

//! VMX's tagged-TLB operations (SDM 29.4 "Maintenance of TLBs and Paging-
//! Structure Caches", 31.3 INVVPID/INVEPT) as mapping ops.

use super::map::{Decision, TagMap, TagOp};

/// INVVPID, by type (SDM 31.3, "INVVPID").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invvpid {
    /// Type 0: `vpid`'s translations of `addr`.
    IndividualAddress { vpid: u16, addr: u64 },
    /// Type 1: all of `vpid`'s translations.
    SingleContext { vpid: u16 },
    /// Type 2: the translations of every VPID but 0.
    AllContext,
    /// Type 3: `vpid`'s translations but the global ones.
    SingleContextRetainingGlobals { vpid: u16 },
}

impl Invvpid {
    /// INVVPID of type `kind` (SDM 31.3: 0 individual-address, 1 single-
    /// context, 2 all-context, 3 single-context-retaining-globals) with
    /// the descriptor's `vpid` and linear address `addr`; `None` for a
    /// reserved type or a VPID past 16 bits (INVVPID fails on those).
    pub fn from_type(kind: u32, vpid: u32, addr: u64) -> Option<Self> {
        let vpid = u16::try_from(vpid).ok()?;
        Some(match kind {
            0 => Self::IndividualAddress { vpid, addr },
            1 => Self::SingleContext { vpid },
            2 => Self::AllContext,
            3 => Self::SingleContextRetainingGlobals { vpid },
            _ => return None,
        })
    }
}

/// What an INVVPID executed by L1 does to L2's tags. Types 0, 1 and 3 with
/// VPID 0 fail (VMfailValid) and invalidate nothing; VPID 0's translations
/// are L1's own, which are not in the map.
pub fn invvpid(op: Invvpid) -> Option<TagOp> {
    match op {
        Invvpid::IndividualAddress { vpid: 0, .. }
        | Invvpid::SingleContext { vpid: 0 }
        | Invvpid::SingleContextRetainingGlobals { vpid: 0 } => None,
        Invvpid::IndividualAddress { vpid, addr } => {
            Some(TagOp::InvalidateAddr(u32::from(vpid), addr))
        }
        Invvpid::SingleContext { vpid } => Some(TagOp::InvalidateTag(u32::from(vpid))),
        Invvpid::SingleContextRetainingGlobals { vpid } => {
            Some(TagOp::InvalidateTagNonGlobal(u32::from(vpid)))
        }
        Invvpid::AllContext => Some(TagOp::InvalidateAll),
    }
}

/// INVEPT (single-context or all-context): combined mappings are tagged by
/// VPID and EPTP, so the translations it invalidates may sit under every
/// VPID: every host tag of the map.
pub fn invept() -> TagOp {
    TagOp::InvalidateAll
}

/// A VM entry to L2: with "enable VPID" and a VPID other than 0, L2 runs
/// on that VPID's host tag; otherwise (SDM 29.4.3: VM entries and exits
/// then invalidate the mappings of VPID 0) it runs untagged, outside the
/// map, flushed as KVM flushes it today.
pub fn entry(enable_vpid: bool, vpid12: u16) -> Option<TagOp> {
    (enable_vpid && vpid12 != 0).then_some(TagOp::Enter(u32::from(vpid12)))
}

/// What the kernel does at a VM entry of L1's L2 with "enable VPID" and
/// VPID `vpid12` (not 0), on `map` using `capacity` host tags: the host
/// tag (a VPID of L0's) L2 runs on, and the host tags to flush first.
pub fn vm_entry<const N: usize>(map: &mut TagMap<N>, capacity: usize, vpid12: u16) -> Decision {
    map.decide(capacity, entry(true, vpid12))
}

/// What the kernel does for an INVVPID L1 executed (`op`, checked by KVM
/// as the SDM says), on `map` using `capacity` host tags: the host tags to
/// flush.
pub fn invvpid_decision<const N: usize>(
    map: &mut TagMap<N>,
    capacity: usize,
    op: Invvpid,
) -> Decision {
    map.decide(capacity, invvpid(op))
}
