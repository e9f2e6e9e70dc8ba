// SPDX-License-Identifier: GPL-2.0

//! One negative test per VMX rule, plus positive boundary cases.
//!
//! Each case starts from the baseline (a valid 64-bit guest under a 64-bit
//! host with EPT, VPID and APICv), flips exactly what its rule forbids and
//! asserts that exactly that rule fires (plus, where the architecture
//! couples two rules so no single change can break one alone, the
//! coupled rule it names). `test_every_rule_has_a_case` makes a rule
//! without a case fail the build's tests.

use nestvirt_engine::rule::{FirstFailure, Rule, RuleSet};
use nestvirt_engine::vmx::bits::{
    activity, ar, cr0, cr4, efer, entry, exit, interruptibility as intr, intr_info, misc,
    pending_dbg, pin, proc, proc2, rflags, VMCS12_REVISION,
};
use nestvirt_engine::vmx::{
    all_failures, baseline_caps, baseline_context, baseline_vmcs12, check_msr_entry,
    check_msr_list, first_failure, Field as F, L1Msrs, MsrEntry, MsrList, MsrListFailure,
    Validator, Vmcs12, VmxCaps, VmxContext, VmxRule as R,
};

/// A vmcs12 with the capabilities and context it is checked against.
struct Setup {
    vmcs: Vmcs12,
    caps: VmxCaps,
    ctx: VmxContext,
}

impl Setup {
    fn new() -> Self {
        Self {
            vmcs: baseline_vmcs12(),
            caps: baseline_caps(),
            ctx: baseline_context(),
        }
    }

    fn get(&self, f: F) -> u64 {
        self.vmcs.get(f)
    }

    fn set(&mut self, f: F, value: u64) {
        self.vmcs.set(f, value);
    }

    fn or(&mut self, f: F, bits: u64) {
        self.set(f, self.get(f) | bits);
    }

    fn clear(&mut self, f: F, bits: u64) {
        self.set(f, self.get(f) & !bits);
    }

    fn pin(&mut self, set: u32, clear: u32) {
        self.or(F::PinBasedVmExecControl, set.into());
        self.clear(F::PinBasedVmExecControl, clear.into());
    }

    fn proc(&mut self, set: u32, clear: u32) {
        self.or(F::CpuBasedVmExecControl, set.into());
        self.clear(F::CpuBasedVmExecControl, clear.into());
    }

    fn proc2(&mut self, set: u32, clear: u32) {
        self.or(F::SecondaryVmExecControl, set.into());
        self.clear(F::SecondaryVmExecControl, clear.into());
    }

    fn exit(&mut self, set: u32, clear: u32) {
        self.or(F::VmExitControls, set.into());
        self.clear(F::VmExitControls, clear.into());
    }

    fn entry(&mut self, set: u32, clear: u32) {
        self.or(F::VmEntryControls, set.into());
        self.clear(F::VmEntryControls, clear.into());
    }

    /// Injects an event: `kind` is the interruption type.
    fn inject(&mut self, kind: u32, vector: u32, error_code: bool) {
        let ec = if error_code {
            intr_info::DELIVER_ERROR_CODE
        } else {
            0
        };
        let info = intr_info::VALID | kind << intr_info::TYPE_SHIFT | vector | ec;
        self.set(F::VmEntryIntrInfoField, info.into());
    }

    /// Turns off EPT and everything that requires it.
    /// L1's CR4 cannot enable CET; host and guest CR4 leave it clear.
    fn no_cet(&mut self) {
        self.caps.cr4_fixed1 &= !(1 << 23);
        self.clear(F::HostCr4, 1 << 23);
        self.clear(F::GuestCr4, 1 << 23);
    }

    fn no_ept(&mut self) {
        self.proc2(
            0,
            proc2::ENABLE_EPT
                | proc2::UNRESTRICTED_GUEST
                | proc2::ENABLE_PML
                | proc2::ENABLE_VMFUNC,
        );
    }

    /// Makes the guest 32-bit protected mode with PAE paging, under the
    /// same 64-bit host.
    fn guest32(&mut self) {
        self.entry(0, entry::IA32E_MODE);
        self.set(F::GuestIa32Efer, 1 | (1 << 11));
        self.set(F::GuestCsArBytes, 0xc09b);
        self.clear(F::GuestCr4, cr4::PCIDE);
        self.set(F::GuestRip, 0x0100_0000);
    }

    /// Makes L1 and the host 32-bit; needs a 32-bit guest.
    fn host32(&mut self) {
        self.ctx.l1_efer_lma = false;
        self.exit(0, exit::HOST_ADDR_SPACE_SIZE);
        self.clear(F::HostCr4, cr4::PCIDE);
        self.set(F::HostRip, 0x0100_1000);
        self.clear(F::HostIa32Efer, efer::LME | efer::LMA);
        self.set(F::HostSsp, 0x1000);
    }

    /// Makes the guest an unrestricted real-mode guest.
    fn real_mode(&mut self) {
        self.guest32();
        self.clear(F::GuestCr0, cr0::PE | cr0::PG);
        self.set(F::GuestCsSelector, 0xf000);
        self.set(F::GuestCsBase, 0xf0000);
        self.set(F::GuestCsArBytes, 0x9b);
        for (sel, limit, rights) in SEGS {
            let _ = sel;
            self.set(limit, 0xffff);
            if rights != F::GuestCsArBytes {
                self.set(rights, 0x93);
            }
        }
        self.set(F::GuestSsSelector, 0);
        self.set(F::GuestDsSelector, 0);
        self.set(F::GuestEsSelector, 0);
        self.set(F::GuestRip, 0xfff0);
    }

    /// Makes CS, SS, DS, ES, FS and GS what virtual-8086 mode requires.
    fn v86_segments(&mut self) {
        for (i, (sel, limit, rights)) in (0u64..).zip(SEGS) {
            let selector = 0x1000 + i * 0x100;
            self.set(sel, selector);
            self.set(base_of(sel), selector << 4);
            self.set(limit, 0xffff);
            self.set(rights, u64::from(ar::V8086));
        }
    }

    /// Makes the guest a virtual-8086 guest.
    fn v86(&mut self) {
        self.guest32();
        self.v86_segments();
        self.or(F::GuestRflags, rflags::VM);
    }

    /// Makes LDTR usable.
    fn ldtr(&mut self) {
        self.set(F::GuestLdtrSelector, 0x48);
        self.set(F::GuestLdtrArBytes, 0x82);
    }

    fn all(&self) -> RuleSet<R> {
        all_failures(&self.vmcs, &self.caps, &self.ctx)
    }

    fn first(&self) -> Option<R> {
        first_failure(&self.vmcs, &self.caps, &self.ctx)
    }
}

/// CS, SS, DS, ES, FS, GS: selector, limit and access-rights fields.
const SEGS: [(F, F, F); 6] = [
    (F::GuestCsSelector, F::GuestCsLimit, F::GuestCsArBytes),
    (F::GuestSsSelector, F::GuestSsLimit, F::GuestSsArBytes),
    (F::GuestDsSelector, F::GuestDsLimit, F::GuestDsArBytes),
    (F::GuestEsSelector, F::GuestEsLimit, F::GuestEsArBytes),
    (F::GuestFsSelector, F::GuestFsLimit, F::GuestFsArBytes),
    (F::GuestGsSelector, F::GuestGsLimit, F::GuestGsArBytes),
];

fn base_of(sel: F) -> F {
    match sel {
        F::GuestCsSelector => F::GuestCsBase,
        F::GuestSsSelector => F::GuestSsBase,
        F::GuestDsSelector => F::GuestDsBase,
        F::GuestEsSelector => F::GuestEsBase,
        F::GuestFsSelector => F::GuestFsBase,
        _ => F::GuestGsBase,
    }
}

/// A control capability MSR.
fn ctl(must_be_one: u32, may_be_one: u32) -> u64 {
    (u64::from(may_be_one) << 32) | u64::from(must_be_one)
}

