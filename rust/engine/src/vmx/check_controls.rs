// SPDX-License-Identifier: GPL-2.0

//! SDM 27.2.1, "Checks on VMX Controls": the VM-execution, VM-exit and
//! VM-entry control fields. A failure is VMfailValid(7).

use core::ops::ControlFlow;

use super::bits::ept_cap;
use super::bits::eptp;
use super::bits::exit;
use super::bits::intr_info;
use super::bits::intr_type;
use super::bits::pin;
use super::bits::proc;
use super::bits::proc2;
use super::bits::vector;
use super::bits::vmfunc;
use super::bits::{cr0, cr4, entry};
use super::env::area_end_beyond;
use super::env::Env;
use super::rules::VmxRule as R;
use crate::engine::rule::{cc, Verdicts};

/// Whether a 4-KByte aligned structure address has bits 11:0 set.
fn misaligned_page(addr: u64) -> bool {
    addr & 0xfff != 0
}

/// Checks a page-aligned VMX structure address: alignment, then width.
fn page_address(
    e: &Env<'_>,
    v: &mut impl Verdicts<R>,
    addr: u64,
    align: R,
    width: R,
) -> ControlFlow<()> {
    cc!(v, align, misaligned_page(addr));
    cc!(v, width, e.structure_addr_beyond(addr));
    ControlFlow::Continue(())
}

/// The four checks on an MSR list: address alignment and width, end of the
/// area, and the recommended maximum count. `rules` is in that order.
fn msr_list(
    e: &Env<'_>,
    v: &mut impl Verdicts<R>,
    count: u32,
    addr: u64,
    rules: [R; 4],
) -> ControlFlow<()> {
    let [align, width, end, max] = rules;
    if count == 0 {
        return ControlFlow::Continue(());
    }
    cc!(v, align, addr & 0xf != 0);
    cc!(v, width, e.structure_addr_beyond(addr));
    cc!(v, end, area_end_beyond(addr, count, e.structure_width()));
    cc!(v, max, count > e.caps.max_msr_list());
    ControlFlow::Continue(())
}

