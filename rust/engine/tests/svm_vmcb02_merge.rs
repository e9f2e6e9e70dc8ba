// SPDX-License-Identifier: GPL-2.0

//! The vmcb02 KVM builds for a restored nested state
//! (`svm::merged_vmcb02_intercepts`, KVM's
//! `nested_vmcb02_recalc_intercepts()`): each step of the merge with the
//! case on both sides of its condition, and the property that the merge
//! always keeps what the vmcb02 rules require.

use nestvirt_engine::rule::{ClassModes, FirstFailure, Mode};
use nestvirt_engine::svm::bits::{int_ctl, intercept, misc_ctl, misc_ctl2};
use nestvirt_engine::svm::{
    check_vmcb02_entry, check_vmcb02_intercepts, merged_vmcb02_intercepts,
    required_vmcb02_intercepts, sample, Features, Intercepts, L0Intercepts, SvmClass, SvmRule,
    Vmcb12,
};
use proptest::prelude::*;

const IF: u64 = 1 << 9;

/// vmcb01 as kvm-amd sets it up for an L1 (`init_vmcb()`): a few of its
/// intercepts, among them those the merge treats specially.
fn kvm_vmcb01() -> L0Intercepts {
    let mut i = Intercepts::default();
    for bit in [
        intercept::CR8_WRITE,
        intercept::VINTR,
        intercept::SMI,
        intercept::PAUSE,
        intercept::VMRUN,
        intercept::VMLOAD,
        intercept::VMSAVE,
    ] {
        i.set(bit, true);
    }
    L0Intercepts {
        vmcb01: i,
        intercept_smi: true,
    }
}

fn merged(v: &Vmcb12, l0: &L0Intercepts) -> Intercepts {
    merged_vmcb02_intercepts(v, &sample::caps(), l0)
}

/// [`sample::vmcb12`] without the intercepts whose merge a test looks at.
fn vmcb12_without(bits: &[u32]) -> Vmcb12 {
    let mut v = sample::vmcb12();
    for &bit in bits {
        v.set_intercept(bit, false);
    }
    v
}

#[test]
fn sample_state_on_kvm_vmcb01_passes_the_vmcb02_rules() {
    let v = sample::vmcb12();
    let i02 = merged(&v, &kvm_vmcb01());
    let modes = ClassModes::uniform(Mode::Enforce, SvmClass::ALL.len());
    let o = check_vmcb02_entry(&v, &sample::caps(), &i02, modes);
    assert_eq!(o.enforced, None);
    assert!(o.counted.is_empty());
}

#[test]
fn a_vmcb01_without_vmrun_and_a_vmcb12_without_it_fail_vmcb02_vmrun() {
    let v = vmcb12_without(&[intercept::VMRUN]);
    let mut l0 = kvm_vmcb01();
    l0.vmcb01.set(intercept::VMRUN, false);
    let mut f = FirstFailure::default();
    let _ = check_vmcb02_intercepts(&v, &sample::caps(), &merged(&v, &l0), &mut f);
    assert_eq!(f.0, Some(SvmRule::Vmcb02Vmrun));
    // Either side's VMRUN intercept is enough.
    let with_l0 = merged(&v, &kvm_vmcb01());
    assert!(with_l0.has(intercept::VMRUN));
    let with_l1 = merged(&sample::vmcb12(), &l0);
    assert!(with_l1.has(intercept::VMRUN));
}

#[test]
fn cr8_write_and_vintr_of_vmcb01_go_only_with_interrupt_masking() {
    let mut v = vmcb12_without(&[intercept::CR8_WRITE, intercept::VINTR]);
    let l0 = kvm_vmcb01();
    v.set_int_ctl(v.int_ctl() & !int_ctl::V_INTR_MASKING);
    v.set_rflags(v.rflags() & !IF);
    let i = merged(&v, &l0);
    assert!(i.has(intercept::CR8_WRITE) && i.has(intercept::VINTR));

    v.set_int_ctl(v.int_ctl() | int_ctl::V_INTR_MASKING);
    v.set_rflags(v.rflags() | IF);
    let i = merged(&v, &l0);
    assert!(
        !i.has(intercept::CR8_WRITE),
        "masking drops vmcb01's CR8 write"
    );
    assert!(i.has(intercept::VINTR), "L1's RFLAGS.IF set keeps VINTR");

    v.set_rflags(v.rflags() & !IF);
    let i = merged(&v, &l0);
    assert!(!i.has(intercept::CR8_WRITE) && !i.has(intercept::VINTR));

    // vmcb12's own are ORed in after.
    v.set_intercept(intercept::CR8_WRITE, true);
    v.set_intercept(intercept::VINTR, true);
    let i = merged(&v, &l0);
    assert!(i.has(intercept::CR8_WRITE) && i.has(intercept::VINTR));
}

