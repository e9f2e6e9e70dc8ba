// SPDX-License-Identifier: GPL-2.0

//! Architectural bit definitions read by the VMRUN checks.
//!
//! Names and values mirror `arch/x86/include/asm/svm.h`,
//! `asm/msr-index.h` and `uapi/asm/processor-flags.h` of Linux 7.3.4.

/// Intercept bit numbers: word `n / 32`, bit `n % 32` of the intercept
/// vectors at VMCB offset 000h (`enum` after `enum intercept_words`).
pub mod intercept {
    /// Word 0 (000h): CR writes start here (CR0 write is bit 16).
    pub const CR8_WRITE: u32 = 16 + 8;
    /// Word 3 (00Ch): physical NMI.
    pub const NMI: u32 = 97;
    /// Word 3: SMI.
    pub const SMI: u32 = 98;
    /// Word 3: virtual interrupt window.
    pub const VINTR: u32 = 100;
    /// Word 3: RDTSC.
    pub const RDTSC: u32 = 110;
    /// Word 3: PAUSE.
    pub const PAUSE: u32 = 119;
    /// Word 3: IN/OUT accesses, through the IOPM.
    pub const IOIO_PROT: u32 = 123;
    /// Word 3: RDMSR/WRMSR, through the MSRPM.
    pub const MSR_PROT: u32 = 124;
    /// Word 3: shutdown events.
    pub const SHUTDOWN: u32 = 127;
    /// Word 4 (010h): VMRUN. Must be set in every VMCB.
    pub const VMRUN: u32 = 128;
    /// Word 4: VMMCALL.
    pub const VMMCALL: u32 = 129;
    /// Word 4: VMLOAD.
    pub const VMLOAD: u32 = 130;
    /// Word 4: VMSAVE.
    pub const VMSAVE: u32 = 131;
    /// Word 4: STGI.
    pub const STGI: u32 = 132;
    /// Word 4: CLGI.
    pub const CLGI: u32 = 133;
    /// Word 4: SKINIT.
    pub const SKINIT: u32 = 134;
    /// Word 4: RDTSCP.
    pub const RDTSCP: u32 = 135;
    /// Word 4: XSETBV.
    pub const XSETBV: u32 = 141;
    /// Word 4: RDPRU.
    pub const RDPRU: u32 = 142;
    /// Word 5 (014h): INVPCID.
    pub const INVPCID: u32 = 162;
    /// Number of 32-bit intercept words (`MAX_INTERCEPT`).
    pub const WORDS: usize = 6;
}

/// EFER bits (`asm/msr-index.h`).
pub mod efer {
    /// System call extensions.
    pub const SCE: u64 = 1 << 0;
    /// Long mode enable.
    pub const LME: u64 = 1 << 8;
    /// Long mode active.
    pub const LMA: u64 = 1 << 10;
    /// No-execute enable.
    pub const NX: u64 = 1 << 11;
    /// Secure virtual machine enable.
    pub const SVME: u64 = 1 << 12;
    /// Long mode segment limit enable.
    pub const LMSLE: u64 = 1 << 13;
    /// Fast FXSAVE/FXRSTOR.
    pub const FFXSR: u64 = 1 << 14;
    /// Translation cache extension.
    pub const TCE: u64 = 1 << 15;
    /// Automatic IBRS.
    pub const AUTOIBRS: u64 = 1 << 21;
}

/// CR0 bits.
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

/// CR3 bits.
pub mod cr3 {
    /// LAM for user pointers, bits 62:57 masked.
    pub const LAM_U57: u64 = 1 << 61;
    /// LAM for user pointers, bits 62:48 masked.
    pub const LAM_U48: u64 = 1 << 62;
}