/// SDM 27.2.1.1, checks on the VM-execution control fields.
pub(crate) fn check_execution(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let caps = e.caps;
    let pinv = s.pin_based_vm_exec_control();
    let procv = s.cpu_based_vm_exec_control();
    cc!(v, R::CtlPinAllowed0, caps.pin().missing(pinv) != 0);
    cc!(v, R::CtlPinAllowed1, caps.pin().forbidden(pinv) != 0);
    cc!(v, R::CtlProcAllowed0, caps.proc().missing(procv) != 0);
    cc!(v, R::CtlProcAllowed1, caps.proc().forbidden(procv) != 0);
    let sec = e.proc2();
    if procv & proc::ACTIVATE_SECONDARY != 0 {
        cc!(v, R::CtlProc2Allowed0, caps.proc2().missing(sec) != 0);
        cc!(v, R::CtlProc2Allowed1, caps.proc2().forbidden(sec) != 0);
    }
    cc!(
        v,
        R::CtlCr3TargetCount,
        s.cr3_target_count() > caps.cr3_target_count()
    );

    if procv & proc::USE_IO_BITMAPS != 0 {
        let (a, b) = (s.io_bitmap_a(), s.io_bitmap_b());
        page_address(e, v, a, R::CtlIoBitmapAAlign, R::CtlIoBitmapAWidth)?;
        page_address(e, v, b, R::CtlIoBitmapBAlign, R::CtlIoBitmapBWidth)?;
    }
    if procv & proc::USE_MSR_BITMAPS != 0 {
        page_address(
            e,
            v,
            s.msr_bitmap(),
            R::CtlMsrBitmapAlign,
            R::CtlMsrBitmapWidth,
        )?;
    }

    let tpr_shadow = procv & proc::TPR_SHADOW != 0;
    let vid = sec & proc2::VIRTUAL_INTR_DELIVERY != 0;
    let apic_access = sec & proc2::VIRTUALIZE_APIC_ACCESSES != 0;
    let x2apic = sec & proc2::VIRTUALIZE_X2APIC != 0;
    if tpr_shadow {
        let vapic = s.virtual_apic_page_addr();
        page_address(e, v, vapic, R::CtlVirtualApicAlign, R::CtlVirtualApicWidth)?;
        let threshold = s.tpr_threshold();
        cc!(v, R::CtlTprThresholdReserved, !vid && threshold >> 4 != 0);
        let vtpr_below = e
            .ctx
            .virtual_tpr
            .is_some_and(|vtpr| threshold & 0xf > u32::from(vtpr >> 4));
        cc!(
            v,
            R::CtlTprThresholdVtpr,
            !vid && !apic_access && vtpr_below
        );
    }

    let vnmi = pinv & pin::VIRTUAL_NMIS != 0;
    cc!(v, R::CtlVirtualNmis, pinv & pin::NMI_EXITING == 0 && vnmi);
    cc!(
        v,
        R::CtlNmiWindow,
        !vnmi && procv & proc::NMI_WINDOW_EXITING != 0
    );

    if apic_access {
        let addr = s.apic_access_addr();
        page_address(e, v, addr, R::CtlApicAccessAlign, R::CtlApicAccessWidth)?;
    }
    cc!(v, R::CtlX2apicTprShadow, !tpr_shadow && x2apic);
    cc!(
        v,
        R::CtlApicRegVirtTprShadow,
        !tpr_shadow && sec & proc2::APIC_REGISTER_VIRT != 0
    );
    cc!(v, R::CtlVidTprShadow, !tpr_shadow && vid);
    cc!(v, R::CtlX2apicApicAccess, x2apic && apic_access);
    cc!(
        v,
        R::CtlVidExtIntrExiting,
        vid && pinv & pin::EXT_INTR_EXITING == 0
    );

    if pinv & pin::POSTED_INTR != 0 {
        let desc = s.posted_intr_desc_addr();
        cc!(v, R::CtlPostedIntrVid, !vid);
        cc!(
            v,
            R::CtlPostedIntrAckOnExit,
            s.vm_exit_controls() & exit::ACK_INTR_ON_EXIT == 0
        );
        cc!(v, R::CtlPostedIntrVector, s.posted_intr_nv() & 0xff00 != 0);
        cc!(v, R::CtlPostedIntrDescAlign, desc & 0x3f != 0);
        cc!(v, R::CtlPostedIntrDescWidth, e.structure_addr_beyond(desc));
    }

    cc!(
        v,
        R::CtlVpidZero,
        sec & proc2::ENABLE_VPID != 0 && s.virtual_processor_id() == 0
    );

    let ept = sec & proc2::ENABLE_EPT != 0;
    if ept {
        check_eptp(e, v, s.ept_pointer())?;
    }
    if sec & proc2::ENABLE_PML != 0 {
        cc!(v, R::CtlPmlEpt, !ept);
        page_address(e, v, s.pml_address(), R::CtlPmlAlign, R::CtlPmlWidth)?;
    }
    cc!(
        v,
        R::CtlUnrestrictedGuestEpt,
        sec & proc2::UNRESTRICTED_GUEST != 0 && !ept
    );
    cc!(
        v,
        R::CtlModeBasedExecEpt,
        sec & proc2::MODE_BASED_EPT_EXEC != 0 && !ept
    );
    cc!(v, R::CtlSubPageEpt, sec & proc2::EPT_SUB_PAGE != 0 && !ept);
    if sec & proc2::PT_USE_GPA != 0 {
        cc!(v, R::CtlPtGpaEpt, !ept);
        cc!(
            v,
            R::CtlPtGpaClearRtit,
            s.vm_exit_controls() & exit::CLEAR_RTIT_CTL == 0
        );
        cc!(
            v,
            R::CtlPtGpaLoadRtit,
            s.vm_entry_controls() & entry::LOAD_RTIT_CTL == 0
        );
    }
    if sec & proc2::ENABLE_VMFUNC != 0 {
        let funcs = s.vm_function_control();
        cc!(v, R::CtlVmfuncReserved, funcs & !caps.vmfunc != 0);
        if funcs & vmfunc::EPTP_SWITCHING != 0 {
            cc!(v, R::CtlEptpSwitchingEpt, !ept);
            let list = s.eptp_list_address();
            page_address(e, v, list, R::CtlEptpListAlign, R::CtlEptpListWidth)?;
        }
    }
    if sec & proc2::SHADOW_VMCS != 0 {
        let (rd, wr) = (s.vmread_bitmap(), s.vmwrite_bitmap());
        page_address(e, v, rd, R::CtlVmreadBitmapAlign, R::CtlVmreadBitmapWidth)?;
        page_address(e, v, wr, R::CtlVmwriteBitmapAlign, R::CtlVmwriteBitmapWidth)?;
    }
    cc!(
        v,
        R::CtlTscMultiplier,
        sec & proc2::TSC_SCALING != 0 && s.tsc_multiplier() == 0
    );
    ControlFlow::Continue(())
}

