// SPDX-License-Identifier: GPL-2.0

//! What L1 sees: the CPU features and limits that decide which vmcb12
//! values are legal.
//!
//! The kernel glue fills [`SvmCaps`] once per vCPU from what KVM exposes to
//! L1. For the checks to be at least as strict as KVM's, a feature bit is
//! set only when KVM would accept it: e.g. [`Features::NX`] when both
//! `guest_cpu_cap_has(vcpu, X86_FEATURE_NX)` and
//! `kvm_caps.supported_efer_bits & EFER_NX`, and a CR4 feature when it is
//! clear in `vcpu->arch.cr4_guest_rsvd_bits`.

/// Declares the feature bits: one line each, bit number frozen (it is part
/// of the kernel ABI).
macro_rules! features {
    ($($(#[$meta:meta])* $name:ident = $bit:literal,)*) => {
        impl Features {
            $($(#[$meta])* pub const $name: Self = Self(1 << $bit);)*
            /// Every feature, with its name.
            pub const ALL: &'static [(&'static str, Self)] = &[$((stringify!($name), Self::$name),)*];
        }
    };
}

/// A set of CPUID features exposed to L1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Features(pub u64);

features! {
    /// Long mode (CPUID 8000_0001 EDX[29]): EFER.LME/LMA are legal.
    LM = 0,
    /// No-execute (CPUID 8000_0001 EDX[20]): EFER.NX is legal.
    NX = 1,
    /// FXSAVE/FXRSTOR optimizations (CPUID 8000_0001 EDX[25]): EFER.FFXSR.
    FFXSR = 2,
    /// EFER.LMSLE is implemented (not `X86_FEATURE_EFER_LMSLE_MBZ`).
    LMSLE = 3,
    /// Translation cache extension (CPUID 8000_0001 ECX[17]): EFER.TCE.
    TCE = 4,
    /// Automatic IBRS (CPUID 8000_0021 EAX[8]): EFER.AIBRSE.
    AUTOIBRS = 5,
    /// XSAVE: CR4.OSXSAVE, XSETBV intercept.
    XSAVE = 6,
    /// SMEP: CR4.SMEP.
    SMEP = 7,
    /// SMAP: CR4.SMAP.
    SMAP = 8,
    /// FSGSBASE: CR4.FSGSBASE.
    FSGSBASE = 9,
    /// Protection keys: CR4.PKE.
    PKU = 10,
    /// 5-level paging: CR4.LA57.
    LA57 = 11,
    /// UMIP: CR4.UMIP.
    UMIP = 12,
    /// VMX: CR4.VMXE (never on AMD).
    VMX = 13,
    /// PCID: CR4.PCIDE.
    PCID = 14,
    /// Linear address masking: CR4.LAM_SUP and CR3 bits 62:61.
    LAM = 15,
    /// CET shadow stacks: CR4.CET, #CP injection.
    SHSTK = 16,
    /// CET indirect branch tracking: CR4.CET.
    IBT = 17,
    /// SEV-ES: #VC injection.
    SEV_ES = 18,
    /// Nested paging (CPUID 8000_000A EDX[0]).
    NPT = 19,
    /// Flush by ASID (CPUID 8000_000A EDX[6]): TLB_CONTROL 3 and 7.
    FLUSHBYASID = 20,
    /// Virtual GIF (CPUID 8000_000A EDX[16]).
    VGIF = 21,
    /// Virtual NMI (CPUID 8000_000A EDX[25]).
    VNMI = 22,
    /// LBR virtualization (CPUID 8000_000A EDX[1]).
    LBRV = 23,
    /// Virtual VMLOAD/VMSAVE (CPUID 8000_000A EDX[15]).
    V_VMSAVE_VMLOAD = 24,
    /// AVIC (CPUID 8000_000A EDX[13]).
    AVIC = 25,
    /// x2AVIC (CPUID 8000_000A EDX[18]).
    X2AVIC = 26,
    /// Guest-mode execute trap (CPUID 8000_000A EDX[17]).
    GMET = 27,
    /// Enhanced return-address predictor security (CPUID 8000_0021 EAX[24]).
    ERAPS = 28,
    /// INVPCID: KVM keeps L1's INVPCID intercept only with it.
    INVPCID = 29,
    /// RDTSCP: KVM keeps L1's RDTSCP intercept only with it.
    RDTSCP = 30,
    /// SKINIT: KVM keeps L1's SKINIT intercept only with it.
    SKINIT = 31,
    /// RDPRU: KVM keeps L1's RDPRU intercept only with it.
    RDPRU = 32,
}

impl Features {
    /// The empty set.
    pub const NONE: Self = Self(0);

    /// Whether every feature of `f` is present.
    pub const fn has(self, f: Self) -> bool {
        self.0 & f.0 == f.0
    }

    /// Whether any feature of `f` is present.
    pub const fn any(self, f: Self) -> bool {
        self.0 & f.0 != 0
    }

    /// The union of two sets.
    pub const fn with(self, f: Self) -> Self {
        Self(self.0 | f.0)
    }

    /// `self` without the features of `f`.
    pub const fn without(self, f: Self) -> Self {
        Self(self.0 & !f.0)
    }
}

impl core::ops::BitOr for Features {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.with(rhs)
    }
}

/// What L1 sees of the processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SvmCaps {
    /// L1's MAXPHYADDR (CPUID 8000_0008 EAX[7:0]); a physical address with
    /// a bit at or above it set is illegal. Values above 63 mean no bit is
    /// reserved.
    pub maxphyaddr: u8,
    /// L1's CPUID features.
    pub features: Features,
}

impl SvmCaps {
    /// The physical-address bits at and above MAXPHYADDR.
    pub const fn pa_reserved(self) -> u64 {
        match u64::MAX.checked_shl(self.maxphyaddr as u32) {
            Some(m) => m,
            None => 0,
        }
    }

    /// Whether `pa` is a legal physical address (`kvm_vcpu_is_legal_gpa()`).
    pub const fn legal_pa(self, pa: u64) -> bool {
        pa & self.pa_reserved() == 0
    }

    /// Whether `f` is exposed.
    pub const fn has(self, f: Features) -> bool {
        self.features.has(f)
    }

    /// The bits of a (bit, feature) table whose feature is exposed.
    ///
    /// Inlined so that the compiler unrolls the walk over the constant
    /// table into a few conditional ORs on the nested-entry path.
    #[inline(always)]
    pub fn granted(self, table: &[(u64, Features)]) -> u64 {
        let mut bits = 0;
        for &(bit, f) in table {
            if self.has(f) {
                bits |= bit;
            }
        }
        bits
    }

    /// The bits of a (bit, feature) table whose feature is not exposed.
    #[inline(always)]
    pub fn withheld(self, table: &[(u64, Features)]) -> u64 {
        let mut bits = 0;
        for &(bit, f) in table {
            if !self.has(f) {
                bits |= bit;
            }
        }
        bits
    }
}

/// The operands and processor state VMRUN checks before it reads the VMCB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VmrunOperand {
    /// rAX as VMRUN uses it: the VMCB's physical address (EAX when the
    /// address size is 32 bits).
    pub rax: u64,
    /// L1's CPL when it executed VMRUN.
    pub cpl: u8,
    /// L1's VM_HSAVE_PA MSR.
    pub hsave_pa: u64,
}
