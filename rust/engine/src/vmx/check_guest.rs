// SPDX-License-Identifier: GPL-2.0

//! SDM 27.3.1, checks on the guest-state area other than segments:
//! control and debug registers and MSRs (27.3.1.1), RIP, RFLAGS and SSP
//! (27.3.1.4), non-register state (27.3.1.5) and PDPTEs (27.3.1.6).
//! A failure is a VM exit with basic reason 33.

use core::ops::ControlFlow;

use super::bits::activity;
use super::bits::bndcfgs;
use super::bits::cr0;
use super::bits::cr4;
use super::bits::debugctl;
use super::bits::efer;
use super::bits::entry;
use super::bits::interruptibility as intr;
use super::bits::intr_info;
use super::bits::intr_type;
use super::bits::pdpte;
use super::bits::pending_dbg;
use super::bits::pin;
use super::bits::proc2;
use super::bits::rflags;
use super::bits::vector;
use super::check_host::check_fixed;
use super::check_host::cr3_beyond;
use super::env::Env;
use super::msr_fields::check_cet_control;
use super::msr_fields::check_loaded_msrs;
use super::msr_fields::CetRules;
use super::msr_fields::LoadedMsrRules;
use super::msr_fields::LoadedMsrs;
use super::rules::VmxRule as R;
use super::segment::Seg;
use crate::engine::rule::{cc, Verdicts};

/// SDM 27.3.1.1, checks on guest control registers, debug registers and
/// MSRs.
pub(crate) fn check_guest_regs(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let caps = e.caps;
    let entry_ctl = s.vm_entry_controls();
    let ia32e = e.ia32e_guest();
    let (cr0v, cr4v) = (s.guest_cr0(), s.guest_cr4());
    let cr0_fixed0 = if e.unrestricted() {
        caps.cr0_fixed0 & !(cr0::PE | cr0::PG)
    } else {
        caps.cr0_fixed0
    };
    let cr0_rules = [R::GuestCr0Fixed0, R::GuestCr0Fixed1];
    // SDM 27.3.1.1: "Bit 29 (corresponding to CR0.NW) and bit 30 (CD) are
    // never checked because the values of these bits are not changed by VM
    // entry".
    let unchecked = cr0::NW | cr0::CD;
    let fixed = (cr0_fixed0 & !unchecked, caps.cr0_fixed1 | unchecked);
    check_fixed(v, cr0v, fixed, cr0_rules)?;
    cc!(
        v,
        R::GuestCr0PgPe,
        cr0v & cr0::PG != 0 && cr0v & cr0::PE == 0
    );
    let cr4_rules = [R::GuestCr4Fixed0, R::GuestCr4Fixed1];
    check_fixed(v, cr4v, (caps.cr4_fixed0, caps.cr4_fixed1), cr4_rules)?;
    cc!(
        v,
        R::GuestCr4CetWp,
        cr4v & cr4::CET != 0 && cr0v & cr0::WP == 0
    );
    if entry_ctl & entry::LOAD_DEBUG_CONTROLS != 0 {
        let debugctl = s.guest_ia32_debugctl();
        cc!(
            v,
            R::GuestDebugctlReserved,
            debugctl & !e.ctx.debugctl_allowed != 0
        );
        cc!(v, R::GuestDr7High, s.guest_dr7() >> 32 != 0);
    }
    cc!(v, R::GuestCr3Width, cr3_beyond(e, s.guest_cr3()));
    cc!(v, R::GuestIa32ePg, ia32e && cr0v & cr0::PG == 0);
    cc!(v, R::GuestIa32ePae, ia32e && cr4v & cr4::PAE == 0);
    cc!(v, R::GuestPcideLegacy, !ia32e && cr4v & cr4::PCIDE != 0);
    cc!(
        v,
        R::GuestSysenterEspCanonical,
        !e.canonical(s.guest_sysenter_esp())
    );
    cc!(
        v,
        R::GuestSysenterEipCanonical,
        !e.canonical(s.guest_sysenter_eip())
    );
    let load = |bit: u32, value: u64| (entry_ctl & bit != 0).then_some(value);
    let msrs = LoadedMsrs {
        perf_global_ctrl: load(
            entry::LOAD_PERF_GLOBAL_CTRL,
            s.guest_ia32_perf_global_ctrl(),
        ),
        pat: load(entry::LOAD_PAT, s.guest_ia32_pat()),
        efer: load(entry::LOAD_EFER, s.guest_ia32_efer()),
    };
    let rules = LoadedMsrRules {
        perf_global_ctrl: R::GuestPerfGlobalCtrl,
        pat: R::GuestPat,
        efer_reserved: R::GuestEferReserved,
        efer_lma: R::GuestEferLma,
    };
    check_loaded_msrs(e, v, &msrs, ia32e, &rules)?;
    if let Some(value) = msrs.efer {
        let paging = cr0v & cr0::PG != 0;
        cc!(
            v,
            R::GuestEferLme,
            paging && (value & efer::LME != 0) != ia32e
        );
    }
    if entry_ctl & entry::LOAD_BNDCFGS != 0 {
        let value = s.guest_bndcfgs();
        cc!(v, R::GuestBndcfgsReserved, value & bndcfgs::RESERVED != 0);
        cc!(
            v,
            R::GuestBndcfgsCanonical,
            !e.canonical(value & bndcfgs::BASE)
        );
    }
    if entry_ctl & entry::LOAD_CET_STATE != 0 {
        let s_cet = s.guest_s_cet();
        let rules = CetRules {
            reserved: R::GuestSCetReserved,
            tracker: R::GuestSCetTracker,
        };
        check_cet_control(e, v, s_cet, &rules)?;
        cc!(v, R::GuestSCetCanonical, !e.canonical(s_cet));
        cc!(
            v,
            R::GuestSspTableCanonical,
            !e.canonical(s.guest_ssp_tbl())
        );
    }
    ControlFlow::Continue(())
}