/// The EPTP checks, when "enable EPT" is 1.
fn check_eptp(e: &Env<'_>, v: &mut impl Verdicts<R>, ptr: u64) -> ControlFlow<()> {
    let cap = e.caps.ept_vpid_cap;
    let memtype_ok = match ptr & eptp::MEMTYPE_MASK {
        eptp::MEMTYPE_UC => cap & ept_cap::MEMTYPE_UC != 0,
        eptp::MEMTYPE_WB => cap & ept_cap::MEMTYPE_WB != 0,
        _ => false,
    };
    let walk_ok = match ptr & eptp::WALK_MASK {
        eptp::WALK_4 => cap & ept_cap::WALK_4 != 0,
        eptp::WALK_5 => cap & ept_cap::WALK_5 != 0,
        _ => false,
    };
    let sss_ok = e.ctx.features.ept_supervisor_shadow_stack;
    cc!(v, R::CtlEptpMemoryType, !memtype_ok);
    cc!(v, R::CtlEptpWalkLength, !walk_ok);
    cc!(
        v,
        R::CtlEptpAccessedDirty,
        ptr & eptp::AD_ENABLE != 0 && cap & ept_cap::AD == 0
    );
    cc!(
        v,
        R::CtlEptpShadowStack,
        ptr & eptp::SSS_ENABLE != 0 && !sss_ok
    );
    cc!(v, R::CtlEptpReserved, ptr & eptp::RESERVED_11_8 != 0);
    cc!(v, R::CtlEptpWidth, e.structure_addr_beyond(ptr));
    ControlFlow::Continue(())
}

/// SDM 27.2.1.2, checks on the VM-exit control fields.
pub(crate) fn check_exit(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let ctl = s.vm_exit_controls();
    cc!(v, R::CtlExitAllowed0, e.caps.exit().missing(ctl) != 0);
    cc!(v, R::CtlExitAllowed1, e.caps.exit().forbidden(ctl) != 0);
    let timer = s.pin_based_vm_exec_control() & pin::PREEMPTION_TIMER != 0;
    cc!(
        v,
        R::CtlExitPreemptionTimer,
        !timer && ctl & exit::SAVE_PREEMPTION_TIMER != 0
    );
    msr_list(
        e,
        v,
        s.vm_exit_msr_store_count(),
        s.vm_exit_msr_store_addr(),
        [
            R::CtlExitMsrStoreAlign,
            R::CtlExitMsrStoreWidth,
            R::CtlExitMsrStoreEnd,
            R::CtlExitMsrStoreCount,
        ],
    )?;
    msr_list(
        e,
        v,
        s.vm_exit_msr_load_count(),
        s.vm_exit_msr_load_addr(),
        [
            R::CtlExitMsrLoadAlign,
            R::CtlExitMsrLoadWidth,
            R::CtlExitMsrLoadEnd,
            R::CtlExitMsrLoadCount,
        ],
    )
}

