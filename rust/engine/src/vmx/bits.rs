// SPDX-License-Identifier: GPL-2.0

//! Architectural bit definitions the VM-entry checks read: VM-execution,
//! VM-exit and VM-entry control bits, control-register and MSR bits, segment
//! access rights and guest non-register state.
//!
//! Names follow `arch/x86/include/asm/vmx.h` and `msr-index.h` without their
//! prefixes; each group lives in its own module, so a use site reads
//! `pin::VIRTUAL_NMIS` or `cr4::PCIDE`.

/// Pin-based VM-execution controls (SDM "Pin-Based VM-Execution Controls").
pub mod pin {
    /// External-interrupt exiting.
    pub const EXT_INTR_EXITING: u32 = 1 << 0;
    /// NMI exiting.
    pub const NMI_EXITING: u32 = 1 << 3;
    /// Virtual NMIs.
    pub const VIRTUAL_NMIS: u32 = 1 << 5;
    /// Activate VMX-preemption timer.
    pub const PREEMPTION_TIMER: u32 = 1 << 6;
    /// Process posted interrupts.
    pub const POSTED_INTR: u32 = 1 << 7;
}

/// Primary processor-based VM-execution controls.
pub mod proc {
    /// Interrupt-window exiting.
    pub const INTR_WINDOW_EXITING: u32 = 1 << 2;
    /// Use TSC offsetting.
    pub const USE_TSC_OFFSETTING: u32 = 1 << 3;
    /// HLT exiting.
    pub const HLT_EXITING: u32 = 1 << 7;
    /// Activate tertiary controls.
    pub const ACTIVATE_TERTIARY: u32 = 1 << 17;
    /// Use TPR shadow.
    pub const TPR_SHADOW: u32 = 1 << 21;
    /// NMI-window exiting.
    pub const NMI_WINDOW_EXITING: u32 = 1 << 22;
    /// Use I/O bitmaps.
    pub const USE_IO_BITMAPS: u32 = 1 << 25;
    /// Monitor trap flag.
    pub const MONITOR_TRAP_FLAG: u32 = 1 << 27;
    /// Use MSR bitmaps.
    pub const USE_MSR_BITMAPS: u32 = 1 << 28;
    /// Activate secondary controls.
    pub const ACTIVATE_SECONDARY: u32 = 1 << 31;
}

/// Secondary processor-based VM-execution controls.
pub mod proc2 {
    /// Virtualize APIC accesses.
    pub const VIRTUALIZE_APIC_ACCESSES: u32 = 1 << 0;
    /// Enable EPT.
    pub const ENABLE_EPT: u32 = 1 << 1;
    /// Virtualize x2APIC mode.
    pub const VIRTUALIZE_X2APIC: u32 = 1 << 4;
    /// Enable VPID.
    pub const ENABLE_VPID: u32 = 1 << 5;
    /// Unrestricted guest.
    pub const UNRESTRICTED_GUEST: u32 = 1 << 7;
    /// APIC-register virtualization.
    pub const APIC_REGISTER_VIRT: u32 = 1 << 8;
    /// Virtual-interrupt delivery.
    pub const VIRTUAL_INTR_DELIVERY: u32 = 1 << 9;
    /// Enable VM functions.
    pub const ENABLE_VMFUNC: u32 = 1 << 13;
    /// VMCS shadowing.
    pub const SHADOW_VMCS: u32 = 1 << 14;
    /// Enable PML.
    pub const ENABLE_PML: u32 = 1 << 17;
    /// EPT-violation #VE.
    pub const EPT_VIOLATION_VE: u32 = 1 << 18;
    /// Mode-based execute control for EPT.
    pub const MODE_BASED_EPT_EXEC: u32 = 1 << 22;
    /// Sub-page write permissions for EPT.
    pub const EPT_SUB_PAGE: u32 = 1 << 23;
    /// Intel PT uses guest physical addresses.
    pub const PT_USE_GPA: u32 = 1 << 24;
    /// Use TSC scaling.
    pub const TSC_SCALING: u32 = 1 << 25;
}

