// SPDX-License-Identifier: GPL-2.0

//! The VMCB layout: `struct vmcb_control_area` and `struct vmcb_save_area`
//! of `arch/x86/include/asm/svm.h` (Linux 7.3.4), field by field.
//!
//! The tables below are the single source of every offset the engine uses:
//! the [`Vmcb12`](super::Vmcb12) accessors read through them, the layout
//! is frozen by compile-time assertions (contiguous, sizes equal to
//! `EXPECTED_VMCB_CONTROL_AREA_SIZE` and `EXPECTED_VMCB_SAVE_AREA_SIZE`),
//! and `tests/svm_layout.rs` compares them with the kernel header.

/// One field of a VMCB area, named as in the kernel's structs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The C member name (`reserved_N` padding included).
    pub name: &'static str,
    /// Offset of the area within the VMCB page.
    pub area: usize,
    /// Offset within the area (what `offsetof()` on the area struct says).
    pub offset: usize,
    /// Size in bytes.
    pub size: usize,
}

impl Field {
    /// Offset of the field within the VMCB page.
    pub const fn page_offset(self) -> usize {
        self.area + self.offset
    }

    /// One past the last byte of the field within the VMCB page.
    pub const fn page_end(self) -> usize {
        self.area + self.offset + self.size
    }
}

/// Layout revision: bump when a table below changes, as KVM's `vmcs12.h`
/// does with `VMCS12_REVISION`.
pub const REVISION: u32 = 0x7034;

/// Offset of the save area in the VMCB page (`offsetof(struct vmcb, save)`).
pub const SAVE_AREA_OFFSET: usize = 0x400;

/// Bytes of the VMCB page that the architecture defines for a non-SEV-ES
/// guest: the control area and `struct vmcb_save_area`.
pub const VMCB_USED: usize = SAVE_AREA_OFFSET + save::SIZE;

/// Size of a VMCB page.
pub const VMCB_PAGE: usize = 4096;

/// Whether `fields` tile `[0, size)` without gaps or overlaps.
const fn contiguous(fields: &[Field], size: usize) -> bool {
    let mut next = 0;
    let mut i = 0;
    while i < fields.len() {
        if fields[i].offset != next || fields[i].size == 0 {
            return false;
        }
        next += fields[i].size;
        i += 1;
    }
    next == size
}

