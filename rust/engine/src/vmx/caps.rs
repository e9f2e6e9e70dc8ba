// SPDX-License-Identifier: GPL-2.0

//! What L1 sees of VMX: its capability MSRs ([`VmxCaps`]) and the facts a
//! VM entry depends on that are not in the VMCS ([`VmxContext`]).

use super::bits::basic;
use super::bits::misc;

/// The allowed settings of one 32-bit control word, decoded from a VMX
/// control capability MSR (SDM appendix A.3-A.5): the low half lists the
/// allowed 0-settings (a 1 bit must be 1), the high half the allowed
/// 1-settings (a 0 bit must be 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllowedControls {
    /// Bits that must be 1.
    pub must_be_one: u32,
    /// Bits that may be 1.
    pub may_be_one: u32,
}

impl AllowedControls {
    /// Decodes a control capability MSR.
    pub const fn from_msr(msr: u64) -> Self {
        Self {
            must_be_one: msr as u32,
            may_be_one: (msr >> 32) as u32,
        }
    }

    /// The bits of `value` that are 0 although they must be 1.
    pub const fn missing(self, value: u32) -> u32 {
        self.must_be_one & !value
    }

    /// The bits of `value` that are 1 although they must be 0.
    pub const fn forbidden(self, value: u32) -> u32 {
        value & !self.may_be_one
    }

    /// Whether `value` respects both allowed settings.
    pub const fn allows(self, value: u32) -> bool {
        self.missing(value) == 0 && self.forbidden(value) == 0
    }

    /// Whether the control bits in `bits` may be 1.
    pub const fn may_set(self, bits: u32) -> bool {
        self.may_be_one & bits == bits
    }
}

/// The VMX capability MSRs as L1 reads them (SDM appendix A), KVM's
/// `struct nested_vmx_msrs` in MSR form.
///
/// Any value is accepted: the checks evaluate the fields as they are, and a
/// nonsensical capability set only makes VM entries fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmxCaps {
    /// IA32_VMX_BASIC (480H): revision, VMCS size, memory type, bit 55
    /// (TRUE controls), bit 56 (no error-code consistency check).
    pub basic: u64,
    /// IA32_VMX_PINBASED_CTLS (481H).
    pub pinbased: u64,
    /// IA32_VMX_PROCBASED_CTLS (482H).
    pub procbased: u64,
    /// IA32_VMX_EXIT_CTLS (483H).
    pub exit: u64,
    /// IA32_VMX_ENTRY_CTLS (484H).
    pub entry: u64,
    /// IA32_VMX_MISC (485H): CR3-target count, MSR-list size, activity
    /// states, VMWRITE to read-only fields, zero-length injection.
    pub misc: u64,
    /// IA32_VMX_CR0_FIXED0 (486H): CR0 bits fixed to 1.
    pub cr0_fixed0: u64,
    /// IA32_VMX_CR0_FIXED1 (487H): CR0 bits allowed to be 1.
    pub cr0_fixed1: u64,
    /// IA32_VMX_CR4_FIXED0 (488H): CR4 bits fixed to 1.
    pub cr4_fixed0: u64,
    /// IA32_VMX_CR4_FIXED1 (489H): CR4 bits allowed to be 1.
    pub cr4_fixed1: u64,
    /// IA32_VMX_VMCS_ENUM (48AH): highest field index.
    pub vmcs_enum: u64,
    /// IA32_VMX_PROCBASED_CTLS2 (48BH).
    pub procbased2: u64,
    /// IA32_VMX_EPT_VPID_CAP (48CH).
    pub ept_vpid_cap: u64,
    /// IA32_VMX_TRUE_PINBASED_CTLS (48DH), used when `basic` bit 55 is 1.
    pub true_pinbased: u64,
    /// IA32_VMX_TRUE_PROCBASED_CTLS (48EH), used when `basic` bit 55 is 1.
    pub true_procbased: u64,
    /// IA32_VMX_TRUE_EXIT_CTLS (48FH), used when `basic` bit 55 is 1.
    pub true_exit: u64,
    /// IA32_VMX_TRUE_ENTRY_CTLS (490H), used when `basic` bit 55 is 1.
    pub true_entry: u64,
    /// IA32_VMX_VMFUNC (491H): allowed VM functions.
    pub vmfunc: u64,
    /// IA32_VMX_PROCBASED_CTLS3 (492H): allowed 1-settings of the tertiary
    /// controls (64 bits; every allowed 0-setting is 0).
    pub procbased3: u64,
}