/// Primary VM-exit controls.
pub mod exit {
    /// Save debug controls.
    pub const SAVE_DEBUG_CONTROLS: u32 = 1 << 2;
    /// Host address-space size.
    pub const HOST_ADDR_SPACE_SIZE: u32 = 1 << 9;
    /// Load IA32_PERF_GLOBAL_CTRL.
    pub const LOAD_PERF_GLOBAL_CTRL: u32 = 1 << 12;
    /// Acknowledge interrupt on exit.
    pub const ACK_INTR_ON_EXIT: u32 = 1 << 15;
    /// Save IA32_PAT.
    pub const SAVE_PAT: u32 = 1 << 18;
    /// Load IA32_PAT.
    pub const LOAD_PAT: u32 = 1 << 19;
    /// Save IA32_EFER.
    pub const SAVE_EFER: u32 = 1 << 20;
    /// Load IA32_EFER.
    pub const LOAD_EFER: u32 = 1 << 21;
    /// Save VMX-preemption-timer value.
    pub const SAVE_PREEMPTION_TIMER: u32 = 1 << 22;
    /// Clear IA32_BNDCFGS.
    pub const CLEAR_BNDCFGS: u32 = 1 << 23;
    /// Clear IA32_RTIT_CTL.
    pub const CLEAR_RTIT_CTL: u32 = 1 << 25;
    /// Load CET state.
    pub const LOAD_CET_STATE: u32 = 1 << 28;
}

/// VM-entry controls.
pub mod entry {
    /// Load debug controls.
    pub const LOAD_DEBUG_CONTROLS: u32 = 1 << 2;
    /// IA-32e mode guest.
    pub const IA32E_MODE: u32 = 1 << 9;
    /// Entry to SMM.
    pub const SMM: u32 = 1 << 10;
    /// Deactivate dual-monitor treatment.
    pub const DEACT_DUAL_MONITOR: u32 = 1 << 11;
    /// Load IA32_PERF_GLOBAL_CTRL.
    pub const LOAD_PERF_GLOBAL_CTRL: u32 = 1 << 13;
    /// Load IA32_PAT.
    pub const LOAD_PAT: u32 = 1 << 14;
    /// Load IA32_EFER.
    pub const LOAD_EFER: u32 = 1 << 15;
    /// Load IA32_BNDCFGS.
    pub const LOAD_BNDCFGS: u32 = 1 << 16;
    /// Load IA32_RTIT_CTL.
    pub const LOAD_RTIT_CTL: u32 = 1 << 18;
    /// Load CET state.
    pub const LOAD_CET_STATE: u32 = 1 << 20;
}

/// VM-function controls.
pub mod vmfunc {
    /// EPTP switching.
    pub const EPTP_SWITCHING: u64 = 1 << 0;
}

/// The extended-page-table pointer (EPTP).
pub mod eptp {
    /// Bits 2:0: EPT paging-structure memory type.
    pub const MEMTYPE_MASK: u64 = 0x7;
    /// Memory type uncacheable.
    pub const MEMTYPE_UC: u64 = 0;
    /// Memory type write-back.
    pub const MEMTYPE_WB: u64 = 6;
    /// Bits 5:3: page-walk length minus 1.
    pub const WALK_MASK: u64 = 0x38;
    /// Page-walk length 4.
    pub const WALK_4: u64 = 3 << 3;
    /// Page-walk length 5.
    pub const WALK_5: u64 = 4 << 3;
    /// Bit 6: enable accessed and dirty flags.
    pub const AD_ENABLE: u64 = 1 << 6;
    /// Bit 7: enable supervisor shadow-stack access rights.
    pub const SSS_ENABLE: u64 = 1 << 7;
    /// Bits 11:8: reserved.
    pub const RESERVED_11_8: u64 = 0xf00;
}

