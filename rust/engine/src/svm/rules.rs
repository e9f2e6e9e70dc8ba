// SPDX-License-Identifier: GPL-2.0

//! The SVM rule catalogue: every check nested VMRUN performs, in check
//! order, with its stable ID, class, consequence and text.

use crate::engine::rule::{define_rules, Basis, Consequence, RuleClass};

/// The class whose mode (off/audit/enforce) governs a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum SvmClass {
    /// Checks of the VMRUN instruction itself, made before the VMCB is read
    /// (#GP).
    Vmrun = 0,
    /// Guest state: EFER, control and debug registers, CS, G_PAT, S_CET.
    Save = 1,
    /// Control area: intercepts, ASID, permission maps, TLB control,
    /// nested paging and the other enables.
    Controls = 2,
    /// EVENTINJ.
    Event = 3,
    /// Virtual interrupt controls (`int_ctl`, `int_vector`).
    IntCtl = 4,
    /// Intercepts vmcb02 must carry whatever L1 asked for: KVM's own
    /// invariants for the vmcb02 it builds (a hardening class).
    Forced = 5,
    /// Checks stricter than the APM: vmcb12 values hardware ignores or
    /// leaves undefined, and KVM's own policies (a hardening class).
    Hardening = 6,
}

impl SvmClass {
    /// Every class, in ABI order.
    pub const ALL: [Self; 7] = [
        Self::Vmrun,
        Self::Save,
        Self::Controls,
        Self::Event,
        Self::IntCtl,
        Self::Forced,
        Self::Hardening,
    ];
}

impl RuleClass for SvmClass {
    fn is_hardening(self) -> bool {
        matches!(self, Self::Forced | Self::Hardening)
    }
}

const GP: Consequence = Consequence::GeneralProtection;
const INVALID: Consequence = Consequence::VmexitInvalid;

/// Required by the APM: VMRUN fails on hardware too.
const fn arch(section: &'static str) -> Basis {
    Basis::Architectural(section)
}

/// Stricter than the APM.
const fn hardening(why: &'static str) -> Basis {
    Basis::Hardening(why)
}

/// The #GP(0) conditions of the VMRUN instruction reference.
const APM_VMRUN_GP: Basis = arch("APM Vol. 3, VMRUN");
/// 15.5.1, "Canonicalization and Consistency Checks".
const APM_15_5_1: Basis = arch("APM 15.5.1");
/// The forced vmcb02 intercepts.
const FORCED: Basis = hardening(
    "not a check hardware makes on vmcb12: KVM's invariant for the vmcb02 it builds, \
     which only a KVM bug breaks",
);

