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
use super::rules::SvmRule::*;
use super::vmcb12::{Vmcb12, VmcbBytes};
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

/// `misc_ctl` bits that exist with a feature; the rest (SEV, SEV-ES,
/// undefined bits) L1 may never set.
const MISC_CTL_FEATURES: &[(u64, Features)] = &[
    (misc_ctl::NP, Features::NPT),
    (misc_ctl::GMET, Features::GMET),
];

/// `misc_ctl2` bits that exist with a feature.
const MISC_CTL2_FEATURES: &[(u64, Features)] = &[
    (misc_ctl2::V_LBR, Features::LBRV),
    (misc_ctl2::V_VMLOAD_VMSAVE, Features::V_VMSAVE_VMLOAD),
];

/// Checks the control area of `vmcb`.
pub fn check_controls(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    use event_inj::{TYPE_EXEPT, TYPE_INTR, TYPE_NMI, TYPE_SOFT};
    use tlb_ctl::{DO_NOTHING, FLUSH_ALL_ASID, FLUSH_ASID, FLUSH_ASID_LOCAL};

    let intercepts = vmcb.intercepts();
    let npt = vmcb.misc_ctl() & misc_ctl::NP != 0 && caps.has(Features::NPT);
    let ictl = vmcb.int_ctl();
    let (vnmi_on, avic_on) = (
        ictl & int_ctl::V_NMI_ENABLE != 0,
        ictl & int_ctl::AVIC_ENABLE != 0,
    );
    let x2apic_on = ictl & int_ctl::X2APIC_MODE != 0;
    let ev = vmcb.event_inj();
    let ev_valid = ev & event_inj::VALID != 0;
    let ev_type = (ev & event_inj::TYPE_MASK) >> event_inj::TYPE_SHIFT;
    // EVENTINJ.VECTOR is bits 7:0: the low byte.
    let [ev_vector, ..] = ev.to_le_bytes();
    let ev_type_ok = matches!(ev_type, TYPE_INTR | TYPE_NMI | TYPE_EXEPT | TYPE_SOFT);
    let ev_exception = ev_type == TYPE_EXEPT;
    let tlb = vmcb.tlb_ctl();
    let tlb_ok = matches!(
        tlb,
        DO_NOTHING | FLUSH_ALL_ASID | FLUSH_ASID | FLUSH_ASID_LOCAL
    );
    let tlb_by_asid = matches!(tlb, FLUSH_ASID | FLUSH_ASID_LOCAL);
    let erap = vmcb.erap_ctl();
    let erap_rsvd = erap & !(erap_ctl::ALLOW_LARGER_RAP | erap_ctl::CLEAR_RAP) != 0;
    let misc_rsvd = vmcb.misc_ctl() & !caps.granted(MISC_CTL_FEATURES) != 0;
    let misc2_rsvd = vmcb.misc_ctl2() & !caps.granted(MISC_CTL2_FEATURES) != 0;
    let (msrpm, iopm) = (vmcb.msrpm_base_pa(), vmcb.iopm_base_pa());
    let vector_ok = exception_vector_valid(ev_vector, caps);
    let vgif_on = ictl & int_ctl::V_GIF_ENABLE != 0;
    let vnmi_bits = ictl & int_ctl::VNMI != 0;
    let int_vector_rsvd = vmcb.int_vector() & !INT_VECTOR_MASK != 0;
    let has = |f| caps.has(f);
    let erap_unsupported = erap != 0 && !has(Features::ERAPS);

    cc!(v, VmrunIntercept, !intercepts.has(intercept::VMRUN));
    cc!(v, AsidZero, vmcb.asid() == 0);
    cc!(v, NestedCr3, npt && !caps.legal_pa(vmcb.nested_cr3()));
    cc!(v, MsrpmBase, !bitmap_legal(caps, msrpm, MSRPM_SIZE));
    cc!(v, IopmBase, !bitmap_legal(caps, iopm, IOPM_SIZE));
    cc!(
        v,
        VnmiIntercept,
        vnmi_on && has(Features::VNMI) && !intercepts.has(intercept::NMI)
    );
    cc!(v, EventType, ev_valid && !ev_type_ok);
    cc!(v, EventVector, ev_valid && ev_exception && !vector_ok);
    cc!(v, EventReserved, ev_valid && ev & event_inj::RESERVED != 0);
    cc!(v, TlbControl, !tlb_ok);
    cc!(v, TlbFlushAsid, tlb_by_asid && !has(Features::FLUSHBYASID));
    cc!(v, MiscCtl, misc_rsvd);
    cc!(v, MiscCtl2, misc2_rsvd);
    cc!(v, ErapCtl, erap_rsvd || erap_unsupported);
    cc!(v, Vgif, vgif_on && !has(Features::VGIF));
    cc!(v, Vnmi, vnmi_bits && !has(Features::VNMI));
    cc!(v, Avic, avic_on && !has(Features::AVIC));
    cc!(v, X2avic, x2apic_on && !has(Features::X2AVIC));
    cc!(
        v,
        X2avicWithoutAvic,
        x2apic_on && has(Features::X2AVIC) && !avic_on
    );
    cc!(v, IntCtlReserved, ictl & !int_ctl::DEFINED != 0);
    cc!(v, IntVectorReserved, int_vector_rsvd);
    ControlFlow::Continue(())
}