/// IA32_VMX_EPT_VPID_CAP bits.
pub mod ept_cap {
    /// Page-walk length 4 supported.
    pub const WALK_4: u64 = 1 << 6;
    /// Page-walk length 5 supported.
    pub const WALK_5: u64 = 1 << 7;
    /// Uncacheable EPT paging structures supported.
    pub const MEMTYPE_UC: u64 = 1 << 8;
    /// Write-back EPT paging structures supported.
    pub const MEMTYPE_WB: u64 = 1 << 14;
    /// Accessed and dirty flags for EPT supported.
    pub const AD: u64 = 1 << 21;
}

/// IA32_VMX_BASIC bits.
pub mod basic {
    /// Bits 30:0: VMCS revision identifier.
    pub const REVISION_MASK: u64 = 0x7fff_ffff;
    /// Bit 48: VMX structures limited to 32-bit physical addresses.
    pub const PHYS_ADDR_32BIT: u64 = 1 << 48;
    /// Bit 55: the TRUE capability MSRs report the default-1 controls.
    pub const TRUE_CTLS: u64 = 1 << 55;
    /// Bit 56: hardware exceptions may be injected with or without an
    /// error code, whatever the vector.
    pub const NO_HW_ERROR_CODE_CC: u64 = 1 << 56;
}

/// IA32_VMX_MISC bits.
pub mod misc {
    /// Activity state HLT supported.
    pub const ACTIVITY_HLT: u64 = 1 << 6;
    /// Activity state shutdown supported.
    pub const ACTIVITY_SHUTDOWN: u64 = 1 << 7;
    /// Activity state wait-for-SIPI supported.
    pub const ACTIVITY_WAIT_SIPI: u64 = 1 << 8;
    /// Bit 29: VMWRITE may write any supported field, read-only ones too.
    pub const VMWRITE_ALL: u64 = 1 << 29;
    /// Bit 30: software events may be injected with instruction length 0.
    pub const ZERO_LEN_INJECTION: u64 = 1 << 30;
}

/// Control register 0.
pub mod cr0 {
    /// Protection enable.
    pub const PE: u64 = 1 << 0;
    /// Write protect.
    pub const WP: u64 = 1 << 16;
    /// Not write-through.
    pub const NW: u64 = 1 << 29;
    /// Cache disable.
    pub const CD: u64 = 1 << 30;
    /// Paging.
    pub const PG: u64 = 1 << 31;
}

/// Control register 3.
pub mod cr3 {
    /// LAM_U57 and LAM_U48 (bits 62:61), legal with LAM.
    pub const LAM_BITS: u64 = 3 << 61;
}

/// Control register 4.
pub mod cr4 {
    /// Physical-address extension.
    pub const PAE: u64 = 1 << 5;
    /// 57-bit linear addresses.
    pub const LA57: u64 = 1 << 12;
    /// PCID enable.
    pub const PCIDE: u64 = 1 << 17;
    /// Control-flow enforcement technology.
    pub const CET: u64 = 1 << 23;
}

/// IA32_EFER.
pub mod efer {
    /// IA-32e mode enable.
    pub const LME: u64 = 1 << 8;
    /// IA-32e mode active.
    pub const LMA: u64 = 1 << 10;
}

/// RFLAGS.
pub mod rflags {
    /// Bit 1: reserved, must be 1.
    pub const FIXED1: u64 = 1 << 1;
    /// Reserved bits 63:22, 15, 5 and 3.
    pub const RESERVED: u64 = !0x3f_ffff | (1 << 15) | (1 << 5) | (1 << 3);
    /// Trap flag.
    pub const TF: u64 = 1 << 8;
    /// Interrupt enable flag.
    pub const IF: u64 = 1 << 9;
    /// Virtual-8086 mode.
    pub const VM: u64 = 1 << 17;
}

/// IA32_DEBUGCTL.
pub mod debugctl {
    /// Single-step on branches.
    pub const BTF: u64 = 1 << 1;
}