#[test]
fn smi_only_when_l0_intercepts_smis() {
    let mut v = sample::vmcb12();
    v.set_intercept(intercept::SMI, true);
    let mut l0 = kvm_vmcb01();
    assert!(merged(&v, &l0).has(intercept::SMI));
    l0.intercept_smi = false;
    assert!(!merged(&v, &l0).has(intercept::SMI));
}

#[test]
fn pause_only_when_vmcb12_has_it() {
    let mut v = vmcb12_without(&[intercept::PAUSE]);
    let l0 = kvm_vmcb01();
    assert!(!merged(&v, &l0).has(intercept::PAUSE));
    v.set_intercept(intercept::PAUSE, true);
    assert!(merged(&v, &l0).has(intercept::PAUSE));
}

#[test]
fn vmload_vmsave_forced_unless_virtual_vmload_vmsave() {
    let mut v = vmcb12_without(&[intercept::VMLOAD, intercept::VMSAVE]);
    let mut l0 = kvm_vmcb01();
    l0.vmcb01.set(intercept::VMLOAD, false);
    l0.vmcb01.set(intercept::VMSAVE, false);
    let i = merged(&v, &l0);
    assert!(i.has(intercept::VMLOAD) && i.has(intercept::VMSAVE));

    let caps = sample::caps();
    assert!(caps.has(Features::V_VMSAVE_VMLOAD) && caps.has(Features::NPT));
    v.set_misc_ctl(v.misc_ctl() | misc_ctl::NP);
    v.set_misc_ctl2(v.misc_ctl2() | misc_ctl2::V_VMLOAD_VMSAVE);
    let i = merged(&v, &l0);
    assert!(!i.has(intercept::VMLOAD) && !i.has(intercept::VMSAVE));
}

#[test]
fn intercepts_of_instructions_l1_lacks_are_not_merged() {
    let mut v = sample::vmcb12();
    v.set_intercept(intercept::XSETBV, true);
    let l0 = L0Intercepts::default();
    let mut caps = sample::caps();
    assert!(caps.has(Features::XSAVE));
    assert!(merged_vmcb02_intercepts(&v, &caps, &l0).has(intercept::XSETBV));
    caps.features = Features(caps.features.0 & !Features::XSAVE.0);
    assert!(!merged_vmcb02_intercepts(&v, &caps, &l0).has(intercept::XSETBV));
}

fn intercepts() -> impl Strategy<Value = Intercepts> {
    proptest::array::uniform6(any::<u32>()).prop_map(Intercepts)
}

proptest! {
    /// Whatever vmcb01 and vmcb12 hold, the merge keeps every intercept the
    /// vmcb02 rules require except VMRUN, which comes from one of the two.
    #[test]
    fn prop_merge_keeps_what_the_rules_require(
        l0: (u32, u32, u32, u32, u32, u32),
        l1 in intercepts(),
        int: u32,
        rflags: u64,
        misc: u64,
        misc2: u64,
        smi: bool,
    ) {
        let mut v = sample::vmcb12();
        v.set_intercepts(&l1);
        v.set_int_ctl(int);
        v.set_rflags(rflags);
        v.set_misc_ctl(misc);
        v.set_misc_ctl2(misc2);
        let l0 = L0Intercepts {
            vmcb01: Intercepts([l0.0, l0.1, l0.2, l0.3, l0.4, l0.5]),
            intercept_smi: smi,
        };
        let caps = sample::caps();
        let i = merged_vmcb02_intercepts(&v, &caps, &l0);
        let mut want = required_vmcb02_intercepts(&v, &caps);
        want.set(intercept::VMRUN, l0.vmcb01.has(intercept::VMRUN) || l1.has(intercept::VMRUN));
        for (w, h) in want.0.iter().zip(i.0.iter()) {
            prop_assert_eq!(w & !h, 0);
        }
        let mut f = FirstFailure::default();
        let _ = check_vmcb02_intercepts(&v, &caps, &i, &mut f);
        prop_assert_eq!(f.0.is_some(), !want.has(intercept::VMRUN));
    }
}