/// The event VM entry injects, if any.
#[derive(Clone, Copy)]
struct Event {
    kind: u32,
    vector: u32,
}

fn injected(e: &Env<'_>) -> Option<Event> {
    let info = e.vmcs.vm_entry_intr_info_field();
    (info & intr_info::VALID != 0).then_some(Event {
        kind: (info >> intr_info::TYPE_SHIFT) & 7,
        vector: info & intr_info::VECTOR,
    })
}

/// SDM 27.3.1.4, checks on guest RIP, RFLAGS and SSP.
pub(crate) fn check_guest_rip(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let ia32e = e.ia32e_guest();
    let long_cs = ia32e && Seg::cs(s).long();
    let rip = s.guest_rip();
    cc!(v, R::GuestRipHigh, !long_cs && rip >> 32 != 0);
    cc!(
        v,
        R::GuestRipCanonical,
        long_cs && !e.high_bits_identical(rip)
    );
    let flags = s.guest_rflags();
    cc!(v, R::GuestRflagsReserved, flags & rflags::RESERVED != 0);
    cc!(v, R::GuestRflagsFixed1, flags & rflags::FIXED1 == 0);
    let protected = s.guest_cr0() & cr0::PE != 0;
    cc!(
        v,
        R::GuestRflagsVm,
        flags & rflags::VM != 0 && (ia32e || !protected)
    );
    let ext_intr = injected(e).is_some_and(|ev| ev.kind == intr_type::EXT_INTR);
    cc!(v, R::GuestRflagsIf, ext_intr && flags & rflags::IF == 0);
    if s.vm_entry_controls() & entry::LOAD_CET_STATE != 0 {
        let ssp = s.guest_ssp();
        cc!(v, R::GuestSspAlign, ssp & 3 != 0);
        cc!(v, R::GuestSspCanonical, !e.high_bits_identical(ssp));
        cc!(v, R::GuestSspHigh, !ia32e && ssp >> 32 != 0);
    }
    ControlFlow::Continue(())
}