/// CR4 bits.
pub mod cr4 {
    /// Virtual-8086 mode extensions.
    pub const VME: u64 = 1 << 0;
    /// Protected-mode virtual interrupts.
    pub const PVI: u64 = 1 << 1;
    /// Time stamp disable.
    pub const TSD: u64 = 1 << 2;
    /// Debugging extensions.
    pub const DE: u64 = 1 << 3;
    /// Page size extensions.
    pub const PSE: u64 = 1 << 4;
    /// Physical address extension.
    pub const PAE: u64 = 1 << 5;
    /// Machine check enable.
    pub const MCE: u64 = 1 << 6;
    /// Page global enable.
    pub const PGE: u64 = 1 << 7;
    /// Performance counter enable.
    pub const PCE: u64 = 1 << 8;
    /// FXSAVE/FXRSTOR support.
    pub const OSFXSR: u64 = 1 << 9;
    /// Unmasked SIMD exceptions.
    pub const OSXMMEXCPT: u64 = 1 << 10;
    /// User-mode instruction prevention.
    pub const UMIP: u64 = 1 << 11;
    /// 5-level paging.
    pub const LA57: u64 = 1 << 12;
    /// VMX enable (reserved on AMD processors).
    pub const VMXE: u64 = 1 << 13;
    /// RDFSBASE and friends.
    pub const FSGSBASE: u64 = 1 << 16;
    /// Process-context identifiers.
    pub const PCIDE: u64 = 1 << 17;
    /// XSAVE and extended states.
    pub const OSXSAVE: u64 = 1 << 18;
    /// Supervisor-mode execution prevention.
    pub const SMEP: u64 = 1 << 20;
    /// Supervisor-mode access prevention.
    pub const SMAP: u64 = 1 << 21;
    /// Protection keys for user pages.
    pub const PKE: u64 = 1 << 22;
    /// Control-flow enforcement.
    pub const CET: u64 = 1 << 23;
    /// LAM for supervisor pointers.
    pub const LAM_SUP: u64 = 1 << 28;
    /// Every bit KVM 7.3.4 knows (the complement of `CR4_RESERVED_BITS`).
    pub const DEFINED: u64 = VME
        | PVI
        | TSD
        | DE
        | PSE
        | PAE
        | MCE
        | PGE
        | PCE
        | OSFXSR
        | OSXMMEXCPT
        | UMIP
        | LA57
        | VMXE
        | FSGSBASE
        | PCIDE
        | OSXSAVE
        | SMEP
        | SMAP
        | PKE
        | CET
        | LAM_SUP;
}

/// Segment attribute bits (`SVM_SELECTOR_*`), VMCB packed format.
pub mod attrib {
    /// CS.L: 64-bit code segment.
    pub const L: u16 = 1 << 9;
    /// CS.D/B: default operand size.
    pub const DB: u16 = 1 << 10;
}

/// IA32_S_CET bits.
pub mod s_cet {
    /// Bits 9:6 are reserved (`CET_RESERVED`).
    pub const RESERVED: u64 = 0xf << 6;
}

/// The VMCB `int_ctl` word (offset 060h).
pub mod int_ctl {
    /// Virtual TPR, bits 3:0.
    pub const V_TPR: u32 = 0x0f;
    /// Virtual interrupt pending.
    pub const V_IRQ: u32 = 1 << 8;
    /// Virtual GIF value.
    pub const V_GIF: u32 = 1 << 9;
    /// Virtual NMI pending.
    pub const V_NMI_PENDING: u32 = 1 << 11;
    /// Virtual NMI blocking.
    pub const V_NMI_BLOCKING: u32 = 1 << 12;
    /// Virtual interrupt priority, bits 19:16.
    pub const V_INTR_PRIO: u32 = 0x0f << 16;
    /// Ignore the virtual TPR.
    pub const V_IGN_TPR: u32 = 1 << 20;
    /// Virtualize interrupt masking.
    pub const V_INTR_MASKING: u32 = 1 << 24;
    /// Enable virtual GIF.
    pub const V_GIF_ENABLE: u32 = 1 << 25;
    /// Enable virtual NMI.
    pub const V_NMI_ENABLE: u32 = 1 << 26;
    /// x2APIC mode of AVIC.
    pub const X2APIC_MODE: u32 = 1 << 30;
    /// AVIC enable.
    pub const AVIC_ENABLE: u32 = 1 << 31;
    /// Every defined bit; the rest (7:4, 10, 15:13, 23:21, 29:27) is
    /// reserved.
    pub const DEFINED: u32 = V_TPR
        | V_IRQ
        | V_GIF
        | V_NMI_PENDING
        | V_NMI_BLOCKING
        | V_INTR_PRIO
        | V_IGN_TPR
        | V_INTR_MASKING
        | V_GIF_ENABLE
        | V_NMI_ENABLE
        | X2APIC_MODE
        | AVIC_ENABLE;
    /// The vNMI bits.
    pub const VNMI: u32 = V_NMI_PENDING | V_NMI_BLOCKING | V_NMI_ENABLE;
}

