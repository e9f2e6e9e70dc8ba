// SPDX-License-Identifier: GPL-2.0

//! Properties of the VMX validation: any input gets a verdict without a
//! panic, verdicts are deterministic, the first failure is the first of
//! all failures in catalogue order, and incremental validation equals full
//! validation.

use nestvirt_engine::rule::{ClassModes, Mode};
use nestvirt_engine::rule::{FirstFailure, RuleSet};
use nestvirt_engine::vmx::{
    all_failures, baseline_caps, baseline_context, baseline_vmcs12, check_vmx_entry, first_failure,
    Field, L1Features, Validator, Vmcs12, VmxCaps, VmxClass, VmxContext, VmxMemo, VmxRule,
};
use proptest::prelude::*;

/// A write of `value` to the field with index `field` in `Field::ALL`.
fn write() -> impl Strategy<Value = (usize, u64)> {
    let value = prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        any::<u64>(),
        (0u32..64).prop_map(|b| 1u64 << b),
        any::<u16>().prop_map(u64::from),
    ];
    (0..Field::ALL.len(), value)
}

fn field(i: usize) -> Field {
    Field::ALL[i % Field::ALL.len()]
}

fn incremental(
    v: &mut Validator,
    vmcs: &Vmcs12,
    caps: &VmxCaps,
    ctx: &VmxContext,
) -> (Option<VmxRule>, RuleSet<VmxRule>) {
    // Audit first, then the first failure: both incremental from the same
    // state, since an audit that fails resets to a full validation.
    let mut probe = v.clone();
    let mut all = RuleSet::new();
    let _ = probe.validate(vmcs, caps, ctx, &mut all);
    let mut first = FirstFailure::default();
    let _ = v.validate(vmcs, caps, ctx, &mut first);
    (first.0, all)
}

fn caps_from(words: &[u64; 20]) -> VmxCaps {
    let mut msrs = [0; VmxCaps::MSR_COUNT];
    msrs.copy_from_slice(&words[..VmxCaps::MSR_COUNT]);
    VmxCaps::from_msrs(msrs)
}

fn context_from(words: &[u64; 8], bytes: [u8; 4], flags: u16) -> VmxContext {
    let bit = |n: u32| flags & (1 << n) != 0;
    VmxContext {
        maxphyaddr: bytes[0],
        linear_address_bits: bytes[1],
        l1_efer_lma: bit(0),
        in_smm: bit(1),
        efer_allowed: words[0],
        debugctl_allowed: words[1],
        perf_global_ctrl_allowed: words[2],
        features: L1Features {
            shstk: bit(2),
            ibt: bit(3),
            lam: bit(4),
            rtm: bit(5),
            sgx: bit(6),
            ept_supervisor_shadow_stack: bit(7),
        },
        current_vmcs_ptr: words[3],
        link_vmcs_header: bit(8).then_some(words[4] as u32),
        virtual_tpr: bit(9).then_some(bytes[2]),
        guest_pdptes: bit(10).then_some([words[5], words[6], words[7], words[4]]),
    }
}

/// After a failure, half of the time back to the baseline (so later steps
/// start from a passing vmcs12 again); returns whether it reset.
fn writes_reset(vmcs: &mut Vmcs12, passed: bool) -> bool {
    if passed {
        return false;
    }
    *vmcs = baseline_vmcs12();
    true
}

/// Class modes from two bits per class (3 reads as off).
fn modes_from(word: u16) -> ClassModes {
    let mut m = ClassModes(0);
    for c in 0..VmxClass::ALL.len() {
        let mode = match (word >> (2 * c)) & 3 {
            1 => Mode::Audit,
            2 => Mode::Enforce,
            _ => Mode::Off,
        };
        m = m.with(c, mode).unwrap();
    }
    m
}

