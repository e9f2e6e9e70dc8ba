// SPDX-License-Identifier: GPL-2.0

//! Time of a full nested-VMRUN validation of the sample entry (a valid
//! 64-bit L2 on nested paging): the instruction checks, every vmcb12 rule
//! and the vmcb02 intercept check, with the first-failure sink the kernel
//! uses in enforce mode and the all-failures sink of audit mode.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use nestvirt_engine::rule::{FirstFailure, RuleSet};
use nestvirt_engine::svm::{check_vmcb02_intercepts, sample, validate_vmrun, Vmcb12};

fn bench(c: &mut Criterion) {
    let op = sample::operand();
    let vmcb = sample::vmcb12();
    let caps = sample::caps();
    let i02 = sample::vmcb02_intercepts();
    let mut page = [0u8; 4096];
    vmcb.write_page(&mut page);

    c.bench_function("svm/validate_first_failure", |b| {
        b.iter(|| {
            let mut v = FirstFailure::default();
            let _ = validate_vmrun(black_box(&op), black_box(&vmcb), black_box(&caps), &mut v);
            let _ = check_vmcb02_intercepts(&vmcb, &caps, black_box(&i02), &mut v);
            v
        })
    });
    c.bench_function("svm/validate_all_failures", |b| {
        b.iter(|| {
            let mut v = RuleSet::new();
            let _ = validate_vmrun(black_box(&op), black_box(&vmcb), black_box(&caps), &mut v);
            let _ = check_vmcb02_intercepts(&vmcb, &caps, black_box(&i02), &mut v);
            v
        })
    });
    c.bench_function("svm/snapshot_and_validate", |b| {
        b.iter(|| {
            let v12 = Vmcb12::from_bytes(black_box(&page)).unwrap_or_default();
            let mut v = FirstFailure::default();
            let _ = validate_vmrun(&op, &v12, &caps, &mut v);
            v
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
