// SPDX-License-Identifier: GPL-2.0

//! Time of a VMX VM-entry validation of the baseline vmcs12 (64-bit guest
//! and host, EPT, VPID, APICv): full, with the first-failure sink of
//! enforce mode and the all-failures sink of audit mode, and incremental
//! after a one-field change, as a nested VMRESUME after an L2 exit that L1
//! handled by advancing RIP (or setting the interruptibility state, or
//! toggling a control) would see it; and what the kernel hook does per
//! entry, the full check against the per-vCPU memo that finds the changed
//! field itself (`vmx/hook_*`).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use nestvirt_engine::rule::{ClassModes, FirstFailure, Mode, RuleSet};
use nestvirt_engine::vmx::{
    baseline_caps, baseline_context, baseline_vmcs12, check_vmx_entry, validate, Field, Validator,
    VmxClass, VmxMemo,
};

fn bench(c: &mut Criterion) {
    let vmcs = baseline_vmcs12();
    let caps = baseline_caps();
    let ctx = baseline_context();

    // The hook on an L1 that only advances GUEST_RIP: without and with
    // the memo.
    let modes = ClassModes::uniform(Mode::Enforce, VmxClass::ALL.len());
    let mut steady = baseline_vmcs12();
    let mut rip = steady.get(Field::GuestRip);
    c.bench_function("vmx/hook_full_rip_advances", |b| {
        b.iter(|| {
            rip += 3;
            steady.set(Field::GuestRip, rip);
            check_vmx_entry(black_box(&steady), &caps, &ctx, modes)
        })
    });
    let mut memo = VmxMemo::new();
    c.bench_function("vmx/hook_memo_rip_advances", |b| {
        b.iter(|| {
            rip += 3;
            steady.set(Field::GuestRip, rip);
            memo.check(black_box(&steady), &caps, &ctx, modes)
        })
    });

    c.bench_function("vmx/full_first_failure", |b| {
        b.iter(|| {
            let mut v = FirstFailure::default();
            let _ = validate(black_box(&vmcs), black_box(&caps), black_box(&ctx), &mut v);
            v
        })
    });
    c.bench_function("vmx/full_all_failures", |b| {
        b.iter(|| {
            let mut v = RuleSet::new();
            let _ = validate(black_box(&vmcs), black_box(&caps), black_box(&ctx), &mut v);
            v
        })
    });

    let one_field = [
        (
            "vmx/incremental_guest_rip",
            Field::GuestRip,
            0xffff_ffff_8100_0000,
            0xffff_ffff_8100_0004,
        ),
        (
            "vmx/incremental_interruptibility",
            Field::GuestInterruptibilityInfo,
            0,
            2,
        ),
        ("vmx/incremental_tsc_offset", Field::TscOffset, 0, 1000),
        (
            "vmx/incremental_proc_controls",
            Field::CpuBasedVmExecControl,
            0,
            0,
        ),
    ];
    for (name, field, a, b_value) in one_field {
        let mut vmcs = baseline_vmcs12();
        let (a, b_value) = if field == Field::CpuBasedVmExecControl {
            let base = vmcs.get(field);
            (base, base ^ (1 << 7))
        } else {
            (a, b_value)
        };
        let mut validator = Validator::new();
        assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
        let mut flip = false;
        c.bench_function(name, |b| {
            b.iter(|| {
                flip = !flip;
                validator.write(&mut vmcs, field, if flip { b_value } else { a });
                let mut v = FirstFailure::default();
                let _ = validator.validate(black_box(&vmcs), &caps, &ctx, &mut v);
                v
            })
        });
        assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