macro_rules! vmcb_area {
    (
        $(#[$meta:meta])*
        pub mod $area:ident @ $base:expr, size $size:literal {
            $(
                $(#[$fmeta:meta])*
                $konst:ident = $name:literal @ $off:literal + $len:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub mod $area {
            use super::Field;

            $(
                $(#[$fmeta])*
                pub const $konst: Field = Field {
                    name: $name,
                    area: $base,
                    offset: $off,
                    size: $len,
                };
            )*

            /// Every field, in offset order.
            pub const FIELDS: &[Field] = &[$($konst,)*];

            /// Size of the area in bytes.
            pub const SIZE: usize = $size;

            const _: () = assert!(super::contiguous(FIELDS, SIZE));
        }
    };
}

vmcb_area! {
    /// `struct vmcb_control_area`: VMCB offsets 000h–3FFh.
    pub mod control @ 0, size 1024 {
        /// Intercept vectors, six 32-bit words (`u32 intercepts[MAX_INTERCEPT]`).
        INTERCEPTS = "intercepts" @ 0x000 + 24,
        /// Reserved.
        RESERVED_1 = "reserved_1" @ 0x018 + 36,
        /// PAUSE filter threshold.
        PAUSE_FILTER_THRESH = "pause_filter_thresh" @ 0x03c + 2,
        /// PAUSE filter count.
        PAUSE_FILTER_COUNT = "pause_filter_count" @ 0x03e + 2,
        /// Physical base of the I/O permission map.
        IOPM_BASE_PA = "iopm_base_pa" @ 0x040 + 8,
        /// Physical base of the MSR permission map.
        MSRPM_BASE_PA = "msrpm_base_pa" @ 0x048 + 8,
        /// TSC offset.
        TSC_OFFSET = "tsc_offset" @ 0x050 + 8,
        /// Guest ASID.
        ASID = "asid" @ 0x058 + 4,
        /// TLB_CONTROL.
        TLB_CTL = "tlb_ctl" @ 0x05c + 1,
        /// ERAP control.
        ERAP_CTL = "erap_ctl" @ 0x05d + 1,
        /// Reserved.
        RESERVED_2 = "reserved_2" @ 0x05e + 2,
        /// Virtual interrupt control (V_TPR, V_IRQ, V_GIF, vNMI, AVIC, ...).
        INT_CTL = "int_ctl" @ 0x060 + 4,
        /// Virtual interrupt vector.
        INT_VECTOR = "int_vector" @ 0x064 + 4,
        /// Interrupt shadow and guest interrupt mask.
        INT_STATE = "int_state" @ 0x068 + 4,
        /// Reserved.
        RESERVED_3 = "reserved_3" @ 0x06c + 4,
        /// EXITCODE.
        EXIT_CODE = "exit_code" @ 0x070 + 8,
        /// EXITINFO1.
        EXIT_INFO_1 = "exit_info_1" @ 0x078 + 8,
        /// EXITINFO2.
        EXIT_INFO_2 = "exit_info_2" @ 0x080 + 8,
        /// EXITINTINFO.
        EXIT_INT_INFO = "exit_int_info" @ 0x088 + 4,
        /// EXITINTINFO error code.
        EXIT_INT_INFO_ERR = "exit_int_info_err" @ 0x08c + 4,
        /// Nested paging, SEV, SEV-ES and GMET enables.
        MISC_CTL = "misc_ctl" @ 0x090 + 8,
        /// AVIC APIC BAR.
        AVIC_VAPIC_BAR = "avic_vapic_bar" @ 0x098 + 8,
        /// GHCB guest physical address.
        GHCB_GPA = "ghcb_gpa" @ 0x0a0 + 8,
        /// EVENTINJ.
        EVENT_INJ = "event_inj" @ 0x0a8 + 4,
        /// EVENTINJ error code.
        EVENT_INJ_ERR = "event_inj_err" @ 0x0ac + 4,
        /// Nested page table root (nCR3).
        NESTED_CR3 = "nested_cr3" @ 0x0b0 + 8,
        /// LBR virtualization and virtual VMLOAD/VMSAVE enables.
        MISC_CTL2 = "misc_ctl2" @ 0x0b8 + 8,
        /// VMCB clean bits.
        CLEAN = "clean" @ 0x0c0 + 4,
        /// Reserved.
        RESERVED_5 = "reserved_5" @ 0x0c4 + 4,
        /// nRIP.
        NEXT_RIP = "next_rip" @ 0x0c8 + 8,
        /// Number of bytes fetched.
        INSN_LEN = "insn_len" @ 0x0d0 + 1,
        /// Guest instruction bytes.
        INSN_BYTES = "insn_bytes" @ 0x0d1 + 15,
        /// AVIC backing page.
        AVIC_BACKING_PAGE = "avic_backing_page" @ 0x0e0 + 8,
        /// Reserved.
        RESERVED_6 = "reserved_6" @ 0x0e8 + 8,
        /// AVIC logical APIC ID table.
        AVIC_LOGICAL_ID = "avic_logical_id" @ 0x0f0 + 8,
        /// AVIC physical APIC ID table.
        AVIC_PHYSICAL_ID = "avic_physical_id" @ 0x0f8 + 8,
        /// Reserved.
        RESERVED_7 = "reserved_7" @ 0x100 + 8,
        /// VMSA pointer (SEV-ES).
        VMSA_PA = "vmsa_pa" @ 0x108 + 8,
        /// Reserved.
        RESERVED_8 = "reserved_8" @ 0x110 + 16,
        /// Bus lock counter.
        BUS_LOCK_COUNTER = "bus_lock_counter" @ 0x120 + 2,
        /// Reserved.
        RESERVED_9 = "reserved_9" @ 0x122 + 22,
        /// Allowed SEV features.
        ALLOWED_SEV_FEATURES = "allowed_sev_features" @ 0x138 + 8,
        /// Guest SEV features.
        GUEST_SEV_FEATURES = "guest_sev_features" @ 0x140 + 8,
        /// Reserved.
        RESERVED_10 = "reserved_10" @ 0x148 + 664,
        /// Reserved for the hypervisor (Hyper-V enlightenments).
        RESERVED_SW = "reserved_sw" @ 0x3e0 + 32,
    }
}

vmcb_area! {
    /// `struct vmcb_save_area`: VMCB offsets 400h–6E7h.
    pub mod save @ super::SAVE_AREA_OFFSET, size 744 {
        /// ES.
        ES = "es" @ 0x000 + 16,
        /// CS.
        CS = "cs" @ 0x010 + 16,
        /// SS.
        SS = "ss" @ 0x020 + 16,
        /// DS.
        DS = "ds" @ 0x030 + 16,
        /// FS.
        FS = "fs" @ 0x040 + 16,
        /// GS.
        GS = "gs" @ 0x050 + 16,
        /// GDTR.
        GDTR = "gdtr" @ 0x060 + 16,
        /// LDTR.
        LDTR = "ldtr" @ 0x070 + 16,
        /// IDTR.
        IDTR = "idtr" @ 0x080 + 16,
        /// TR.
        TR = "tr" @ 0x090 + 16,
        /// Reserved.
        RESERVED_0XA0 = "reserved_0xa0" @ 0x0a0 + 42,
        /// VMPL (SEV-SNP).
        VMPL = "vmpl" @ 0x0ca + 1,
        /// CPL.
        CPL = "cpl" @ 0x0cb + 1,
        /// Reserved.
        RESERVED_0XCC = "reserved_0xcc" @ 0x0cc + 4,
        /// EFER.
        EFER = "efer" @ 0x0d0 + 8,
        /// Reserved.
        RESERVED_0XD8 = "reserved_0xd8" @ 0x0d8 + 112,
        /// CR4.
        CR4 = "cr4" @ 0x148 + 8,
        /// CR3.
        CR3 = "cr3" @ 0x150 + 8,
        /// CR0.
        CR0 = "cr0" @ 0x158 + 8,
        /// DR7.
        DR7 = "dr7" @ 0x160 + 8,
        /// DR6.
        DR6 = "dr6" @ 0x168 + 8,
        /// RFLAGS.
        RFLAGS = "rflags" @ 0x170 + 8,
        /// RIP.
        RIP = "rip" @ 0x178 + 8,
        /// Reserved.
        RESERVED_0X180 = "reserved_0x180" @ 0x180 + 88,
        /// RSP.
        RSP = "rsp" @ 0x1d8 + 8,
        /// IA32_S_CET.
        S_CET = "s_cet" @ 0x1e0 + 8,
        /// Shadow stack pointer.
        SSP = "ssp" @ 0x1e8 + 8,
        /// Interrupt SSP table address.
        ISST_ADDR = "isst_addr" @ 0x1f0 + 8,
        /// RAX.
        RAX = "rax" @ 0x1f8 + 8,
        /// STAR.
        STAR = "star" @ 0x200 + 8,
        /// LSTAR.
        LSTAR = "lstar" @ 0x208 + 8,
        /// CSTAR.
        CSTAR = "cstar" @ 0x210 + 8,
        /// SFMASK.
        SFMASK = "sfmask" @ 0x218 + 8,
        /// KernelGsBase.
        KERNEL_GS_BASE = "kernel_gs_base" @ 0x220 + 8,
        /// SYSENTER_CS.
        SYSENTER_CS = "sysenter_cs" @ 0x228 + 8,
        /// SYSENTER_ESP.
        SYSENTER_ESP = "sysenter_esp" @ 0x230 + 8,
        /// SYSENTER_EIP.
        SYSENTER_EIP = "sysenter_eip" @ 0x238 + 8,
        /// CR2.
        CR2 = "cr2" @ 0x240 + 8,
        /// Reserved.
        RESERVED_0X248 = "reserved_0x248" @ 0x248 + 32,
        /// Guest PAT (used with nested paging).
        G_PAT = "g_pat" @ 0x268 + 8,
        /// DBGCTL.
        DBGCTL = "dbgctl" @ 0x270 + 8,
        /// BR_FROM.
        BR_FROM = "br_from" @ 0x278 + 8,
        /// BR_TO.
        BR_TO = "br_to" @ 0x280 + 8,
        /// LASTEXCPFROM.
        LAST_EXCP_FROM = "last_excp_from" @ 0x288 + 8,
        /// LASTEXCPTO.
        LAST_EXCP_TO = "last_excp_to" @ 0x290 + 8,
        /// Reserved.
        RESERVED_0X298 = "reserved_0x298" @ 0x298 + 72,
        /// SPEC_CTRL.
        SPEC_CTRL = "spec_ctrl" @ 0x2e0 + 8,
    }
}

vmcb_area! {
    /// `struct vmcb_seg`: one segment register in the save area.
    pub mod seg @ 0, size 16 {
        /// Selector.
        SELECTOR = "selector" @ 0x0 + 2,
        /// Attributes in the VMCB's packed format.
        ATTRIB = "attrib" @ 0x2 + 2,
        /// Limit.
        LIMIT = "limit" @ 0x4 + 4,
        /// Base.
        BASE = "base" @ 0x8 + 8,
    }
}

const _: () = assert!(control::SIZE == SAVE_AREA_OFFSET);
const _: () = assert!(VMCB_USED <= VMCB_PAGE);
