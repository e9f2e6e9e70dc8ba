// SPDX-License-Identifier: GPL-2.0

//! The mapping of L1 tags to host tags, with LRU eviction.

/// One operation of L1 on its tagged translations, in the vendor-neutral
/// terms of the mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagOp {
    /// L2 runs with L1 tag `tag` (a VM entry, a VMRUN).
    Enter(u32),
    /// Invalidate `tag`'s translations of linear address `addr`.
    InvalidateAddr(u32, u64),
    /// Invalidate all of `tag`'s translations.
    InvalidateTag(u32),
    /// Invalidate `tag`'s translations but the global ones.
    InvalidateTagNonGlobal(u32),
    /// Invalidate the translations of every L1 tag (all contexts; or
    /// translations tagged with something every tag shares, as INVEPT's
    /// EPTP).
    InvalidateAll,
}

/// What the kernel must do to a host tag before L2 runs on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostFlush {
    /// Flush every translation of host tag `slot`.
    Tag(usize),
    /// Flush host tag `slot`'s translations of `addr`.
    Addr(usize, u64),
    /// Flush host tag `slot`'s non-global translations.
    NonGlobal(usize),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Slot {
    /// The L1 tag mapped here.
    l1: Option<u32>,
    /// The clock of its last [`TagOp::Enter`], for LRU.
    used: u64,
}

/// One vCPU's map of up to `N` L1 tags to host tags `0..N` (indexes into
/// the vCPU's host-tag pool). A host tag whose L1 tag is evicted is
/// flushed before it serves another.
#[derive(Clone, Debug)]
pub struct TagMap<const N: usize> {
    slots: [Slot; N],
    clock: u64,
    evictions: u64,
}

impl<const N: usize> Default for TagMap<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TagMap<N> {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            slots: [Slot { l1: None, used: 0 }; N],
            clock: 0,
            evictions: 0,
        }
    }

    /// The host tag `l1` is mapped to.
    pub fn slot_of(&self, l1: u32) -> Option<usize> {
        self.slots.iter().position(|s| s.l1 == Some(l1))
    }

    /// The L1 tag mapped to host tag `slot`.
    pub fn l1_of(&self, slot: usize) -> Option<u32> {
        self.slots.get(slot).and_then(|s| s.l1)
    }

    /// How many host tags are mapped.
    pub fn in_use(&self) -> usize {
        self.slots.iter().filter(|s| s.l1.is_some()).count()
    }

    /// How many L1 tags were evicted so far.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Applies `op`; calls `flush` with each host flush it needs, in order,
    /// and returns the host tag L2 runs on for [`TagOp::Enter`].
    pub fn apply(&mut self, op: TagOp, mut flush: impl FnMut(HostFlush)) -> Option<usize> {
        match op {
            TagOp::Enter(tag) => Some(self.enter(tag, &mut flush)),
            TagOp::InvalidateAddr(tag, addr) => {
                // An unmapped tag has no translation in any host tag: every
                // host tag is flushed before it serves a newly mapped one.
                if let Some(s) = self.slot_of(tag) {
                    flush(HostFlush::Addr(s, addr));
                }
                None
            }
            TagOp::InvalidateTag(tag) => {
                if let Some(s) = self.slot_of(tag) {
                    flush(HostFlush::Tag(s));
                }
                None
            }
            TagOp::InvalidateTagNonGlobal(tag) => {
                if let Some(s) = self.slot_of(tag) {
                    flush(HostFlush::NonGlobal(s));
                }
                None
            }
            TagOp::InvalidateAll => {
                for (s, slot) in self.slots.iter().enumerate() {
                    if slot.l1.is_some() {
                        flush(HostFlush::Tag(s));
                    }
                }
                None
            }
        }
    }

    fn enter(&mut self, tag: u32, flush: &mut impl FnMut(HostFlush)) -> usize {
        self.clock += 1;
        if let Some(s) = self.slot_of(tag) {
            if let Some(slot) = self.slots.get_mut(s) {
                slot.used = self.clock;
            }
            return s;
        }
        // A free host tag, else the least recently used one.
        let s = self
            .slots
            .iter()
            .position(|s| s.l1.is_none())
            .or_else(|| {
                self.slots
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, s)| s.used)
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        if let Some(slot) = self.slots.get_mut(s) {
            if slot.l1.is_some() {
                self.evictions += 1;
            }
            *slot = Slot {
                l1: Some(tag),
                used: self.clock,
            };
        }
        // Whatever it held (another tag's translations, or translations of
        // this tag from before an eviction) must not serve `tag` now.
        flush(HostFlush::Tag(s));
        s
    }

    /// Unmaps every L1 tag (vCPU destroyed, nestvirt detached) and returns
    /// the host tags that were in use, for the pool.
    pub fn release(&mut self, mut give_back: impl FnMut(usize)) {
        for (s, slot) in self.slots.iter_mut().enumerate() {
            if slot.l1.take().is_some() {
                give_back(s);
            }
        }
    }
}