define_rules! {
    /// AMD APM Vol. 2 VMRUN checks (15.5.1 "Canonicalization and
    /// Consistency Checks", 15.20 "Event Injection", the VMRUN instruction
    /// reference) and every check KVM 7.3.4 makes on nested VMRUN.
    pub enum SvmRule: SvmClass {
        VmrunCpl = ("SVM-VMRUN-CPL", SvmClass::Vmrun, GP,
            APM_VMRUN_GP,
            "VMRUN is executed with CPL greater than 0"),
        VmrunHsave = ("SVM-VMRUN-HSAVE", SvmClass::Hardening, GP,
            hardening("KVM policy: the APM defines no check of VM_HSAVE_PA on VMRUN (0 is an address like any other); KVM raises #GP(0) while L1 never set it"),
            "VM_HSAVE_PA is zero: there is no host save area"),
        VmrunRaxAlign = ("SVM-VMRUN-RAX-ALIGN", SvmClass::Vmrun, GP,
            APM_VMRUN_GP,
            "rAX is not aligned on a 4-Kbyte boundary"),
        VmrunRaxMaxphyaddr = ("SVM-VMRUN-RAX-MAXPHYADDR", SvmClass::Vmrun, GP,
            APM_VMRUN_GP,
            "rAX references a physical address at or above MAXPHYADDR"),

        EferSvme = ("SVM-SAVE-EFER-SVME", SvmClass::Save, INVALID,
            APM_15_5_1,
            "EFER.SVME is zero"),
        Cr0CdNw = ("SVM-SAVE-CR0-CD-NW", SvmClass::Save, INVALID,
            APM_15_5_1,
            "CR0.CD is zero and CR0.NW is set"),
        Cr0High = ("SVM-SAVE-CR0-HIGH", SvmClass::Save, INVALID,
            APM_15_5_1,
            "CR0[63:32] are not zero"),
        Dr6High = ("SVM-SAVE-DR6-HIGH", SvmClass::Save, INVALID,
            APM_15_5_1,
            "DR6[63:32] are not zero"),
        Dr7High = ("SVM-SAVE-DR7-HIGH", SvmClass::Save, INVALID,
            APM_15_5_1,
            "DR7[63:32] are not zero"),
        LongPae = ("SVM-SAVE-LONG-PAE", SvmClass::Save, INVALID,
            APM_15_5_1,
            "EFER.LME and CR0.PG are both set and CR4.PAE is zero"),
        LongPe = ("SVM-SAVE-LONG-PE", SvmClass::Save, INVALID,
            APM_15_5_1,
            "EFER.LME and CR0.PG are both non-zero and CR0.PE is zero"),
        Cr3LongMbz = ("SVM-SAVE-CR3-LONG-MBZ", SvmClass::Save, INVALID,
            APM_15_5_1,
            "With EFER.LME and CR0.PG set, an MBZ bit of CR3 is set: a bit at or \
             above MAXPHYADDR (bits 62:61 are allowed with LAM)"),
        LongCsLd = ("SVM-SAVE-LONG-CS-LD", SvmClass::Save, INVALID,
            APM_15_5_1,
            "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all non-zero"),
        Cr4Reserved = ("SVM-SAVE-CR4-RSVD", SvmClass::Save, INVALID,
            APM_15_5_1,
            "A reserved bit of CR4 is set (a bit the architecture does not define)"),
        Cr4Feature = ("SVM-SAVE-CR4-FEATURE", SvmClass::Save, INVALID,
            APM_15_5_1,
            "A CR4 bit is set whose feature L1's CPUID does not report (OSXSAVE, \
             SMEP, SMAP, FSGSBASE, PKE, LA57, UMIP, VMXE, PCIDE, LAM_SUP, CET)"),
        EferLm = ("SVM-SAVE-EFER-LM", SvmClass::Save, INVALID,
            APM_15_5_1,
            "EFER.LMA or EFER.LME is non-zero and the processor does not support \
             long mode"),
        EferMbz = ("SVM-SAVE-EFER-MBZ", SvmClass::Save, INVALID,
            APM_15_5_1,
            "An MBZ bit of EFER is set: an undefined bit, or NX, FFXSR, LMSLE, TCE \
             or AIBRSE without the feature"),
        Gpat = ("SVM-SAVE-GPAT", SvmClass::Save, INVALID,
            arch("APM 15.25.4"),
            "Nested paging is enabled and a G_PAT entry holds a reserved memory \
             type (2, 3 or 8-255)"),
        Cr3LegacyMbz = ("SVM-SAVE-CR3-LEGACY-MBZ", SvmClass::Save, INVALID,
            APM_15_5_1,
            "Without long mode (EFER.LME or CR0.PG clear), an MBZ bit of CR3 is \
             set: a bit at or above MAXPHYADDR"),
        Cr3LegacyHigh = ("SVM-SAVE-CR3-LEGACY-HIGH", SvmClass::Hardening, INVALID,
            hardening("outside long mode CR3 is 32 bits wide, but the APM lists no MBZ \
                       bits 63:32 below MAXPHYADDR; KVM accepts them"),
            "Without long mode (EFER.LME or CR0.PG clear), CR3[63:32] is not zero though \
             below MAXPHYADDR"),
        CetWp = ("SVM-SAVE-CET-WP", SvmClass::Save, INVALID,
            APM_15_5_1,
            "CR4.CET is set and CR0.WP is zero"),
        SCetReserved = ("SVM-SAVE-S-CET-RSVD", SvmClass::Save, INVALID,
            APM_15_5_1,
            "CET is supported and a reserved bit of S_CET (bits 9:6) is set"),

        VmrunIntercept = ("SVM-CTL-VMRUN-INTERCEPT", SvmClass::Controls, INVALID,
            APM_15_5_1,
            "The VMRUN intercept bit is clear"),
        AsidZero = ("SVM-CTL-ASID-ZERO", SvmClass::Controls, INVALID,
            APM_15_5_1,
            "ASID is equal to zero"),
        NestedCr3 = ("SVM-CTL-NCR3-MAXPHYADDR", SvmClass::Controls, INVALID,
            arch("APM 15.25.4"),
            "Nested paging is enabled and nCR3 has a bit set at or above MAXPHYADDR"),
        MsrpmBase = ("SVM-CTL-MSRPM-MAXPHYADDR", SvmClass::Controls, INVALID,
            APM_15_5_1,
            "The MSR permission map (8 Kbytes at MSRPM_BASE_PA[63:12]) extends to a \
             physical address at or above MAXPHYADDR"),
        IopmBase = ("SVM-CTL-IOPM-MAXPHYADDR", SvmClass::Controls, INVALID,
            APM_15_5_1,
            "The I/O permission map (12 Kbytes at IOPM_BASE_PA[63:12]) extends to a \
             physical address at or above MAXPHYADDR"),
        VnmiIntercept = ("SVM-INTCTL-VNMI-NMI-INTERCEPT", SvmClass::IntCtl, INVALID,
            arch("APM 15.21.10"),
            "L1's CPUID reports vNMI, V_NMI_ENABLE is set and the NMI intercept is clear"),
        EventType = ("SVM-EVENT-TYPE", SvmClass::Event, INVALID,
            arch("APM 15.20"),
            "EVENTINJ is valid and its TYPE is reserved (1, 5, 6 or 7)"),
        EventVector = ("SVM-EVENT-VECTOR", SvmClass::Event, INVALID,
            arch("APM 15.20"),
            "EVENTINJ is valid, TYPE is 3 (exception) and the vector is not an \
             exception (2/NMI, a reserved vector, 32-255, #CP without shadow stacks, \
             #VC without SEV-ES)"),
        EventReserved = ("SVM-EVENT-RSVD", SvmClass::Hardening, INVALID,
            hardening("EVENTINJ bits 30:12 are reserved, not MBZ: 15.20 fails VMRUN only on a reserved TYPE or a TYPE 3 vector that is not an exception; KVM clears the bits"),
            "EVENTINJ is valid and a reserved bit (30:12) is set"),
        TlbControl = ("SVM-CTL-TLB-CONTROL", SvmClass::Hardening, INVALID,
            hardening("Appendix B calls the other encodings reserved and states no VMRUN failure; KVM removed its own check for that reason"),
            "TLB_CONTROL is not one of the defined encodings 00h, 01h, 03h, 07h"),
        TlbFlushAsid = ("SVM-CTL-TLB-FLUSH-ASID", SvmClass::Hardening, INVALID,
            hardening("without FlushByAsid the encodings are reserved, with no VMRUN failure stated; KVM treats them as a full flush"),
            "TLB_CONTROL is 03h or 07h and L1's CPUID does not report FlushByAsid"),
        MiscCtl = ("SVM-CTL-MISC-UNSUPPORTED", SvmClass::Hardening, INVALID,
            hardening("a control bit of a feature L1 lacks is ignored or SBZ, not a consistency check of 15.5.1; KVM masks it"),
            "The nested paging control word sets a bit L1 may not use: NP_ENABLE \
             without nested paging, SEV or SEV-ES, GMET without GMET, or an \
             undefined bit"),
        MiscCtl2 = ("SVM-CTL-MISC2-UNSUPPORTED", SvmClass::Hardening, INVALID,
            hardening("a control bit of a feature L1 lacks is ignored or SBZ, not a consistency check of 15.5.1; KVM masks it"),
            "The LBR virtualization control word sets a bit L1 may not use: \
             LBR_VIRTUALIZATION_ENABLE without LBRV, VIRTUAL_VMLOAD_VMSAVE_ENABLE \
             without the feature, or an undefined bit"),
        ErapCtl = ("SVM-CTL-ERAP-UNSUPPORTED", SvmClass::Hardening, INVALID,
            hardening("a control bit of a feature L1 lacks is ignored or SBZ, not a consistency check of 15.5.1; KVM masks it"),
            "ERAP control is non-zero without ERAPS, or sets a bit other than \
             ALLOW_LARGER_RAP and CLEAR_RAP"),
        Vgif = ("SVM-INTCTL-VGIF", SvmClass::Hardening, INVALID,
            hardening("int_ctl bits of a feature L1 lacks are ignored, not checked; KVM masks them (CVE-2021-3653 was fixed by masking)"),
            "V_GIF_ENABLE is set and L1's CPUID does not report vGIF"),
        Vnmi = ("SVM-INTCTL-VNMI", SvmClass::Hardening, INVALID,
            hardening("int_ctl bits of a feature L1 lacks are ignored, not checked; KVM masks them (CVE-2021-3653 was fixed by masking)"),
            "V_NMI_ENABLE, V_NMI_PENDING or V_NMI_BLOCKING is set and L1's CPUID \
             does not report vNMI"),
        Avic = ("SVM-INTCTL-AVIC", SvmClass::Hardening, INVALID,
            hardening("int_ctl bits of a feature L1 lacks are ignored, not checked; KVM masks them (CVE-2021-3653 was fixed by masking)"),
            "AVIC_ENABLE is set and L1's CPUID does not report AVIC \
             (CVE-2021-3653)"),
        X2avic = ("SVM-INTCTL-X2AVIC", SvmClass::Hardening, INVALID,
            hardening("int_ctl bits of a feature L1 lacks are ignored, not checked; KVM masks them (CVE-2021-3653 was fixed by masking)"),
            "x2APIC_MODE is set and L1's CPUID does not report x2AVIC"),
        X2avicWithoutAvic = ("SVM-INTCTL-X2AVIC-NO-AVIC", SvmClass::IntCtl, INVALID,
            arch("APM 15.29.4.1"),
            "L1's CPUID reports x2AVIC, x2APIC_MODE is set and AVIC_ENABLE is clear"),
        IntCtlReserved = ("SVM-INTCTL-RSVD", SvmClass::Hardening, INVALID,
            hardening("Appendix B marks these int_ctl bits SBZ (should be zero), not MBZ; KVM masks them"),
            "A reserved bit of the virtual interrupt control word is set (7:4, 10, \
             15:13, 23:21, 29:27)"),
        IntVectorReserved = ("SVM-INTCTL-VECTOR-RSVD", SvmClass::Hardening, INVALID,
            hardening("Appendix B marks V_INTR_VECTOR bits 31:8 SBZ (should be zero), not MBZ; KVM masks them"),
            "A reserved bit of V_INTR_VECTOR (31:8) is set"),

        Vmcb02Vmrun = ("SVM-VMCB02-VMRUN", SvmClass::Forced, INVALID,
            FORCED,
            "vmcb02 does not intercept VMRUN"),
        Vmcb02VmloadVmsave = ("SVM-VMCB02-VMLOAD-VMSAVE", SvmClass::Forced, INVALID,
            FORCED,
            "vmcb02 does not intercept VMLOAD and VMSAVE while virtual \
             VMLOAD/VMSAVE is not in effect for L2 (CVE-2021-3656)"),
        Vmcb02L1Intercepts = ("SVM-VMCB02-L1-INTERCEPTS", SvmClass::Forced, INVALID,
            FORCED,
            "vmcb02 lacks an intercept vmcb12 sets (SMI, and intercepts of \
             instructions L1's CPUID does not report, excepted)"),
    }
}