/// Whether `ev` may be injected into a guest in the HLT state.
fn allowed_in_hlt(ev: Event) -> bool {
    match ev.kind {
        intr_type::EXT_INTR | intr_type::NMI => true,
        intr_type::HW_EXCEPTION => ev.vector == vector::DB || ev.vector == vector::MC,
        intr_type::OTHER => ev.vector == 0,
        _ => false,
    }
}

/// Whether `ev` may be injected into a guest in the shutdown state.
fn allowed_in_shutdown(ev: Event) -> bool {
    ev.kind == intr_type::NMI || (ev.kind == intr_type::HW_EXCEPTION && ev.vector == vector::MC)
}

/// SDM 27.3.1.5, checks on guest non-register state: activity state,
/// interruptibility state, pending debug exceptions, VMCS link pointer.
pub(crate) fn check_guest_non_reg(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let state = s.guest_activity_state();
    let blocking = s.guest_interruptibility_info();
    let event = injected(e);
    let entry_smm = s.vm_entry_controls() & entry::SMM != 0;
    let sti_or_movss = blocking & (intr::STI | intr::MOV_SS) != 0;
    cc!(v, R::GuestActivityInvalid, state > activity::WAIT_SIPI);
    let unsupported = state <= activity::WAIT_SIPI && !e.caps.activity_supported(state);
    cc!(v, R::GuestActivityUnsupported, unsupported);
    let hlt = state == activity::HLT;
    cc!(v, R::GuestActivityHltDpl, hlt && Seg::ss(s).dpl() != 0);
    cc!(
        v,
        R::GuestActivityBlocking,
        sti_or_movss && state != activity::ACTIVE
    );
    let blocked_in =
        |st: u32, allowed: fn(Event) -> bool| state == st && event.is_some_and(|ev| !allowed(ev));
    cc!(
        v,
        R::GuestActivityHltEvent,
        blocked_in(activity::HLT, allowed_in_hlt)
    );
    cc!(
        v,
        R::GuestActivityShutdownEvent,
        blocked_in(activity::SHUTDOWN, allowed_in_shutdown)
    );
    cc!(
        v,
        R::GuestActivitySipiEvent,
        blocked_in(activity::WAIT_SIPI, |_| false)
    );
    cc!(
        v,
        R::GuestActivitySmmSipi,
        entry_smm && state == activity::WAIT_SIPI
    );

    let kind = event.map(|ev| ev.kind);
    let nmi = kind == Some(intr_type::NMI);
    let flags = s.guest_rflags();
    cc!(v, R::GuestIntrReserved, blocking & intr::RESERVED != 0);
    cc!(
        v,
        R::GuestIntrStiMovSs,
        blocking & intr::STI != 0 && blocking & intr::MOV_SS != 0
    );
    cc!(
        v,
        R::GuestIntrStiIf,
        blocking & intr::STI != 0 && flags & rflags::IF == 0
    );
    cc!(
        v,
        R::GuestIntrExtIntBlocking,
        kind == Some(intr_type::EXT_INTR) && sti_or_movss
    );
    cc!(v, R::GuestIntrNmiMovSs, nmi && blocking & intr::MOV_SS != 0);
    cc!(
        v,
        R::GuestIntrSmiOutsideSmm,
        blocking & intr::SMI != 0 && !e.ctx.in_smm
    );
    cc!(
        v,
        R::GuestIntrSmiEntrySmm,
        entry_smm && blocking & intr::SMI == 0
    );
    cc!(v, R::GuestIntrNmiSti, nmi && blocking & intr::STI != 0);
    let vnmi = s.pin_based_vm_exec_control() & pin::VIRTUAL_NMIS != 0;
    cc!(
        v,
        R::GuestIntrVirtualNmiBlocking,
        vnmi && nmi && blocking & intr::NMI != 0
    );
    let enclave = blocking & intr::ENCLAVE != 0;
    cc!(
        v,
        R::GuestIntrEnclaveMovSs,
        enclave && blocking & intr::MOV_SS != 0
    );
    cc!(v, R::GuestIntrEnclaveSgx, enclave && !e.ctx.features.sgx);

    check_pending_debug(e, v, sti_or_movss || hlt, blocking)?;
    check_link_pointer(e, v, entry_smm)
}

