// SPDX-License-Identifier: GPL-2.0

//! Checks on the guest state VMRUN loads from the save area.
//!
//! In KVM's order (`nested_vmcb_check_save()`), followed by the CR3 check
//! KVM makes while loading CR3 and the APM checks KVM does not make.

use core::ops::ControlFlow;

use super::bits::{attrib, cr0, cr3, cr4, efer, misc_ctl, s_cet};
use super::caps::{Features, SvmCaps};
use super::rules::SvmRule;
use super::rules::SvmRule::*;
use super::vmcb12::{SegReg, Vmcb12, VmcbBytes};
use crate::engine::rule::{cc, Verdicts};

/// The CR4 bits that exist only with a CPUID feature, as in KVM's
/// `__cr4_reserved_bits()`.
const CR4_FEATURES: &[(u64, Features)] = &[
    (cr4::OSXSAVE, Features::XSAVE),
    (cr4::SMEP, Features::SMEP),
    (cr4::SMAP, Features::SMAP),
    (cr4::FSGSBASE, Features::FSGSBASE),
    (cr4::PKE, Features::PKU),
    (cr4::LA57, Features::LA57),
    (cr4::UMIP, Features::UMIP),
    (cr4::VMXE, Features::VMX),
    (cr4::PCIDE, Features::PCID),
    (cr4::LAM_SUP, Features::LAM),
];

/// The EFER bits that exist only with a CPUID feature (LME and LMA have
/// their own rule).
const EFER_FEATURES: &[(u64, Features)] = &[
    (efer::NX, Features::NX),
    (efer::FFXSR, Features::FFXSR),
    (efer::LMSLE, Features::LMSLE),
    (efer::TCE, Features::TCE),
    (efer::AUTOIBRS, Features::AUTOIBRS),
];

/// CR4 bits set for features L1 does not have.
fn cr4_missing_features(cr4: u64, caps: &SvmCaps) -> u64 {
    let mut bad = caps.withheld(CR4_FEATURES);
    if !caps.features.any(Features::SHSTK.with(Features::IBT)) {
        bad |= cr4::CET;
    }
    cr4 & bad
}

/// Whether every byte of a PAT value is a defined memory type
/// (0, 1, 4, 5, 6, 7), as `kvm_pat_valid()` says.
pub(crate) fn pat_valid(pat: u64) -> bool {
    pat & 0xF8F8_F8F8_F8F8_F8F8 == 0 && (pat | ((pat & 0x0202_0202_0202_0202) << 1)) == pat
}

/// Checks the save area of `vmcb`.
pub fn check_save(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    let efer = vmcb.efer();
    let cr0 = vmcb.cr0();
    let cr3 = vmcb.cr3();
    let cr4 = vmcb.cr4();
    let cs = vmcb.seg(SegReg::Cs).attrib;
    let (pe, wp, cd, nw, pg) = (
        cr0 & cr0::PE != 0,
        cr0 & cr0::WP != 0,
        cr0 & cr0::CD != 0,
        cr0 & cr0::NW != 0,
        cr0 & cr0::PG != 0,
    );
    let (pae, cet) = (cr4 & cr4::PAE != 0, cr4 & cr4::CET != 0);
    let lm = efer & (efer::LME | efer::LMA) != 0;
    // EFER.LME and CR0.PG: the guest runs in long mode.
    let long = efer & efer::LME != 0 && pg;
    let cs_l_d = cs & attrib::L != 0 && cs & attrib::DB != 0;
    let lam = if caps.has(Features::LAM) {
        cr3::LAM_U48 | cr3::LAM_U57
    } else {
        0
    };
    let efer_ok = efer::LME | efer::LMA | efer::SCE | efer::SVME | caps.granted(EFER_FEATURES);
    let npt = vmcb.misc_ctl() & misc_ctl::NP != 0 && caps.has(Features::NPT);
    let has_cet = caps.features.any(Features::SHSTK.with(Features::IBT));

    let s_cet_rsvd = vmcb.s_cet() & s_cet::RESERVED != 0;

    cc!(v, EferSvme, efer & efer::SVME == 0);
    cc!(v, Cr0CdNw, !cd && nw);
    cc!(v, Cr0High, cr0 >> 32 != 0);
    cc!(v, Dr6High, vmcb.dr6() >> 32 != 0);
    cc!(v, Dr7High, vmcb.dr7() >> 32 != 0);
    cc!(v, LongPae, long && !pae);
    cc!(v, LongPe, long && !pe);
    cc!(v, Cr3LongMbz, long && !caps.legal_pa(cr3 & !lam));
    cc!(v, LongCsLd, long && pae && cs_l_d);
    cc!(v, Cr4Reserved, cr4 & !cr4::DEFINED != 0);
    cc!(v, Cr4Feature, cr4_missing_features(cr4, caps) != 0);
    cc!(v, EferLm, lm && !caps.has(Features::LM));
    cc!(v, EferMbz, efer & !efer_ok != 0);
    cc!(v, Gpat, npt && !pat_valid(vmcb.g_pat()));
    cc!(v, Cr3LegacyMbz, !long && !caps.legal_pa(cr3));
    cc!(
        v,
        Cr3LegacyHigh,
        !long && cr3 >> 32 != 0 && caps.legal_pa(cr3)
    );
    cc!(v, CetWp, cet && !wp);
    cc!(v, SCetReserved, has_cet && s_cet_rsvd);
    ControlFlow::Continue(())
}
