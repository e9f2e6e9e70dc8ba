// SPDX-License-Identifier: GPL-2.0

//! Every VMCS field KVM's `struct vmcs12` carries, in one table.
//!
//! Each line gives the field's encoding (`enum vmcs_field` in
//! `arch/x86/include/asm/vmx.h`), its width, the name of its `struct vmcs12`
//! member and that member's byte offset (`CHECK_OFFSET()` in
//! `arch/x86/kvm/vmx/vmcs12.h`), and the checks the field feeds. The layout
//! is the ABI of `KVM_GET_NESTED_STATE`: `tests/vmx_layout.rs` holds the
//! table against the kernel source, and the const assertions below hold
//! every width against its encoding and every offset inside the page.

use super::vmcs12::Vmcs12;

/// Width of a VMCS field, from bits 14:13 of its encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Width {
    /// 16-bit field.
    U16,
    /// 64-bit field (two encodings: full, and high with bit 0 set).
    U64,
    /// 32-bit field.
    U32,
    /// Natural-width field, stored as 64 bits in vmcs12.
    Natural,
}

impl Width {
    /// The width an encoding declares.
    pub const fn of_encoding(encoding: u32) -> Self {
        match (encoding >> 13) & 3 {
            0 => Self::U16,
            1 => Self::U64,
            2 => Self::U32,
            _ => Self::Natural,
        }
    }

    /// Bytes the field occupies in vmcs12.
    pub const fn bytes(self) -> usize {
        match self {
            Self::U16 => 2,
            Self::U32 => 4,
            Self::U64 | Self::Natural => 8,
        }
    }

    /// The mask of the bits a field of this width holds.
    pub const fn mask(self) -> u64 {
        match self {
            Self::U16 => 0xffff,
            Self::U32 => 0xffff_ffff,
            Self::U64 | Self::Natural => u64::MAX,
        }
    }
}

/// Area of a VMCS field, from bits 11:10 of its encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// Control field.
    Control,
    /// VM-exit information field; read-only to VMWRITE unless
    /// IA32_VMX_MISC bit 29 is 1.
    ReadOnly,
    /// Guest-state field.
    Guest,
    /// Host-state field.
    Host,
}

impl Group {
    /// The area an encoding declares.
    pub const fn of_encoding(encoding: u32) -> Self {
        match (encoding >> 10) & 3 {
            0 => Self::Control,
            1 => Self::ReadOnly,
            2 => Self::Guest,
            _ => Self::Host,
        }
    }
}

/// Which group of checks reads a field; incremental validation re-runs the
/// checks that read a changed field.
pub(crate) mod dirty {
    /// Read by no check.
    pub const NONE: u16 = 0;
    /// The pin-based, primary and secondary VM-execution control words.
    pub const EXEC_CTL: u16 = 1 << 0;
    /// Other VM-execution control fields.
    pub const EXEC: u16 = 1 << 1;
    /// VM-exit controls and the VM-exit MSR lists.
    pub const EXIT: u16 = 1 << 2;
    /// The VM-entry control word.
    pub const ENTRY_CTL: u16 = 1 << 3;
    /// The VM-entry MSR-load list.
    pub const ENTRY_MSR: u16 = 1 << 4;
    /// VM-entry event injection.
    pub const EVENT: u16 = 1 << 5;
    /// Host-state area.
    pub const HOST: u16 = 1 << 6;
    /// Guest control and debug registers and MSRs.
    pub const GUEST_REG: u16 = 1 << 7;
    /// Guest segment and descriptor-table registers.
    pub const GUEST_SEG: u16 = 1 << 8;
    /// Guest RIP.
    pub const GUEST_RIP: u16 = 1 << 9;
    /// Guest non-register state.
    pub const GUEST_NONREG: u16 = 1 << 10;
    /// Guest PDPTEs.
    pub const GUEST_PDPTE: u16 = 1 << 11;
    /// Guest RFLAGS.
    pub const GUEST_RFLAGS: u16 = 1 << 12;
    /// Every group.
    pub const ALL: u16 = (1 << 13) - 1;
}

macro_rules! vmcs12_type {
    (U16) => {
        u16
    };
    (U32) => {
        u32
    };
    (U64) => {
        u64
    };
    (Natural) => {
        u64
    };
}

