// SPDX-License-Identifier: GPL-2.0

//! A valid baseline: a 64-bit guest under a 64-bit host with EPT, VPID,
//! APIC virtualization (x2APIC mode, virtual-interrupt delivery, posted
//! interrupts), MSR and I/O bitmaps, VMCS shadowing, VM functions, PML,
//! TSC scaling and the MSR lists in use, on capabilities close to what KVM
//! 7.3 offers L1. Tests mutate it to make exactly one rule fail; the
//! benchmark validates it.

use super::bits::cr0;
use super::bits::cr4;
use super::bits::efer;
use super::bits::entry;
use super::bits::ept_cap;
use super::bits::eptp;
use super::bits::exit;
use super::bits::misc;
use super::bits::pin;
use super::bits::proc;
use super::bits::proc2;
use super::bits::rflags;
use super::bits::vmfunc;
use super::bits::VMCS12_REVISION;
use super::caps::L1Features;
use super::caps::VmxCaps;
use super::caps::VmxContext;
use super::fields::Field as F;
use super::vmcs12::Vmcs12;

/// Default-1 pin-based controls (`PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR`).
const PIN_DEFAULT1: u32 = 0x16;
/// Default-1 processor-based controls (`CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR`).
const PROC_DEFAULT1: u32 = 0x0401_e172;
/// Default-1 VM-exit controls (`VM_EXIT_ALWAYSON_WITHOUT_TRUE_MSR`).
const EXIT_DEFAULT1: u32 = 0x0003_6dff;
/// Default-1 VM-entry controls (`VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR`).
const ENTRY_DEFAULT1: u32 = 0x0000_11ff;

/// A control capability MSR from its must-be-1 and may-be-1 halves.
const fn ctl_msr(must_be_one: u32, may_be_one: u32) -> u64 {
    ((may_be_one as u64) << 32) | must_be_one as u64
}

/// CR4 bits the baseline lets L1 set: every architectural bit 0-23 except
/// reserved 15 and KL (19).
const CR4_FIXED1: u64 = 0x00f7_7fff;

/// Capabilities with TRUE controls, every pin/secondary/exit/entry control
/// allowed, three activity states, zero-length injection and VMWRITE to
/// read-only fields.
pub fn baseline_caps() -> VmxCaps {
    let pin_may = PIN_DEFAULT1 | 0xe9;
    let proc_may = !proc::ACTIVATE_TERTIARY & !1;
    VmxCaps {
        basic: u64::from(VMCS12_REVISION) | (4096 << 32) | (6 << 50) | (1 << 54) | (1 << 55),
        pinbased: ctl_msr(PIN_DEFAULT1, pin_may),
        procbased: ctl_msr(PROC_DEFAULT1, proc_may),
        exit: ctl_msr(EXIT_DEFAULT1, 0x7fff_ffff),
        entry: ctl_msr(ENTRY_DEFAULT1, u32::MAX),
        misc: 5
            | (4 << 16)
            | misc::ACTIVITY_HLT
            | misc::ACTIVITY_SHUTDOWN
            | misc::ACTIVITY_WAIT_SIPI
            | misc::VMWRITE_ALL
            | misc::ZERO_LEN_INJECTION,
        cr0_fixed0: cr0::PE | (1 << 5) | cr0::PG,
        cr0_fixed1: 0xffff_ffff,
        cr4_fixed0: 1 << 13,
        cr4_fixed1: CR4_FIXED1,
        vmcs_enum: 0x60,
        procbased2: ctl_msr(0, u32::MAX),
        ept_vpid_cap: 1
            | ept_cap::WALK_4
            | ept_cap::WALK_5
            | ept_cap::MEMTYPE_UC
            | ept_cap::MEMTYPE_WB
            | (3 << 16)
            | (1 << 20)
            | ept_cap::AD
            | (3 << 25)
            | (1 << 32)
            | (0xf << 40),
        true_pinbased: ctl_msr(PIN_DEFAULT1, pin_may),
        true_procbased: ctl_msr(PROC_DEFAULT1 & !0x1_8000, proc_may),
        true_exit: ctl_msr(EXIT_DEFAULT1 & !exit::SAVE_DEBUG_CONTROLS, 0x7fff_ffff),
        true_entry: ctl_msr(ENTRY_DEFAULT1 & !entry::LOAD_DEBUG_CONTROLS, u32::MAX),
        vmfunc: vmfunc::EPTP_SWITCHING,
        procbased3: 0,
    }
}