/// IA32_S_CET (and IA32_U_CET).
pub mod cet {
    /// Bits 9:6: reserved.
    pub const RESERVED: u64 = 0x3c0;
    /// Shadow-stack enables (bits 1:0).
    pub const SHSTK_BITS: u64 = 0x3;
    /// Indirect-branch-tracking bits (5:2 and 63:10).
    pub const IBT_BITS: u64 = 0x3c | !0x3ff;
    /// Suppress indirect-branch tracking.
    pub const SUPPRESS: u64 = 1 << 10;
    /// Tracker: WAIT_FOR_ENDBRANCH.
    pub const WAIT_ENDBR: u64 = 1 << 11;
}

/// IA32_BNDCFGS.
pub mod bndcfgs {
    /// Bits 11:2: reserved.
    pub const RESERVED: u64 = 0xffc;
    /// Bits 63:12: base of the bound directory.
    pub const BASE: u64 = !0xfff;
}

/// Segment access rights as held in the VMCS (SDM "Guest Register State").
pub mod ar {
    /// Bits 3:0: segment type.
    pub const TYPE: u32 = 0xf;
    /// Type bit 0: accessed.
    pub const TYPE_ACCESSED: u32 = 1 << 0;
    /// Type bit 1: readable (code) or writable (data).
    pub const TYPE_READ_WRITE: u32 = 1 << 1;
    /// Type bit 2: conforming (code) or expand-down (data).
    pub const TYPE_CONFORMING: u32 = 1 << 2;
    /// Type bit 3: code segment.
    pub const TYPE_CODE: u32 = 1 << 3;
    /// Bit 4: descriptor type (0 = system, 1 = code or data).
    pub const S: u32 = 1 << 4;
    /// Bits 6:5: descriptor privilege level.
    pub const DPL_SHIFT: u32 = 5;
    /// Bit 7: segment present.
    pub const P: u32 = 1 << 7;
    /// Bits 11:8: reserved.
    pub const RESERVED_11_8: u32 = 0xf00;
    /// Bit 13: 64-bit code segment (CS only).
    pub const L: u32 = 1 << 13;
    /// Bit 14: default operation size.
    pub const DB: u32 = 1 << 14;
    /// Bit 15: granularity.
    pub const G: u32 = 1 << 15;
    /// Bit 16: segment unusable.
    pub const UNUSABLE: u32 = 1 << 16;
    /// Bits 31:17: reserved.
    pub const RESERVED_31_17: u32 = 0xfffe_0000;
    /// Type 2: LDT.
    pub const TYPE_LDT: u32 = 2;
    /// Type 3: 16-bit busy TSS (system) or read/write accessed data.
    pub const TYPE_BUSY_TSS16: u32 = 3;
    /// Type 11: 32-bit or 64-bit busy TSS.
    pub const TYPE_BUSY_TSS32: u32 = 11;
    /// The only access rights allowed in virtual-8086 mode.
    pub const V8086: u32 = 0xf3;
}

/// Segment selectors.
pub mod selector {
    /// Bits 1:0: requested privilege level.
    pub const RPL: u16 = 0x3;
    /// Bit 2: table indicator.
    pub const TI: u16 = 0x4;
}

/// The VM-entry interruption-information field.
pub mod intr_info {
    /// Bits 7:0: vector.
    pub const VECTOR: u32 = 0xff;
    /// Bits 10:8: interruption type.
    pub const TYPE_SHIFT: u32 = 8;
    /// Bit 11: deliver error code.
    pub const DELIVER_ERROR_CODE: u32 = 1 << 11;
    /// Bits 30:12: reserved.
    pub const RESERVED: u32 = 0x7fff_f000;
    /// Bit 31: valid.
    pub const VALID: u32 = 1 << 31;
}

/// Interruption types (bits 10:8 of the interruption-information field).
pub mod intr_type {
    /// External interrupt.
    pub const EXT_INTR: u32 = 0;
    /// Reserved.
    pub const RESERVED: u32 = 1;
    /// Non-maskable interrupt.
    pub const NMI: u32 = 2;
    /// Hardware exception.
    pub const HW_EXCEPTION: u32 = 3;
    /// Software interrupt.
    pub const SW_INTR: u32 = 4;
    /// Privileged software exception.
    pub const PRIV_SW_EXCEPTION: u32 = 5;
    /// Software exception.
    pub const SW_EXCEPTION: u32 = 6;
    /// Other event (pending MTF VM exit).
    pub const OTHER: u32 = 7;
}