/// Whether KVM 7.3.4 makes a check, for the differential test against
/// KVM: every VMCB KVM rejects must be rejected by nestvirt, and every
/// VMCB only nestvirt rejects must fail a rule that is not [`Checked`].
///
/// [`Checked`]: KvmCheck::Checked
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KvmCheck {
    /// KVM makes the same check.
    Checked,
    /// KVM checks part of the condition (the text says which).
    Partial,
    /// KVM does not check; it ignores or masks the value.
    NotChecked,
    /// Not a check on vmcb12: KVM builds vmcb02 so that the rule holds.
    Constructs,
}

/// Where a rule comes from: KVM's code and the manual's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSource {
    /// Whether KVM 7.3.4 checks the rule.
    pub kvm: KvmCheck,
    /// What KVM does, and where.
    pub kvm_site: &'static str,
    /// The AMD APM text that justifies the rule.
    pub apm: &'static str,
}

const fn src(kvm: KvmCheck, kvm_site: &'static str, apm: &'static str) -> RuleSource {
    RuleSource { kvm, kvm_site, apm }
}

const APM_CHECKS: &str = "APM Vol. 2, Canonicalization and Consistency Checks (VMRUN)";
const APM_VMRUN: &str = "APM Vol. 3, VMRUN: #GP(0)";
const SAVE: &str = "nested_vmcb_check_save()";
const CONTROLS: &str = "nested_vmcb_check_controls()";