/// Not canonical with 48 (or 49) linear-address bits.
const NONCANON: u64 = 0x0001_0000_0000_0000;
/// Beyond the baseline's MAXPHYADDR of 46.
const WIDE: u64 = 1 << 46;
/// An interruption type.
const EXT: u32 = 0;
const NMI: u32 = 2;
const HW: u32 = 3;
const SWI: u32 = 4;
const OTHER: u32 = 7;

type Mutation = fn(&mut Setup);

/// A negative case: the rule, the change, and coupled rules that fire too.
struct Case {
    rule: R,
    mutate: Mutation,
    also: &'static [R],
}

macro_rules! cases {
    ($( $rule:ident $(+ [$($also:ident),*])? => $mutate:expr; )*) => {
        vec![$( Case {
            rule: R::$rule,
            mutate: $mutate,
            also: &[$($(R::$also),*)?],
        }, )*]
    };
}

fn vmcs_cases() -> Vec<Case> {
    cases! {
        CtlPinAllowed0 => |s| s.pin(0, 0x2);
        CtlPinAllowed1 => |s| s.pin(1 << 8, 0);
        CtlProcAllowed0 => |s| s.proc(0, 0x2);
        CtlProcAllowed1 => |s| s.proc(1, 0);
        CtlProc2Allowed0 => |s| s.caps.procbased2 = ctl(1 << 2, u32::MAX);
        CtlProc2Allowed1 => |s| {
            s.caps.procbased2 = ctl(0, 0x7fff_ffff);
            s.proc2(1 << 31, 0);
        };
        CtlCr3TargetCount => |s| s.set(F::Cr3TargetCount, 5);
        CtlIoBitmapAAlign => |s| s.set(F::IoBitmapA, 0x10800);
        CtlIoBitmapAWidth => |s| s.set(F::IoBitmapA, WIDE);
        CtlIoBitmapBAlign => |s| s.set(F::IoBitmapB, 0x11001);
        CtlIoBitmapBWidth => |s| s.set(F::IoBitmapB, WIDE | 0x11000);
        CtlMsrBitmapAlign => |s| s.set(F::MsrBitmap, 0x12008);
        CtlMsrBitmapWidth => |s| s.set(F::MsrBitmap, 1 << 63);
        CtlVirtualApicAlign => |s| s.set(F::VirtualApicPageAddr, 0x13080);
        CtlVirtualApicWidth => |s| s.set(F::VirtualApicPageAddr, WIDE);
        CtlTprThresholdReserved => |s| {
            s.proc2(0, proc2::VIRTUAL_INTR_DELIVERY);
            s.pin(0, pin::POSTED_INTR);
            s.set(F::TprThreshold, 0x10);
        };
        CtlTprThresholdVtpr => |s| {
            s.proc2(0, proc2::VIRTUAL_INTR_DELIVERY);
            s.pin(0, pin::POSTED_INTR);
            s.set(F::TprThreshold, 3);
            s.ctx.virtual_tpr = Some(0x20);
        };
        CtlVirtualNmis => |s| s.pin(0, pin::NMI_EXITING);
        CtlNmiWindow => |s| {
            s.pin(0, pin::VIRTUAL_NMIS);
            s.proc(proc::NMI_WINDOW_EXITING, 0);
        };
        CtlApicAccessAlign => |s| {
            s.proc2(proc2::VIRTUALIZE_APIC_ACCESSES, proc2::VIRTUALIZE_X2APIC);
            s.set(F::ApicAccessAddr, 0x14800);
        };
        CtlApicAccessWidth => |s| {
            s.proc2(proc2::VIRTUALIZE_APIC_ACCESSES, proc2::VIRTUALIZE_X2APIC);
            s.set(F::ApicAccessAddr, WIDE);
        };
        CtlX2apicTprShadow => |s| {
            s.proc(0, proc::TPR_SHADOW);
            s.proc2(0, proc2::APIC_REGISTER_VIRT | proc2::VIRTUAL_INTR_DELIVERY);
            s.pin(0, pin::POSTED_INTR);
        };
        CtlApicRegVirtTprShadow => |s| {
            s.proc(0, proc::TPR_SHADOW);
            s.proc2(0, proc2::VIRTUALIZE_X2APIC | proc2::VIRTUAL_INTR_DELIVERY);
            s.pin(0, pin::POSTED_INTR);
        };
        CtlVidTprShadow => |s| {
            s.proc(0, proc::TPR_SHADOW);
            s.proc2(0, proc2::VIRTUALIZE_X2APIC | proc2::APIC_REGISTER_VIRT);
        };
        CtlX2apicApicAccess => |s| s.proc2(proc2::VIRTUALIZE_APIC_ACCESSES, 0);
        CtlVidExtIntrExiting => |s| s.pin(0, pin::EXT_INTR_EXITING);
        CtlPostedIntrVid => |s| s.proc2(0, proc2::VIRTUAL_INTR_DELIVERY);
        CtlPostedIntrAckOnExit => |s| s.exit(0, exit::ACK_INTR_ON_EXIT);
        CtlPostedIntrVector => |s| s.set(F::PostedIntrNv, 0x1f2);
        CtlPostedIntrDescAlign => |s| s.set(F::PostedIntrDescAddr, 0x15044);
        CtlPostedIntrDescWidth => |s| s.set(F::PostedIntrDescAddr, WIDE | 0x40);
        CtlVpidZero => |s| s.set(F::VirtualProcessorId, 0);
        CtlEptpMemoryType => |s| s.set(F::EptPointer, 0x16000 | 1 | 0x18 | 0x40);
        CtlEptpWalkLength => |s| s.set(F::EptPointer, 0x16000 | 6 | 0x10 | 0x40);
        CtlEptpAccessedDirty => |s| s.caps.ept_vpid_cap &= !(1 << 21);
        CtlEptpShadowStack => |s| s.or(F::EptPointer, 0x80);
        CtlEptpReserved => |s| s.or(F::EptPointer, 0x400);
        CtlEptpWidth => |s| s.or(F::EptPointer, WIDE);
        CtlPmlEpt => |s| {
            s.no_ept();
            s.proc2(proc2::ENABLE_PML, 0);
        };
        CtlPmlAlign => |s| s.set(F::PmlAddress, 0x17010);
        CtlPmlWidth => |s| s.set(F::PmlAddress, WIDE);
        CtlUnrestrictedGuestEpt => |s| {
            s.no_ept();
            s.proc2(proc2::UNRESTRICTED_GUEST, 0);
        };
        CtlModeBasedExecEpt => |s| {
            s.no_ept();
            s.proc2(proc2::MODE_BASED_EPT_EXEC, 0);
        };
        CtlSubPageEpt => |s| {
            s.no_ept();
            s.proc2(proc2::EPT_SUB_PAGE, 0);
        };
        CtlPtGpaEpt => |s| {
            s.no_ept();
            s.proc2(proc2::PT_USE_GPA, 0);
            s.exit(exit::CLEAR_RTIT_CTL, 0);
            s.entry(entry::LOAD_RTIT_CTL, 0);
        };
        CtlPtGpaClearRtit => |s| {
            s.proc2(proc2::PT_USE_GPA, 0);
            s.entry(entry::LOAD_RTIT_CTL, 0);
        };
        CtlPtGpaLoadRtit => |s| {
            s.proc2(proc2::PT_USE_GPA, 0);
            s.exit(exit::CLEAR_RTIT_CTL, 0);
        };
        CtlVmfuncReserved => |s| s.or(F::VmFunctionControl, 2);
        CtlEptpSwitchingEpt => |s| {
            s.no_ept();
            s.proc2(proc2::ENABLE_VMFUNC, 0);
        };
        CtlEptpListAlign => |s| s.set(F::EptpListAddress, 0x18100);
        CtlEptpListWidth => |s| s.set(F::EptpListAddress, WIDE);
        CtlVmreadBitmapAlign => |s| s.set(F::VmreadBitmap, 0x19004);
        CtlVmreadBitmapWidth => |s| s.set(F::VmreadBitmap, WIDE);
        CtlVmwriteBitmapAlign => |s| s.set(F::VmwriteBitmap, 0x1a002);
        CtlVmwriteBitmapWidth => |s| s.set(F::VmwriteBitmap, WIDE);
        CtlTscMultiplier => |s| s.set(F::TscMultiplier, 0);
        CtlExitAllowed0 => |s| s.exit(0, 1);
        CtlExitAllowed1 => |s| s.exit(1 << 31, 0);
        CtlExitPreemptionTimer => |s| s.exit(exit::SAVE_PREEMPTION_TIMER, 0);
        CtlExitMsrStoreAlign => |s| s.set(F::VmExitMsrStoreAddr, 0x1b008);
        CtlExitMsrStoreWidth + [CtlExitMsrStoreEnd] => |s| s.set(F::VmExitMsrStoreAddr, WIDE);
        CtlExitMsrStoreEnd => |s| {
            s.set(F::VmExitMsrStoreAddr, WIDE - 16);
            s.set(F::VmExitMsrStoreCount, 2);
        };
        CtlExitMsrStoreCount => |s| s.set(F::VmExitMsrStoreCount, 513);
        CtlExitMsrLoadAlign => |s| s.set(F::VmExitMsrLoadAddr, 0x1b011);
        CtlExitMsrLoadWidth + [CtlExitMsrLoadEnd] => |s| s.set(F::VmExitMsrLoadAddr, WIDE);
        CtlExitMsrLoadEnd => |s| {
            s.set(F::VmExitMsrLoadAddr, WIDE - 0x100);
            s.set(F::VmExitMsrLoadCount, 17);
        };
        CtlExitMsrLoadCount => |s| s.set(F::VmExitMsrLoadCount, 600);
        CtlEntryAllowed0 => |s| s.entry(0, 1);
        CtlEntryAllowed1 => |s| {
            s.caps.true_entry = ctl(0x11fb, 0x7fff_ffff);
            s.entry(1 << 31, 0);
        };
        CtlEntrySmm + [GuestIntrSmiEntrySmm] => |s| s.entry(entry::SMM, 0);
        CtlEntryDeactDualMonitor => |s| s.entry(entry::DEACT_DUAL_MONITOR, 0);
        CtlEventTypeReserved => |s| s.inject(1, 0x20, false);
        CtlEventTypeOther => |s| {
            s.caps.true_procbased &= !(u64::from(proc::MONITOR_TRAP_FLAG) << 32);
            s.inject(OTHER, 0, false);
        };
        CtlEventNmiVector => |s| s.inject(NMI, 3, false);
        CtlEventHwExceptionVector => |s| s.inject(HW, 32, false);
        CtlEventOtherVector => |s| s.inject(OTHER, 1, false);
        CtlEventErrorCodeRealMode => |s| {
            s.real_mode();
            s.inject(HW, 13, true);
        };
        CtlEventErrorCodeType => |s| s.inject(EXT, 0x20, true);
        CtlEventErrorCodeVector => |s| s.inject(HW, 13, false);
        CtlEventReserved => |s| {
            s.inject(HW, 6, false);
            s.or(F::VmEntryIntrInfoField, 1 << 12);
        };
        CtlEventErrorCodeReserved => |s| {
            s.inject(HW, 14, true);
            s.set(F::VmEntryExceptionErrorCode, 0x1_0002);
        };
        CtlEventInstrLenMax => |s| {
            s.inject(SWI, 0x80, false);
            s.set(F::VmEntryInstructionLen, 16);
        };
        CtlEventInstrLenZero => |s| {
            s.caps.misc &= !misc::ZERO_LEN_INJECTION;
            s.inject(6, 3, false);
        };
        CtlEntryMsrLoadAlign => |s| s.set(F::VmEntryMsrLoadAddr, 0x1b024);
        CtlEntryMsrLoadWidth + [CtlEntryMsrLoadEnd] => |s| s.set(F::VmEntryMsrLoadAddr, WIDE);
        CtlEntryMsrLoadEnd => |s| {
            s.set(F::VmEntryMsrLoadAddr, WIDE - 0x10);
            s.set(F::VmEntryMsrLoadCount, 2);
        };
        CtlEntryMsrLoadCount => |s| {
            s.caps.misc |= 1 << 25;
            s.set(F::VmEntryMsrLoadCount, 1025);
        };
        HostCr0Fixed0 => |s| s.clear(F::HostCr0, 1 << 5);
        HostCr0Fixed1 => |s| s.or(F::HostCr0, 1 << 32);
        HostCr4Fixed0 => |s| s.clear(F::HostCr4, 1 << 13);
        HostCr4Fixed1 => |s| s.or(F::HostCr4, 1 << 15);
        HostCr3Width => |s| s.or(F::HostCr3, WIDE);
        HostCr4CetWp => |s| s.clear(F::HostCr0, cr0::WP);
        HostSysenterEspCanonical => |s| s.set(F::HostIa32SysenterEsp, 0x8000_0000_0000);
        HostSysenterEipCanonical => |s| s.set(F::HostIa32SysenterEip, NONCANON);
        HostSCetReserved => |s| s.set(F::HostSCet, 1 << 6);
        HostSCetTracker => |s| s.set(F::HostSCet, 0xc00);
        HostSspAlign => |s| s.or(F::HostSsp, 2);
        HostSspTableCanonical => |s| s.set(F::HostIntrSspTable, NONCANON);
        HostSCetCanonical => |s| s.set(F::HostSCet, 0x8000_0000_0000);
        HostSspCanonical => |s| s.set(F::HostSsp, 0x8000_0000_0000);
        HostSCetHigh => |s| {
            s.guest32();
            s.host32();
            s.set(F::HostSCet, 1 << 32);
        };
        HostSspHigh => |s| {
            s.guest32();
            s.host32();
            s.set(F::HostSsp, 1 << 32);
        };
        HostPerfGlobalCtrl => |s| s.or(F::HostIa32PerfGlobalCtrl, 1 << 40);
        HostPat => |s| s.set(F::HostIa32Pat, 0x0007_0406_0007_0402);
        HostEferReserved => |s| s.or(F::HostIa32Efer, 1 << 20);
        HostEferLma => |s| s.clear(F::HostIa32Efer, efer::LMA);
        HostEferLme => |s| s.clear(F::HostIa32Efer, efer::LME);
        HostEsSelector => |s| s.set(F::HostEsSelector, 1);
        HostCsSelector => |s| s.set(F::HostCsSelector, 0x13);
        HostSsSelector => |s| s.set(F::HostSsSelector, 0x1c);
        HostDsSelector => |s| s.set(F::HostDsSelector, 4);
        HostFsSelector => |s| s.set(F::HostFsSelector, 3);
        HostGsSelector => |s| s.set(F::HostGsSelector, 0x2c);
        HostTrSelector => |s| s.set(F::HostTrSelector, 0x43);
        HostCsNull => |s| s.set(F::HostCsSelector, 0);
        HostTrNull => |s| s.set(F::HostTrSelector, 0);
        HostSsNull => |s| {
            s.guest32();
            s.host32();
            s.set(F::HostSsSelector, 0);
        };
        HostFsBaseCanonical => |s| s.set(F::HostFsBase, NONCANON);
        HostGsBaseCanonical => |s| s.set(F::HostGsBase, 0x8000_0000_0000);
        HostGdtrBaseCanonical => |s| s.set(F::HostGdtrBase, 0x7fff_0000_0000_0000);
        HostIdtrBaseCanonical => |s| s.set(F::HostIdtrBase, NONCANON);
        HostTrBaseCanonical => |s| s.set(F::HostTrBase, NONCANON);
        HostIa32eGuestOutsideLongMode + [HostAddrSpaceOutsideLongMode] => |s| {
            s.ctx.l1_efer_lma = false;
        };
        HostAddrSpaceOutsideLongMode => |s| {
            s.guest32();
            s.ctx.l1_efer_lma = false;
        };
        HostAddrSpaceInLongMode => |s| {
            s.guest32();
            s.host32();
            s.ctx.l1_efer_lma = true;
        };
        HostIa32eGuestLegacyHost + [HostAddrSpaceInLongMode] => |s| {
            s.guest32();
            s.host32();
            s.ctx.l1_efer_lma = true;
            s.guest32_undo_mode();
        };
        HostPcideLegacyHost => |s| {
            s.guest32();
            s.host32();
            s.or(F::HostCr4, cr4::PCIDE);
        };
        HostRipHighLegacyHost => |s| {
            s.guest32();
            s.host32();
            s.set(F::HostRip, 1 << 32);
        };
        HostPaeLongHost => |s| s.clear(F::HostCr4, cr4::PAE);
        HostRipCanonical => |s| s.set(F::HostRip, 0x8000_0000_0000);
        GuestCr0Fixed0 => |s| s.clear(F::GuestCr0, 1 << 5);
        GuestCr0Fixed1 => |s| s.or(F::GuestCr0, 1 << 40);
        GuestCr0PgPe => |s| s.clear(F::GuestCr0, cr0::PE);
        GuestCr4Fixed0 => |s| s.clear(F::GuestCr4, 1 << 13);
        GuestCr4Fixed1 => |s| s.or(F::GuestCr4, 1 << 19);
        GuestCr4CetWp => |s| s.clear(F::GuestCr0, cr0::WP);
        GuestDebugctlReserved => |s| s.set(F::GuestIa32Debugctl, 1 << 5);
        GuestDr7High => |s| s.or(F::GuestDr7, 1 << 32);
        GuestCr3Width => |s| s.or(F::GuestCr3, WIDE);
        GuestIa32ePg => |s| s.clear(F::GuestCr0, cr0::PG);
        GuestIa32ePae => |s| s.clear(F::GuestCr4, cr4::PAE);
        GuestPcideLegacy => |s| {
            s.guest32();
            s.or(F::GuestCr4, cr4::PCIDE);
        };
        GuestSysenterEspCanonical => |s| s.set(F::GuestSysenterEsp, NONCANON);
        GuestSysenterEipCanonical => |s| s.set(F::GuestSysenterEip, 0x8000_0000_0000);
        GuestPerfGlobalCtrl => |s| s.set(F::GuestIa32PerfGlobalCtrl, 1 << 8);
        GuestPat => |s| s.set(F::GuestIa32Pat, 0x0007_0406_0807_0406);
        GuestEferReserved => |s| s.or(F::GuestIa32Efer, 1 << 12);
        GuestEferLma => |s| s.clear(F::GuestIa32Efer, efer::LMA);
        GuestEferLme => |s| s.clear(F::GuestIa32Efer, efer::LME);
        GuestBndcfgsReserved => |s| s.set(F::GuestBndcfgs, 0x4);
        GuestBndcfgsCanonical => |s| s.set(F::GuestBndcfgs, 0x8000_0000_0001);
        GuestSCetReserved => |s| s.set(F::GuestSCet, 1 << 9);
        GuestSCetTracker => |s| s.set(F::GuestSCet, 0xc01);
        GuestSCetCanonical => |s| s.set(F::GuestSCet, NONCANON);
        GuestSspTableCanonical => |s| s.set(F::GuestIntrSspTable, NONCANON);
        GuestTrTi => |s| s.set(F::GuestTrSelector, 0x44);
        GuestLdtrTi => |s| {
            s.ldtr();
            s.set(F::GuestLdtrSelector, 0x4c);
        };
        GuestSsRpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestCsSelector, 0x13);
        };
        GuestV86CsBase => |s| { s.v86(); s.set(F::GuestCsBase, 0); };
        GuestV86SsBase => |s| { s.v86(); s.set(F::GuestSsBase, 0x10); };
        GuestV86DsBase => |s| { s.v86(); s.set(F::GuestDsBase, 0x12001); };
        GuestV86EsBase => |s| { s.v86(); s.set(F::GuestEsBase, 0x1300); };
        GuestV86FsBase => |s| { s.v86(); s.set(F::GuestFsBase, 1 << 32); };
        GuestV86GsBase => |s| { s.v86(); s.set(F::GuestGsBase, 0xffff); };
        GuestTrBaseCanonical => |s| s.set(F::GuestTrBase, NONCANON);
        GuestFsBaseCanonical => |s| s.set(F::GuestFsBase, 0x8000_0000_0000);
        GuestGsBaseCanonical => |s| s.set(F::GuestGsBase, 0x7fff_8000_0000_0000);
        GuestLdtrBaseCanonical => |s| {
            s.ldtr();
            s.set(F::GuestLdtrBase, NONCANON);
        };
        GuestCsBaseHigh => |s| s.set(F::GuestCsBase, 1 << 32);
        GuestSsBaseHigh => |s| s.set(F::GuestSsBase, 1 << 40);
        GuestDsBaseHigh => |s| s.set(F::GuestDsBase, 0xffff_ffff_0000_0000);
        GuestEsBaseHigh => |s| s.set(F::GuestEsBase, 1 << 33);
        GuestV86CsLimit => |s| { s.v86(); s.set(F::GuestCsLimit, 0xfffe); };
        GuestV86SsLimit => |s| { s.v86(); s.set(F::GuestSsLimit, 0x1ffff); };
        GuestV86DsLimit => |s| { s.v86(); s.set(F::GuestDsLimit, 0); };
        GuestV86EsLimit => |s| { s.v86(); s.set(F::GuestEsLimit, 0xffff_ffff); };
        GuestV86FsLimit => |s| { s.v86(); s.set(F::GuestFsLimit, 0xfff); };
        GuestV86GsLimit => |s| { s.v86(); s.set(F::GuestGsLimit, 0x1_0000); };
        GuestV86CsAr => |s| { s.v86(); s.set(F::GuestCsArBytes, 0xfb); };
        GuestV86SsAr => |s| { s.v86(); s.set(F::GuestSsArBytes, 0xf2); };
        GuestV86DsAr => |s| { s.v86(); s.set(F::GuestDsArBytes, 0x1_00f3); };
        GuestV86EsAr => |s| { s.v86(); s.set(F::GuestEsArBytes, 0x93); };
        GuestV86FsAr => |s| { s.v86(); s.set(F::GuestFsArBytes, 0x40f3); };
        GuestV86GsAr => |s| { s.v86(); s.set(F::GuestGsArBytes, 0x73); };
        GuestCsType => |s| s.set(F::GuestCsArBytes, 0xa098);
        GuestCsS => |s| s.set(F::GuestCsArBytes, 0xa08b);
        GuestCsDplData => |s| s.set(F::GuestCsArBytes, 0xa0f3);
        GuestCsDplNonConforming => |s| s.set(F::GuestCsArBytes, 0xa0fb);
        GuestCsDplConforming => |s| s.set(F::GuestCsArBytes, 0xa0df);
        GuestCsP => |s| s.set(F::GuestCsArBytes, 0xa01b);
        GuestCsReserved => |s| s.set(F::GuestCsArBytes, 0xa29b);
        GuestCsDbL => |s| s.set(F::GuestCsArBytes, 0xe09b);
        GuestCsGLow => |s| s.set(F::GuestCsLimit, 0xffff_f000);
        GuestCsGHigh => |s| s.set(F::GuestCsArBytes, 0x209b);
        GuestCsReservedHigh => |s| s.set(F::GuestCsArBytes, 0x8_a09b);
        GuestCsUnusable => |s| s.set(F::GuestCsArBytes, 0x1_a09b);
        GuestSsType => |s| s.set(F::GuestSsArBytes, 0xc091);
        GuestSsS => |s| s.set(F::GuestSsArBytes, 0xc083);
        GuestSsDplRpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestCsSelector, 0x13);
            s.set(F::GuestSsSelector, 0x1b);
        };
        GuestSsDplZero => |s| {
            s.real_mode();
            s.set(F::GuestSsArBytes, 0xb3);
            s.set(F::GuestCsArBytes, 0xbf);
        };
        GuestSsP => |s| s.set(F::GuestSsArBytes, 0xc013);
        GuestSsReserved => |s| s.set(F::GuestSsArBytes, 0xc893);
        GuestSsGLow => |s| s.set(F::GuestSsLimit, 0xffff_f7ff);
        GuestSsGHigh => |s| s.set(F::GuestSsArBytes, 0x4093);
        GuestSsReservedHigh => |s| s.set(F::GuestSsArBytes, 0x8000_c093);
        GuestDsAccessed => |s| s.set(F::GuestDsArBytes, 0xc092);
        GuestDsReadable => |s| s.set(F::GuestDsArBytes, 0xc099);
        GuestDsS => |s| s.set(F::GuestDsArBytes, 0xc083);
        GuestDsDpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestDsSelector, 0x1b);
        };
        GuestDsP => |s| s.set(F::GuestDsArBytes, 0xc013);
        GuestDsReserved => |s| s.set(F::GuestDsArBytes, 0xc193);
        GuestDsGLow => |s| s.set(F::GuestDsLimit, 0xffff_f000);
        GuestDsGHigh => |s| s.set(F::GuestDsArBytes, 0x4093);
        GuestDsReservedHigh => |s| s.set(F::GuestDsArBytes, 0x2_c093);
        GuestEsAccessed => |s| s.set(F::GuestEsArBytes, 0xc09a);
        GuestEsReadable => |s| s.set(F::GuestEsArBytes, 0xc09d);
        GuestEsS => |s| s.set(F::GuestEsArBytes, 0xc083);
        GuestEsDpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestEsSelector, 0x1a);
        };
        GuestEsP => |s| s.set(F::GuestEsArBytes, 0xc013);
        GuestEsReserved => |s| s.set(F::GuestEsArBytes, 0xc493);
        GuestEsGLow => |s| s.set(F::GuestEsLimit, 0x0fff_fffe);
        GuestEsGHigh => |s| s.set(F::GuestEsArBytes, 0x093);
        GuestEsReservedHigh => |s| s.set(F::GuestEsArBytes, 0x4_c093);
        GuestFsAccessed => |s| s.set(F::GuestFsArBytes, 0xc096);
        GuestFsReadable => |s| s.set(F::GuestFsArBytes, 0xc09f - 2);
        GuestFsS => |s| s.set(F::GuestFsArBytes, 0xc083);
        GuestFsDpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestFsSelector, 0x1b);
        };
        GuestFsP => |s| s.set(F::GuestFsArBytes, 0xc013);
        GuestFsReserved => |s| s.set(F::GuestFsArBytes, 0xc893);
        GuestFsGLow => |s| s.set(F::GuestFsLimit, 0xffff_f000);
        GuestFsGHigh => |s| s.set(F::GuestFsArBytes, 0x4093);
        GuestFsReservedHigh => |s| s.set(F::GuestFsArBytes, 0x10_c093);
        GuestGsAccessed => |s| s.set(F::GuestGsArBytes, 0xc092);
        GuestGsReadable => |s| s.set(F::GuestGsArBytes, 0xc099);
        GuestGsS => |s| s.set(F::GuestGsArBytes, 0xc083);
        GuestGsDpl => |s| {
            s.proc2(0, proc2::UNRESTRICTED_GUEST);
            s.set(F::GuestGsSelector, 0x19);
        };
        GuestGsP => |s| s.set(F::GuestGsArBytes, 0xc013);
        GuestGsReserved => |s| s.set(F::GuestGsArBytes, 0xc193);
        GuestGsGLow => |s| s.set(F::GuestGsLimit, 0xffff_f000);
        GuestGsGHigh => |s| s.set(F::GuestGsArBytes, 0x4093);
        GuestGsReservedHigh => |s| s.set(F::GuestGsArBytes, 0x2_c093);
        GuestTrType => |s| s.set(F::GuestTrArBytes, 0x83);
        GuestTrS => |s| s.set(F::GuestTrArBytes, 0x9b);
        GuestTrP => |s| s.set(F::GuestTrArBytes, 0x0b);
        GuestTrReserved => |s| s.set(F::GuestTrArBytes, 0x18b);
        GuestTrGLow => |s| s.set(F::GuestTrArBytes, 0x808b);
        GuestTrGHigh => |s| s.set(F::GuestTrLimit, 0x10_0000);
        GuestTrUnusable => |s| s.set(F::GuestTrArBytes, 0x1_008b);
        GuestTrReservedHigh => |s| s.set(F::GuestTrArBytes, 0x2_008b);
        GuestLdtrType => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x83); };
        GuestLdtrS => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x92); };
        GuestLdtrP => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x02); };
        GuestLdtrReserved => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x882); };
        GuestLdtrGLow => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x8082); };
        GuestLdtrGHigh => |s| { s.ldtr(); s.set(F::GuestLdtrLimit, 0x20_0000); };
        GuestLdtrReservedHigh => |s| { s.ldtr(); s.set(F::GuestLdtrArBytes, 0x4_0082); };
        GuestGdtrBaseCanonical => |s| s.set(F::GuestGdtrBase, NONCANON);
        GuestIdtrBaseCanonical => |s| s.set(F::GuestIdtrBase, 0x8000_0000_0000);
        GuestGdtrLimit => |s| s.set(F::GuestGdtrLimit, 0x1_0000);
        GuestIdtrLimit => |s| s.set(F::GuestIdtrLimit, 0x8000_0fff);
        GuestRipHigh => |s| {
            s.guest32();
            s.set(F::GuestRip, 1 << 32);
        };
        GuestRipCanonical => |s| s.set(F::GuestRip, NONCANON);
        GuestRflagsReserved => |s| s.or(F::GuestRflags, 1 << 3);
        GuestRflagsFixed1 => |s| s.clear(F::GuestRflags, rflags::FIXED1);
        GuestRflagsVm => |s| {
            s.real_mode();
            s.v86_segments();
            s.or(F::GuestRflags, rflags::VM);
        };
        GuestRflagsIf => |s| {
            s.inject(EXT, 0x20, false);
            s.clear(F::GuestRflags, rflags::IF);
        };
        GuestSspAlign => |s| s.or(F::GuestSsp, 1);
        GuestSspCanonical => |s| s.set(F::GuestSsp, NONCANON);
        GuestSspHigh => |s| {
            s.guest32();
            s.set(F::GuestSsp, 1 << 32);
        };
        GuestActivityInvalid => |s| s.set(F::GuestActivityState, 4);
        GuestActivityUnsupported => |s| {
            s.caps.misc &= !misc::ACTIVITY_SHUTDOWN;
            s.set(F::GuestActivityState, activity::SHUTDOWN.into());
        };
        GuestActivityHltDpl => |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.set(F::GuestSsArBytes, 0xc0f3);
            s.set(F::GuestCsArBytes, 0xa0fb);
        };
        GuestActivityBlocking => |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.set(F::GuestInterruptibilityInfo, intr::STI.into());
        };
        GuestActivityHltEvent => |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.inject(SWI, 0x80, false);
            s.set(F::VmEntryInstructionLen, 2);
        };
        GuestActivityShutdownEvent => |s| {
            s.set(F::GuestActivityState, activity::SHUTDOWN.into());
            s.inject(EXT, 0x20, false);
        };
        GuestActivitySipiEvent => |s| {
            s.set(F::GuestActivityState, activity::WAIT_SIPI.into());
            s.inject(NMI, 2, false);
        };
        GuestActivitySmmSipi => |s| {
            s.ctx.in_smm = true;
            s.entry(entry::SMM, 0);
            s.set(F::GuestInterruptibilityInfo, intr::SMI.into());
            s.set(F::GuestActivityState, activity::WAIT_SIPI.into());
        };
        GuestIntrReserved => |s| s.set(F::GuestInterruptibilityInfo, 1 << 5);
        GuestIntrStiMovSs => |s| s.set(F::GuestInterruptibilityInfo, (intr::STI | intr::MOV_SS).into());
        GuestIntrStiIf => |s| {
            s.set(F::GuestInterruptibilityInfo, intr::STI.into());
            s.clear(F::GuestRflags, rflags::IF);
        };
        GuestIntrExtIntBlocking => |s| {
            s.inject(EXT, 0x30, false);
            s.set(F::GuestInterruptibilityInfo, intr::MOV_SS.into());
        };
        GuestIntrNmiMovSs => |s| {
            s.inject(NMI, 2, false);
            s.set(F::GuestInterruptibilityInfo, intr::MOV_SS.into());
        };
        GuestIntrSmiOutsideSmm => |s| s.set(F::GuestInterruptibilityInfo, intr::SMI.into());
        GuestIntrSmiEntrySmm => |s| {
            s.ctx.in_smm = true;
            s.entry(entry::SMM, 0);
        };
        GuestIntrNmiSti => |s| {
            s.inject(NMI, 2, false);
            s.set(F::GuestInterruptibilityInfo, intr::STI.into());
        };
        GuestIntrVirtualNmiBlocking => |s| {
            s.inject(NMI, 2, false);
            s.set(F::GuestInterruptibilityInfo, intr::NMI.into());
        };
        GuestIntrEnclaveMovSs => |s| {
            s.ctx.features.sgx = true;
            s.set(F::GuestInterruptibilityInfo, (intr::ENCLAVE | intr::MOV_SS).into());
        };
        GuestIntrEnclaveSgx => |s| s.set(F::GuestInterruptibilityInfo, intr::ENCLAVE.into());
        GuestPendingDbgReserved => |s| s.set(F::GuestPendingDbgExceptions, 1 << 4);
        GuestPendingDbgBsSet => |s| {
            s.set(F::GuestInterruptibilityInfo, intr::STI.into());
            s.or(F::GuestRflags, rflags::TF);
        };
        GuestPendingDbgBsClear => |s| {
            s.set(F::GuestInterruptibilityInfo, intr::MOV_SS.into());
            s.set(F::GuestPendingDbgExceptions, pending_dbg::BS);
        };
        GuestPendingDbgRtmUnsupported => |s| {
            s.set(F::GuestPendingDbgExceptions, pending_dbg::RTM | pending_dbg::ENABLED_BP);
        };
        GuestPendingDbgRtmBits => |s| {
            s.ctx.features.rtm = true;
            s.set(F::GuestPendingDbgExceptions, pending_dbg::RTM | 1);
        };
        GuestPendingDbgRtmMovSs => |s| {
            s.ctx.features.rtm = true;
            s.set(F::GuestPendingDbgExceptions, pending_dbg::RTM | pending_dbg::ENABLED_BP);
            s.set(F::GuestInterruptibilityInfo, intr::MOV_SS.into());
        };
        GuestLinkAlign => |s| s.set(F::VmcsLinkPointer, 0x2000_0800);
        GuestLinkWidth => |s| s.set(F::VmcsLinkPointer, WIDE);
        GuestLinkRevision => |s| {
            s.set(F::VmcsLinkPointer, 0x2000_0000);
            s.ctx.link_vmcs_header = Some(0x1234 | 1 << 31);
        };
        GuestLinkShadow => |s| {
            s.set(F::VmcsLinkPointer, 0x2000_0000);
            s.ctx.link_vmcs_header = Some(VMCS12_REVISION);
        };
        GuestLinkCurrent => |s| {
            s.set(F::VmcsLinkPointer, s.ctx.current_vmcs_ptr);
        };
        GuestPdpte0 => |s| { s.guest32(); s.set(F::GuestPdptr0, 0x3); };
        GuestPdpte1 => |s| { s.guest32(); s.set(F::GuestPdptr1, 0x21); };
        GuestPdpte2 => |s| { s.guest32(); s.set(F::GuestPdptr2, 0x1 | WIDE); };
        GuestPdpte3 => |s| {
            s.no_ept();
            s.guest32();
            s.ctx.guest_pdptes = Some([1, 1, 1, 0x101]);
        };
    }
}