/// L1 in 64-bit mode outside SMM, MAXPHYADDR 46, 48-bit linear addresses,
/// CET and LAM, nothing read from guest memory but VTPR.
pub fn baseline_context() -> VmxContext {
    VmxContext {
        maxphyaddr: 46,
        linear_address_bits: 48,
        l1_efer_lma: true,
        in_smm: false,
        efer_allowed: 1 | efer::LME | efer::LMA | (1 << 11),
        debugctl_allowed: 0x3,
        perf_global_ctrl_allowed: 0xff | (0x7 << 32),
        features: L1Features {
            shstk: true,
            ibt: true,
            lam: true,
            rtm: false,
            sgx: false,
            ept_supervisor_shadow_stack: false,
        },
        current_vmcs_ptr: 0x0100_0000,
        link_vmcs_header: None,
        virtual_tpr: Some(0),
        guest_pdptes: None,
    }
}

/// Guest and host CR0: PE, MP, ET, NE, WP, AM, PG.
const CR0: u64 = 0x8005_0033;
/// Guest and host CR4: PAE, PGE, OSFXSR, OSXMMEXCPT, VMXE, FSGSBASE, PCIDE,
/// OSXSAVE, CET.
const CR4: u64 =
    cr4::PAE | (1 << 7) | (3 << 9) | (1 << 13) | (1 << 16) | cr4::PCIDE | (1 << 18) | cr4::CET;
/// A PAT holding WB, WT, UC-, UC twice.
const PAT: u64 = 0x0007_0406_0007_0406;
/// 64-bit code: type 11, S, P, L, G.
const AR_CODE64: u64 = 0xa09b;
/// Flat data: type 3, S, P, D/B, G.
const AR_DATA: u64 = 0xc093;
/// Busy 64-bit TSS, present.
const AR_TSS: u64 = 0x8b;
/// An unusable segment.
const AR_UNUSABLE: u64 = 0x1_0000;

