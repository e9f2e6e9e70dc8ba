// SPDX-License-Identifier: GPL-2.0

//! Checks on the control area: intercepts, ASID, permission maps, nested
//! paging, EVENTINJ and the virtual interrupt controls.
//!
//! In KVM's order (`nested_vmcb_check_controls()`), followed by the APM
//! checks KVM does not make.

use core::ops::ControlFlow;

use super::bits::{
    erap_ctl, event_inj, int_ctl, intercept, misc_ctl, misc_ctl2, tlb_ctl, vector, INT_VECTOR_MASK,
    IOPM_SIZE, MSRPM_SIZE,
};
use super::caps::{Features, SvmCaps};
use super::rules::SvmRule;
use super::vmcb12::Vmcb12;
use crate::engine::rule::{cc, Verdicts};

/// Whether a permission map of `size` bytes at `base` (bits 11:0 ignored)
/// lies entirely below MAXPHYADDR (`nested_svm_check_bitmap_pa()`).
fn bitmap_legal(caps: &SvmCaps, base: u64, size: u64) -> bool {
    let first = base & !0xfff;
    match first.checked_add(size - 1) {
        Some(last) => caps.legal_pa(first) && caps.legal_pa(last),
        None => false,
    }
}

/// Whether `vector` is an exception EVENTINJ may inject
/// (`nested_svm_event_inj_valid_exept()`).
fn exception_vector_valid(vector: u8, caps: &SvmCaps) -> bool {
    match vector {
        vector::CP => caps.has(Features::SHSTK),
        vector::VC => caps.has(Features::SEV_ES),
        0..=31 => vector::ALWAYS & (1 << vector) != 0,
        _ => false,
    }
}

/// `misc_ctl` bits L1 may set.
fn misc_ctl_allowed(caps: &SvmCaps) -> u64 {
    let mut ok = 0;
    if caps.has(Features::NPT) {
        ok |= misc_ctl::NP;
    }
    if caps.has(Features::GMET) {
        ok |= misc_ctl::GMET;
    }
    ok
}

/// `misc_ctl2` bits L1 may set.
fn misc_ctl2_allowed(caps: &SvmCaps) -> u64 {
    let mut ok = 0;
    if caps.has(Features::LBRV) {
        ok |= misc_ctl2::V_LBR;
    }
    if caps.has(Features::V_VMSAVE_VMLOAD) {
        ok |= misc_ctl2::V_VMLOAD_VMSAVE;
    }
    ok
}

/// Checks the control area of `vmcb`.
pub fn check_controls(
    vmcb: &Vmcb12,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    let intercepts = vmcb.intercepts();
    let npt = vmcb.misc_ctl() & misc_ctl::NP != 0 && caps.has(Features::NPT);
    let ictl = vmcb.int_ctl();
    let ev = vmcb.event_inj();
    let ev_valid = ev & event_inj::VALID != 0;
    let ev_type = (ev & event_inj::TYPE_MASK) >> event_inj::TYPE_SHIFT;
    // EVENTINJ.VECTOR is bits 7:0: the low byte.
    let [ev_vector, ..] = ev.to_le_bytes();
    let tlb = vmcb.tlb_ctl();
    let erap = vmcb.erap_ctl();

    cc!(
        v,
        SvmRule::VmrunIntercept,
        !intercepts.has(intercept::VMRUN)
    );
    cc!(v, SvmRule::AsidZero, vmcb.asid() == 0);
    cc!(
        v,
        SvmRule::NestedCr3,
        npt && !caps.legal_pa(vmcb.nested_cr3())
    );
    cc!(
        v,
        SvmRule::MsrpmBase,
        !bitmap_legal(caps, vmcb.msrpm_base_pa(), MSRPM_SIZE)
    );
    cc!(
        v,
        SvmRule::IopmBase,
        !bitmap_legal(caps, vmcb.iopm_base_pa(), IOPM_SIZE)
    );
    cc!(
        v,
        SvmRule::VnmiIntercept,
        ictl & int_ctl::V_NMI_ENABLE != 0 && !intercepts.has(intercept::NMI)
    );
    cc!(
        v,
        SvmRule::EventType,
        ev_valid
            && !matches!(
                ev_type,
                event_inj::TYPE_INTR
                    | event_inj::TYPE_NMI
                    | event_inj::TYPE_EXEPT
                    | event_inj::TYPE_SOFT
            )
    );
    cc!(
        v,
        SvmRule::EventVector,
        ev_valid && ev_type == event_inj::TYPE_EXEPT && !exception_vector_valid(ev_vector, caps)
    );
    cc!(
        v,
        SvmRule::EventReserved,
        ev_valid && ev & event_inj::RESERVED != 0
    );
    cc!(
        v,
        SvmRule::TlbControl,
        !matches!(
            tlb,
            tlb_ctl::DO_NOTHING
                | tlb_ctl::FLUSH_ALL_ASID
                | tlb_ctl::FLUSH_ASID
                | tlb_ctl::FLUSH_ASID_LOCAL
        )
    );
    cc!(
        v,
        SvmRule::TlbFlushAsid,
        matches!(tlb, tlb_ctl::FLUSH_ASID | tlb_ctl::FLUSH_ASID_LOCAL)
            && !caps.has(Features::FLUSHBYASID)
    );
    cc!(
        v,
        SvmRule::MiscCtl,
        vmcb.misc_ctl() & !misc_ctl_allowed(caps) != 0
    );
    cc!(
        v,
        SvmRule::MiscCtl2,
        vmcb.misc_ctl2() & !misc_ctl2_allowed(caps) != 0
    );
    cc!(
        v,
        SvmRule::ErapCtl,
        erap & !(erap_ctl::ALLOW_LARGER_RAP | erap_ctl::CLEAR_RAP) != 0
            || (erap != 0 && !caps.has(Features::ERAPS))
    );
    cc!(
        v,
        SvmRule::Vgif,
        ictl & int_ctl::V_GIF_ENABLE != 0 && !caps.has(Features::VGIF)
    );
    cc!(
        v,
        SvmRule::Vnmi,
        ictl & int_ctl::VNMI != 0 && !caps.has(Features::VNMI)
    );
    cc!(
        v,
        SvmRule::Avic,
        ictl & int_ctl::AVIC_ENABLE != 0 && !caps.has(Features::AVIC)
    );
    cc!(
        v,
        SvmRule::X2avic,
        ictl & int_ctl::X2APIC_MODE != 0
            && (ictl & int_ctl::AVIC_ENABLE == 0 || !caps.has(Features::X2AVIC))
    );
    cc!(v, SvmRule::IntCtlReserved, ictl & !int_ctl::DEFINED != 0);
    cc!(
        v,
        SvmRule::IntVectorReserved,
        vmcb.int_vector() & !INT_VECTOR_MASK != 0
    );
    ControlFlow::Continue(())
}