impl Setup {
    /// Turns the guest set up by `guest32()` back into a 64-bit guest.
    fn guest32_undo_mode(&mut self) {
        let fresh = Setup::new();
        for f in [
            F::VmEntryControls,
            F::GuestIa32Efer,
            F::GuestCsArBytes,
            F::GuestCr4,
        ] {
            self.set(f, fresh.get(f));
        }
        self.set(F::GuestRip, 0x0100_0000);
        self.clear(F::GuestCr4, cr4::PCIDE);
    }
}

/// L1's MSRs in the MSR-list cases: index DEADH faults.
struct Msrs;

impl L1Msrs for Msrs {
    fn write_faults(&self, index: u32, _value: u64) -> bool {
        index == 0xdead
    }

    fn read_faults(&self, index: u32) -> bool {
        index == 0xdead
    }
}

const fn msr(index: u32, reserved: u32) -> MsrEntry {
    MsrEntry {
        index,
        reserved,
        value: 0,
    }
}

/// The MSR-list cases: list, entry, rule.
fn msr_cases() -> Vec<(MsrList, MsrEntry, R)> {
    use MsrList::{EntryLoad, ExitLoad, ExitStore};
    vec![
        (EntryLoad, msr(0xc000_0100, 0), R::MsrEntryLoadFsBase),
        (EntryLoad, msr(0xc000_0101, 0), R::MsrEntryLoadGsBase),
        (EntryLoad, msr(0x808, 0), R::MsrEntryLoadX2apic),
        (EntryLoad, msr(0x9b, 0), R::MsrEntryLoadSmm),
        (EntryLoad, msr(0x79, 0), R::MsrEntryLoadModel),
        (EntryLoad, msr(0x10, 1), R::MsrEntryLoadReserved),
        (EntryLoad, msr(0xdead, 0), R::MsrEntryLoadWrmsr),
        (ExitStore, msr(0x8ff, 0), R::MsrExitStoreX2apic),
        (ExitStore, msr(0x9e, 0), R::MsrExitStoreSmm),
        (ExitStore, msr(0x8b, 0), R::MsrExitStoreModel),
        (ExitStore, msr(0x10, 0x8000_0000), R::MsrExitStoreReserved),
        (ExitStore, msr(0xdead, 0), R::MsrExitStoreRdmsr),
        (ExitLoad, msr(0xc000_0100, 0), R::MsrExitLoadFsBase),
        (ExitLoad, msr(0xc000_0101, 0), R::MsrExitLoadGsBase),
        (ExitLoad, msr(0x800, 0), R::MsrExitLoadX2apic),
        (ExitLoad, msr(0x9b, 0), R::MsrExitLoadSmm),
        (ExitLoad, msr(0x8b, 0), R::MsrExitLoadModel),
        (ExitLoad, msr(0x10, 2), R::MsrExitLoadReserved),
        (ExitLoad, msr(0xdead, 0), R::MsrExitLoadWrmsr),
    ]
}