proptest! {
    /// The per-vCPU memo decides what a full check decides, whatever the
    /// vmcs12 goes through between entries: raw writes the memo is not
    /// told about, failures, other capabilities or context, other modes.
    #[test]
    fn prop_memo_equals_full_check(
        steps in prop::collection::vec(
            (prop::collection::vec(write(), 0..4), any::<u16>(), any::<bool>(), any::<bool>()),
            1..10),
    ) {
        let (caps, ctx) = (baseline_caps(), baseline_context());
        let mut strict = caps;
        strict.ept_vpid_cap = 0;
        let mut other_ctx = ctx;
        other_ctx.maxphyaddr = 36;
        let mut vmcs = baseline_vmcs12();
        let mut memo = VmxMemo::new();
        for (writes, mode_bits, use_strict, use_other_ctx) in steps {
            for (i, value) in writes {
                vmcs.set(field(i), value);
            }
            let caps = if use_strict { &strict } else { &caps };
            let ctx = if use_other_ctx { &other_ctx } else { &ctx };
            let modes = modes_from(mode_bits);
            let got = memo.check(&vmcs, caps, ctx, modes);
            let want = check_vmx_entry(&vmcs, caps, ctx, modes);
            prop_assert_eq!(got.counted, want.counted);
            prop_assert_eq!(got.enforced, want.enforced);
            if writes_reset(&mut vmcs, want.counted.is_empty()) {
                prop_assert!(memo.check(&vmcs, caps, ctx, modes).counted == check_vmx_entry(&vmcs, caps, ctx, modes).counted);
            }
        }
    }

    #[test]
    fn prop_mutations_are_deterministic_and_ordered(writes in prop::collection::vec(write(), 1..8)) {
        let (caps, ctx) = (baseline_caps(), baseline_context());
        let mut vmcs = baseline_vmcs12();
        for (i, value) in writes {
            vmcs.set(field(i), value);
        }
        let all = all_failures(&vmcs, &caps, &ctx);
        prop_assert_eq!(all, all_failures(&vmcs, &caps, &ctx));
        prop_assert_eq!(first_failure(&vmcs, &caps, &ctx), all.first());
    }

    #[test]
    fn prop_incremental_equals_full(steps in prop::collection::vec(prop::collection::vec(write(), 1..4), 1..6)) {
        let (caps, ctx) = (baseline_caps(), baseline_context());
        let mut vmcs = baseline_vmcs12();
        let mut validator = Validator::new();
        prop_assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
        for writes in steps {
            for (i, value) in writes {
                validator.write(&mut vmcs, field(i), value);
            }
            let (first, all) = incremental(&mut validator, &vmcs, &caps, &ctx);
            prop_assert_eq!(all, all_failures(&vmcs, &caps, &ctx));
            prop_assert_eq!(first, first_failure(&vmcs, &caps, &ctx));
            if first.is_some() {
                // Undo to the baseline so later steps are incremental again.
                vmcs = baseline_vmcs12();
                validator.invalidate();
                prop_assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
            }
        }
    }

    #[test]
    fn prop_any_page_and_caps_get_a_verdict(
        seed in any::<u64>(),
        caps_words in prop::array::uniform20(any::<u64>()),
        ctx_words in prop::array::uniform8(any::<u64>()),
        ctx_bytes in prop::array::uniform4(any::<u8>()),
        flags in any::<u16>(),
    ) {
        let mut page = [0u8; Vmcs12::SIZE];
        let mut x = seed | 1;
        for chunk in page.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        let vmcs = Vmcs12::from_bytes(page);
        let caps = caps_from(&caps_words);
        let ctx = context_from(&ctx_words, ctx_bytes, flags);
        let all = all_failures(&vmcs, &caps, &ctx);
        prop_assert_eq!(first_failure(&vmcs, &caps, &ctx), all.first());
        let mut validator = Validator::new();
        prop_assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), all.first());
    }

    #[test]
    fn prop_changed_inputs_make_a_full_validation(flags in any::<u16>(), bytes in prop::array::uniform4(any::<u8>())) {
        let (caps, vmcs) = (baseline_caps(), baseline_vmcs12());
        let mut validator = Validator::new();
        prop_assert_eq!(validator.first_failure(&vmcs, &caps, &baseline_context()), None);
        let words = [0x0d01, 3, 0x7_0000_00ff, 0x0100_0000, 0, 0, 0, 0];
        let ctx = context_from(&words, bytes, flags);
        prop_assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), first_failure(&vmcs, &caps, &ctx));
    }
}

/// Every field, written alone with a spread of values after a passing
/// validation: the incremental verdict equals the full one. This proves
/// the field-to-check dependencies declared in the field table.
#[test]
fn test_incremental_equals_full_for_every_field() {
    let (caps, ctx) = (baseline_caps(), baseline_context());
    let values = [
        0,
        1,
        2,
        3,
        0xff,
        0x1_0000,
        0x8000_0000,
        0xffff_ffff,
        1 << 32,
        1 << 46,
        1 << 63,
        u64::MAX,
        0x0001_0000_0000_0000,
    ];
    for f in Field::ALL {
        for bits in values.iter().chain(&[baseline_vmcs12().get(*f) ^ 1]) {
            for base in [0u64, baseline_vmcs12().get(*f)] {
                let mut vmcs = baseline_vmcs12();
                let mut validator = Validator::new();
                assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
                validator.write(&mut vmcs, *f, base ^ bits);
                let (first, all) = incremental(&mut validator, &vmcs, &caps, &ctx);
                assert_eq!(
                    all,
                    all_failures(&vmcs, &caps, &ctx),
                    "{f:?} = {:#x}",
                    base ^ bits
                );
                assert_eq!(first, first_failure(&vmcs, &caps, &ctx), "{f:?}");
            }
        }
    }
}

/// A few thousand pseudo-random pages, capability sets and encodings, on
/// stable Rust: no panic, no out-of-bounds access, a verdict each time.
#[test]
fn test_random_pages_smoke() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut failures = 0usize;
    for round in 0..3000 {
        let mut page = [0u8; Vmcs12::SIZE];
        for chunk in page.chunks_mut(8) {
            chunk.copy_from_slice(&next().to_le_bytes());
        }
        let mut vmcs = if round % 3 == 0 {
            baseline_vmcs12()
        } else {
            Vmcs12::from_bytes(page)
        };
        let mut caps_words = [0u64; 20];
        caps_words.iter_mut().for_each(|w| *w = next());
        let caps = if round % 2 == 0 {
            baseline_caps()
        } else {
            caps_from(&caps_words)
        };
        let mut ctx_words = [0u64; 8];
        ctx_words.iter_mut().for_each(|w| *w = next());
        let r = next();
        let ctx = context_from(&ctx_words, (r as u32).to_le_bytes(), (r >> 32) as u16);
        for _ in 0..4 {
            let enc = next() & 0x7fff;
            let _ = vmcs.write(enc, next(), r & 1 != 0);
            let _ = vmcs.read(enc);
        }
        if first_failure(&vmcs, &caps, &ctx).is_some() {
            failures += 1;
        }
    }
    assert!(
        failures > 1000,
        "random pages should mostly fail: {failures}"
    );
}