/// The baseline vmcs12; it passes every rule against [`baseline_caps()`]
/// and [`baseline_context()`].
pub fn baseline_vmcs12() -> Vmcs12 {
    let mut v = Vmcs12::zeroed();
    v.set_header(VMCS12_REVISION, false);
    let pinv = PIN_DEFAULT1
        | pin::EXT_INTR_EXITING
        | pin::NMI_EXITING
        | pin::VIRTUAL_NMIS
        | pin::POSTED_INTR;
    let procv = PROC_DEFAULT1
        | proc::HLT_EXITING
        | proc::TPR_SHADOW
        | proc::USE_IO_BITMAPS
        | proc::USE_MSR_BITMAPS
        | proc::ACTIVATE_SECONDARY;
    let sec = proc2::ENABLE_EPT
        | proc2::ENABLE_VPID
        | proc2::UNRESTRICTED_GUEST
        | proc2::VIRTUALIZE_X2APIC
        | proc2::APIC_REGISTER_VIRT
        | proc2::VIRTUAL_INTR_DELIVERY
        | proc2::ENABLE_VMFUNC
        | proc2::SHADOW_VMCS
        | proc2::ENABLE_PML
        | proc2::TSC_SCALING;
    let exitv = EXIT_DEFAULT1
        | exit::HOST_ADDR_SPACE_SIZE
        | exit::LOAD_PERF_GLOBAL_CTRL
        | exit::ACK_INTR_ON_EXIT
        | exit::SAVE_PAT
        | exit::LOAD_PAT
        | exit::SAVE_EFER
        | exit::LOAD_EFER
        | exit::LOAD_CET_STATE;
    let entryv = ENTRY_DEFAULT1
        | entry::IA32E_MODE
        | entry::LOAD_PERF_GLOBAL_CTRL
        | entry::LOAD_PAT
        | entry::LOAD_EFER
        | entry::LOAD_BNDCFGS
        | entry::LOAD_CET_STATE;
    let fields: &[(F, u64)] = &[
        // VM-execution controls.
        (F::PinBasedVmExecControl, pinv.into()),
        (F::CpuBasedVmExecControl, procv.into()),
        (F::SecondaryVmExecControl, sec.into()),
        (F::IoBitmapA, 0x10000),
        (F::IoBitmapB, 0x11000),
        (F::MsrBitmap, 0x12000),
        (F::VirtualApicPageAddr, 0x13000),
        (F::PostedIntrDescAddr, 0x15040),
        (F::PostedIntrNv, 0xf2),
        (
            F::EptPointer,
            0x16000 | eptp::MEMTYPE_WB | eptp::WALK_4 | eptp::AD_ENABLE,
        ),
        (F::PmlAddress, 0x17000),
        (F::VmFunctionControl, vmfunc::EPTP_SWITCHING),
        (F::EptpListAddress, 0x18000),
        (F::VmreadBitmap, 0x19000),
        (F::VmwriteBitmap, 0x1a000),
        (F::TscMultiplier, 1 << 48),
        (F::VirtualProcessorId, 1),
        // VM-exit and VM-entry controls.
        (F::VmExitControls, exitv.into()),
        (F::VmExitMsrStoreCount, 1),
        (F::VmExitMsrStoreAddr, 0x1b000),
        (F::VmExitMsrLoadCount, 1),
        (F::VmExitMsrLoadAddr, 0x1b010),
        (F::VmEntryControls, entryv.into()),
        (F::VmEntryMsrLoadCount, 1),
        (F::VmEntryMsrLoadAddr, 0x1b020),
        // Host state.
        (F::HostCr0, CR0),
        (F::HostCr3, 0x30000),
        (F::HostCr4, CR4),
        (F::HostCsSelector, 0x10),
        (F::HostSsSelector, 0x18),
        (F::HostTrSelector, 0x40),
        (F::HostFsBase, 0x7f00_0000_0000),
        (F::HostGsBase, 0xffff_8880_0000_0000),
        (F::HostTrBase, 0xffff_fe00_0000_3000),
        (F::HostGdtrBase, 0xffff_fe00_0000_0000),
        (F::HostIdtrBase, 0xffff_fe00_0000_1000),
        (F::HostIa32SysenterEsp, 0xffff_fe00_0000_4000),
        (F::HostIa32SysenterEip, 0xffff_ffff_8100_2000),
        (F::HostRsp, 0xffff_c900_0000_8000),
        (F::HostRip, 0xffff_ffff_8100_1000),
        (F::HostIa32Pat, PAT),
        (F::HostIa32Efer, 1 | efer::LME | efer::LMA | (1 << 11)),
        (F::HostIa32PerfGlobalCtrl, 0xff),
        (F::HostSsp, 0xffff_c900_0001_0000),
        // Guest control registers and MSRs.
        (F::GuestCr0, CR0),
        (F::GuestCr3, 0x20000),
        (F::GuestCr4, CR4),
        (F::GuestDr7, 0x400),
        (F::GuestIa32Pat, PAT),
        (F::GuestIa32Efer, 1 | efer::LME | efer::LMA | (1 << 11)),
        (F::GuestIa32PerfGlobalCtrl, 0xff),
        (F::GuestSsp, 0x7fff_f000),
        // Guest segment and descriptor-table registers.
        (F::GuestCsSelector, 0x10),
        (F::GuestCsLimit, 0xffff_ffff),
        (F::GuestCsArBytes, AR_CODE64),
        (F::GuestSsSelector, 0x18),
        (F::GuestSsLimit, 0xffff_ffff),
        (F::GuestSsArBytes, AR_DATA),
        (F::GuestDsSelector, 0x18),
        (F::GuestDsLimit, 0xffff_ffff),
        (F::GuestDsArBytes, AR_DATA),
        (F::GuestEsSelector, 0x18),
        (F::GuestEsLimit, 0xffff_ffff),
        (F::GuestEsArBytes, AR_DATA),
        (F::GuestFsLimit, 0xffff_ffff),
        (F::GuestFsArBytes, AR_DATA),
        (F::GuestFsBase, 0x7f12_3456_7000),
        (F::GuestGsLimit, 0xffff_ffff),
        (F::GuestGsArBytes, AR_DATA),
        (F::GuestGsBase, 0xffff_8880_1000_0000),
        (F::GuestTrSelector, 0x40),
        (F::GuestTrBase, 0xffff_fe00_0000_3000),
        (F::GuestTrLimit, 0x67),
        (F::GuestTrArBytes, AR_TSS),
        (F::GuestLdtrArBytes, AR_UNUSABLE),
        (F::GuestGdtrBase, 0xffff_fe00_0000_0000),
        (F::GuestGdtrLimit, 0x7f),
        (F::GuestIdtrBase, 0xffff_fe00_0000_1000),
        (F::GuestIdtrLimit, 0xfff),
        // Guest RIP, RFLAGS, non-register state.
        (F::GuestRip, 0xffff_ffff_8100_0000),
        (F::GuestRsp, 0xffff_c900_0000_0000),
        (F::GuestRflags, rflags::FIXED1 | rflags::IF),
        (F::VmcsLinkPointer, u64::MAX),
    ];
    for &(field, value) in fields {
        v.set(field, value);
    }
    v
}
