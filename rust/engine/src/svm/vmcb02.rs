// SPDX-License-Identifier: GPL-2.0

//! Intercepts vmcb02 must carry, whatever L1 wrote in vmcb12.
//!
//! KVM builds vmcb02's intercepts in `nested_vmcb02_recalc_intercepts()`:
//! vmcb01's, OR vmcb12's, then VMLOAD and VMSAVE forced on unless virtual
//! VMLOAD/VMSAVE is in effect for L2. Getting this wrong let L2 run VMLOAD
//! and VMSAVE on host memory (CVE-2021-3656). nestvirt recomputes the
//! required set from the vmcb12 snapshot and checks vmcb02 against it
//! before L2 runs. For a restored nested state, which must be checked
//! before KVM applies anything, [`merged_vmcb02_intercepts`] gives the
//! vmcb02 KVM will build from the destination's vmcb01.

use core::ops::ControlFlow;

use super::bits::{int_ctl, intercept, misc_ctl, misc_ctl2};
use super::caps::{Features, SvmCaps};
use super::rules::SvmRule;
use super::vmcb12::{Intercepts, Vmcb12, VmcbBytes};
use crate::engine::rule::{cc, Verdicts};

/// Intercepts KVM drops from vmcb12 when L1 lacks the instruction
/// (`__nested_copy_vmcb_control_to_cache()`), and SMI, which KVM clears
/// when the host does not intercept SMIs.
const SANITIZED: &[(u32, Option<Features>)] = &[
    (intercept::XSETBV, Some(Features::XSAVE)),
    (intercept::INVPCID, Some(Features::INVPCID)),
    (intercept::RDTSCP, Some(Features::RDTSCP)),
    (intercept::SKINIT, Some(Features::SKINIT)),
    (intercept::RDPRU, Some(Features::RDPRU)),
    (intercept::SMI, None),
];

/// Whether virtual VMLOAD/VMSAVE is in effect for L2: exposed to L1,
/// enabled in vmcb12 and running on nested paging
/// (`nested_vmcb_needs_vls_intercept()` false).
pub fn virtual_vmload_vmsave(vmcb: &Vmcb12<impl VmcbBytes>, caps: &SvmCaps) -> bool {
    caps.has(Features::V_VMSAVE_VMLOAD)
        && caps.has(Features::NPT)
        && vmcb.misc_ctl() & misc_ctl::NP != 0
        && vmcb.misc_ctl2() & misc_ctl2::V_VMLOAD_VMSAVE != 0
}

/// vmcb12's intercepts as KVM caches them: without those of instructions
/// L1 lacks.
fn cached_intercepts(vmcb: &Vmcb12<impl VmcbBytes>, caps: &SvmCaps) -> Intercepts {
    let mut i = vmcb.intercepts();
    for &(bit, feature) in SANITIZED {
        if feature.is_some_and(|f| !caps.has(f)) {
            i.set(bit, false);
        }
    }
    i
}

/// The intercepts of vmcb12 that vmcb02 must keep.
pub fn l1_intercepts(vmcb: &Vmcb12<impl VmcbBytes>, caps: &SvmCaps) -> Intercepts {
    let mut i = cached_intercepts(vmcb, caps);
    i.set(intercept::SMI, false);
    i
}

/// What L0 puts into vmcb02 besides vmcb12: its own intercepts of L1
/// (vmcb01's) and whether it intercepts SMIs (kvm-amd's `intercept_smi`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct L0Intercepts {
    /// vmcb01's intercept words.
    pub vmcb01: Intercepts,
    /// kvm-amd intercepts SMIs.
    pub intercept_smi: bool,
}

/// RFLAGS.IF.
const RFLAGS_IF: u64 = 1 << 9;

/// The intercepts `nested_vmcb02_recalc_intercepts()` builds into vmcb02
/// for a restored nested state: `vmcb` is that state's vmcb12, whose save
/// area is L1's (KVM copies it into vmcb01 first). vmcb01's intercepts,
/// without CR8 writes and, while L1's RFLAGS.IF is clear, virtual
/// interrupts when vmcb12 masks interrupts; OR vmcb12's as KVM caches
/// them; SMI only when L0 intercepts SMIs; PAUSE only when vmcb12 has it;
/// VMLOAD and VMSAVE unless virtual VMLOAD/VMSAVE is in effect. The STGI
/// and VINTR intercepts `svm_set_gif()` moves in vmcb01 just before are
/// left as they are: no vmcb02 rule reads them.
pub fn merged_vmcb02_intercepts(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    l0: &L0Intercepts,
) -> Intercepts {
    let mut i = l0.vmcb01;
    if vmcb.int_ctl() & int_ctl::V_INTR_MASKING != 0 {
        i.set(intercept::CR8_WRITE, false);
        if vmcb.rflags() & RFLAGS_IF == 0 {
            i.set(intercept::VINTR, false);
        }
    }
    for (word, l1) in i.0.iter_mut().zip(cached_intercepts(vmcb, caps).0) {
        *word |= l1;
    }
    if !l0.intercept_smi {
        i.set(intercept::SMI, false);
    }
    if !vmcb.intercept(intercept::PAUSE) {
        i.set(intercept::PAUSE, false);
    }
    if !virtual_vmload_vmsave(vmcb, caps) {
        i.set(intercept::VMLOAD, true);
        i.set(intercept::VMSAVE, true);
    }
    i
}

/// Every intercept vmcb02 must have for L2 to run under `vmcb`.
pub fn required_vmcb02_intercepts(vmcb: &Vmcb12<impl VmcbBytes>, caps: &SvmCaps) -> Intercepts {
    let mut i = l1_intercepts(vmcb, caps);
    i.set(intercept::VMRUN, true);
    if !virtual_vmload_vmsave(vmcb, caps) {
        i.set(intercept::VMLOAD, true);
        i.set(intercept::VMSAVE, true);
    }
    i
}

/// Checks the intercepts KVM put in vmcb02 for the nested entry `vmcb`.
pub fn check_vmcb02_intercepts(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    vmcb02: &Intercepts,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    let vls = virtual_vmload_vmsave(vmcb, caps);
    let vls_intercepted = vmcb02.has(intercept::VMLOAD) && vmcb02.has(intercept::VMSAVE);
    // VMRUN has its own rule.
    let mut l1 = l1_intercepts(vmcb, caps);
    l1.set(intercept::VMRUN, false);
    let missing =
        l1.0.iter()
            .zip(vmcb02.0.iter())
            .any(|(want, have)| want & !have != 0);

    cc!(v, SvmRule::Vmcb02Vmrun, !vmcb02.has(intercept::VMRUN));
    cc!(v, SvmRule::Vmcb02VmloadVmsave, !vls && !vls_intercepted);
    cc!(v, SvmRule::Vmcb02L1Intercepts, missing);
    ControlFlow::Continue(())
}
