// SPDX-License-Identifier: GPL-2.0

//! The nested VPID/ASID mapping against a TLB model: a host tag never
//! holds a translation the architecture would not let the L1 tag mapped
//! to it hold. The architectural side records, per L1 tag, every
//! translation hardware may have cached (anything L2 used since the last
//! invalidation that covers it; a page-table change invalidates nothing).
//! The host side caches every translation L2 uses on its host tag and
//! drops only what the map's flushes drop. Random sequences (proptest),
//! an exhaustive check for N = 2, and a broken map that the check catches.

use nestvirt_engine::tags::{svm, vmx, HostFlush, TagMap, TagOp};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A cached translation: linear address, frame, global.
type Tr = (u64, u64, bool);

/// What L1 and its L2s do.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// L2 with `tag` runs and uses `addr`.
    Access(u32, u64),
    /// L1 remaps `addr` in `tag`'s page tables, without invalidating.
    Remap(u32, u64, u64, bool),
    /// A tag operation (invalidations; Enter is part of Access).
    Op(TagOp),
    /// The VM is destroyed or nestvirt detaches: host tags go back to the
    /// pool, and the next VM reuses them (new tags, nothing cached).
    Release,
}

struct World<const N: usize> {
    map: TagMap<N>,
    /// L2 page tables per L1 tag: addr -> (frame, global).
    pt: BTreeMap<u32, BTreeMap<u64, (u64, bool)>>,
    /// Per L1 tag, what the architecture lets hardware hold.
    arch: BTreeMap<u32, BTreeSet<Tr>>,
    /// Per host tag, what it holds.
    host: [BTreeSet<Tr>; N],
    /// A broken map for the negative tests: drop the flushes of Enter
    /// (`Some(true)`) or of the invalidations (`Some(false)`).
    drop_flushes: Option<bool>,
}

impl<const N: usize> World<N> {
    fn new() -> Self {
        Self {
            map: TagMap::new(),
            pt: BTreeMap::new(),
            arch: BTreeMap::new(),
            host: std::array::from_fn(|_| BTreeSet::new()),
            drop_flushes: None,
        }
    }

    fn host_flush(host: &mut [BTreeSet<Tr>; N], f: HostFlush) {
        match f {
            HostFlush::Tag(s) => host[s].clear(),
            HostFlush::Addr(s, a) => host[s].retain(|t| t.0 != a),
            HostFlush::NonGlobal(s) => host[s].retain(|t| t.2),
        }
    }

    /// Applies `op` to the map and the host TLB; returns the host tag of
    /// an Enter.
    fn op(&mut self, op: TagOp) -> Option<usize> {
        let drop = self.drop_flushes == Some(matches!(op, TagOp::Enter(_)));
        let host = &mut self.host;
        self.map.apply(op, |f| {
            if !drop {
                Self::host_flush(host, f)
            }
        })
    }

    /// Takes `step`, then checks the invariant; `Err` names the stale
    /// translation.
    fn step(&mut self, step: Step) -> Result<(), String> {
        match step {
            Step::Access(tag, addr) => {
                let s = self.op(TagOp::Enter(tag)).ok_or("Enter gave no host tag")?;
                let (frame, global) = self
                    .pt
                    .get(&tag)
                    .and_then(|p| p.get(&addr))
                    .copied()
                    .unwrap_or((addr, false));
                self.arch
                    .entry(tag)
                    .or_default()
                    .insert((addr, frame, global));
                self.host[s].insert((addr, frame, global));
            }
            Step::Remap(tag, addr, frame, global) => {
                self.pt
                    .entry(tag)
                    .or_default()
                    .insert(addr, (frame, global));
            }
            Step::Op(op) => {
                match op {
                    TagOp::Enter(_) => {}
                    TagOp::InvalidateAddr(t, a) => {
                        self.arch.entry(t).or_default().retain(|x| x.0 != a);
                    }
                    TagOp::InvalidateTag(t) => {
                        self.arch.remove(&t);
                    }
                    TagOp::InvalidateTagNonGlobal(t) => {
                        self.arch.entry(t).or_default().retain(|x| x.2);
                    }
                    TagOp::InvalidateAll => self.arch.clear(),
                }
                self.op(op);
            }
            Step::Release => {
                self.map.release(|_| {});
                self.arch.clear();
                self.pt.clear();
            }
        }
        self.check()
    }

    fn check(&self) -> Result<(), String> {
        let none = BTreeSet::new();
        for (s, held) in self.host.iter().enumerate() {
            let Some(tag) = self.map.l1_of(s) else {
                continue;
            };
            let allowed = self.arch.get(&tag).unwrap_or(&none);
            if let Some(t) = held.iter().find(|t| !allowed.contains(t)) {
                return Err(format!("host tag {s} (L1 tag {tag}) holds {t:?}, which the architecture invalidated or never let tag {tag} hold"));
            }
        }
        Ok(())
    }
}