macro_rules! vmcs12_load {
    ($bytes:expr, U16, $off:expr) => {
        u16::from_le_bytes(super::vmcs12::bytes_at::<2>($bytes, $off))
    };
    ($bytes:expr, U32, $off:expr) => {
        u32::from_le_bytes(super::vmcs12::bytes_at::<4>($bytes, $off))
    };
    ($bytes:expr, U64, $off:expr) => {
        u64::from_le_bytes(super::vmcs12::bytes_at::<8>($bytes, $off))
    };
    ($bytes:expr, Natural, $off:expr) => {
        u64::from_le_bytes(super::vmcs12::bytes_at::<8>($bytes, $off))
    };
}

/// Declares the vmcs12 field table: the [`Field`] enum, its encoding,
/// width, offset, names and check group, the encoding lookup, and a typed
/// accessor on [`Vmcs12`] named after each `struct vmcs12` member.
macro_rules! define_vmcs12_fields {
    ($(
        $(#[$doc:meta])*
        $variant:ident $member:ident: $width:ident = $enc:literal @ $off:literal, $cname:literal, $dirty:ident;
    )*) => {
        /// A VMCS field held in vmcs12.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Field {
            $( $(#[$doc])* $variant, )*
        }

        impl Field {
            /// Every field, in table order.
            pub const ALL: &'static [Field] = &[ $( Field::$variant, )* ];

            /// The field's encoding (its full encoding for 64-bit fields).
            pub const fn encoding(self) -> u32 {
                match self { $( Self::$variant => $enc, )* }
            }

            /// The byte offset of the field in `struct vmcs12`.
            pub const fn offset(self) -> u16 {
                match self { $( Self::$variant => $off, )* }
            }

            /// The field's width.
            pub const fn width(self) -> Width {
                match self { $( Self::$variant => Width::$width, )* }
            }

            /// The field's area.
            pub const fn group(self) -> Group {
                Group::of_encoding(self.encoding())
            }

            /// The encoding's name in `enum vmcs_field`.
            pub const fn name(self) -> &'static str {
                match self { $( Self::$variant => $cname, )* }
            }

            /// The `struct vmcs12` member holding the field.
            pub const fn member(self) -> &'static str {
                match self { $( Self::$variant => stringify!($member), )* }
            }

            /// The checks that read the field.
            pub(crate) const fn dirty(self) -> u16 {
                match self { $( Self::$variant => dirty::$dirty, )* }
            }

            /// The field with this full encoding.
            pub const fn from_encoding(encoding: u32) -> Option<Self> {
                match encoding {
                    $( $enc => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }

        impl Vmcs12 {
            $(
                $(#[$doc])*
                #[inline]
                pub fn $member(&self) -> vmcs12_type!($width) {
                    vmcs12_load!(self.as_bytes(), $width, $off)
                }
            )*
        }

        // Every declared width is the one its encoding names, and every
        // field lies inside the vmcs12 page.
        const _: () = {
            $(
                assert!(Width::of_encoding($enc) as u8 == Width::$width as u8);
                assert!($enc & 1 == 0 && $enc >> 15 == 0);
                assert!($off + Width::$width.bytes() <= Vmcs12::SIZE);
            )*
        };
    };
}

define_vmcs12_fields! {
    /// Virtual-processor identifier (VPID).
    VirtualProcessorId virtual_processor_id: U16 = 0x0000 @ 960, "VIRTUAL_PROCESSOR_ID", EXEC;
    /// Posted-interrupt notification vector.
    PostedIntrNv posted_intr_nv: U16 = 0x0002 @ 962, "POSTED_INTR_NV", EXEC;
    /// Guest ES selector.
    GuestEsSelector guest_es_selector: U16 = 0x0800 @ 964, "GUEST_ES_SELECTOR", GUEST_SEG;
    /// Guest CS selector.
    GuestCsSelector guest_cs_selector: U16 = 0x0802 @ 966, "GUEST_CS_SELECTOR", GUEST_SEG;
    /// Guest SS selector.
    GuestSsSelector guest_ss_selector: U16 = 0x0804 @ 968, "GUEST_SS_SELECTOR", GUEST_SEG;
    /// Guest DS selector.
    GuestDsSelector guest_ds_selector: U16 = 0x0806 @ 970, "GUEST_DS_SELECTOR", GUEST_SEG;
    /// Guest FS selector.
    GuestFsSelector guest_fs_selector: U16 = 0x0808 @ 972, "GUEST_FS_SELECTOR", GUEST_SEG;
    /// Guest GS selector.
    GuestGsSelector guest_gs_selector: U16 = 0x080a @ 974, "GUEST_GS_SELECTOR", GUEST_SEG;
    /// Guest LDTR selector.
    GuestLdtrSelector guest_ldtr_selector: U16 = 0x080c @ 976, "GUEST_LDTR_SELECTOR", GUEST_SEG;
    /// Guest TR selector.
    GuestTrSelector guest_tr_selector: U16 = 0x080e @ 978, "GUEST_TR_SELECTOR", GUEST_SEG;
    /// Guest interrupt status (RVI and SVI).
    GuestIntrStatus guest_intr_status: U16 = 0x0810 @ 980, "GUEST_INTR_STATUS", NONE;
    /// PML index.
    GuestPmlIndex guest_pml_index: U16 = 0x0812 @ 996, "GUEST_PML_INDEX", NONE;
    /// Host ES selector.
    HostEsSelector host_es_selector: U16 = 0x0c00 @ 982, "HOST_ES_SELECTOR", HOST;
    /// Host CS selector.
    HostCsSelector host_cs_selector: U16 = 0x0c02 @ 984, "HOST_CS_SELECTOR", HOST;
    /// Host SS selector.
    HostSsSelector host_ss_selector: U16 = 0x0c04 @ 986, "HOST_SS_SELECTOR", HOST;
    /// Host DS selector.
    HostDsSelector host_ds_selector: U16 = 0x0c06 @ 988, "HOST_DS_SELECTOR", HOST;
    /// Host FS selector.
    HostFsSelector host_fs_selector: U16 = 0x0c08 @ 990, "HOST_FS_SELECTOR", HOST;
    /// Host GS selector.
    HostGsSelector host_gs_selector: U16 = 0x0c0a @ 992, "HOST_GS_SELECTOR", HOST;
    /// Host TR selector.
    HostTrSelector host_tr_selector: U16 = 0x0c0c @ 994, "HOST_TR_SELECTOR", HOST;

    /// Address of I/O bitmap A.
    IoBitmapA io_bitmap_a: U64 = 0x2000 @ 40, "IO_BITMAP_A", EXEC;
    /// Address of I/O bitmap B.
    IoBitmapB io_bitmap_b: U64 = 0x2002 @ 48, "IO_BITMAP_B", EXEC;
    /// Address of the MSR bitmaps.
    MsrBitmap msr_bitmap: U64 = 0x2004 @ 56, "MSR_BITMAP", EXEC;
    /// VM-exit MSR-store address.
    VmExitMsrStoreAddr vm_exit_msr_store_addr: U64 = 0x2006 @ 64, "VM_EXIT_MSR_STORE_ADDR", EXIT;
    /// VM-exit MSR-load address.
    VmExitMsrLoadAddr vm_exit_msr_load_addr: U64 = 0x2008 @ 72, "VM_EXIT_MSR_LOAD_ADDR", EXIT;
    /// VM-entry MSR-load address.
    VmEntryMsrLoadAddr vm_entry_msr_load_addr: U64 = 0x200a @ 80, "VM_ENTRY_MSR_LOAD_ADDR", ENTRY_MSR;
    /// PML address.
    PmlAddress pml_address: U64 = 0x200e @ 312, "PML_ADDRESS", EXEC;
    /// TSC offset.
    TscOffset tsc_offset: U64 = 0x2010 @ 88, "TSC_OFFSET", NONE;
    /// Virtual-APIC address.
    VirtualApicPageAddr virtual_apic_page_addr: U64 = 0x2012 @ 96, "VIRTUAL_APIC_PAGE_ADDR", EXEC;
    /// APIC-access address.
    ApicAccessAddr apic_access_addr: U64 = 0x2014 @ 104, "APIC_ACCESS_ADDR", EXEC;
    /// Posted-interrupt descriptor address.
    PostedIntrDescAddr posted_intr_desc_addr: U64 = 0x2016 @ 112, "POSTED_INTR_DESC_ADDR", EXEC;
    /// VM-function controls.
    VmFunctionControl vm_function_control: U64 = 0x2018 @ 296, "VM_FUNCTION_CONTROL", EXEC;
    /// EPT pointer (EPTP).
    EptPointer ept_pointer: U64 = 0x201a @ 120, "EPT_POINTER", EXEC;
    /// EOI-exit bitmap 0.
    EoiExitBitmap0 eoi_exit_bitmap0: U64 = 0x201c @ 128, "EOI_EXIT_BITMAP0", NONE;
    /// EOI-exit bitmap 1.
    EoiExitBitmap1 eoi_exit_bitmap1: U64 = 0x201e @ 136, "EOI_EXIT_BITMAP1", NONE;
    /// EOI-exit bitmap 2.
    EoiExitBitmap2 eoi_exit_bitmap2: U64 = 0x2020 @ 144, "EOI_EXIT_BITMAP2", NONE;
    /// EOI-exit bitmap 3.
    EoiExitBitmap3 eoi_exit_bitmap3: U64 = 0x2022 @ 152, "EOI_EXIT_BITMAP3", NONE;
    /// EPTP-list address.
    EptpListAddress eptp_list_address: U64 = 0x2024 @ 304, "EPTP_LIST_ADDRESS", EXEC;
    /// VMREAD-bitmap address.
    VmreadBitmap vmread_bitmap: U64 = 0x2026 @ 280, "VMREAD_BITMAP", EXEC;
    /// VMWRITE-bitmap address.
    VmwriteBitmap vmwrite_bitmap: U64 = 0x2028 @ 288, "VMWRITE_BITMAP", EXEC;
    /// XSS-exiting bitmap.
    XssExitBitmap xss_exit_bitmap: U64 = 0x202c @ 160, "XSS_EXIT_BITMAP", NONE;
    /// ENCLS-exiting bitmap.
    EnclsExitingBitmap encls_exiting_bitmap: U64 = 0x202e @ 320, "ENCLS_EXITING_BITMAP", NONE;
    /// TSC multiplier.
    TscMultiplier tsc_multiplier: U64 = 0x2032 @ 328, "TSC_MULTIPLIER", EXEC;
    /// Guest-physical address (VM-exit information).
    GuestPhysicalAddress guest_physical_address: U64 = 0x2400 @ 168, "GUEST_PHYSICAL_ADDRESS", NONE;
    /// VMCS link pointer.
    VmcsLinkPointer vmcs_link_pointer: U64 = 0x2800 @ 176, "VMCS_LINK_POINTER", GUEST_NONREG;
    /// Guest IA32_DEBUGCTL.
    GuestIa32Debugctl guest_ia32_debugctl: U64 = 0x2802 @ 184, "GUEST_IA32_DEBUGCTL", GUEST_REG;
    /// Guest IA32_PAT.
    GuestIa32Pat guest_ia32_pat: U64 = 0x2804 @ 192, "GUEST_IA32_PAT", GUEST_REG;
    /// Guest IA32_EFER.
    GuestIa32Efer guest_ia32_efer: U64 = 0x2806 @ 200, "GUEST_IA32_EFER", GUEST_REG;
    /// Guest IA32_PERF_GLOBAL_CTRL.
    GuestIa32PerfGlobalCtrl guest_ia32_perf_global_ctrl: U64 = 0x2808 @ 208, "GUEST_IA32_PERF_GLOBAL_CTRL", GUEST_REG;
    /// Guest PDPTE0.
    GuestPdptr0 guest_pdptr0: U64 = 0x280a @ 216, "GUEST_PDPTR0", GUEST_PDPTE;
    /// Guest PDPTE1.
    GuestPdptr1 guest_pdptr1: U64 = 0x280c @ 224, "GUEST_PDPTR1", GUEST_PDPTE;
    /// Guest PDPTE2.
    GuestPdptr2 guest_pdptr2: U64 = 0x280e @ 232, "GUEST_PDPTR2", GUEST_PDPTE;
    /// Guest PDPTE3.
    GuestPdptr3 guest_pdptr3: U64 = 0x2810 @ 240, "GUEST_PDPTR3", GUEST_PDPTE;
    /// Guest IA32_BNDCFGS.
    GuestBndcfgs guest_bndcfgs: U64 = 0x2812 @ 248, "GUEST_BNDCFGS", GUEST_REG;
    /// Host IA32_PAT.
    HostIa32Pat host_ia32_pat: U64 = 0x2c00 @ 256, "HOST_IA32_PAT", HOST;
    /// Host IA32_EFER.
    HostIa32Efer host_ia32_efer: U64 = 0x2c02 @ 264, "HOST_IA32_EFER", HOST;
    /// Host IA32_PERF_GLOBAL_CTRL.
    HostIa32PerfGlobalCtrl host_ia32_perf_global_ctrl: U64 = 0x2c04 @ 272, "HOST_IA32_PERF_GLOBAL_CTRL", HOST;

    /// Pin-based VM-execution controls.
    PinBasedVmExecControl pin_based_vm_exec_control: U32 = 0x4000 @ 744, "PIN_BASED_VM_EXEC_CONTROL", EXEC_CTL;
    /// Primary processor-based VM-execution controls.
    CpuBasedVmExecControl cpu_based_vm_exec_control: U32 = 0x4002 @ 748, "CPU_BASED_VM_EXEC_CONTROL", EXEC_CTL;
    /// Exception bitmap.
    ExceptionBitmap exception_bitmap: U32 = 0x4004 @ 752, "EXCEPTION_BITMAP", NONE;
    /// Page-fault error-code mask.
    PageFaultErrorCodeMask page_fault_error_code_mask: U32 = 0x4006 @ 756, "PAGE_FAULT_ERROR_CODE_MASK", NONE;
    /// Page-fault error-code match.
    PageFaultErrorCodeMatch page_fault_error_code_match: U32 = 0x4008 @ 760, "PAGE_FAULT_ERROR_CODE_MATCH", NONE;
    /// CR3-target count.
    Cr3TargetCount cr3_target_count: U32 = 0x400a @ 764, "CR3_TARGET_COUNT", EXEC;
    /// Primary VM-exit controls.
    VmExitControls vm_exit_controls: U32 = 0x400c @ 768, "VM_EXIT_CONTROLS", EXIT;
    /// VM-exit MSR-store count.
    VmExitMsrStoreCount vm_exit_msr_store_count: U32 = 0x400e @ 772, "VM_EXIT_MSR_STORE_COUNT", EXIT;
    /// VM-exit MSR-load count.
    VmExitMsrLoadCount vm_exit_msr_load_count: U32 = 0x4010 @ 776, "VM_EXIT_MSR_LOAD_COUNT", EXIT;
    /// VM-entry controls.
    VmEntryControls vm_entry_controls: U32 = 0x4012 @ 780, "VM_ENTRY_CONTROLS", ENTRY_CTL;
    /// VM-entry MSR-load count.
    VmEntryMsrLoadCount vm_entry_msr_load_count: U32 = 0x4014 @ 784, "VM_ENTRY_MSR_LOAD_COUNT", ENTRY_MSR;
    /// VM-entry interruption-information field.
    VmEntryIntrInfoField vm_entry_intr_info_field: U32 = 0x4016 @ 788, "VM_ENTRY_INTR_INFO_FIELD", EVENT;
    /// VM-entry exception error code.
    VmEntryExceptionErrorCode vm_entry_exception_error_code: U32 = 0x4018 @ 792, "VM_ENTRY_EXCEPTION_ERROR_CODE", EVENT;
    /// VM-entry instruction length.
    VmEntryInstructionLen vm_entry_instruction_len: U32 = 0x401a @ 796, "VM_ENTRY_INSTRUCTION_LEN", EVENT;
    /// TPR threshold.
    TprThreshold tpr_threshold: U32 = 0x401c @ 800, "TPR_THRESHOLD", EXEC;
    /// Secondary processor-based VM-execution controls.
    SecondaryVmExecControl secondary_vm_exec_control: U32 = 0x401e @ 804, "SECONDARY_VM_EXEC_CONTROL", EXEC_CTL;
    /// VM-instruction error.
    VmInstructionError vm_instruction_error: U32 = 0x4400 @ 808, "VM_INSTRUCTION_ERROR", NONE;
    /// Exit reason.
    VmExitReason vm_exit_reason: U32 = 0x4402 @ 812, "VM_EXIT_REASON", NONE;
    /// VM-exit interruption information.
    VmExitIntrInfo vm_exit_intr_info: U32 = 0x4404 @ 816, "VM_EXIT_INTR_INFO", NONE;
    /// VM-exit interruption error code.
    VmExitIntrErrorCode vm_exit_intr_error_code: U32 = 0x4406 @ 820, "VM_EXIT_INTR_ERROR_CODE", NONE;
    /// IDT-vectoring information field.
    IdtVectoringInfoField idt_vectoring_info_field: U32 = 0x4408 @ 824, "IDT_VECTORING_INFO_FIELD", NONE;
    /// IDT-vectoring error code.
    IdtVectoringErrorCode idt_vectoring_error_code: U32 = 0x440a @ 828, "IDT_VECTORING_ERROR_CODE", NONE;
    /// VM-exit instruction length.
    VmExitInstructionLen vm_exit_instruction_len: U32 = 0x440c @ 832, "VM_EXIT_INSTRUCTION_LEN", NONE;
    /// VM-exit instruction information.
    VmxInstructionInfo vmx_instruction_info: U32 = 0x440e @ 836, "VMX_INSTRUCTION_INFO", NONE;
    /// Guest ES limit.
    GuestEsLimit guest_es_limit: U32 = 0x4800 @ 840, "GUEST_ES_LIMIT", GUEST_SEG;
    /// Guest CS limit.
    GuestCsLimit guest_cs_limit: U32 = 0x4802 @ 844, "GUEST_CS_LIMIT", GUEST_SEG;
    /// Guest SS limit.
    GuestSsLimit guest_ss_limit: U32 = 0x4804 @ 848, "GUEST_SS_LIMIT", GUEST_SEG;
    /// Guest DS limit.
    GuestDsLimit guest_ds_limit: U32 = 0x4806 @ 852, "GUEST_DS_LIMIT", GUEST_SEG;
    /// Guest FS limit.
    GuestFsLimit guest_fs_limit: U32 = 0x4808 @ 856, "GUEST_FS_LIMIT", GUEST_SEG;
    /// Guest GS limit.
    GuestGsLimit guest_gs_limit: U32 = 0x480a @ 860, "GUEST_GS_LIMIT", GUEST_SEG;
    /// Guest LDTR limit.
    GuestLdtrLimit guest_ldtr_limit: U32 = 0x480c @ 864, "GUEST_LDTR_LIMIT", GUEST_SEG;
    /// Guest TR limit.
    GuestTrLimit guest_tr_limit: U32 = 0x480e @ 868, "GUEST_TR_LIMIT", GUEST_SEG;
    /// Guest GDTR limit.
    GuestGdtrLimit guest_gdtr_limit: U32 = 0x4810 @ 872, "GUEST_GDTR_LIMIT", GUEST_SEG;
    /// Guest IDTR limit.
    GuestIdtrLimit guest_idtr_limit: U32 = 0x4812 @ 876, "GUEST_IDTR_LIMIT", GUEST_SEG;
    /// Guest ES access rights.
    GuestEsArBytes guest_es_ar_bytes: U32 = 0x4814 @ 880, "GUEST_ES_AR_BYTES", GUEST_SEG;
    /// Guest CS access rights.
    GuestCsArBytes guest_cs_ar_bytes: U32 = 0x4816 @ 884, "GUEST_CS_AR_BYTES", GUEST_SEG;
    /// Guest SS access rights.
    GuestSsArBytes guest_ss_ar_bytes: U32 = 0x4818 @ 888, "GUEST_SS_AR_BYTES", GUEST_SEG;
    /// Guest DS access rights.
    GuestDsArBytes guest_ds_ar_bytes: U32 = 0x481a @ 892, "GUEST_DS_AR_BYTES", GUEST_SEG;
    /// Guest FS access rights.
    GuestFsArBytes guest_fs_ar_bytes: U32 = 0x481c @ 896, "GUEST_FS_AR_BYTES", GUEST_SEG;
    /// Guest GS access rights.
    GuestGsArBytes guest_gs_ar_bytes: U32 = 0x481e @ 900, "GUEST_GS_AR_BYTES", GUEST_SEG;
    /// Guest LDTR access rights.
    GuestLdtrArBytes guest_ldtr_ar_bytes: U32 = 0x4820 @ 904, "GUEST_LDTR_AR_BYTES", GUEST_SEG;
    /// Guest TR access rights.
    GuestTrArBytes guest_tr_ar_bytes: U32 = 0x4822 @ 908, "GUEST_TR_AR_BYTES", GUEST_SEG;
    /// Guest interruptibility state.
    GuestInterruptibilityInfo guest_interruptibility_info: U32 = 0x4824 @ 912, "GUEST_INTERRUPTIBILITY_INFO", GUEST_NONREG;
    /// Guest activity state.
    GuestActivityState guest_activity_state: U32 = 0x4826 @ 916, "GUEST_ACTIVITY_STATE", GUEST_NONREG;
    /// Guest IA32_SYSENTER_CS.
    GuestSysenterCs guest_sysenter_cs: U32 = 0x482a @ 920, "GUEST_SYSENTER_CS", NONE;
    /// VMX-preemption timer value.
    VmxPreemptionTimerValue vmx_preemption_timer_value: U32 = 0x482e @ 928, "VMX_PREEMPTION_TIMER_VALUE", NONE;
    /// Host IA32_SYSENTER_CS.
    HostIa32SysenterCs host_ia32_sysenter_cs: U32 = 0x4c00 @ 924, "HOST_IA32_SYSENTER_CS", NONE;

    /// CR0 guest/host mask.
    Cr0GuestHostMask cr0_guest_host_mask: Natural = 0x6000 @ 344, "CR0_GUEST_HOST_MASK", NONE;
    /// CR4 guest/host mask.
    Cr4GuestHostMask cr4_guest_host_mask: Natural = 0x6002 @ 352, "CR4_GUEST_HOST_MASK", NONE;
    /// CR0 read shadow.
    Cr0ReadShadow cr0_read_shadow: Natural = 0x6004 @ 360, "CR0_READ_SHADOW", NONE;
    /// CR4 read shadow.
    Cr4ReadShadow cr4_read_shadow: Natural = 0x6006 @ 368, "CR4_READ_SHADOW", NONE;
    /// Exit qualification.
    ExitQualification exit_qualification: Natural = 0x6400 @ 408, "EXIT_QUALIFICATION", NONE;
    /// Guest-linear address.
    GuestLinearAddress guest_linear_address: Natural = 0x640a @ 416, "GUEST_LINEAR_ADDRESS", NONE;
    /// Guest CR0.
    GuestCr0 guest_cr0: Natural = 0x6800 @ 424, "GUEST_CR0", GUEST_REG;
    /// Guest CR3.
    GuestCr3 guest_cr3: Natural = 0x6802 @ 432, "GUEST_CR3", GUEST_REG;
    /// Guest CR4.
    GuestCr4 guest_cr4: Natural = 0x6804 @ 440, "GUEST_CR4", GUEST_REG;
    /// Guest ES base.
    GuestEsBase guest_es_base: Natural = 0x6806 @ 448, "GUEST_ES_BASE", GUEST_SEG;
    /// Guest CS base.
    GuestCsBase guest_cs_base: Natural = 0x6808 @ 456, "GUEST_CS_BASE", GUEST_SEG;
    /// Guest SS base.
    GuestSsBase guest_ss_base: Natural = 0x680a @ 464, "GUEST_SS_BASE", GUEST_SEG;
    /// Guest DS base.
    GuestDsBase guest_ds_base: Natural = 0x680c @ 472, "GUEST_DS_BASE", GUEST_SEG;
    /// Guest FS base.
    GuestFsBase guest_fs_base: Natural = 0x680e @ 480, "GUEST_FS_BASE", GUEST_SEG;
    /// Guest GS base.
    GuestGsBase guest_gs_base: Natural = 0x6810 @ 488, "GUEST_GS_BASE", GUEST_SEG;
    /// Guest LDTR base.
    GuestLdtrBase guest_ldtr_base: Natural = 0x6812 @ 496, "GUEST_LDTR_BASE", GUEST_SEG;
    /// Guest TR base.
    GuestTrBase guest_tr_base: Natural = 0x6814 @ 504, "GUEST_TR_BASE", GUEST_SEG;
    /// Guest GDTR base.
    GuestGdtrBase guest_gdtr_base: Natural = 0x6816 @ 512, "GUEST_GDTR_BASE", GUEST_SEG;
    /// Guest IDTR base.
    GuestIdtrBase guest_idtr_base: Natural = 0x6818 @ 520, "GUEST_IDTR_BASE", GUEST_SEG;
    /// Guest DR7.
    GuestDr7 guest_dr7: Natural = 0x681a @ 528, "GUEST_DR7", GUEST_REG;
    /// Guest RSP.
    GuestRsp guest_rsp: Natural = 0x681c @ 536, "GUEST_RSP", NONE;
    /// Guest RIP.
    GuestRip guest_rip: Natural = 0x681e @ 544, "GUEST_RIP", GUEST_RIP;
    /// Guest RFLAGS.
    GuestRflags guest_rflags: Natural = 0x6820 @ 552, "GUEST_RFLAGS", GUEST_RFLAGS;
    /// Guest pending debug exceptions.
    GuestPendingDbgExceptions guest_pending_dbg_exceptions: Natural = 0x6822 @ 560, "GUEST_PENDING_DBG_EXCEPTIONS", GUEST_NONREG;
    /// Guest IA32_SYSENTER_ESP.
    GuestSysenterEsp guest_sysenter_esp: Natural = 0x6824 @ 568, "GUEST_SYSENTER_ESP", GUEST_REG;
    /// Guest IA32_SYSENTER_EIP.
    GuestSysenterEip guest_sysenter_eip: Natural = 0x6826 @ 576, "GUEST_SYSENTER_EIP", GUEST_REG;
    /// Guest IA32_S_CET.
    GuestSCet guest_s_cet: Natural = 0x6828 @ 704, "GUEST_S_CET", GUEST_REG;
    /// Guest SSP.
    GuestSsp guest_ssp: Natural = 0x682a @ 712, "GUEST_SSP", GUEST_REG;
    /// Guest IA32_INTERRUPT_SSP_TABLE_ADDR.
    GuestIntrSspTable guest_ssp_tbl: Natural = 0x682c @ 720, "GUEST_INTR_SSP_TABLE", GUEST_REG;
    /// Host CR0.
    HostCr0 host_cr0: Natural = 0x6c00 @ 584, "HOST_CR0", HOST;
    /// Host CR3.
    HostCr3 host_cr3: Natural = 0x6c02 @ 592, "HOST_CR3", HOST;
    /// Host CR4.
    HostCr4 host_cr4: Natural = 0x6c04 @ 600, "HOST_CR4", HOST;
    /// Host FS base.
    HostFsBase host_fs_base: Natural = 0x6c06 @ 608, "HOST_FS_BASE", HOST;
    /// Host GS base.
    HostGsBase host_gs_base: Natural = 0x6c08 @ 616, "HOST_GS_BASE", HOST;
    /// Host TR base.
    HostTrBase host_tr_base: Natural = 0x6c0a @ 624, "HOST_TR_BASE", HOST;
    /// Host GDTR base.
    HostGdtrBase host_gdtr_base: Natural = 0x6c0c @ 632, "HOST_GDTR_BASE", HOST;
    /// Host IDTR base.
    HostIdtrBase host_idtr_base: Natural = 0x6c0e @ 640, "HOST_IDTR_BASE", HOST;
    /// Host IA32_SYSENTER_ESP.
    HostIa32SysenterEsp host_ia32_sysenter_esp: Natural = 0x6c10 @ 648, "HOST_IA32_SYSENTER_ESP", HOST;
    /// Host IA32_SYSENTER_EIP.
    HostIa32SysenterEip host_ia32_sysenter_eip: Natural = 0x6c12 @ 656, "HOST_IA32_SYSENTER_EIP", HOST;
    /// Host RSP.
    HostRsp host_rsp: Natural = 0x6c14 @ 664, "HOST_RSP", NONE;
    /// Host RIP.
    HostRip host_rip: Natural = 0x6c16 @ 672, "HOST_RIP", HOST;
    /// Host IA32_S_CET.
    HostSCet host_s_cet: Natural = 0x6c18 @ 680, "HOST_S_CET", HOST;
    /// Host SSP.
    HostSsp host_ssp: Natural = 0x6c1a @ 688, "HOST_SSP", HOST;
    /// Host IA32_INTERRUPT_SSP_TABLE_ADDR.
    HostIntrSspTable host_ssp_tbl: Natural = 0x6c1c @ 696, "HOST_INTR_SSP_TABLE", HOST;
}

/// `struct vmcs12` members that are not VMCS fields, with their offsets:
/// the VMCS header, the VMX-abort indicator, KVM's launch state and the
/// remnants of the CR3-target values. Together with [`Field::ALL`] they
/// account for every `CHECK_OFFSET()` in `vmcs12.h`.
pub const NON_FIELD_MEMBERS: &[(&str, u16)] = &[
    ("hdr", 0),
    ("abort", 4),
    ("launch_state", 8),
    ("dead_space", 376),
];