fn msr_failures(list: MsrList, e: &MsrEntry, in_smm: bool) -> RuleSet<R> {
    let mut set = RuleSet::new();
    let _ = check_msr_entry(list, e, &Msrs, in_smm, &mut set);
    set
}

#[test]
fn test_every_rule_has_a_case() {
    let mut covered = RuleSet::<R>::new();
    for case in vmcs_cases() {
        covered.insert(case.rule);
    }
    for (_, _, rule) in msr_cases() {
        covered.insert(rule);
    }
    let missing: Vec<_> = R::ALL.iter().filter(|r| !covered.contains(**r)).collect();
    assert!(
        missing.is_empty(),
        "rules without a negative case: {missing:?}"
    );
}

#[test]
fn test_each_case_fires_exactly_its_rule() {
    let mut bad = Vec::new();
    for case in vmcs_cases() {
        let mut s = Setup::new();
        (case.mutate)(&mut s);
        let mut expected = RuleSet::new();
        expected.insert(case.rule);
        for r in case.also {
            expected.insert(*r);
        }
        let got = s.all();
        if got != expected {
            bad.push(format!(
                "{:?}: expected {expected:?}, got {got:?}",
                case.rule
            ));
            continue;
        }
        // The hardware's verdict is the first of them in catalogue order.
        assert_eq!(s.first(), expected.first(), "{:?}", case.rule);
        let mut first = FirstFailure::default();
        let mut validator = Validator::new();
        let _ = validator.validate(&s.vmcs, &s.caps, &s.ctx, &mut first);
        assert_eq!(first.0, expected.first(), "{:?}: validator", case.rule);
    }
    assert!(
        bad.is_empty(),
        "{} cases wrong:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn test_each_msr_case_fires_exactly_its_rule() {
    for (list, e, rule) in msr_cases() {
        let got = msr_failures(list, &e, false);
        let mut expected = RuleSet::new();
        expected.insert(rule);
        assert_eq!(got, expected, "{rule:?}");
    }
}

#[test]
fn test_msr_list_reports_the_failing_entry() {
    let good = msr(0x10, 0);
    let list = [good, good, msr(0x808, 0), msr(0x9b, 0)];
    assert_eq!(
        check_msr_list(MsrList::EntryLoad, list, &Msrs, false),
        Err(MsrListFailure {
            entry: 3,
            rule: R::MsrEntryLoadX2apic
        })
    );
    assert_eq!(
        check_msr_list(MsrList::ExitStore, [good; 8], &Msrs, false),
        Ok(())
    );
    assert_eq!(check_msr_list(MsrList::ExitLoad, [], &Msrs, false), Ok(()));
}

#[test]
fn test_msr_smm_only_entries_pass_in_smm() {
    assert!(msr_failures(MsrList::EntryLoad, &msr(0x9b, 0), true).is_empty());
    assert!(msr_failures(MsrList::ExitStore, &msr(0x9e, 0), true).is_empty());
    assert!(msr_failures(MsrList::ExitLoad, &msr(0x0008_ffff, 0), false).is_empty());
}

/// Positive boundary cases: the nearest legal value fires nothing.
fn positive_cases() -> Vec<(&'static str, Mutation)> {
    let mut cases = boundary_cases();
    cases.extend(guard_off_cases());
    cases
}

/// A guard turned off: the field it guards is invalid and, the guard being
/// off, unchecked. Each fails if its guard is dropped (cargo-mutants turns
/// `x & FLAG != 0` into an always-true guard; these kill it).
fn guard_off_cases() -> Vec<(&'static str, Mutation)> {
    vec![
        (
            "secondary controls not activated: their forbidden bits",
            |s| {
                s.proc(0, proc::ACTIVATE_SECONDARY | proc::TPR_SHADOW);
                s.pin(0, pin::POSTED_INTR);
                s.caps.procbased2 = ctl(0, 0x7fff_ffff);
                s.set(F::SecondaryVmExecControl, 1 << 31);
            },
        ),
        ("no I/O bitmaps: a misaligned bitmap A", |s| {
            s.proc(0, proc::USE_IO_BITMAPS);
            s.set(F::IoBitmapA, 0x10800);
        }),
        ("no MSR bitmaps: a misaligned MSR bitmap", |s| {
            s.proc(0, proc::USE_MSR_BITMAPS);
            s.set(F::MsrBitmap, 0x12008);
        }),
        (
            "VM functions without EPTP switching: a misaligned EPTP list",
            |s| {
                s.set(F::VmFunctionControl, 0);
                s.set(F::EptpListAddress, 0x18800);
            },
        ),
        ("no VMCS shadowing: a misaligned VMREAD bitmap", |s| {
            s.proc2(0, proc2::SHADOW_VMCS);
            s.set(F::VmreadBitmap, 0x19801);
        }),
        ("no valid bit: a reserved interruption type", |s| {
            s.set(F::VmEntryIntrInfoField, (OTHER << 8 | 0xff).into());
        }),
        ("no \"load debug controls\": DR7 bit 32", |s| {
            s.entry(0, entry::LOAD_DEBUG_CONTROLS);
            s.set(F::GuestDr7, 1 << 32);
        }),
        ("no \"load IA32_PAT\": a reserved guest PAT type", |s| {
            s.entry(0, entry::LOAD_PAT);
            s.set(F::GuestIa32Pat, 2);
        }),
        ("no \"load IA32_BNDCFGS\": reserved BNDCFGS bits", |s| {
            s.entry(0, entry::LOAD_BNDCFGS);
            s.set(F::GuestBndcfgs, 0x4);
        }),
        ("no \"load CET state\" on entry: a misaligned SSP", |s| {
            s.entry(0, entry::LOAD_CET_STATE);
            s.set(F::GuestSsp, 1);
            s.set(F::GuestSCet, 1 << 6);
        }),
        (
            "no \"load CET state\" on exit: a misaligned host SSP",
            |s| {
                s.exit(0, exit::LOAD_CET_STATE);
                s.set(F::HostSsp, 1);
                s.set(F::HostSCet, 1 << 6);
            },
        ),
        (
            "no \"load IA32_PAT\" on exit: a reserved host PAT type",
            |s| {
                s.exit(0, exit::LOAD_PAT);
                s.set(F::HostIa32Pat, 2);
            },
        ),
        ("paging off: EFER.LME without IA-32e mode", |s| {
            s.real_mode();
            s.or(F::GuestIa32Efer, efer::LME);
        }),
        ("no virtual NMIs: NMI injected under blocking by NMI", |s| {
            s.pin(0, pin::VIRTUAL_NMIS);
            s.proc(0, proc::NMI_WINDOW_EXITING);
            s.inject(NMI, 2, false);
            s.set(F::GuestInterruptibilityInfo, intr::NMI.into());
        }),
        ("IA-32e guest: PDPTE fields with reserved bits", |s| {
            s.no_ept();
            s.set(F::GuestPdptr0, 0x6 | 1);
        }),
        (
            "32-bit guest without PAE: PDPTE fields with reserved bits",
            |s| {
                s.guest32();
                s.clear(F::GuestCr4, cr4::PAE);
                s.set(F::GuestPdptr0, 0x6 | 1);
            },
        ),
        (
            "paging off with CR4.PAE: PDPTE fields with reserved bits",
            |s| {
                s.real_mode();
                s.or(F::GuestCr4, cr4::PAE);
                s.set(F::GuestPdptr0, 0x6 | 1);
            },
        ),
        ("a read-only data segment in DS", |s| {
            let ar = s.get(F::GuestDsArBytes);
            s.set(F::GuestDsArBytes, (ar & !0xf) | 1);
        }),
        ("a busy 16-bit TSS in TR of a 32-bit guest", |s| {
            s.guest32();
            let ar = s.get(F::GuestTrArBytes);
            s.set(F::GuestTrArBytes, (ar & !0xf) | 3);
        }),
        ("#DB into HLT", |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.inject(HW, 1, false);
        }),
        ("#MC into HLT", |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.inject(HW, 18, false);
        }),
        ("a pending MTF VM exit into HLT", |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.inject(OTHER, 0, false);
        }),
        ("NMI into shutdown", |s| {
            s.set(F::GuestActivityState, activity::SHUTDOWN.into());
            s.inject(NMI, 2, false);
        }),
    ]
}