impl VmxCaps {
    /// How many capability MSRs there are: IA32_VMX_BASIC (480H) to
    /// IA32_VMX_PROCBASED_CTLS3 (492H).
    pub const MSR_COUNT: usize = 19;

    /// The capability MSRs in MSR order: `msrs[i]` is MSR 480H + `i`.
    pub const fn from_msrs(msrs: [u64; Self::MSR_COUNT]) -> Self {
        let [basic, pinbased, procbased, exit, entry, misc, cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, vmcs_enum, procbased2, ept_vpid_cap, true_pinbased, true_procbased, true_exit, true_entry, vmfunc, procbased3] =
            msrs;
        Self {
            basic,
            pinbased,
            procbased,
            exit,
            entry,
            misc,
            cr0_fixed0,
            cr0_fixed1,
            cr4_fixed0,
            cr4_fixed1,
            vmcs_enum,
            procbased2,
            ept_vpid_cap,
            true_pinbased,
            true_procbased,
            true_exit,
            true_entry,
            vmfunc,
            procbased3,
        }
    }

    /// The capability MSRs in MSR order, as [`VmxCaps::from_msrs`] takes
    /// them.
    pub const fn to_msrs(&self) -> [u64; Self::MSR_COUNT] {
        [
            self.basic,
            self.pinbased,
            self.procbased,
            self.exit,
            self.entry,
            self.misc,
            self.cr0_fixed0,
            self.cr0_fixed1,
            self.cr4_fixed0,
            self.cr4_fixed1,
            self.vmcs_enum,
            self.procbased2,
            self.ept_vpid_cap,
            self.true_pinbased,
            self.true_procbased,
            self.true_exit,
            self.true_entry,
            self.vmfunc,
            self.procbased3,
        ]
    }

    /// Whether the TRUE control MSRs apply (IA32_VMX_BASIC bit 55).
    pub const fn has_true_controls(&self) -> bool {
        self.basic & basic::TRUE_CTLS != 0
    }

    const fn pick(&self, plain: u64, true_msr: u64) -> AllowedControls {
        AllowedControls::from_msr(if self.has_true_controls() {
            true_msr
        } else {
            plain
        })
    }

    /// Allowed pin-based VM-execution controls.
    pub const fn pin(&self) -> AllowedControls {
        self.pick(self.pinbased, self.true_pinbased)
    }

    /// Allowed primary processor-based VM-execution controls.
    pub const fn proc(&self) -> AllowedControls {
        self.pick(self.procbased, self.true_procbased)
    }

    /// Allowed secondary processor-based VM-execution controls.
    pub const fn proc2(&self) -> AllowedControls {
        AllowedControls::from_msr(self.procbased2)
    }

    /// Allowed VM-exit controls.
    pub const fn exit(&self) -> AllowedControls {
        self.pick(self.exit, self.true_exit)
    }

    /// Allowed VM-entry controls.
    pub const fn entry(&self) -> AllowedControls {
        self.pick(self.entry, self.true_entry)
    }

    /// The VMCS revision identifier (IA32_VMX_BASIC bits 30:0).
    pub const fn revision_id(&self) -> u32 {
        (self.basic & basic::REVISION_MASK) as u32
    }

    /// Whether hardware exceptions may be injected with or without an
    /// error code whatever the vector (IA32_VMX_BASIC bit 56).
    pub const fn no_hw_error_code_check(&self) -> bool {
        self.basic & basic::NO_HW_ERROR_CODE_CC != 0
    }

    /// Whether VMX structures are limited to 32-bit physical addresses
    /// (IA32_VMX_BASIC bit 48).
    pub const fn phys_addr_32bit(&self) -> bool {
        self.basic & basic::PHYS_ADDR_32BIT != 0
    }

    /// The number of CR3-target values supported (IA32_VMX_MISC bits 24:16).
    pub const fn cr3_target_count(&self) -> u32 {
        ((self.misc >> 16) & 0x1ff) as u32
    }

