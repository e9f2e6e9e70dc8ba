// SPDX-License-Identifier: GPL-2.0

//! SDM 27.2.2-27.2.4, checks on the host-state area: control registers,
//! MSRs and SSP; segment and descriptor-table registers; address-space
//! size. A failure is VMfailValid(8).

use core::ops::ControlFlow;

use super::bits::cr0;
use super::bits::cr3;
use super::bits::cr4;
use super::bits::efer;
use super::bits::entry;
use super::bits::exit;
use super::bits::selector;
use super::env::is_canonical;
use super::env::Env;
use super::msr_fields::check_cet_control;
use super::msr_fields::check_loaded_msrs;
use super::msr_fields::CetRules;
use super::msr_fields::LoadedMsrRules;
use super::msr_fields::LoadedMsrs;
use super::rules::VmxRule as R;
use crate::engine::rule::{cc, Verdicts};

/// Checks a control register against its IA32_VMX_CR*_FIXED0 (bits that
/// must be 1) and IA32_VMX_CR*_FIXED1 (bits that may be 1) masks; `rules`
/// names the must-be-1 rule, then the must-be-0 rule.
pub(crate) fn check_fixed(
    v: &mut impl Verdicts<R>,
    value: u64,
    (fixed0, fixed1): (u64, u64),
    rules: [R; 2],
) -> ControlFlow<()> {
    let [must_be_one, must_be_zero] = rules;
    cc!(v, must_be_one, fixed0 & !value != 0);
    cc!(v, must_be_zero, value & !fixed1 != 0);
    ControlFlow::Continue(())
}

/// Whether a CR3 value sets bits beyond the physical-address width, LAM's
/// bits 62:61 excepted when L1 has LAM.
pub(crate) fn cr3_beyond(e: &Env<'_>, value: u64) -> bool {
    let value = if e.ctx.features.lam {
        value & !cr3::LAM_BITS
    } else {
        value
    };
    e.phys_beyond(value)
}

/// SDM 27.2.2-27.2.4, the host-state checks.
pub(crate) fn check_host(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let host64 = e.host_64bit();
    let exit_ctl = s.vm_exit_controls();
    let (cr0v, cr4v) = (s.host_cr0(), s.host_cr4());
    let caps = e.caps;
    let cr0_rules = [R::HostCr0Fixed0, R::HostCr0Fixed1];
    check_fixed(v, cr0v, (caps.cr0_fixed0, caps.cr0_fixed1), cr0_rules)?;
    let cr4_rules = [R::HostCr4Fixed0, R::HostCr4Fixed1];
    check_fixed(v, cr4v, (caps.cr4_fixed0, caps.cr4_fixed1), cr4_rules)?;
    cc!(v, R::HostCr3Width, cr3_beyond(e, s.host_cr3()));
    cc!(
        v,
        R::HostCr4CetWp,
        cr4v & cr4::CET != 0 && cr0v & cr0::WP == 0
    );
    cc!(
        v,
        R::HostSysenterEspCanonical,
        !e.canonical(s.host_ia32_sysenter_esp())
    );
    cc!(
        v,
        R::HostSysenterEipCanonical,
        !e.canonical(s.host_ia32_sysenter_eip())
    );
    if exit_ctl & exit::LOAD_CET_STATE != 0 {
        let s_cet = s.host_s_cet();
        let ssp = s.host_ssp();
        let rules = CetRules {
            reserved: R::HostSCetReserved,
            tracker: R::HostSCetTracker,
        };
        check_cet_control(e, v, s_cet, &rules)?;
        cc!(v, R::HostSspAlign, ssp & 3 != 0);
        cc!(v, R::HostSspTableCanonical, !e.canonical(s.host_ssp_tbl()));
        cc!(v, R::HostSCetCanonical, host64 && !e.canonical(s_cet));
        cc!(v, R::HostSspCanonical, host64 && !e.canonical(ssp));
        cc!(v, R::HostSCetHigh, !host64 && s_cet >> 32 != 0);
        cc!(v, R::HostSspHigh, !host64 && ssp >> 32 != 0);
    }
    let load = |bit: u32, value: u64| (exit_ctl & bit != 0).then_some(value);
    let msrs = LoadedMsrs {
        perf_global_ctrl: load(exit::LOAD_PERF_GLOBAL_CTRL, s.host_ia32_perf_global_ctrl()),
        pat: load(exit::LOAD_PAT, s.host_ia32_pat()),
        efer: load(exit::LOAD_EFER, s.host_ia32_efer()),
    };
    let rules = LoadedMsrRules {
        perf_global_ctrl: R::HostPerfGlobalCtrl,
        pat: R::HostPat,
        efer_reserved: R::HostEferReserved,
        efer_lma: R::HostEferLma,
    };
    check_loaded_msrs(e, v, &msrs, host64, &rules)?;
    if let Some(value) = msrs.efer {
        cc!(v, R::HostEferLme, (value & efer::LME != 0) != host64);
    }

    let rpl_ti = |sel: u16| sel & (selector::RPL | selector::TI) != 0;
    cc!(v, R::HostEsSelector, rpl_ti(s.host_es_selector()));
    cc!(v, R::HostCsSelector, rpl_ti(s.host_cs_selector()));
    cc!(v, R::HostSsSelector, rpl_ti(s.host_ss_selector()));
    cc!(v, R::HostDsSelector, rpl_ti(s.host_ds_selector()));
    cc!(v, R::HostFsSelector, rpl_ti(s.host_fs_selector()));
    cc!(v, R::HostGsSelector, rpl_ti(s.host_gs_selector()));
    cc!(v, R::HostTrSelector, rpl_ti(s.host_tr_selector()));
    cc!(v, R::HostCsNull, s.host_cs_selector() == 0);
    cc!(v, R::HostTrNull, s.host_tr_selector() == 0);
    cc!(v, R::HostSsNull, !host64 && s.host_ss_selector() == 0);
    cc!(v, R::HostFsBaseCanonical, !e.canonical(s.host_fs_base()));
    cc!(v, R::HostGsBaseCanonical, !e.canonical(s.host_gs_base()));
    cc!(
        v,
        R::HostGdtrBaseCanonical,
        !e.canonical(s.host_gdtr_base())
    );
    cc!(
        v,
        R::HostIdtrBaseCanonical,
        !e.canonical(s.host_idtr_base())
    );
    cc!(v, R::HostTrBaseCanonical, !e.canonical(s.host_tr_base()));

    let l1_long = e.ctx.l1_efer_lma;
    let ia32e_guest = s.vm_entry_controls() & entry::IA32E_MODE != 0;
    cc!(v, R::HostIa32eGuestOutsideLongMode, !l1_long && ia32e_guest);
    cc!(v, R::HostAddrSpaceOutsideLongMode, !l1_long && host64);
    cc!(v, R::HostAddrSpaceInLongMode, l1_long && !host64);
    let rip = s.host_rip();
    cc!(v, R::HostIa32eGuestLegacyHost, !host64 && ia32e_guest);
    cc!(v, R::HostPcideLegacyHost, !host64 && cr4v & cr4::PCIDE != 0);
    cc!(v, R::HostRipHighLegacyHost, !host64 && rip >> 32 != 0);
    cc!(v, R::HostPaeLongHost, host64 && cr4v & cr4::PAE == 0);
    let rip_bits = if cr4v & cr4::LA57 != 0 { 57 } else { 48 };
    cc!(
        v,
        R::HostRipCanonical,
        host64 && !is_canonical(rip, rip_bits)
    );
    ControlFlow::Continue(())
}
