// SPDX-License-Identifier: GPL-2.0

//! Fuzzes VMX validation. The first 320 input bytes are XORed onto the
//! baseline capability MSRs and context and give field writes for the
//! incremental validator; the rest is XORed onto the baseline vmcs12 page
//! (so an empty input is a valid entry and the fuzzer starts near one). Any input must get a verdict without a panic; the first
//! failure must be the first of all failures, and incremental validation
//! must agree with full validation, and so must the kernel hook's
//! per-vCPU memo (`VmxMemo`) fed the same vmcs12s without being told what
//! changed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nestvirt_engine::rule::{ClassModes, FirstFailure, Mode, RuleSet};
use nestvirt_engine::vmx::{
    all_failures, baseline_caps, baseline_context, baseline_vmcs12, check_vmx_entry,
    first_failure, Field, L1Features, Validator, Vmcs12, VmxCaps, VmxClass, VmxContext, VmxMemo,
};

/// Reads little-endian words from the tail of the input, zero past its end.
struct Words<'a>(&'a [u8]);

impl Words<'_> {
    fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        let n = self.0.len().min(8);
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        u64::from_le_bytes(b)
    }
}

fn caps(w: &mut Words<'_>) -> VmxCaps {
    let b = baseline_caps();
    VmxCaps {
        basic: b.basic ^ w.u64(),
        pinbased: b.pinbased ^ w.u64(),
        procbased: b.procbased ^ w.u64(),
        exit: b.exit ^ w.u64(),
        entry: b.entry ^ w.u64(),
        misc: b.misc ^ w.u64(),
        cr0_fixed0: b.cr0_fixed0 ^ w.u64(),
        cr0_fixed1: b.cr0_fixed1 ^ w.u64(),
        cr4_fixed0: b.cr4_fixed0 ^ w.u64(),
        cr4_fixed1: b.cr4_fixed1 ^ w.u64(),
        vmcs_enum: b.vmcs_enum ^ w.u64(),
        procbased2: b.procbased2 ^ w.u64(),
        ept_vpid_cap: b.ept_vpid_cap ^ w.u64(),
        true_pinbased: b.true_pinbased ^ w.u64(),
        true_procbased: b.true_procbased ^ w.u64(),
        true_exit: b.true_exit ^ w.u64(),
        true_entry: b.true_entry ^ w.u64(),
        vmfunc: b.vmfunc ^ w.u64(),
        procbased3: b.procbased3 ^ w.u64(),
    }
}

fn context(w: &mut Words<'_>) -> VmxContext {
    let b = baseline_context();
    let small = w.u64();
    let bit = |n: u32| small & (1 << n) != 0;
    VmxContext {
        maxphyaddr: b.maxphyaddr ^ (small >> 32) as u8,
        linear_address_bits: b.linear_address_bits ^ (small >> 40) as u8,
        l1_efer_lma: !bit(0),
        in_smm: bit(1),
        efer_allowed: b.efer_allowed ^ w.u64(),
        debugctl_allowed: b.debugctl_allowed ^ w.u64(),
        perf_global_ctrl_allowed: b.perf_global_ctrl_allowed ^ w.u64(),
        features: L1Features {
            shstk: !bit(2),
            ibt: !bit(3),
            lam: !bit(4),
            rtm: bit(5),
            sgx: bit(6),
            ept_supervisor_shadow_stack: bit(7),
        },
        current_vmcs_ptr: b.current_vmcs_ptr ^ w.u64(),
        link_vmcs_header: bit(8).then_some((small >> 48) as u32),
        virtual_tpr: bit(9).then_some((small >> 56) as u8),
        guest_pdptes: bit(10).then(|| [w.u64(), w.u64(), w.u64(), w.u64()]),
    }
}

/// Bytes of capability, context and write words before the page.
const HEAD: usize = 320;

fuzz_target!(|data: &[u8]| {
    let (head, tail) = data.split_at(data.len().min(HEAD));
    let mut page = *baseline_vmcs12().as_bytes();
    for (p, d) in page.iter_mut().zip(tail) {
        *p ^= d;
    }
    let mut vmcs = Vmcs12::from_bytes(page);
    let mut w = Words(head);
    let caps = caps(&mut w);
    let ctx = context(&mut w);

    let all = all_failures(&vmcs, &caps, &ctx);
    assert_eq!(first_failure(&vmcs, &caps, &ctx), all.first());

    let mut validator = Validator::new();
    let _ = validator.first_failure(&vmcs, &caps, &ctx);
    let audit_all = ClassModes::uniform(Mode::Audit, VmxClass::ALL.len());
    let mut memo = VmxMemo::new();
    let _ = memo.check(&baseline_vmcs12(), &baseline_caps(), &baseline_context(), audit_all);
    for _ in 0..4 {
        let pick = w.u64();
        let value = w.u64();
        let field = Field::ALL[(pick as usize) % Field::ALL.len()];
        validator.write(&mut vmcs, field, value);
        let _ = vmcs.write(pick & 0xffff_ffff, value, pick >> 63 != 0);
        validator.mark_dirty(Field::from_encoding((pick as u32) & !1).unwrap_or(field));
        let _ = vmcs.read(pick >> 16);
        let mut audit = RuleSet::new();
        let mut probe = validator.clone();
        let _ = probe.validate(&vmcs, &caps, &ctx, &mut audit);
        let mut first = FirstFailure::default();
        let _ = validator.validate(&vmcs, &caps, &ctx, &mut first);
        let full = all_failures(&vmcs, &caps, &ctx);
        assert_eq!(audit, full);
        assert_eq!(first.0, full.first());
        let by_memo = memo.check(&vmcs, &caps, &ctx, audit_all);
        assert_eq!(by_memo.counted, check_vmx_entry(&vmcs, &caps, &ctx, audit_all).counted);
    }
});