/// The other side of some guards: each case must fail its rule.
#[test]
fn test_guards_on_check_their_fields() {
    let cases: [(&str, Mutation, R); 9] = [
        (
            "#PF into HLT",
            |s| {
                s.set(F::GuestActivityState, activity::HLT.into());
                s.inject(HW, 14, true);
            },
            R::GuestActivityHltEvent,
        ),
        (
            "an MTF exit with vector 1 into HLT",
            |s| {
                s.set(F::GuestActivityState, activity::HLT.into());
                s.inject(OTHER, 1, false);
            },
            R::GuestActivityHltEvent,
        ),
        (
            "#UD into shutdown",
            |s| {
                s.set(F::GuestActivityState, activity::SHUTDOWN.into());
                s.inject(HW, 6, false);
            },
            R::GuestActivityShutdownEvent,
        ),
        (
            "compatibility mode: RIP bit 32",
            |s| {
                s.set(F::GuestCsArBytes, 0xc09b);
                s.set(F::GuestRip, 1 << 32);
            },
            R::GuestRipHigh,
        ),
        (
            "TPR threshold above VTPR[7:4] = 3",
            |s| {
                s.proc2(0, proc2::VIRTUAL_INTR_DELIVERY);
                s.pin(0, pin::POSTED_INTR);
                s.set(F::TprThreshold, 4);
                s.ctx.virtual_tpr = Some(0x31);
            },
            R::CtlTprThresholdVtpr,
        ),
        (
            "EPTP UC without UC support",
            |s| {
                s.caps.ept_vpid_cap &= !(1 << 8);
                let p = s.get(F::EptPointer);
                s.set(F::EptPointer, p & !7);
            },
            R::CtlEptpMemoryType,
        ),
        (
            "EPTP WB without WB support",
            |s| {
                s.caps.ept_vpid_cap &= !(1 << 14);
                let p = s.get(F::EptPointer);
                s.set(F::EptPointer, (p & !7) | 6);
            },
            R::CtlEptpMemoryType,
        ),
        (
            "4-level EPT without 4-level support",
            |s| {
                s.caps.ept_vpid_cap &= !(1 << 6);
                let p = s.get(F::EptPointer);
                s.set(F::EptPointer, (p & !0x38) | 3 << 3);
            },
            R::CtlEptpWalkLength,
        ),
        (
            "5-level EPT without 5-level support",
            |s| {
                s.caps.ept_vpid_cap &= !(1 << 7);
                let p = s.get(F::EptPointer);
                s.set(F::EptPointer, (p & !0x38) | 4 << 3);
            },
            R::CtlEptpWalkLength,
        ),
    ];
    for (name, mutate, rule) in cases {
        let mut s = Setup::new();
        mutate(&mut s);
        assert!(s.all().contains(rule), "{name}: {:?}", s.all());
    }
}