fn run<const N: usize>(steps: &[Step], broken: Option<bool>) -> Result<(), String> {
    let mut w = World::<N>::new();
    w.drop_flushes = broken;
    for (i, &s) in steps.iter().enumerate() {
        w.step(s).map_err(|e| format!("step {i} {s:?}: {e}"))?;
    }
    Ok(())
}

const TAGS: [u32; 5] = [1, 2, 3, 4, 5];
const ADDRS: [u64; 3] = [0x1000, 0x2000, 0x3000];

fn step_strategy() -> impl Strategy<Value = Step> {
    let tag = prop::sample::select(&TAGS[..]);
    let addr = prop::sample::select(&ADDRS[..]);
    prop_oneof![
        6 => (tag.clone(), addr.clone()).prop_map(|(t, a)| Step::Access(t, a)),
        3 => (tag.clone(), addr.clone(), 1u64..4, any::<bool>()).prop_map(|(t, a, f, g)| Step::Remap(t, a, f << 20, g)),
        1 => (tag.clone(), addr.clone()).prop_map(|(t, a)| Step::Op(TagOp::InvalidateAddr(t, a))),
        1 => tag.clone().prop_map(|t| Step::Op(TagOp::InvalidateTag(t))),
        1 => tag.prop_map(|t| Step::Op(TagOp::InvalidateTagNonGlobal(t))),
        1 => Just(Step::Op(TagOp::InvalidateAll)),
        1 => Just(Step::Release),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Long random sequences, with fewer host tags than L1 tags (evictions)
    /// and with as many (no eviction after warm-up).
    #[test]
    fn no_stale_translation_with_evictions(steps in prop::collection::vec(step_strategy(), 1..200)) {
        prop_assert_eq!(run::<3>(&steps, None), Ok(()));
    }

    #[test]
    fn no_stale_translation_without_evictions(steps in prop::collection::vec(step_strategy(), 1..200)) {
        prop_assert_eq!(run::<5>(&steps, None), Ok(()));
    }
}

/// Every sequence of up to five steps over three L1 tags, one address and
/// two host tags.
#[test]
fn exhaustive_small() {
    let mut alphabet = Vec::new();
    for t in [1u32, 2, 3] {
        alphabet.push(Step::Access(t, 0x1000));
        alphabet.push(Step::Remap(t, 0x1000, 0x20_0000 * u64::from(t), t == 2));
        alphabet.push(Step::Op(TagOp::InvalidateAddr(t, 0x1000)));
        alphabet.push(Step::Op(TagOp::InvalidateTagNonGlobal(t)));
    }
    alphabet.push(Step::Op(TagOp::InvalidateAll));
    alphabet.push(Step::Release);
    let k = alphabet.len();
    let len = 5;
    let mut seq = vec![0usize; len];
    let mut count = 0u64;
    loop {
        let steps: Vec<Step> = seq.iter().map(|&i| alphabet[i]).collect();
        assert_eq!(run::<2>(&steps, None), Ok(()), "{steps:?}");
        count += 1;
        // Next sequence, odometer-wise.
        let mut i = 0;
        loop {
            if i == len {
                assert_eq!(count, (k as u64).pow(len as u32));
                return;
            }
            seq[i] += 1;
            if seq[i] < k {
                break;
            }
            seq[i] = 0;
            i += 1;
        }
    }
}

/// The check can fail: without the flush of a newly mapped host tag, a
/// translation of an evicted tag serves the tag that takes its place.
#[test]
fn a_map_that_does_not_flush_on_reuse_is_caught() {
    let steps = [
        Step::Remap(1, 0x1000, 0x10_0000, false),
        Step::Access(1, 0x1000),
        Step::Access(2, 0x1000),
        // Tag 3 evicts tag 1 (LRU) and takes its host tag.
        Step::Access(3, 0x1000),
    ];
    assert_eq!(run::<2>(&steps, None), Ok(()));
    let err = run::<2>(&steps, Some(true)).unwrap_err();
    assert!(err.contains("holds (4096, 1048576, false)"), "{err}");
}

/// The check can fail: a map that does not pass an invalidation on to the
/// host tag keeps what the architecture dropped, for each kind.
#[test]
fn a_map_that_drops_invalidations_is_caught() {
    for inv in [
        TagOp::InvalidateAddr(1, 0x1000),
        TagOp::InvalidateTag(1),
        TagOp::InvalidateTagNonGlobal(1),
        TagOp::InvalidateAll,
    ] {
        let steps = [Step::Access(1, 0x1000), Step::Op(inv)];
        assert_eq!(run::<2>(&steps, None), Ok(()));
        assert!(run::<2>(&steps, Some(false)).is_err(), "{inv:?}");
    }
}

/// Switching among as many L2s as host tags flushes nothing once each has
/// its host tag; one more L2 than host tags evicts on every switch.
#[test]
fn switches_flush_nothing_while_k_fits() {
    for (k, want_flushes) in [(4u32, 0u64), (5, 100)] {
        let mut map = TagMap::<4>::new();
        for t in 1..=k {
            map.apply(TagOp::Enter(t), |_| {});
        }
        let mut flushes = 0u64;
        for i in 0..100 {
            map.apply(TagOp::Enter(1 + i % k), |_| flushes += 1);
        }
        assert_eq!(flushes, want_flushes, "K = {k}");
        assert_eq!(map.in_use(), 4);
    }
}

#[test]
fn release_returns_every_host_tag_in_use() {
    let mut map = TagMap::<4>::new();
    for t in [7, 9] {
        map.apply(TagOp::Enter(t), |_| {});
    }
    let mut back = Vec::new();
    map.release(|s| back.push(s));
    assert_eq!(back, [0, 1]);
    assert_eq!(map.in_use(), 0);
}

#[test]
fn vmx_operations() {
    use vmx::Invvpid::*;
    assert_eq!(
        vmx::invvpid(IndividualAddress {
            vpid: 3,
            addr: 0x5000
        }),
        Some(TagOp::InvalidateAddr(3, 0x5000))
    );
    assert_eq!(
        vmx::invvpid(SingleContext { vpid: 3 }),
        Some(TagOp::InvalidateTag(3))
    );
    assert_eq!(
        vmx::invvpid(SingleContextRetainingGlobals { vpid: 3 }),
        Some(TagOp::InvalidateTagNonGlobal(3))
    );
    assert_eq!(vmx::invvpid(AllContext), Some(TagOp::InvalidateAll));
    // VPID 0: VMfailValid, nothing invalidated.
    for op in [
        IndividualAddress { vpid: 0, addr: 0 },
        SingleContext { vpid: 0 },
        SingleContextRetainingGlobals { vpid: 0 },
    ] {
        assert_eq!(vmx::invvpid(op), None);
    }
    assert_eq!(vmx::invept(), TagOp::InvalidateAll);
    assert_eq!(vmx::entry(true, 5), Some(TagOp::Enter(5)));
    assert_eq!(vmx::entry(true, 0), None);
    assert_eq!(vmx::entry(false, 5), None);
}

#[test]
fn svm_operations() {
    assert_eq!(svm::vmrun(4, 0), [None, Some(TagOp::Enter(4))]);
    assert_eq!(
        svm::vmrun(4, 1),
        [Some(TagOp::InvalidateAll), Some(TagOp::Enter(4))]
    );
    assert_eq!(
        svm::vmrun(4, 3),
        [Some(TagOp::InvalidateTag(4)), Some(TagOp::Enter(4))]
    );
    assert_eq!(
        svm::vmrun(4, 7),
        [
            Some(TagOp::InvalidateTagNonGlobal(4)),
            Some(TagOp::Enter(4))
        ]
    );
    assert_eq!(svm::vmrun(4, 5)[0], Some(TagOp::InvalidateAll));
    assert_eq!(
        svm::invlpga(4, 0x6000),
        Some(TagOp::InvalidateAddr(4, 0x6000))
    );
    assert_eq!(svm::invlpga(0, 0x6000), None);
}

/// The capacity bounds the host tags used: with 2 of 4, a third L1 tag
/// evicts, and no host tag past the second ever serves.
#[test]
fn capacity_bounds_the_host_tags_used() {
    let mut map = TagMap::<4>::with_capacity(2);
    assert_eq!(map.capacity(), 2);
    for t in [1, 2, 3, 1, 2, 3] {
        let s = map.apply(TagOp::Enter(t), |_| {});
        assert!(s.is_some_and(|s| s < 2), "tag {t} ran on {s:?}");
    }
    assert_eq!(map.in_use(), 2);
    assert_eq!(map.evictions(), 4);
    assert_eq!(TagMap::<4>::with_capacity(0).capacity(), 1);
    assert_eq!(TagMap::<4>::with_capacity(9).capacity(), 4);
}

/// The kernel's VMRUN decision: a new ASID flushes its fresh host tag, a
/// mapped one with TLB_CONTROL 0 flushes nothing, 01h flushes every mapped
/// tag, 03h and 07h that ASID's tag only; a map of another capacity (the
/// kernel's zeroed one) starts empty.
#[test]
fn svm_entry_flushes_what_tlb_control_asks() {
    let mut map = TagMap::<16>::with_capacity(3);
    let first = svm::entry(&mut map, 8, 1, 0);
    assert_eq!(
        (first.slot, first.flush, first.evicted, first.in_use),
        (Some(0), 1, false, 1)
    );
    assert_eq!(map.capacity(), 8, "capacity taken from the caller");
    let second = svm::entry(&mut map, 8, 2, 0);
    assert_eq!(
        (second.slot, second.flush, second.in_use),
        (Some(1), 0b10, 2)
    );
    let again = svm::entry(&mut map, 8, 1, 0);
    assert_eq!(
        (again.slot, again.flush),
        (Some(0), 0),
        "a switch flushes nothing"
    );
    assert_eq!(svm::entry(&mut map, 8, 2, 0x01).flush, 0b11);
    assert_eq!(svm::entry(&mut map, 8, 2, 0x03).flush, 0b10);
    assert_eq!(svm::entry(&mut map, 8, 1, 0x07).flush, 0b01);
    assert_eq!(
        svm::entry(&mut map, 8, 1, 0x05).flush,
        0b11,
        "reserved: all"
    );
    // A new capacity empties the map: the next entry maps afresh.
    let reset = svm::entry(&mut map, 2, 2, 0);
    assert_eq!((reset.slot, reset.flush, reset.in_use), (Some(0), 1, 1));
    svm::entry(&mut map, 2, 1, 0);
    let evict = svm::entry(&mut map, 2, 3, 0);
    assert!(evict.evicted);
    assert_eq!((evict.slot, evict.flush, evict.in_use), (Some(0), 1, 2));
}

/// The kernel's VMX decisions: a VPID's first entry flushes its fresh host
/// tag, a switch back flushes nothing; INVVPID flushes the host tag of its
/// VPID (types 0, 1, 3), every mapped one (type 2), none for an unmapped
/// VPID or VPID 0, and never runs L2.
#[test]
fn vmx_decisions_flush_the_host_tags_invvpid_names() {
    use vmx::Invvpid;
    let mut map = TagMap::<16>::new();
    assert_eq!(vmx::vm_entry(&mut map, 4, 7).slot, Some(0));
    assert_eq!(vmx::vm_entry(&mut map, 4, 7).flush, 0);
    let nine = vmx::vm_entry(&mut map, 4, 9);
    assert_eq!((nine.slot, nine.flush, nine.in_use), (Some(1), 0b10, 2));
    let inv = |map: &mut TagMap<16>, op| vmx::invvpid_decision(map, 4, op);
    let one = inv(&mut map, Invvpid::SingleContext { vpid: 9 });
    assert_eq!((one.slot, one.flush), (None, 0b10));
    assert_eq!(
        inv(
            &mut map,
            Invvpid::IndividualAddress {
                vpid: 7,
                addr: 0x1000
            }
        )
        .flush,
        0b01
    );
    assert_eq!(
        inv(&mut map, Invvpid::SingleContextRetainingGlobals { vpid: 7 }).flush,
        0b01
    );
    assert_eq!(inv(&mut map, Invvpid::AllContext).flush, 0b11);
    assert_eq!(
        inv(&mut map, Invvpid::SingleContext { vpid: 5 }).flush,
        0,
        "unmapped"
    );
    assert_eq!(
        inv(&mut map, Invvpid::SingleContext { vpid: 0 }).flush,
        0,
        "VPID 0"
    );
    assert_eq!(map.in_use(), 2);
}

/// INVVPID's raw type and VPID, as the kernel gets them, name the type the
/// SDM gives each number; reserved types and VPIDs past 16 bits name none.
#[test]
fn invvpid_types_from_their_numbers() {
    use vmx::Invvpid;
    assert_eq!(
        Invvpid::from_type(0, 7, 0x1000),
        Some(Invvpid::IndividualAddress {
            vpid: 7,
            addr: 0x1000
        })
    );
    assert_eq!(
        Invvpid::from_type(1, 7, 0),
        Some(Invvpid::SingleContext { vpid: 7 })
    );
    assert_eq!(Invvpid::from_type(2, 7, 0), Some(Invvpid::AllContext));
    assert_eq!(
        Invvpid::from_type(3, 0xffff, 0),
        Some(Invvpid::SingleContextRetainingGlobals { vpid: 0xffff })
    );
    assert_eq!(Invvpid::from_type(4, 7, 0), None);
    assert_eq!(Invvpid::from_type(1, 0x1_0000, 0), None);
}