/// Exception vectors the checks name.
pub mod vector {
    /// Debug exception.
    pub const DB: u32 = 1;
    /// Non-maskable interrupt.
    pub const NMI: u32 = 2;
    /// Machine check.
    pub const MC: u32 = 18;
    /// Control-protection exception (CET).
    pub const CP: u32 = 21;
    /// Exceptions that deliver an error code: #DF, #TS, #NP, #SS, #GP,
    /// #PF, #AC and #CP (#CP only where CET exists), as a bitmap over
    /// vectors 0-31.
    pub const WITH_ERROR_CODE: u32 = (1 << 8)
        | (1 << 10)
        | (1 << 11)
        | (1 << 12)
        | (1 << 13)
        | (1 << 14)
        | (1 << 17)
        | (1 << 21);
}

/// The guest interruptibility-state field.
pub mod interruptibility {
    /// Blocking by STI.
    pub const STI: u32 = 1 << 0;
    /// Blocking by MOV SS.
    pub const MOV_SS: u32 = 1 << 1;
    /// Blocking by SMI.
    pub const SMI: u32 = 1 << 2;
    /// Blocking by NMI.
    pub const NMI: u32 = 1 << 3;
    /// Enclave interruption.
    pub const ENCLAVE: u32 = 1 << 4;
    /// Bits 31:5: reserved.
    pub const RESERVED: u32 = !0x1f;
}

/// The guest activity-state field.
pub mod activity {
    /// Active.
    pub const ACTIVE: u32 = 0;
    /// HLT.
    pub const HLT: u32 = 1;
    /// Shutdown.
    pub const SHUTDOWN: u32 = 2;
    /// Wait-for-SIPI.
    pub const WAIT_SIPI: u32 = 3;
}

/// The guest pending-debug-exceptions field.
pub mod pending_dbg {
    /// Bits 3:0: B3-B0, matched breakpoints.
    pub const B0_3: u64 = 0xf;
    /// Bit 12: enabled breakpoint.
    pub const ENABLED_BP: u64 = 1 << 12;
    /// Bit 14: single step (BS).
    pub const BS: u64 = 1 << 14;
    /// Bit 16: RTM, a debug exception inside a transactional region.
    pub const RTM: u64 = 1 << 16;
    /// Bits 11:4, 13, 15 and 63:17: reserved.
    pub const RESERVED: u64 = 0xff0 | (1 << 13) | (1 << 15) | !0x1_ffff;
}

/// A PAE page-directory-pointer-table entry.
pub mod pdpte {
    /// Bit 0: present.
    pub const P: u64 = 1 << 0;
    /// Bits 2:1 and 8:5: reserved.
    pub const RESERVED: u64 = 0x6 | 0x1e0;
}

/// MSR indices named by the MSR-list checks.
pub mod msr {
    /// IA32_BIOS_UPDT_TRIG (microcode update trigger).
    pub const UCODE_WRITE: u32 = 0x79;
    /// IA32_BIOS_SIGN_ID (microcode revision).
    pub const UCODE_REV: u32 = 0x8b;
    /// IA32_SMM_MONITOR_CTL, writable only in SMM.
    pub const SMM_MONITOR_CTL: u32 = 0x9b;
    /// IA32_SMBASE, readable only in SMM.
    pub const SMBASE: u32 = 0x9e;
    /// IA32_FS_BASE.
    pub const FS_BASE: u32 = 0xc000_0100;
    /// IA32_GS_BASE.
    pub const GS_BASE: u32 = 0xc000_0101;
}

/// The VMCS revision identifier KVM enumerates and expects: its layout ID
/// for `struct vmcs12` (`VMCS12_REVISION` in `vmcs12.h`).
pub const VMCS12_REVISION: u32 = 0x11e5_7ed0;