impl SvmRule {
    /// Where the rule comes from (exhaustive: a new rule must say).
    pub const fn source(self) -> RuleSource {
        use KvmCheck::*;
        match self {
            Self::VmrunCpl => src(Checked, "nested_svm_check_permissions()",
                "APM Vol. 3, VMRUN: #GP(0) if CPL was not zero"),
            Self::VmrunHsave => src(Checked, "nested_svm_vmrun(): !svm->nested.hsave_msr",
                "APM Vol. 2, VMRUN: VMRUN saves host state to the area VM_HSAVE_PA \
                 points to; KVM raises #GP(0) when it was never set"),
            Self::VmrunRaxAlign => src(Checked, "nested_svm_vmrun(): page_address_valid()",
                APM_VMRUN),
            Self::VmrunRaxMaxphyaddr => src(Checked, "nested_svm_vmrun(): page_address_valid()",
                APM_VMRUN),
            Self::EferSvme | Self::Cr0CdNw | Self::Cr0High | Self::Dr6High | Self::Dr7High
            | Self::LongPae | Self::LongPe | Self::LongCsLd =>
                src(Checked, SAVE, APM_CHECKS),
            Self::Cr3LongMbz => src(Checked, "nested_vmcb_check_save(): kvm_vcpu_is_legal_cr3()",
                APM_CHECKS),
            Self::Cr4Reserved | Self::Cr4Feature =>
                src(Checked, "nested_vmcb_check_save(): __kvm_is_valid_cr4()", APM_CHECKS),
            Self::EferLm | Self::EferMbz =>
                src(Checked, "nested_vmcb_check_save(): kvm_valid_efer()", APM_CHECKS),
            Self::Gpat => src(Partial,
                "nested_vmcb_check_save(): kvm_pat_valid(), only when l2_has_separate_pat(), \
                 i.e. with KVM_X86_QUIRK_NESTED_SVM_SHARED_PAT disabled; with the quirk \
                 (the default) KVM runs L2 on L1's PAT and ignores G_PAT",
                "APM Vol. 2, Nested Paging: with nested paging VMRUN loads the guest PAT from \
                 G_PAT; PAT Register: writing an undefined memory type encoding into the PAT \
                 is illegal (#GP on WRMSR). nestvirt treats a reserved type in G_PAT as \
                 an MBZ violation of the loaded state"),
            Self::Cr3LegacyMbz => src(Partial,
                "nested_svm_load_cr3(): kvm_vcpu_is_legal_cr3() rejects only bits at or \
                 above MAXPHYADDR; KVM accepts CR3[63:32] below MAXPHYADDR outside long mode",
                "APM Vol. 2, Canonicalization and Consistency Checks: \"Any MBZ bit of CR3 is set\"; CR3 formats: outside long \
                 mode CR3 is a 32-bit register (legacy non-PAE and PAE formats), so \
                 CR3[63:32] must be zero"),
            Self::Cr3LegacyHigh => src(NotChecked,
                "not checked: kvm_vcpu_is_legal_cr3() accepts CR3[63:32] below MAXPHYADDR \
                 outside long mode",
                "APM Vol. 2, CR3 formats: outside long mode CR3 is a 32-bit register; \
                 15.5.1 names only \"any MBZ bit of CR3\", and no MBZ bit 63:32 below \
                 MAXPHYADDR is listed"),
            Self::CetWp => src(NotChecked, "not checked: svm_set_cr0()/svm_set_cr4() load the values",
                "APM Vol. 2, Canonicalization and Consistency Checks: \"CR4.CET=1 when CR0.WP=0\" is an illegal state \
                 combination"),
            Self::SCetReserved => src(NotChecked, "not checked: S_CET is copied to vmcb02 as is",
                "APM Vol. 2, Canonicalization and Consistency Checks: \"Any reserved bit set in S_CET\" is an illegal \
                 state combination"),
            Self::VmrunIntercept | Self::AsidZero | Self::NestedCr3 | Self::MsrpmBase
            | Self::IopmBase => src(Checked, CONTROLS, APM_CHECKS),
            Self::VnmiIntercept => src(Checked,
                "nested_vmcb_check_controls(), whether or not vNMI is exposed to L1; \
                 without vNMI the bit is SVM-INTCTL-VNMI's (hardening)",
                "APM Vol. 2, 15.21.10 NMI Virtualization: V_NMI_ENABLE set with the NMI \
                 intercept clear makes VMRUN fail with VMEXIT_INVALID"),
            Self::EventType | Self::EventVector => src(Checked,
                "nested_vmcb_check_controls(): nested_svm_check_event_inj()",
                "APM Vol. 2, Event Injection: VMRUN exits with VMEXIT_INVALID if TYPE is reserved or \
                 TYPE is 3 with a vector that is not an exception"),
            Self::EventReserved => src(NotChecked,
                "not checked: __nested_copy_vmcb_control_to_cache() clears \
                 SVM_EVTINJ_RESERVED_BITS",
                "APM Vol. 2, Event Injection: EVENTINJ bits 30:12 are reserved; Canonicalization and Consistency Checks: \"Illegal \
                 event injection\" causes VMEXIT_INVALID. nestvirt treats a valid EVENTINJ \
                 with reserved bits set as illegal rather than silently dropping them"),
            Self::TlbControl => src(NotChecked,
                "not checked: the cache keeps tlb_ctl & TLB_CONTROL_MASK and KVM flushes on \
                 every nested VMRUN",
                "APM Vol. 2, TLB Flush and Appendix B: TLB_CONTROL encodings are 00h, 01h, \
                 03h and 07h; all other encodings are reserved"),
            Self::TlbFlushAsid => src(NotChecked, "not checked: treated as a full flush",
                "APM Vol. 2, TLB Flush: encodings 03h and 07h exist only when CPUID \
                 Fn8000_000A_EDX[FlushByAsid] is set; otherwise they are reserved"),
            Self::MiscCtl => src(NotChecked,
                "not checked: the cache clears NP and GMET when not exposed; SEV bits \
                 are never propagated to vmcb02",
                "APM Vol. 2, Appendix B: bits of the nested paging control word whose \
                 feature CPUID does not report are reserved (MBZ); \"any reserved bit \
                 of the VMCB is set\" is an illegal state"),
            Self::MiscCtl2 => src(NotChecked,
                "not checked: V_LBR is honoured only with LBRV, virtual VMLOAD/VMSAVE only \
                 with the feature and nested paging",
                "APM Vol. 2, Appendix B: LBR_VIRTUALIZATION_ENABLE (LBR Virtualization) and \
                 VIRTUAL_VMLOAD_VMSAVE_ENABLE (VMSAVE and VMLOAD Virtualization) exist only with their CPUID \
                 feature bits; other bits are reserved (MBZ)"),
            Self::ErapCtl => src(NotChecked,
                "not checked: vmcb02 takes ALLOW_LARGER_RAP only with ERAPS",
                "APM Vol. 2, Appendix B: the ERAP control byte is defined only with ERAPS \
                 (CPUID Fn8000_0021_EAX[24]); undefined bits are reserved (MBZ)"),
            Self::Vgif => src(NotChecked,
                "not checked: nested_vmcb02_prepare_control() takes V_GIF_ENABLE only \
                 with vGIF",
                "APM Vol. 2, Virtual GIF: V_GIF_ENABLE exists only when CPUID \
                 Fn8000_000A_EDX[vGIF] is set; otherwise the bit is reserved (MBZ)"),
            Self::Vnmi => src(NotChecked,
                "not checked: nested_vmcb02_prepare_control() takes the vNMI bits only \
                 with vNMI",
                "APM Vol. 2, NMI Virtualization: the vNMI controls exist only when CPUID \
                 Fn8000_000A_EDX[vNMI] is set; otherwise the bits are reserved (MBZ)"),
            Self::Avic => src(NotChecked,
                "not checked: int_ctl_vmcb12_bits masks AVIC_ENABLE (the CVE-2021-3653 fix)",
                "APM Vol. 2, Advanced Virtual Interrupt Controller: AVIC_ENABLE exists only when CPUID Fn8000_000A_EDX[AVIC] \
                 is set; otherwise the bit is reserved (MBZ)"),
            Self::X2avic => src(NotChecked,
                "not checked: int_ctl_vmcb12_bits masks x2APIC_MODE",
                "APM Vol. 2, x2AVIC: x2APIC_MODE is defined only with x2AVIC (CPUID \
                 Fn8000_000A_EDX[18]); otherwise the bit is reserved"),
            Self::X2avicWithoutAvic => src(NotChecked,
                "not checked: int_ctl_vmcb12_bits masks x2APIC_MODE (KVM offers no x2AVIC)",
                "APM Vol. 2, 15.29.4.1: x2APIC_MODE set with AVIC_ENABLE clear is an \
                 illegal combination (VMEXIT_INVALID)"),
            Self::IntCtlReserved => src(NotChecked,
                "not checked: int_ctl_vmcb12_bits masks every bit KVM does not use",
                "APM Vol. 2, Appendix B, offset 060h: bits 7:4, 10, 15:13, 23:21 and \
                 29:27 are reserved (SBZ)"),
            Self::IntVectorReserved => src(NotChecked,
                "not checked: the cache keeps int_vector & SVM_INT_VECTOR_MASK",
                "APM Vol. 2, Appendix B, offset 064h: V_INTR_VECTOR is bits 7:0; bits \
                 31:8 are reserved (SBZ)"),
            Self::Vmcb02Vmrun | Self::Vmcb02VmloadVmsave | Self::Vmcb02L1Intercepts =>
                src(Constructs, "nested_vmcb02_recalc_intercepts()",
                    "APM Vol. 2, Canonicalization and Consistency Checks (VMRUN \
                     intercept) and VMSAVE and VMLOAD Virtualization: L2 must not execute VMRUN, VMLOAD or VMSAVE on \
                     the host's behalf"),
        }
    }
}
