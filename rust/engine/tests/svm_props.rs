// SPDX-License-Identifier: GPL-2.0

//! Property tests of the SVM checks: arbitrary vmcb12 bytes, capabilities
//! and operands never panic, give the same verdict twice, report as first
//! failure the first rule of the full set, and depend on no byte outside
//! `FIELDS_READ` (the vmcb02 check on none outside `VMCB02_FIELDS_READ`).

use nestvirt_engine::rule::{FirstFailure, RuleSet};
use nestvirt_engine::svm::layout::VMCB_USED;
use nestvirt_engine::svm::{
    check_vmcb02_intercepts, sample, validate, validate_vmrun, Features, Intercepts, SvmCaps,
    SvmRule, Vmcb12, VmrunOperand, FIELDS_READ, VMCB02_FIELDS_READ,
};
use proptest::prelude::*;

fn all(op: &VmrunOperand, v: &Vmcb12, caps: &SvmCaps, i02: &Intercepts) -> RuleSet<SvmRule> {
    let mut set = RuleSet::new();
    let _ = validate_vmrun(op, v, caps, &mut set);
    let _ = check_vmcb02_intercepts(v, caps, i02, &mut set);
    set
}

fn first(op: &VmrunOperand, v: &Vmcb12, caps: &SvmCaps, i02: &Intercepts) -> Option<SvmRule> {
    let mut f = FirstFailure::default();
    let _ = validate_vmrun(op, v, caps, &mut f).is_continue()
        && check_vmcb02_intercepts(v, caps, i02, &mut f).is_continue();
    f.0
}

fn read_by_checks(at: usize) -> bool {
    in_fields(FIELDS_READ, at)
}

fn in_fields(fields: &[nestvirt_engine::svm::layout::Field], at: usize) -> bool {
    fields
        .iter()
        .any(|f| (f.page_offset()..f.page_end()).contains(&at))
}

fn mutated(edits: &[(usize, u8)]) -> Vmcb12 {
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    for &(at, b) in edits {
        page[at % VMCB_USED] ^= b;
    }
    Vmcb12::from_bytes(&page).unwrap()
}

fn caps_strategy() -> impl Strategy<Value = SvmCaps> {
    (0u8..=70, any::<u64>(), any::<bool>()).prop_map(|(maxphyaddr, bits, keep)| SvmCaps {
        maxphyaddr,
        features: if keep {
            sample::caps().features
        } else {
            Features(bits)
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn prop_verdicts_are_deterministic_and_ordered(
        edits in proptest::collection::vec((0usize..VMCB_USED, any::<u8>()), 0..12),
        caps in caps_strategy(),
        rax in any::<u64>(),
        cpl in 0u8..4,
        i02 in any::<[u32; 6]>(),
    ) {
        let v = mutated(&edits);
        let op = VmrunOperand { rax: rax & !0xfff, cpl: cpl & 1, hsave_pa: 0x1000 };
        let i02 = Intercepts(i02);
        let a = all(&op, &v, &caps, &i02);
        prop_assert_eq!(a, all(&op, &v, &caps, &i02));
        prop_assert_eq!(first(&op, &v, &caps, &i02), a.first());
        prop_assert_eq!(first(&op, &v, &caps, &i02), first(&op, &v, &caps, &i02));
    }

    #[test]
    fn prop_unread_bytes_do_not_matter(
        edits in proptest::collection::vec((0usize..VMCB_USED, any::<u8>()), 1..12),
        caps in caps_strategy(),
    ) {
        let base = sample::vmcb12();
        let unread: Vec<_> = edits.into_iter().filter(|(at, _)| !read_by_checks(*at)).collect();
        let v = mutated(&unread);
        let i02 = sample::vmcb02_intercepts();
        let mut a = RuleSet::new();
        let mut b = RuleSet::new();
        let _ = validate(&base, &caps, &mut a);
        let _ = check_vmcb02_intercepts(&base, &caps, &i02, &mut a);
        let _ = validate(&v, &caps, &mut b);
        let _ = check_vmcb02_intercepts(&v, &caps, &i02, &mut b);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn prop_vmcb02_check_reads_only_its_fields(
        edits in proptest::collection::vec((0usize..VMCB_USED, any::<u8>()), 1..12),
        caps in caps_strategy(),
        i02 in any::<[u32; 6]>(),
    ) {
        let base = sample::vmcb12();
        let unread: Vec<_> = edits
            .into_iter()
            .filter(|(at, _)| !in_fields(VMCB02_FIELDS_READ, *at))
            .collect();
        let v = mutated(&unread);
        let i02 = Intercepts(i02);
        let mut a = RuleSet::new();
        let mut b = RuleSet::new();
        let _ = check_vmcb02_intercepts(&base, &caps, &i02, &mut a);
        let _ = check_vmcb02_intercepts(&v, &caps, &i02, &mut b);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn prop_single_field_mutation_of_the_sample(
        field in 0usize..FIELDS_READ.len(),
        at in 0usize..16,
        b in 1u8..=255,
    ) {
        let f = FIELDS_READ[field];
        let v = mutated(&[(f.page_offset() + at % f.size, b)]);
        let op = sample::operand();
        let caps = sample::caps();
        let i02 = sample::vmcb02_intercepts();
        let a = all(&op, &v, &caps, &i02);
        prop_assert_eq!(first(&op, &v, &caps, &i02), a.first());
    }
}

/// A few thousand pseudo-random pages through every check, on stable
/// Rust (the fuzz target needs nightly features).
#[test]
fn test_smoke_random_pages() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut rejected = 0;
    for round in 0..4000 {
        let mut page = [0u8; 4096];
        if round % 2 == 0 {
            sample::vmcb12().write_page(&mut page);
            for _ in 0..(next() % 8) {
                let at = (next() % 4096) as usize;
                page[at] = next() as u8;
            }
        } else {
            for b in page.iter_mut() {
                *b = next() as u8;
            }
        }
        let v = Vmcb12::from_bytes(&page).unwrap();
        let caps = SvmCaps {
            maxphyaddr: (next() % 72) as u8,
            features: Features(next()),
        };
        let op = VmrunOperand {
            rax: next(),
            cpl: (next() % 4) as u8,
            hsave_pa: next(),
        };
        let i02 = Intercepts([next() as u32; 6]);
        let a = all(&op, &v, &caps, &i02);
        assert_eq!(first(&op, &v, &caps, &i02), a.first());
        // Reading the page in place (what the kernel does) decides the same.
        let mut in_place = RuleSet::new();
        let _ = validate_vmrun(&op, &Vmcb12::view(&page).unwrap(), &caps, &mut in_place);
        let mut copied = RuleSet::new();
        let _ = validate_vmrun(&op, &v, &caps, &mut copied);
        assert_eq!(in_place, copied);
        rejected += usize::from(!a.is_empty());
    }
    assert!(rejected > 0);
}

#[test]
fn vmcb02_fields_are_among_the_fields_read() {
    for f in VMCB02_FIELDS_READ {
        assert!(FIELDS_READ.contains(f), "{} not in FIELDS_READ", f.name);
    }
}