/// The `int_vector` word (offset 064h): vector in bits 7:0.
pub const INT_VECTOR_MASK: u32 = 0xff;

/// The EVENTINJ word (offset 0A8h).
pub mod event_inj {
    /// Vector, bits 7:0.
    pub const VEC_MASK: u32 = 0xff;
    /// Type shift.
    pub const TYPE_SHIFT: u32 = 8;
    /// Type, bits 10:8.
    pub const TYPE_MASK: u32 = 7 << TYPE_SHIFT;
    /// Type 0: external or virtual interrupt.
    pub const TYPE_INTR: u32 = 0;
    /// Type 2: NMI.
    pub const TYPE_NMI: u32 = 2;
    /// Type 3: exception.
    pub const TYPE_EXEPT: u32 = 3;
    /// Type 4: software interrupt (INTn).
    pub const TYPE_SOFT: u32 = 4;
    /// Error code valid.
    pub const VALID_ERR: u32 = 1 << 11;
    /// Valid.
    pub const VALID: u32 = 1 << 31;
    /// Bits 30:12 are reserved (`SVM_EVTINJ_RESERVED_BITS`).
    pub const RESERVED: u32 = !(VEC_MASK | TYPE_MASK | VALID_ERR | VALID);
}

/// TLB_CONTROL encodings (offset 05Ch).
pub mod tlb_ctl {
    /// Do nothing.
    pub const DO_NOTHING: u8 = 0;
    /// Flush the entire TLB.
    pub const FLUSH_ALL_ASID: u8 = 1;
    /// Flush this guest's TLB entries (FlushByAsid).
    pub const FLUSH_ASID: u8 = 3;
    /// Flush this guest's non-global TLB entries (FlushByAsid).
    pub const FLUSH_ASID_LOCAL: u8 = 7;
}

/// ERAP control (offset 05Dh).
pub mod erap_ctl {
    /// Allow a larger return-address predictor.
    pub const ALLOW_LARGER_RAP: u8 = 1 << 0;
    /// Clear the return-address predictor.
    pub const CLEAR_RAP: u8 = 1 << 1;
}

/// `misc_ctl` (offset 090h, the APM's "nested paging control").
pub mod misc_ctl {
    /// Nested paging.
    pub const NP: u64 = 1 << 0;
    /// Secure encrypted virtualization.
    pub const SEV: u64 = 1 << 1;
    /// SEV encrypted state.
    pub const SEV_ES: u64 = 1 << 2;
    /// Guest-mode execute trap.
    pub const GMET: u64 = 1 << 3;
}

/// `misc_ctl2` (offset 0B8h, the APM's "LBR virtualization control").
pub mod misc_ctl2 {
    /// LBR virtualization.
    pub const V_LBR: u64 = 1 << 0;
    /// Virtual VMLOAD/VMSAVE.
    pub const V_VMLOAD_VMSAVE: u64 = 1 << 1;
}

/// Size of the MSR permission map (`MSRPM_SIZE`, two pages).
pub const MSRPM_SIZE: u64 = 2 * 4096;
/// Size of the I/O permission map (`IOPM_SIZE`, three pages).
pub const IOPM_SIZE: u64 = 3 * 4096;

/// Exception vectors.
pub mod vector {
    /// Exceptions that are always valid in EVENTINJ: #DE #DB #BP #OF #BR
    /// #UD #NM #DF #TS #NP #SS #GP #PF #MF #AC #MC #XM #HV #SX
    /// (`nested_svm_event_inj_valid_exept()`).
    pub const ALWAYS: u32 = (1 << 0)
        | (1 << 1)
        | (1 << 3)
        | (1 << 4)
        | (1 << 5)
        | (1 << 6)
        | (1 << 7)
        | (1 << 8)
        | (1 << 10)
        | (1 << 11)
        | (1 << 12)
        | (1 << 13)
        | (1 << 14)
        | (1 << 16)
        | (1 << 17)
        | (1 << 18)
        | (1 << 19)
        | (1 << 28)
        | (1 << 30);
    /// #CP, valid with shadow stacks.
    pub const CP: u8 = 21;
    /// #VC, valid with SEV-ES.
    pub const VC: u8 = 29;
}