    /// The recommended maximum number of MSRs in each MSR list:
    /// 512 * (IA32_VMX_MISC bits 27:25 + 1).
    pub const fn max_msr_list(&self) -> u32 {
        (((self.misc >> 25) & 0x7) as u32 + 1) * 512
    }

    /// Whether activity state `state` (1 HLT, 2 shutdown, 3 wait-for-SIPI)
    /// is supported; 0 (active) always is.
    pub const fn activity_supported(&self, state: u32) -> bool {
        match state {
            0 => true,
            1 => self.misc & misc::ACTIVITY_HLT != 0,
            2 => self.misc & misc::ACTIVITY_SHUTDOWN != 0,
            3 => self.misc & misc::ACTIVITY_WAIT_SIPI != 0,
            _ => false,
        }
    }

    /// Whether software events may be injected with instruction length 0
    /// (IA32_VMX_MISC bit 30).
    pub const fn zero_length_injection(&self) -> bool {
        self.misc & misc::ZERO_LEN_INJECTION != 0
    }

    /// Whether VMWRITE may write read-only fields (IA32_VMX_MISC bit 29).
    pub const fn vmwrite_any_field(&self) -> bool {
        self.misc & misc::VMWRITE_ALL != 0
    }
}

/// CPUID-derived features of L1 that change what a VM entry accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct L1Features {
    /// CET shadow stacks (CPUID.(7,0):ECX.CET_SS): IA32_S_CET bits 1:0.
    pub shstk: bool,
    /// CET indirect-branch tracking (CPUID.(7,0):EDX.CET_IBT): IA32_S_CET
    /// bits 5:2 and 63:10.
    pub ibt: bool,
    /// Linear-address masking (CPUID.(7,1):EAX.LAM): CR3 bits 62:61.
    pub lam: bool,
    /// RTM (CPUID.(7,0):EBX.RTM): pending-debug-exceptions bit 16.
    pub rtm: bool,
    /// SGX (CPUID.(7,0):EBX.SGX): interruptibility bit 4.
    pub sgx: bool,
    /// EPTP bit 7, supervisor shadow-stack control, may be set. KVM never
    /// exposes it to L1.
    pub ept_supervisor_shadow_stack: bool,
}

/// The facts a nested VM entry depends on beyond vmcs12 and the capability
/// MSRs: L1's CPU state and CPUID, and values read from guest memory.
///
/// Memory-derived facts are `Option`: `None` means "not read", and the
/// checks that need them are skipped (KVM then relies on hardware or reads
/// them itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmxContext {
    /// L1's physical-address width (CPUID.80000008H:EAX[7:0]); addresses
    /// must not set bits at or above it.
    pub maxphyaddr: u8,
    /// L1's linear-address width for canonical checks: 57 with LA57 in
    /// CPUID, else 48.
    pub linear_address_bits: u8,
    /// IA32_EFER.LMA of L1 when it executes VMLAUNCH/VMRESUME.
    pub l1_efer_lma: bool,
    /// Whether L1 executes the VM entry in SMM.
    pub in_smm: bool,
    /// IA32_EFER bits L1 may set (the complement of KVM's
    /// `efer_reserved_bits` for L1's CPUID).
    pub efer_allowed: u64,
    /// IA32_DEBUGCTL bits L1 may set.
    pub debugctl_allowed: u64,
    /// IA32_PERF_GLOBAL_CTRL bits L1 may set (its PMU's counters).
    pub perf_global_ctrl_allowed: u64,
    /// CPUID-derived features.
    pub features: L1Features,
    /// The current-VMCS pointer (the operand of L1's last VMPTRLD); the VMCS
    /// link pointer must differ from it.
    pub current_vmcs_ptr: u64,
    /// The first 32 bits of the VMCS the link pointer references (revision
    /// identifier and shadow-VMCS indicator).
    pub link_vmcs_header: Option<u32>,
    /// Byte 80H of the virtual-APIC page (VTPR).
    pub virtual_tpr: Option<u8>,
    /// The four PDPTEs at guest CR3, used when "enable EPT" is 0 and the
    /// guest will use PAE paging.
    pub guest_pdptes: Option<[u64; 4]>,
}
