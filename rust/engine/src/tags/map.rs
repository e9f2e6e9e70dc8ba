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

/// What the kernel does for one guest operation: the host tag L2 runs on
/// (for an entry) and the host tags to flush first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The host tag L2 runs on; `None` for an invalidation.
    pub slot: Option<usize>,
    /// Bit `s`: flush host tag `s` in full before L2 runs. The kernel
    /// flushes a whole tag, so an address or non-global flush becomes a
    /// full one: more than asked, which the architecture always allows.
    pub flush: u32,
    /// Whether an L1 tag was evicted.
    pub evicted: bool,
    /// Host tags mapped afterwards.
    pub in_use: usize,
}

/// One host tag. Plain integers, so that any bytes are a valid `Slot`:
/// the kernel keeps the map in zeroed memory the vendor glue owns.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Slot {
    /// The clock of its last [`TagOp::Enter`], for LRU.
    used: u64,
    /// The L1 tag mapped here, when `mapped` is not 0.
    l1: u32,
    mapped: u32,
}

impl Slot {
    fn l1(&self) -> Option<u32> {
        (self.mapped != 0).then_some(self.l1)
    }
}

/// One vCPU's map of up to `N` L1 tags to host tags `0..N` (indexes into
/// the vCPU's host tags), of which it uses the first `capacity`. A host
/// tag whose L1 tag is evicted is flushed before it serves another.
///
/// `#[repr(C)]` and integers only: all-zero bytes are an empty map of
/// capacity 0 (see [`TagMap::set_capacity`]), and no bytes are an invalid
/// one, so the kernel may keep it in memory it did not write itself.
#[repr(C)]
#[derive(Clone, Debug)]
pub struct TagMap<const N: usize> {
    slots: [Slot; N],
    clock: u64,
    evictions: u64,
    capacity: u32,
    reserved: u32,
}

impl<const N: usize> Default for TagMap<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TagMap<N> {
    /// An empty map using all `N` host tags.
    pub fn new() -> Self {
        Self::with_capacity(N)
    }

    /// An empty map using the first `capacity` host tags (at most `N`, at
    /// least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: [Slot::default(); N],
            clock: 0,
            evictions: 0,
            capacity: u32::try_from(capacity.clamp(1, N.max(1))).unwrap_or(1),
            reserved: 0,
        }
    }

    /// Empties the map and makes it use the first `capacity` host tags:
    /// the kernel's first use of zeroed bytes, and every reset.
    pub fn set_capacity(&mut self, capacity: usize) {
        *self = Self::with_capacity(capacity);
    }

    /// How many host tags the map uses; 0 for zeroed bytes not yet set up.
    pub fn capacity(&self) -> usize {
        (self.capacity as usize).min(N)
    }

    /// The host tags in use: the first `capacity` slots, or all `N` when
    /// the capacity was never set (zeroed bytes used as they are).
    fn used_slots(&self) -> &[Slot] {
        let n = match self.capacity() {
            0 => N,
            c => c,
        };
        self.slots.get(..n).unwrap_or(&self.slots)
    }

    /// The host tag `l1` is mapped to.
    pub fn slot_of(&self, l1: u32) -> Option<usize> {
        self.used_slots().iter().position(|s| s.l1() == Some(l1))
    }

    /// The L1 tag mapped to host tag `slot`.
    pub fn l1_of(&self, slot: usize) -> Option<u32> {
        self.used_slots().get(slot).and_then(Slot::l1)
    }

    /// How many host tags are mapped.
    pub fn in_use(&self) -> usize {
        self.used_slots().iter().filter(|s| s.mapped != 0).count()
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
                for (s, slot) in self.used_slots().iter().enumerate() {
                    if slot.mapped != 0 {
                        flush(HostFlush::Tag(s));
                    }
                }
                None
            }
        }
    }

    fn enter(&mut self, tag: u32, flush: &mut impl FnMut(HostFlush)) -> usize {
        // Wrapping: the kernel's map may start from any bytes (see above).
        self.clock = self.clock.wrapping_add(1);
        if let Some(s) = self.slot_of(tag) {
            if let Some(slot) = self.slots.get_mut(s) {
                slot.used = self.clock;
            }
            return s;
        }
        // A free host tag, else the least recently used one.
        let slots = self.used_slots();
        let s = slots
            .iter()
            .position(|s| s.mapped == 0)
            .or_else(|| {
                slots
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, s)| s.used)
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        if let Some(slot) = self.slots.get_mut(s) {
            if slot.mapped != 0 {
                self.evictions = self.evictions.wrapping_add(1);
            }
            *slot = Slot {
                used: self.clock,
                l1: tag,
                mapped: 1,
            };
        }
        // Whatever it held (another tag's translations, or translations of
        // this tag from before an eviction) must not serve `tag` now.
        flush(HostFlush::Tag(s));
        s
    }

    /// Applies `ops` to the map using `capacity` host tags: a map of
    /// another capacity (zeroed bytes, the kernel's first use) starts empty
    /// with this one. The kernel's one call per guest operation.
    pub fn decide(&mut self, capacity: usize, ops: impl IntoIterator<Item = TagOp>) -> Decision {
        if self.capacity() != capacity.clamp(1, N.max(1)) {
            self.set_capacity(capacity);
        }
        let evictions = self.evictions;
        let mut flush = 0u32;
        let mut slot = None;
        for op in ops {
            let ran = self.apply(op, |f| {
                let (HostFlush::Tag(s) | HostFlush::Addr(s, _) | HostFlush::NonGlobal(s)) = f;
                flush |= u32::try_from(s)
                    .ok()
                    .and_then(|s| 1u32.checked_shl(s))
                    .unwrap_or(0);
            });
            if ran.is_some() {
                slot = ran;
            }
        }
        Decision {
            slot,
            flush,
            evicted: self.evictions != evictions,
            in_use: self.in_use(),
        }
    }

    /// Unmaps every L1 tag (vCPU destroyed, nestvirt detached) and returns
    /// the host tags that were in use, for the pool.
    pub fn release(&mut self, mut give_back: impl FnMut(usize)) {
        for (s, slot) in self.slots.iter_mut().enumerate() {
            if core::mem::take(&mut slot.mapped) != 0 {
                give_back(s);
            }
        }
    }
}