/// SDM 27.2.1.3, checks on the VM-entry control fields, event injection
/// included.
pub(crate) fn check_entry(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let ctl = s.vm_entry_controls();
    cc!(v, R::CtlEntryAllowed0, e.caps.entry().missing(ctl) != 0);
    cc!(v, R::CtlEntryAllowed1, e.caps.entry().forbidden(ctl) != 0);
    cc!(v, R::CtlEntrySmm, ctl & entry::SMM != 0 && !e.ctx.in_smm);
    cc!(
        v,
        R::CtlEntryDeactDualMonitor,
        ctl & entry::DEACT_DUAL_MONITOR != 0 && !e.ctx.in_smm
    );

    let info = s.vm_entry_intr_info_field();
    if info & intr_info::VALID != 0 {
        check_event(e, v, info)?;
    }
    msr_list(
        e,
        v,
        s.vm_entry_msr_load_count(),
        s.vm_entry_msr_load_addr(),
        [
            R::CtlEntryMsrLoadAlign,
            R::CtlEntryMsrLoadWidth,
            R::CtlEntryMsrLoadEnd,
            R::CtlEntryMsrLoadCount,
        ],
    )
}

/// The checks on a valid VM-entry interruption-information field.
fn check_event(e: &Env<'_>, v: &mut impl Verdicts<R>, info: u32) -> ControlFlow<()> {
    let s = e.vmcs;
    let kind = (info >> intr_info::TYPE_SHIFT) & 7;
    let vec = info & intr_info::VECTOR;
    let has_error_code = info & intr_info::DELIVER_ERROR_CODE != 0;
    let real_mode = e.unrestricted() && s.guest_cr0() & cr0::PE == 0;
    let mtf = e.caps.proc().may_set(proc::MONITOR_TRAP_FLAG);
    cc!(v, R::CtlEventTypeReserved, kind == intr_type::RESERVED);
    cc!(v, R::CtlEventTypeOther, kind == intr_type::OTHER && !mtf);
    cc!(
        v,
        R::CtlEventNmiVector,
        kind == intr_type::NMI && vec != vector::NMI
    );
    cc!(
        v,
        R::CtlEventHwExceptionVector,
        kind == intr_type::HW_EXCEPTION && vec > 31
    );
    cc!(
        v,
        R::CtlEventOtherVector,
        kind == intr_type::OTHER && vec != 0
    );
    cc!(v, R::CtlEventErrorCodeRealMode, has_error_code && real_mode);
    cc!(
        v,
        R::CtlEventErrorCodeType,
        has_error_code && kind != intr_type::HW_EXCEPTION
    );
    // #CP (21) delivers an error code only on a processor with CET: on a
    // virtual CPU whose CR4 cannot enable CET, vector 21 takes none (KVM's
    // model: x86_exception_has_error_code() leaves it out).
    let with_error_code = if e.caps.cr4_fixed1 & cr4::CET != 0 {
        vector::WITH_ERROR_CODE
    } else {
        vector::WITH_ERROR_CODE & !(1 << vector::CP)
    };
    let expects_error_code = vec < 32 && (with_error_code >> vec) & 1 != 0;
    let vector_checked =
        !e.caps.no_hw_error_code_check() && kind == intr_type::HW_EXCEPTION && !real_mode;
    cc!(
        v,
        R::CtlEventErrorCodeVector,
        vector_checked && has_error_code != expects_error_code
    );
    cc!(v, R::CtlEventReserved, info & intr_info::RESERVED != 0);
    let error_code = s.vm_entry_exception_error_code();
    cc!(
        v,
        R::CtlEventErrorCodeReserved,
        has_error_code && error_code >> 16 != 0
    );
    let software = matches!(
        kind,
        intr_type::SW_INTR | intr_type::PRIV_SW_EXCEPTION | intr_type::SW_EXCEPTION
    );
    let len = s.vm_entry_instruction_len();
    cc!(v, R::CtlEventInstrLenMax, software && len > 15);
    let zero_ok = e.caps.zero_length_injection();
    cc!(v, R::CtlEventInstrLenZero, software && len == 0 && !zero_ok);
    ControlFlow::Continue(())
}
