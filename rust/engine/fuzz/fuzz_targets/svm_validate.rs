// SPDX-License-Identifier: GPL-2.0

//! Fuzzes the SVM checks. Input bytes 0..4096 are XORed onto the sample
//! VMCB page (so an empty input is a valid entry and the fuzzer starts
//! near one); the bytes after the page give L1's MAXPHYADDR and features,
//! the VMRUN operands and XOR deltas of the vmcb02 intercepts (the sample's
//! when absent). Checks never panic, give the same verdict twice, and
//! report as first failure the first rule of the full set.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nestvirt_engine::rule::{FirstFailure, RuleSet};
use nestvirt_engine::svm::{
    check_vmcb02_intercepts, sample, validate_vmrun, Features, SvmCaps, Vmcb12, VmrunOperand,
};

fn word(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    for (i, x) in b.iter_mut().enumerate() {
        *x = data.get(at + i).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    // Bytes 0..4096 overwrite the sample page as XOR deltas.
    for (p, d) in page.iter_mut().zip(data) {
        *p ^= d;
    }
    let tail = data.get(4096..).unwrap_or(&[]);
    let Some(vmcb) = Vmcb12::from_bytes(&page) else {
        return;
    };
    let caps = if tail.is_empty() {
        sample::caps()
    } else {
        SvmCaps {
            maxphyaddr: tail[0],
            features: Features(word(tail, 1)),
        }
    };
    let op = VmrunOperand {
        rax: word(tail, 9),
        cpl: tail.get(17).copied().unwrap_or(0),
        hsave_pa: word(tail, 18) | 0x1000,
    };
    let mut i02 = sample::vmcb02_intercepts();
    for (i, w) in i02.0.iter_mut().enumerate() {
        *w ^= word(tail, 26 + 4 * i) as u32;
    }

    let mut all = RuleSet::new();
    let _ = validate_vmrun(&op, &vmcb, &caps, &mut all);
    let _ = check_vmcb02_intercepts(&vmcb, &caps, &i02, &mut all);
    let mut again = RuleSet::new();
    let _ = validate_vmrun(&op, &vmcb, &caps, &mut again);
    let _ = check_vmcb02_intercepts(&vmcb, &caps, &i02, &mut again);
    assert_eq!(all, again);

    let mut first = FirstFailure::default();
    if validate_vmrun(&op, &vmcb, &caps, &mut first).is_continue() {
        let _ = check_vmcb02_intercepts(&vmcb, &caps, &i02, &mut first);
    }
    assert_eq!(first.0, all.first());
});