/// The pending-debug-exceptions checks; `bs_checked` says whether blocking
/// by STI or MOV SS or the HLT state makes BS meaningful.
fn check_pending_debug(
    e: &Env<'_>,
    v: &mut impl Verdicts<R>,
    bs_checked: bool,
    blocking: u32,
) -> ControlFlow<()> {
    let s = e.vmcs;
    let pending = s.guest_pending_dbg_exceptions();
    cc!(
        v,
        R::GuestPendingDbgReserved,
        pending & pending_dbg::RESERVED != 0
    );
    let single_step =
        s.guest_rflags() & rflags::TF != 0 && s.guest_ia32_debugctl() & debugctl::BTF == 0;
    let bs = pending & pending_dbg::BS != 0;
    cc!(v, R::GuestPendingDbgBsSet, bs_checked && single_step && !bs);
    cc!(
        v,
        R::GuestPendingDbgBsClear,
        bs_checked && !single_step && bs
    );
    let rtm = pending & pending_dbg::RTM != 0;
    cc!(
        v,
        R::GuestPendingDbgRtmUnsupported,
        rtm && !e.ctx.features.rtm
    );
    cc!(
        v,
        R::GuestPendingDbgRtmBits,
        rtm && pending & 0xffff != pending_dbg::ENABLED_BP
    );
    cc!(
        v,
        R::GuestPendingDbgRtmMovSs,
        rtm && blocking & intr::MOV_SS != 0
    );
    ControlFlow::Continue(())
}

/// The VMCS-link-pointer checks (exit qualification 4).
fn check_link_pointer(e: &Env<'_>, v: &mut impl Verdicts<R>, entry_smm: bool) -> ControlFlow<()> {
    let link = e.vmcs.vmcs_link_pointer();
    if link == u64::MAX {
        return ControlFlow::Continue(());
    }
    cc!(v, R::GuestLinkAlign, link & 0xfff != 0);
    cc!(v, R::GuestLinkWidth, e.structure_addr_beyond(link));
    if let Some(header) = e.ctx.link_vmcs_header {
        let shadowing = e.has2(proc2::SHADOW_VMCS);
        cc!(
            v,
            R::GuestLinkRevision,
            header & 0x7fff_ffff != e.caps.revision_id()
        );
        cc!(v, R::GuestLinkShadow, (header >> 31 != 0) != shadowing);
    }
    let outside_smm = !e.ctx.in_smm || entry_smm;
    cc!(
        v,
        R::GuestLinkCurrent,
        outside_smm && link == e.ctx.current_vmcs_ptr
    );
    ControlFlow::Continue(())
}

/// SDM 27.3.1.6, checks on the guest PDPTEs when the guest will use PAE
/// paging: the PDPTE fields with EPT, the entries at guest CR3 otherwise
/// (when the caller read them). Exit qualification 2.
pub(crate) fn check_guest_pdptes(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let pae_paging =
        s.guest_cr0() & cr0::PG != 0 && s.guest_cr4() & cr4::PAE != 0 && !e.ia32e_guest();
    if !pae_paging {
        return ControlFlow::Continue(());
    }
    let entries = if e.has2(proc2::ENABLE_EPT) {
        [
            s.guest_pdptr0(),
            s.guest_pdptr1(),
            s.guest_pdptr2(),
            s.guest_pdptr3(),
        ]
    } else {
        match e.ctx.guest_pdptes {
            Some(entries) => entries,
            None => return ControlFlow::Continue(()),
        }
    };
    let rules = [
        R::GuestPdpte0,
        R::GuestPdpte1,
        R::GuestPdpte2,
        R::GuestPdpte3,
    ];
    for (entry, rule) in entries.into_iter().zip(rules) {
        let bad = entry & pdpte::RESERVED != 0 || e.phys_beyond(entry);
        cc!(v, rule, entry & pdpte::P != 0 && bad);
    }
    ControlFlow::Continue(())
}