/// Valid vmcs12s at the edges of the rules.
fn boundary_cases() -> Vec<(&'static str, Mutation)> {
    vec![
        (
            "hardware exception without error code with IA32_VMX_BASIC[56]",
            |s| {
                s.caps.basic |= 1 << 56;
                s.inject(HW, 13, false);
            },
        ),
        (
            "guest CR0.CD and NW set where IA32_VMX_CR0_FIXED1 forbids them",
            |s| {
                s.caps.cr0_fixed1 &= !((1 << 29) | (1 << 30));
                s.or(F::GuestCr0, (1 << 29) | (1 << 30));
            },
        ),
        (
            "guest CR0.CD and NW clear where IA32_VMX_CR0_FIXED0 requires them",
            |s| {
                s.caps.cr0_fixed0 |= (1 << 29) | (1 << 30);
                // The host's CR0 is checked in full: it keeps them set.
                s.or(F::HostCr0, (1 << 29) | (1 << 30));
                s.clear(F::GuestCr0, (1 << 29) | (1 << 30));
            },
        ),
        ("#CP without error code where CR4.CET cannot be set", |s| {
            s.no_cet();
            s.inject(HW, 21, false);
        }),
        ("#CP with error code where CR4.CET can be set", |s| {
            s.inject(HW, 21, true);
        }),
        ("#PF with error code 0000FFFFH", |s| {
            s.inject(HW, 14, true);
            s.set(F::VmEntryExceptionErrorCode, 0xffff);
        }),
        (
            "software interrupt with length 0 and IA32_VMX_MISC[30]",
            |s| s.inject(SWI, 0x80, false),
        ),
        ("software exception with length 15", |s| {
            s.inject(6, 3, false);
            s.set(F::VmEntryInstructionLen, 15);
        }),
        ("pending MTF VM exit", |s| s.inject(OTHER, 0, false)),
        ("NMI into HLT", |s| {
            s.set(F::GuestActivityState, activity::HLT.into());
            s.inject(NMI, 2, false);
        }),
        ("#MC into shutdown", |s| {
            s.set(F::GuestActivityState, activity::SHUTDOWN.into());
            s.inject(HW, 18, false);
        }),
        ("CR3-target count 4", |s| s.set(F::Cr3TargetCount, 4)),
        ("addresses just below MAXPHYADDR", |s| {
            s.set(F::IoBitmapA, WIDE - 0x1000);
            s.set(F::VmExitMsrStoreAddr, WIDE - 16);
        }),
        ("512 MSRs in each list", |s| {
            s.set(F::VmEntryMsrLoadCount, 512);
            s.set(F::VmExitMsrLoadCount, 512);
        }),
        ("non-present PDPTE with reserved bits", |s| {
            s.guest32();
            s.set(F::GuestPdptr1, 0x6);
        }),
        ("RIP with bits 63:48 identical but bit 47 different", |s| {
            s.set(F::GuestRip, 0x8000_0000_0000)
        }),
        ("57-bit linear addresses", |s| {
            s.ctx.linear_address_bits = 57;
            s.set(F::GuestFsBase, 0x00ff_0000_0000_0000);
        }),
        ("host RIP canonical for LA57", |s| {
            s.or(F::HostCr4, cr4::LA57);
            s.set(F::HostRip, 0x00ff_0000_0000_0000);
            s.ctx.linear_address_bits = 57;
        }),
        ("CR3 LAM bits with LAM", |s| s.or(F::GuestCr3, 3 << 61)),
        ("unusable segments skip their checks", |s| {
            s.set(F::GuestDsArBytes, 0x1_0000);
            s.set(F::GuestDsBase, 1 << 40);
            s.set(F::GuestSsArBytes, 0x1_0000);
        }),
        ("EPTP with 5-level walk and UC", |s| {
            s.set(F::EptPointer, 0x16000 | 0x20)
        }),
        ("VMCS link pointer to a shadow VMCS", |s| {
            s.set(F::VmcsLinkPointer, 0x2000_0000);
            s.ctx.link_vmcs_header = Some(VMCS12_REVISION | 1 << 31);
        }),
        ("TPR threshold equal to VTPR", |s| {
            s.proc2(0, proc2::VIRTUAL_INTR_DELIVERY);
            s.pin(0, pin::POSTED_INTR);
            s.set(F::TprThreshold, 2);
            s.ctx.virtual_tpr = Some(0x2f);
        }),
        ("controls without TRUE MSRs", |s| {
            s.caps.basic &= !(1 << 55);
            s.caps.true_pinbased = 0;
        }),
        ("secondary controls ignored when not activated", |s| {
            s.proc(0, proc::ACTIVATE_SECONDARY);
            s.caps.procbased2 = 0;
            s.pin(0, pin::POSTED_INTR);
            s.proc(0, proc::TPR_SHADOW);
        }),
        ("virtual-8086 guest", Setup::v86),
        ("unrestricted real-mode guest", Setup::real_mode),
        ("32-bit guest and host", |s| {
            s.guest32();
            s.host32();
        }),
        ("pending debug exceptions with BS under STI and TF", |s| {
            s.set(F::GuestInterruptibilityInfo, intr::STI.into());
            s.or(F::GuestRflags, rflags::TF);
            s.set(F::GuestPendingDbgExceptions, pending_dbg::BS);
        }),
        ("RTM pending debug exception", |s| {
            s.ctx.features.rtm = true;
            s.set(
                F::GuestPendingDbgExceptions,
                pending_dbg::RTM | pending_dbg::ENABLED_BP,
            );
        }),
    ]
}

#[test]
fn test_positive_boundaries_pass() {
    for (name, mutate) in positive_cases() {
        let mut s = Setup::new();
        mutate(&mut s);
        assert_eq!(s.all(), RuleSet::new(), "{name}");
    }
}

/// #CP's error code follows CET: required where L1's CR4 can enable CET,
/// refused where it cannot (the guard the positive cases above relax).
#[test]
fn test_cp_error_code_follows_cet() {
    let mut s = Setup::new();
    s.inject(HW, 21, false);
    assert!(s.all().contains(R::CtlEventErrorCodeVector));
    let mut s = Setup::new();
    s.no_cet();
    s.inject(HW, 21, true);
    assert!(s.all().contains(R::CtlEventErrorCodeVector));
}

/// CD and NW are the only CR0 bits the guest checks leave alone: a fixed
/// bit next to them still fails.
#[test]
fn test_guest_cr0_fixed_bits_but_cd_nw_are_checked() {
    let mut s = Setup::new();
    s.caps.cr0_fixed1 &= !((1 << 28) | (1 << 29));
    s.or(F::GuestCr0, (1 << 28) | (1 << 29));
    assert!(s.all().contains(R::GuestCr0Fixed1));
}
