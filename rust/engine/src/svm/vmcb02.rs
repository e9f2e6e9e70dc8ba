// SPDX-License-Identifier: GPL-2.0

//! Intercepts vmcb02 must carry, whatever L1 wrote in vmcb12.
//!
//! KVM builds vmcb02's intercepts in `nested_vmcb02_recalc_intercepts()`:
//! vmcb01's, OR vmcb12's, then VMLOAD and VMSAVE forced on unless virtual
//! VMLOAD/VMSAVE is in effect for L2. Getting this wrong let L2 run VMLOAD
//! and VMSAVE on host memory (CVE-2021-3656). nestvirt recomputes the
//! required set from the vmcb12 snapshot and checks vmcb02 against it
//! before L2 runs.

use core::ops::ControlFlow;

use super::bits::{intercept, misc_ctl, misc_ctl2};
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

/// The intercepts of vmcb12 that vmcb02 must keep.
pub fn l1_intercepts(vmcb: &Vmcb12<impl VmcbBytes>, caps: &SvmCaps) -> Intercepts {
    let mut i = vmcb.intercepts();
    for &(bit, feature) in SANITIZED {
        if feature.is_none_or(|f| !caps.has(f)) {
            i.set(bit, false);
        }
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
