// SPDX-License-Identifier: GPL-2.0

//! The VMX VM-entry rule catalogue: every check of the SDM's "Checks on VMX
//! Controls and Host-State Area" (27.2), "Checking and Loading Guest State"
//! (27.3) and of the MSR-list entries (27.4, 28.4, 28.6), one line each, in
//! the order [`super::validate()`] checks them.
//!
//! IDs are stable: never reuse or renumber one. Adding a rule needs a
//! mutation in `tests/vmx_rules.rs`, which fails otherwise.

use crate::engine::rule::define_rules;
use crate::engine::rule::{Basis, Consequence, RuleClass};

/// The class of a VMX rule; nestvirt's mode (off/audit/enforce) is set per
/// class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VmxClass {
    /// Checks on the VM-execution, VM-exit and VM-entry control fields.
    Controls,
    /// Checks on the host-state area.
    HostState,
    /// Checks on the guest-state area.
    GuestState,
    /// Checks on the entries of the MSR-load and MSR-store lists.
    MsrList,
    /// Checks stricter than the SDM: KVM's policies and what only some
    /// processors require (a hardening class).
    Hardening,
}

impl VmxClass {
    /// Every class, in ABI order (`NESTVIRT_VMX_CLASS_*`).
    pub const ALL: [Self; 5] = [
        Self::Controls,
        Self::HostState,
        Self::GuestState,
        Self::MsrList,
        Self::Hardening,
    ];
}

impl RuleClass for VmxClass {
    fn is_hardening(self) -> bool {
        self == Self::Hardening
    }
}

/// Required by the SDM: VM entry fails on hardware too, as this section says.
const fn sdm(section: &'static str) -> Basis {
    Basis::Architectural(section)
}

/// Appendix A.6 calls 512 * (N + 1) a recommended maximum and leaves a
/// larger list undefined; failing the entry is KVM's choice.
const MSR_COUNT: Basis = Basis::Hardening(
    "SDM A.6: 512 * (IA32_VMX_MISC[27:25] + 1) is the recommended maximum, beyond it \
     behaviour is undefined; KVM fails the entry",
);
/// CS marked unusable: found by the live differential test.
const CS_UNUSABLE: Basis = Basis::Hardening(
    "the SDM checks CS's access rights whatever bit 16 says and names no check of it; the \
     emulated CPU behind KVM (Bochs) fails such an entry, and KVM 7.3.4 leaves the check to \
     the CPU",
);
/// 27.3.1.5: "A processor may require" STI blocking clear with NMI
/// injection; "other processors may not".
const NMI_STI: Basis =
    Basis::Hardening("SDM 27.3.1.5: some processors require it, others do not; KVM requires it");

/// VMfailValid, "VM entry with invalid control field(s)".
const CTL: Consequence = Consequence::VmFailValid(7);
/// VMfailValid, "VM entry with invalid host-state field(s)".
const HOST: Consequence = Consequence::VmFailValid(8);
/// VM exit 33, exit qualification 0.
const GUEST: Consequence = Consequence::InvalidGuestState(0);
/// VM exit 33, exit qualification 2: PDPTE loading.
const PDPTE: Consequence = Consequence::InvalidGuestState(2);
/// VM exit 33, exit qualification 3: NMI injection blocked by STI.
const NMI: Consequence = Consequence::InvalidGuestState(3);
/// VM exit 33, exit qualification 4: invalid VMCS link pointer.
const LINK: Consequence = Consequence::InvalidGuestState(4);
/// VM exit 34, exit qualification the 1-based index of the entry.
const MSRLOAD: Consequence = Consequence::MsrLoadFail;
/// VMX abort 2: failure storing guest MSRs on VM exit.
const MSRSTORE: Consequence = Consequence::VmxAbort(2);
/// VMX abort 4: failure loading host MSRs on VM exit.
const MSREXITLOAD: Consequence = Consequence::VmxAbort(4);

define_rules! {
    /// A VMX VM-entry check.
    pub enum VmxRule: VmxClass {
        // Controls: VM-execution control fields (SDM 27.2.1.1)
        CtlPinAllowed0 = ("VMX-CTL-PIN-ALLOWED0", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "Reserved bits in the pin-based VM-execution controls must be set properly: every bit \
             IA32_VMX_(TRUE_)PINBASED_CTLS requires to be 1 is 1"),
        CtlPinAllowed1 = ("VMX-CTL-PIN-ALLOWED1", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "Reserved bits in the pin-based VM-execution controls must be set properly: no bit \
             IA32_VMX_(TRUE_)PINBASED_CTLS requires to be 0 is 1"),
        CtlProcAllowed0 = ("VMX-CTL-PROC-ALLOWED0", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "Reserved bits in the primary processor-based VM-execution controls must be set \
             properly: every bit IA32_VMX_(TRUE_)PROCBASED_CTLS requires to be 1 is 1"),
        CtlProcAllowed1 = ("VMX-CTL-PROC-ALLOWED1", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "Reserved bits in the primary processor-based VM-execution controls must be set \
             properly: no bit IA32_VMX_(TRUE_)PROCBASED_CTLS requires to be 0 is 1"),
        CtlProc2Allowed0 = ("VMX-CTL-PROC2-ALLOWED0", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"activate secondary controls\" primary processor-based VM-execution control \
             is 1, every bit IA32_VMX_PROCBASED_CTLS2 requires to be 1 in the secondary controls \
             is 1"),
        CtlProc2Allowed1 = ("VMX-CTL-PROC2-ALLOWED1", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"activate secondary controls\" primary processor-based VM-execution control \
             is 1, no bit IA32_VMX_PROCBASED_CTLS2 requires to be 0 in the secondary controls is \
             1"),
        CtlCr3TargetCount = ("VMX-CTL-CR3-TARGET-COUNT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "The CR3-target count must not be greater than the number of CR3-target values \
             IA32_VMX_MISC bits 24:16 report"),
        CtlIoBitmapAAlign = ("VMX-CTL-IO-BITMAP-A-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use I/O bitmaps\" VM-execution control is 1, bits 11:0 of the address of \
             I/O bitmap A must be 0"),
        CtlIoBitmapAWidth = ("VMX-CTL-IO-BITMAP-A-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use I/O bitmaps\" VM-execution control is 1, the address of I/O bitmap A \
             must not set any bits beyond the processor's physical-address width"),
        CtlIoBitmapBAlign = ("VMX-CTL-IO-BITMAP-B-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use I/O bitmaps\" VM-execution control is 1, bits 11:0 of the address of \
             I/O bitmap B must be 0"),
        CtlIoBitmapBWidth = ("VMX-CTL-IO-BITMAP-B-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use I/O bitmaps\" VM-execution control is 1, the address of I/O bitmap B \
             must not set any bits beyond the processor's physical-address width"),
        CtlMsrBitmapAlign = ("VMX-CTL-MSR-BITMAP-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use MSR bitmaps\" VM-execution control is 1, bits 11:0 of the MSR-bitmap \
             address must be 0"),
        CtlMsrBitmapWidth = ("VMX-CTL-MSR-BITMAP-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use MSR bitmaps\" VM-execution control is 1, the MSR-bitmap address must \
             not set any bits beyond the processor's physical-address width"),
        CtlVirtualApicAlign = ("VMX-CTL-VAPIC-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TPR shadow\" VM-execution control is 1, bits 11:0 of the virtual-APIC \
             address must be 0"),
        CtlVirtualApicWidth = ("VMX-CTL-VAPIC-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TPR shadow\" VM-execution control is 1, the virtual-APIC address must \
             not set any bits beyond the processor's physical-address width"),
        CtlTprThresholdReserved = ("VMX-CTL-TPR-THRESHOLD-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"use TPR shadow\" is 1 and \"virtual-interrupt delivery\" is 0, bits 31:4 of the \
             TPR threshold must be 0"),
        CtlTprThresholdVtpr = ("VMX-CTL-TPR-THRESHOLD-VTPR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"use TPR shadow\" is 1 and \"virtualize APIC accesses\" and \"virtual-interrupt \
             delivery\" are 0, bits 3:0 of the TPR threshold must not be greater than bits 7:4 of \
             byte 80H on the virtual-APIC page"),
        CtlVirtualNmis = ("VMX-CTL-VIRTUAL-NMIS", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"NMI exiting\" VM-execution control is 0, the \"virtual NMIs\" VM-execution \
             control must be 0"),
        CtlNmiWindow = ("VMX-CTL-NMI-WINDOW", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"virtual NMIs\" VM-execution control is 0, the \"NMI-window exiting\" \
             VM-execution control must be 0"),
        CtlApicAccessAlign = ("VMX-CTL-APIC-ACCESS-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"virtualize APIC accesses\" VM-execution control is 1, bits 11:0 of the \
             APIC-access address must be 0"),
        CtlApicAccessWidth = ("VMX-CTL-APIC-ACCESS-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"virtualize APIC accesses\" VM-execution control is 1, the APIC-access \
             address must not set any bits beyond the processor's physical-address width"),
        CtlX2apicTprShadow = ("VMX-CTL-X2APIC-TPR-SHADOW", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TPR shadow\" VM-execution control is 0, the \"virtualize x2APIC mode\" \
             VM-execution control must be 0"),
        CtlApicRegVirtTprShadow = ("VMX-CTL-APIC-REG-VIRT-TPR-SHADOW", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TPR shadow\" VM-execution control is 0, the \"APIC-register \
             virtualization\" VM-execution control must be 0"),
        CtlVidTprShadow = ("VMX-CTL-VID-TPR-SHADOW", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TPR shadow\" VM-execution control is 0, the \"virtual-interrupt \
             delivery\" VM-execution control must be 0"),
        CtlX2apicApicAccess = ("VMX-CTL-X2APIC-APIC-ACCESS", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"virtualize x2APIC mode\" VM-execution control is 1, the \"virtualize APIC \
             accesses\" VM-execution control must be 0"),
        CtlVidExtIntrExiting = ("VMX-CTL-VID-EXT-INTR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"virtual-interrupt delivery\" VM-execution control is 1, the \
             \"external-interrupt exiting\" VM-execution control must be 1"),
        CtlPostedIntrVid = ("VMX-CTL-PI-VID", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"process posted interrupts\" VM-execution control is 1, the \
             \"virtual-interrupt delivery\" VM-execution control must be 1"),
        CtlPostedIntrAckOnExit = ("VMX-CTL-PI-ACK-INTR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"process posted interrupts\" VM-execution control is 1, the \"acknowledge \
             interrupt on exit\" VM-exit control must be 1"),
        CtlPostedIntrVector = ("VMX-CTL-PI-NV-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"process posted interrupts\" VM-execution control is 1, bits 15:8 of the \
             posted-interrupt notification vector must be 0"),
        CtlPostedIntrDescAlign = ("VMX-CTL-PI-DESC-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"process posted interrupts\" VM-execution control is 1, bits 5:0 of the \
             posted-interrupt descriptor address must be 0"),
        CtlPostedIntrDescWidth = ("VMX-CTL-PI-DESC-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"process posted interrupts\" VM-execution control is 1, the posted-interrupt \
             descriptor address must not set any bits beyond the processor's physical-address \
             width"),
        CtlVpidZero = ("VMX-CTL-VPID-ZERO", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"enable VPID\" VM-execution control is 1, the value of the VPID VM-execution \
             control field must not be 0000H"),
        CtlEptpMemoryType = ("VMX-CTL-EPTP-MEMTYPE", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, the EPT memory type (EPTP bits 2:0) must be a value \
             IA32_VMX_EPT_VPID_CAP reports as supported (UC or WB)"),
        CtlEptpWalkLength = ("VMX-CTL-EPTP-WALK", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, EPTP bits 5:3 (1 less than the EPT page-walk length) must be \
             3, or 4 where IA32_VMX_EPT_VPID_CAP reports 5-level walks"),
        CtlEptpAccessedDirty = ("VMX-CTL-EPTP-AD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, EPTP bit 6 (enable accessed and dirty flags) must be 0 if \
             IA32_VMX_EPT_VPID_CAP bit 21 is 0"),
        CtlEptpShadowStack = ("VMX-CTL-EPTP-SSS", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, EPTP bit 7 (supervisor shadow-stack control) must be 0 if \
             the processor does not support it"),
        CtlEptpReserved = ("VMX-CTL-EPTP-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, reserved bits 11:8 of the EPTP must be 0"),
        CtlEptpWidth = ("VMX-CTL-EPTP-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If \"enable EPT\" is 1, the EPTP must not set any bits beyond the processor's \
             physical-address width"),
        CtlPmlEpt = ("VMX-CTL-PML-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"enable PML\" VM-execution control is 1, the \"enable EPT\" VM-execution \
             control must be 1"),
        CtlPmlAlign = ("VMX-CTL-PML-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"enable PML\" VM-execution control is 1, bits 11:0 of the PML address must \
             be 0"),
        CtlPmlWidth = ("VMX-CTL-PML-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"enable PML\" VM-execution control is 1, the PML address must not set any \
             bits beyond the processor's physical-address width"),
        CtlUnrestrictedGuestEpt = ("VMX-CTL-URG-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"unrestricted guest\" VM-execution control is 1, the \"enable EPT\" \
             VM-execution control must be 1"),
        CtlModeBasedExecEpt = ("VMX-CTL-MBEC-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"mode-based execute control for EPT\" VM-execution control is 1, the \
             \"enable EPT\" VM-execution control must be 1"),
        CtlSubPageEpt = ("VMX-CTL-SPP-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"sub-page write permissions for EPT\" VM-execution control is 1, the \
             \"enable EPT\" VM-execution control must be 1"),
        CtlPtGpaEpt = ("VMX-CTL-PT-GPA-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"Intel PT uses guest physical addresses\" VM-execution control is 1, the \
             \"enable EPT\" VM-execution control must be 1"),
        CtlPtGpaClearRtit = ("VMX-CTL-PT-GPA-CLEAR-RTIT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"Intel PT uses guest physical addresses\" VM-execution control is 1, the \
             \"clear IA32_RTIT_CTL\" VM-exit control must be 1"),
        CtlPtGpaLoadRtit = ("VMX-CTL-PT-GPA-LOAD-RTIT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"Intel PT uses guest physical addresses\" VM-execution control is 1, the \
             \"load IA32_RTIT_CTL\" VM-entry control must be 1"),
        CtlVmfuncReserved = ("VMX-CTL-VMFUNC-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"enable VM functions\" VM-execution control is 1, reserved bits of the \
             VM-function controls (those IA32_VMX_VMFUNC reports 0) must be 0"),
        CtlEptpSwitchingEpt = ("VMX-CTL-EPTP-SWITCH-EPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"EPTP switching\" VM-function control is 1, the \"enable EPT\" VM-execution \
             control must be 1"),
        CtlEptpListAlign = ("VMX-CTL-EPTP-LIST-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"EPTP switching\" VM-function control is 1, bits 11:0 of the EPTP-list \
             address must be 0"),
        CtlEptpListWidth = ("VMX-CTL-EPTP-LIST-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"EPTP switching\" VM-function control is 1, the EPTP-list address must not \
             set any bits beyond the processor's physical-address width"),
        CtlVmreadBitmapAlign = ("VMX-CTL-VMREAD-BITMAP-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"VMCS shadowing\" VM-execution control is 1, bits 11:0 of the VMREAD-bitmap \
             address must be 0"),
        CtlVmreadBitmapWidth = ("VMX-CTL-VMREAD-BITMAP-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"VMCS shadowing\" VM-execution control is 1, the VMREAD-bitmap address must \
             not set any bits beyond the processor's physical-address width"),
        CtlVmwriteBitmapAlign = ("VMX-CTL-VMWRITE-BITMAP-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"VMCS shadowing\" VM-execution control is 1, bits 11:0 of the VMWRITE-bitmap \
             address must be 0"),
        CtlVmwriteBitmapWidth = ("VMX-CTL-VMWRITE-BITMAP-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"VMCS shadowing\" VM-execution control is 1, the VMWRITE-bitmap address must \
             not set any bits beyond the processor's physical-address width"),
        CtlTscMultiplier = ("VMX-CTL-TSC-MULTIPLIER", VmxClass::Controls, CTL, sdm("SDM 27.2.1.1"),
            "If the \"use TSC scaling\" VM-execution control is 1, the TSC multiplier must not be \
             0"),
        // Controls: VM-exit control fields (SDM 27.2.1.2)
        CtlExitAllowed0 = ("VMX-CTL-EXIT-ALLOWED0", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "Reserved bits in the VM-exit controls must be set properly: every bit \
             IA32_VMX_(TRUE_)EXIT_CTLS requires to be 1 is 1"),
        CtlExitAllowed1 = ("VMX-CTL-EXIT-ALLOWED1", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "Reserved bits in the VM-exit controls must be set properly: no bit \
             IA32_VMX_(TRUE_)EXIT_CTLS requires to be 0 is 1"),
        CtlExitPreemptionTimer = ("VMX-CTL-EXIT-SAVE-PREEMPT", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the \"activate VMX-preemption timer\" VM-execution control is 0, the \"save \
             VMX-preemption-timer value\" VM-exit control must be 0"),
        CtlExitMsrStoreAlign = ("VMX-CTL-EXIT-MSR-STORE-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-store count is not 0, the lower 4 bits of the VM-exit MSR-store \
             address must be 0"),
        CtlExitMsrStoreWidth = ("VMX-CTL-EXIT-MSR-STORE-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-store count is not 0, the VM-exit MSR-store address must not set \
             any bits beyond the processor's physical-address width"),
        CtlExitMsrStoreEnd = ("VMX-CTL-EXIT-MSR-STORE-END", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-store count is not 0, the address of the last byte of the VM-exit \
             MSR-store area (address + count * 16 - 1) must not set any bits beyond the \
             processor's physical-address width"),
        CtlExitMsrStoreCount = ("VMX-CTL-EXIT-MSR-STORE-COUNT", VmxClass::Hardening, CTL, MSR_COUNT,
            "The VM-exit MSR-store count must not exceed 512 * (IA32_VMX_MISC bits 27:25 + 1); \
             beyond it behaviour is undefined and KVM fails the entry"),
        CtlExitMsrLoadAlign = ("VMX-CTL-EXIT-MSR-LOAD-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-load count is not 0, the lower 4 bits of the VM-exit MSR-load \
             address must be 0"),
        CtlExitMsrLoadWidth = ("VMX-CTL-EXIT-MSR-LOAD-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-load count is not 0, the VM-exit MSR-load address must not set \
             any bits beyond the processor's physical-address width"),
        CtlExitMsrLoadEnd = ("VMX-CTL-EXIT-MSR-LOAD-END", VmxClass::Controls, CTL, sdm("SDM 27.2.1.2"),
            "If the VM-exit MSR-load count is not 0, the address of the last byte of the VM-exit \
             MSR-load area (address + count * 16 - 1) must not set any bits beyond the \
             processor's physical-address width"),
        CtlExitMsrLoadCount = ("VMX-CTL-EXIT-MSR-LOAD-COUNT", VmxClass::Hardening, CTL, MSR_COUNT,
            "The VM-exit MSR-load count must not exceed 512 * (IA32_VMX_MISC bits 27:25 + 1); \
             beyond it behaviour is undefined and KVM fails the entry"),
        // Controls: VM-entry control fields (SDM 27.2.1.3)
        CtlEntryAllowed0 = ("VMX-CTL-ENTRY-ALLOWED0", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "Reserved bits in the VM-entry controls must be set properly: every bit \
             IA32_VMX_(TRUE_)ENTRY_CTLS requires to be 1 is 1"),
        CtlEntryAllowed1 = ("VMX-CTL-ENTRY-ALLOWED1", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "Reserved bits in the VM-entry controls must be set properly: no bit \
             IA32_VMX_(TRUE_)ENTRY_CTLS requires to be 0 is 1"),
        CtlEntrySmm = ("VMX-CTL-ENTRY-SMM", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "The \"entry to SMM\" VM-entry control must be 0 if VM entry is not executed in \
             system-management mode"),
        CtlEntryDeactDualMonitor = ("VMX-CTL-ENTRY-DEACT-DUAL", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "The \"deactivate dual-monitor treatment\" VM-entry control must be 0 if VM entry is \
             not executed in system-management mode"),
        CtlEventTypeReserved = ("VMX-CTL-EVENT-TYPE-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the valid bit of the VM-entry interruption-information field is 1, the \
             interruption type must not be 1 (reserved)"),
        CtlEventTypeOther = ("VMX-CTL-EVENT-TYPE-OTHER", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the valid bit of the VM-entry interruption-information field is 1, the \
             interruption type must not be 7 (other event) unless the processor supports the \
             \"monitor trap flag\" VM-execution control"),
        CtlEventNmiVector = ("VMX-CTL-EVENT-NMI-VECTOR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the interruption type is non-maskable interrupt (NMI), the vector must indicate \
             NMI (2)"),
        CtlEventHwExceptionVector = ("VMX-CTL-EVENT-HWEXC-VECTOR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the interruption type is hardware exception, the vector must be at most 31"),
        CtlEventOtherVector = ("VMX-CTL-EVENT-OTHER-VECTOR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the interruption type is other event, the vector must be 0 (pending MTF VM exit)"),
        CtlEventErrorCodeRealMode = ("VMX-CTL-EVENT-ERRCODE-REAL", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "The deliver-error-code bit must be 0 if the \"unrestricted guest\" VM-execution \
             control is 1 and bit 0 (PE) of the guest CR0 field is 0"),
        CtlEventErrorCodeType = ("VMX-CTL-EVENT-ERRCODE-TYPE", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "The deliver-error-code bit must be 0 if the interruption type is not hardware \
             exception"),
        CtlEventErrorCodeVector = ("VMX-CTL-EVENT-ERRCODE-VECTOR", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "Unless IA32_VMX_BASIC bit 56 is 1, the deliver-error-code bit of a hardware \
             exception must be 1 exactly when the vector is 8, 10, 11, 12, 13, 14, 17, or 21 \
             where CET exists (IA32_VMX_CR4_FIXED1 allows CR4.CET)"),
        CtlEventReserved = ("VMX-CTL-EVENT-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the valid bit is 1, reserved bits 30:12 of the VM-entry interruption-information \
             field must be 0"),
        CtlEventErrorCodeReserved = ("VMX-CTL-EVENT-ERRCODE-RSVD", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the deliver-error-code bit is 1, bits 31:16 of the VM-entry exception error-code \
             field must be 0"),
        CtlEventInstrLenMax = ("VMX-CTL-EVENT-INSN-LEN-MAX", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the interruption type is software interrupt, software exception or privileged \
             software exception, the VM-entry instruction length must not be greater than 15"),
        CtlEventInstrLenZero = ("VMX-CTL-EVENT-INSN-LEN-ZERO", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the interruption type is software interrupt, software exception or privileged \
             software exception, the VM-entry instruction length must not be 0 unless \
             IA32_VMX_MISC bit 30 is 1"),
        CtlEntryMsrLoadAlign = ("VMX-CTL-ENTRY-MSR-LOAD-ALIGN", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the VM-entry MSR-load count is not 0, the lower 4 bits of the VM-entry MSR-load \
             address must be 0"),
        CtlEntryMsrLoadWidth = ("VMX-CTL-ENTRY-MSR-LOAD-WIDTH", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the VM-entry MSR-load count is not 0, the VM-entry MSR-load address must not set \
             any bits beyond the processor's physical-address width"),
        CtlEntryMsrLoadEnd = ("VMX-CTL-ENTRY-MSR-LOAD-END", VmxClass::Controls, CTL, sdm("SDM 27.2.1.3"),
            "If the VM-entry MSR-load count is not 0, the address of the last byte of the \
             VM-entry MSR-load area (address + count * 16 - 1) must not set any bits beyond the \
             processor's physical-address width"),
        CtlEntryMsrLoadCount = ("VMX-CTL-ENTRY-MSR-LOAD-COUNT", VmxClass::Hardening, CTL, MSR_COUNT,
            "The VM-entry MSR-load count must not exceed 512 * (IA32_VMX_MISC bits 27:25 + 1); \
             beyond it behaviour is undefined and KVM fails the entry"),
        // Host state: control registers, MSRs and SSP (SDM 27.2.2)
        HostCr0Fixed0 = ("VMX-HOST-CR0-FIXED0", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The CR0 field must set every bit IA32_VMX_CR0_FIXED0 reports as fixed to 1"),
        HostCr0Fixed1 = ("VMX-HOST-CR0-FIXED1", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The CR0 field must clear every bit IA32_VMX_CR0_FIXED1 reports as fixed to 0"),
        HostCr4Fixed0 = ("VMX-HOST-CR4-FIXED0", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The CR4 field must set every bit IA32_VMX_CR4_FIXED0 reports as fixed to 1"),
        HostCr4Fixed1 = ("VMX-HOST-CR4-FIXED1", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The CR4 field must clear every bit IA32_VMX_CR4_FIXED1 reports as fixed to 0"),
        HostCr3Width = ("VMX-HOST-CR3-WIDTH", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The CR3 field must not set bits beyond the processor's physical-address width (bits \
             62:61 are allowed with LAM)"),
        HostCr4CetWp = ("VMX-HOST-CR4-CET-WP", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If bit 23 (CET) is 1 in the CR4 field, bit 16 (WP) must be 1 in the CR0 field"),
        HostSysenterEspCanonical = ("VMX-HOST-SYSENTER-ESP", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The IA32_SYSENTER_ESP field must contain a canonical address"),
        HostSysenterEipCanonical = ("VMX-HOST-SYSENTER-EIP", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "The IA32_SYSENTER_EIP field must contain a canonical address"),
        HostSCetReserved = ("VMX-HOST-S-CET-RSVD", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load CET state\" VM-exit control is 1, bits reserved in IA32_S_CET (9:6, \
             and those of CET features the processor lacks) must be 0"),
        HostSCetTracker = ("VMX-HOST-S-CET-TRACKER", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load CET state\" VM-exit control is 1, IA32_S_CET bits 10 (SUPPRESS) and 11 \
             (TRACKER) must not both be 1"),
        HostSspAlign = ("VMX-HOST-SSP-ALIGN", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load CET state\" VM-exit control is 1, bits 1:0 of the SSP field must be 0"),
        HostSspTableCanonical = ("VMX-HOST-SSP-TABLE-CANON", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load CET state\" VM-exit control is 1, the IA32_INTERRUPT_SSP_TABLE_ADDR \
             field must contain a canonical address"),
        HostSCetCanonical = ("VMX-HOST-S-CET-CANON", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If \"load CET state\" and \"host address-space size\" are 1, the IA32_S_CET field \
             must contain a canonical address"),
        HostSspCanonical = ("VMX-HOST-SSP-CANON", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If \"load CET state\" and \"host address-space size\" are 1, the SSP field must \
             contain a canonical address"),
        HostSCetHigh = ("VMX-HOST-S-CET-HIGH", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If \"load CET state\" is 1 and \"host address-space size\" is 0, bits 63:32 of the \
             IA32_S_CET field must be 0"),
        HostSspHigh = ("VMX-HOST-SSP-HIGH", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If \"load CET state\" is 1 and \"host address-space size\" is 0, bits 63:32 of the \
             SSP field must be 0"),
        HostPerfGlobalCtrl = ("VMX-HOST-PERF-GLOBAL-CTRL", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load IA32_PERF_GLOBAL_CTRL\" VM-exit control is 1, bits reserved in \
             IA32_PERF_GLOBAL_CTRL must be 0 in the field for that register"),
        HostPat = ("VMX-HOST-PAT", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load IA32_PAT\" VM-exit control is 1, each of the eight entries of the \
             IA32_PAT field must be a valid memory type (0, 1, 4, 5, 6 or 7)"),
        HostEferReserved = ("VMX-HOST-EFER-RSVD", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load IA32_EFER\" VM-exit control is 1, bits reserved in IA32_EFER must be 0 \
             in the field for that register"),
        HostEferLma = ("VMX-HOST-EFER-LMA", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load IA32_EFER\" VM-exit control is 1, bit 10 (LMA) of the IA32_EFER field \
             must equal the \"host address-space size\" VM-exit control"),
        HostEferLme = ("VMX-HOST-EFER-LME", VmxClass::HostState, HOST, sdm("SDM 27.2.2"),
            "If the \"load IA32_EFER\" VM-exit control is 1, bit 8 (LME) of the IA32_EFER field \
             must equal the \"host address-space size\" VM-exit control"),
        // Host state: segment and descriptor-table registers (SDM 27.2.3)
        HostEsSelector = ("VMX-HOST-ES-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for ES, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostCsSelector = ("VMX-HOST-CS-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for CS, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostSsSelector = ("VMX-HOST-SS-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for SS, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostDsSelector = ("VMX-HOST-DS-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for DS, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostFsSelector = ("VMX-HOST-FS-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for FS, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostGsSelector = ("VMX-HOST-GS-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for GS, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostTrSelector = ("VMX-HOST-TR-SEL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "In the selector field for TR, the RPL (bits 1:0) and the TI flag (bit 2) must be 0"),
        HostCsNull = ("VMX-HOST-CS-NULL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The selector field for CS must not be 0000H"),
        HostTrNull = ("VMX-HOST-TR-NULL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The selector field for TR must not be 0000H"),
        HostSsNull = ("VMX-HOST-SS-NULL", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The selector field for SS must not be 0000H if the \"host address-space size\" \
             VM-exit control is 0"),
        HostFsBaseCanonical = ("VMX-HOST-FS-BASE", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The base-address field for FS must contain a canonical address"),
        HostGsBaseCanonical = ("VMX-HOST-GS-BASE", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The base-address field for GS must contain a canonical address"),
        HostGdtrBaseCanonical = ("VMX-HOST-GDTR-BASE", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The base-address field for GDTR must contain a canonical address"),
        HostIdtrBaseCanonical = ("VMX-HOST-IDTR-BASE", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The base-address field for IDTR must contain a canonical address"),
        HostTrBaseCanonical = ("VMX-HOST-TR-BASE", VmxClass::HostState, HOST, sdm("SDM 27.2.3"),
            "The base-address field for TR must contain a canonical address"),
        // Host state: address-space size (SDM 27.2.4)
        HostIa32eGuestOutsideLongMode = ("VMX-HOST-ASS-L1-GUEST", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If IA32_EFER.LMA is 0 at the time of VM entry, the \"IA-32e mode guest\" VM-entry \
             control must be 0"),
        HostAddrSpaceOutsideLongMode = ("VMX-HOST-ASS-L1-LEGACY", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If IA32_EFER.LMA is 0 at the time of VM entry, the \"host address-space size\" \
             VM-exit control must be 0"),
        HostAddrSpaceInLongMode = ("VMX-HOST-ASS-L1-LONG", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If IA32_EFER.LMA is 1 at the time of VM entry, the \"host address-space size\" \
             VM-exit control must be 1"),
        HostIa32eGuestLegacyHost = ("VMX-HOST-ASS-GUEST", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If the \"host address-space size\" VM-exit control is 0, the \"IA-32e mode guest\" \
             VM-entry control must be 0"),
        HostPcideLegacyHost = ("VMX-HOST-ASS-PCIDE", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If the \"host address-space size\" VM-exit control is 0, bit 17 (PCIDE) of the CR4 \
             field must be 0"),
        HostRipHighLegacyHost = ("VMX-HOST-ASS-RIP-HIGH", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If the \"host address-space size\" VM-exit control is 0, bits 63:32 of the RIP field \
             must be 0"),
        HostPaeLongHost = ("VMX-HOST-ASS-PAE", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If the \"host address-space size\" VM-exit control is 1, bit 5 (PAE) of the CR4 \
             field must be 1"),
        HostRipCanonical = ("VMX-HOST-ASS-RIP-CANON", VmxClass::HostState, HOST, sdm("SDM 27.2.4"),
            "If the \"host address-space size\" VM-exit control is 1, the RIP field must contain \
             an address canonical for the paging mode CR4.LA57 of the CR4 field selects"),
        // Guest state: control registers, debug registers and MSRs (SDM 27.3.1.1)
        GuestCr0Fixed0 = ("VMX-GUEST-CR0-FIXED0", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The CR0 field must set every bit IA32_VMX_CR0_FIXED0 reports as fixed to 1 (PE and \
             PG excepted if \"unrestricted guest\" is 1; NW and CD are never checked)"),
        GuestCr0Fixed1 = ("VMX-GUEST-CR0-FIXED1", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The CR0 field must clear every bit IA32_VMX_CR0_FIXED1 reports as fixed to 0 (NW \
             and CD are never checked)"),
        GuestCr0PgPe = ("VMX-GUEST-CR0-PG-PE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If bit 31 (PG) of the CR0 field is 1, bit 0 (PE) must also be 1"),
        GuestCr4Fixed0 = ("VMX-GUEST-CR4-FIXED0", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The CR4 field must set every bit IA32_VMX_CR4_FIXED0 reports as fixed to 1"),
        GuestCr4Fixed1 = ("VMX-GUEST-CR4-FIXED1", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The CR4 field must clear every bit IA32_VMX_CR4_FIXED1 reports as fixed to 0"),
        GuestCr4CetWp = ("VMX-GUEST-CR4-CET-WP", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If bit 23 (CET) is 1 in the CR4 field, bit 16 (WP) must be 1 in the CR0 field"),
        GuestDebugctlReserved = ("VMX-GUEST-DEBUGCTL-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load debug controls\" VM-entry control is 1, bits reserved in IA32_DEBUGCTL \
             must be 0 in the field for that register"),
        GuestDr7High = ("VMX-GUEST-DR7-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load debug controls\" VM-entry control is 1, bits 63:32 of the DR7 field \
             must be 0"),
        GuestCr3Width = ("VMX-GUEST-CR3-WIDTH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The CR3 field must not set bits beyond the processor's physical-address width (bits \
             62:61 are allowed with LAM)"),
        GuestIa32ePg = ("VMX-GUEST-IA32E-PG", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"IA-32e mode guest\" VM-entry control is 1, bit 31 (PG) of the CR0 field \
             must be 1"),
        GuestIa32ePae = ("VMX-GUEST-IA32E-PAE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"IA-32e mode guest\" VM-entry control is 1, bit 5 (PAE) of the CR4 field \
             must be 1"),
        GuestPcideLegacy = ("VMX-GUEST-PCIDE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"IA-32e mode guest\" VM-entry control is 0, bit 17 (PCIDE) of the CR4 field \
             must be 0"),
        GuestSysenterEspCanonical = ("VMX-GUEST-SYSENTER-ESP", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The IA32_SYSENTER_ESP field must contain a canonical address"),
        GuestSysenterEipCanonical = ("VMX-GUEST-SYSENTER-EIP", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "The IA32_SYSENTER_EIP field must contain a canonical address"),
        GuestPerfGlobalCtrl = ("VMX-GUEST-PERF-GLOBAL-CTRL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_PERF_GLOBAL_CTRL\" VM-entry control is 1, bits reserved in \
             IA32_PERF_GLOBAL_CTRL must be 0 in the field for that register"),
        GuestPat = ("VMX-GUEST-PAT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_PAT\" VM-entry control is 1, each of the eight entries of the \
             IA32_PAT field must be a valid memory type (0, 1, 4, 5, 6 or 7)"),
        GuestEferReserved = ("VMX-GUEST-EFER-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_EFER\" VM-entry control is 1, bits reserved in IA32_EFER must be \
             0 in the field for that register"),
        GuestEferLma = ("VMX-GUEST-EFER-LMA", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_EFER\" VM-entry control is 1, bit 10 (LMA) of the IA32_EFER field \
             must equal the \"IA-32e mode guest\" VM-entry control"),
        GuestEferLme = ("VMX-GUEST-EFER-LME", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If \"load IA32_EFER\" is 1 and bit 31 (PG) of the CR0 field is 1, bit 8 (LME) of the \
             IA32_EFER field must equal the \"IA-32e mode guest\" VM-entry control"),
        GuestBndcfgsReserved = ("VMX-GUEST-BNDCFGS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_BNDCFGS\" VM-entry control is 1, reserved bits 11:2 of the \
             IA32_BNDCFGS field must be 0"),
        GuestBndcfgsCanonical = ("VMX-GUEST-BNDCFGS-CANON", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load IA32_BNDCFGS\" VM-entry control is 1, bits 63:12 of the IA32_BNDCFGS \
             field must form a canonical address"),
        GuestSCetReserved = ("VMX-GUEST-S-CET-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load CET state\" VM-entry control is 1, bits reserved in IA32_S_CET (9:6, \
             and those of CET features the processor lacks) must be 0"),
        GuestSCetTracker = ("VMX-GUEST-S-CET-TRACKER", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load CET state\" VM-entry control is 1, IA32_S_CET bits 10 (SUPPRESS) and \
             11 (TRACKER) must not both be 1"),
        GuestSCetCanonical = ("VMX-GUEST-S-CET-CANON", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load CET state\" VM-entry control is 1, the IA32_S_CET field must contain a \
             canonical address"),
        GuestSspTableCanonical = ("VMX-GUEST-SSP-TABLE-CANON", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.1"),
            "If the \"load CET state\" VM-entry control is 1, the IA32_INTERRUPT_SSP_TABLE_ADDR \
             field must contain a canonical address"),
        // Guest state: segment registers (SDM 27.3.1.2)
        GuestTrTi = ("VMX-GUEST-TR-TI", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The TI flag (bit 2) of the selector field for TR must be 0"),
        GuestLdtrTi = ("VMX-GUEST-LDTR-TI", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, the TI flag (bit 2) of its selector field must be 0"),
        GuestSsRpl = ("VMX-GUEST-SS-RPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will not be virtual-8086 and \"unrestricted guest\" is 0, the RPL of \
             the SS selector must equal the RPL of the CS selector"),
        GuestV86CsBase = ("VMX-GUEST-V86-CS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the CS base address must be the CS selector \
             shifted left 4 bits"),
        GuestV86SsBase = ("VMX-GUEST-V86-SS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the SS base address must be the SS selector \
             shifted left 4 bits"),
        GuestV86DsBase = ("VMX-GUEST-V86-DS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the DS base address must be the DS selector \
             shifted left 4 bits"),
        GuestV86EsBase = ("VMX-GUEST-V86-ES-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the ES base address must be the ES selector \
             shifted left 4 bits"),
        GuestV86FsBase = ("VMX-GUEST-V86-FS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the FS base address must be the FS selector \
             shifted left 4 bits"),
        GuestV86GsBase = ("VMX-GUEST-V86-GS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the GS base address must be the GS selector \
             shifted left 4 bits"),
        GuestTrBaseCanonical = ("VMX-GUEST-TR-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The TR base address must be canonical"),
        GuestFsBaseCanonical = ("VMX-GUEST-FS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The FS base address must be canonical"),
        GuestGsBaseCanonical = ("VMX-GUEST-GS-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The GS base address must be canonical"),
        GuestLdtrBaseCanonical = ("VMX-GUEST-LDTR-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, its base address must be canonical"),
        GuestCsBaseHigh = ("VMX-GUEST-CS-BASE-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bits 63:32 of the CS base address must be 0"),
        GuestSsBaseHigh = ("VMX-GUEST-SS-BASE-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, bits 63:32 of its base address must be 0"),
        GuestDsBaseHigh = ("VMX-GUEST-DS-BASE-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, bits 63:32 of its base address must be 0"),
        GuestEsBaseHigh = ("VMX-GUEST-ES-BASE-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, bits 63:32 of its base address must be 0"),
        GuestV86CsLimit = ("VMX-GUEST-V86-CS-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the CS limit must be 0000FFFFH"),
        GuestV86SsLimit = ("VMX-GUEST-V86-SS-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the SS limit must be 0000FFFFH"),
        GuestV86DsLimit = ("VMX-GUEST-V86-DS-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the DS limit must be 0000FFFFH"),
        GuestV86EsLimit = ("VMX-GUEST-V86-ES-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the ES limit must be 0000FFFFH"),
        GuestV86FsLimit = ("VMX-GUEST-V86-FS-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the FS limit must be 0000FFFFH"),
        GuestV86GsLimit = ("VMX-GUEST-V86-GS-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the GS limit must be 0000FFFFH"),
        GuestV86CsAr = ("VMX-GUEST-V86-CS-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the CS access rights must be 000000F3H"),
        GuestV86SsAr = ("VMX-GUEST-V86-SS-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the SS access rights must be 000000F3H"),
        GuestV86DsAr = ("VMX-GUEST-V86-DS-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the DS access rights must be 000000F3H"),
        GuestV86EsAr = ("VMX-GUEST-V86-ES-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the ES access rights must be 000000F3H"),
        GuestV86FsAr = ("VMX-GUEST-V86-FS-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the FS access rights must be 000000F3H"),
        GuestV86GsAr = ("VMX-GUEST-V86-GS-AR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be virtual-8086, the GS access rights must be 000000F3H"),
        GuestCsType = ("VMX-GUEST-CS-TYPE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The CS type must be 9, 11, 13 or 15 (accessed code segment), or 3 (read/write \
             accessed expand-up data segment) if \"unrestricted guest\" is 1"),
        GuestCsS = ("VMX-GUEST-CS-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bit 4 (S) of the CS access rights must be 1"),
        GuestCsDplData = ("VMX-GUEST-CS-DPL-DATA", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the CS type is 3 (read/write accessed expand-up data segment), the CS DPL must be \
             0"),
        GuestCsDplNonConforming = ("VMX-GUEST-CS-DPL-NONCONF", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the CS type is 9 or 11 (non-conforming code segment), the CS DPL must equal the \
             DPL in the access-rights field for SS"),
        GuestCsDplConforming = ("VMX-GUEST-CS-DPL-CONF", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the CS type is 13 or 15 (conforming code segment), the CS DPL must not be greater \
             than the DPL in the access-rights field for SS"),
        GuestCsP = ("VMX-GUEST-CS-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bit 7 (P) of the CS access rights must be 1"),
        GuestCsReserved = ("VMX-GUEST-CS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Reserved bits 11:8 of the CS access rights must be 0"),
        GuestCsDbL = ("VMX-GUEST-CS-DB-L", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the guest will be IA-32e mode and the L bit (bit 13) of the CS access rights is \
             1, the D/B bit (bit 14) must be 0"),
        GuestCsGLow = ("VMX-GUEST-CS-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If any bit in the range 11:0 of the CS limit is 0, the G bit of the CS access rights \
             must be 0"),
        GuestCsGHigh = ("VMX-GUEST-CS-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If any bit in the range 31:20 of the CS limit is 1, the G bit of the CS access \
             rights must be 1"),
        GuestCsReservedHigh = ("VMX-GUEST-CS-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Reserved bits 31:17 of the CS access rights must be 0"),
        GuestCsUnusable = ("VMX-GUEST-CS-UNUSABLE", VmxClass::Hardening, GUEST, CS_UNUSABLE,
            "Bit 16 (unusable) of the CS access rights must be 0"),
        GuestSsType = ("VMX-GUEST-SS-TYPE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, its type must be 3 or 7 (read/write, accessed data segment)"),
        GuestSsS = ("VMX-GUEST-SS-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, bit 4 (S) of its access rights must be 1"),
        GuestSsDplRpl = ("VMX-GUEST-SS-DPL-RPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If \"unrestricted guest\" is 0, the SS DPL must equal the RPL from the SS selector"),
        GuestSsDplZero = ("VMX-GUEST-SS-DPL-ZERO", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If the CS type is 3 or bit 0 (PE) of the CR0 field is 0, the SS DPL must be 0"),
        GuestSsP = ("VMX-GUEST-SS-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, bit 7 (P) of its access rights must be 1"),
        GuestSsReserved = ("VMX-GUEST-SS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestSsGLow = ("VMX-GUEST-SS-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable and any bit in the range 11:0 of its limit is 0, its G bit must be 0"),
        GuestSsGHigh = ("VMX-GUEST-SS-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable and any bit in the range 31:20 of its limit is 1, its G bit must be \
             1"),
        GuestSsReservedHigh = ("VMX-GUEST-SS-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If SS is usable, reserved bits 31:17 of its access rights must be 0"),
        GuestDsAccessed = ("VMX-GUEST-DS-ACCESSED", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, bit 0 of its type must be 1 (accessed)"),
        GuestDsReadable = ("VMX-GUEST-DS-READABLE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable and bit 3 of its type is 1 (code segment), bit 1 of its type must be \
             1 (readable)"),
        GuestDsS = ("VMX-GUEST-DS-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, bit 4 (S) of its access rights must be 1"),
        GuestDsDpl = ("VMX-GUEST-DS-DPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If \"unrestricted guest\" is 0 and DS is usable with a type in the range 0-11 (data \
             or non-conforming code segment), its DPL must not be less than the RPL from its \
             selector"),
        GuestDsP = ("VMX-GUEST-DS-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, bit 7 (P) of its access rights must be 1"),
        GuestDsReserved = ("VMX-GUEST-DS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestDsGLow = ("VMX-GUEST-DS-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable and any bit in the range 11:0 of its limit is 0, its G bit must be 0"),
        GuestDsGHigh = ("VMX-GUEST-DS-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable and any bit in the range 31:20 of its limit is 1, its G bit must be \
             1"),
        GuestDsReservedHigh = ("VMX-GUEST-DS-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If DS is usable, reserved bits 31:17 of its access rights must be 0"),
        GuestEsAccessed = ("VMX-GUEST-ES-ACCESSED", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, bit 0 of its type must be 1 (accessed)"),
        GuestEsReadable = ("VMX-GUEST-ES-READABLE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable and bit 3 of its type is 1 (code segment), bit 1 of its type must be \
             1 (readable)"),
        GuestEsS = ("VMX-GUEST-ES-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, bit 4 (S) of its access rights must be 1"),
        GuestEsDpl = ("VMX-GUEST-ES-DPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If \"unrestricted guest\" is 0 and ES is usable with a type in the range 0-11 (data \
             or non-conforming code segment), its DPL must not be less than the RPL from its \
             selector"),
        GuestEsP = ("VMX-GUEST-ES-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, bit 7 (P) of its access rights must be 1"),
        GuestEsReserved = ("VMX-GUEST-ES-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestEsGLow = ("VMX-GUEST-ES-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable and any bit in the range 11:0 of its limit is 0, its G bit must be 0"),
        GuestEsGHigh = ("VMX-GUEST-ES-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable and any bit in the range 31:20 of its limit is 1, its G bit must be \
             1"),
        GuestEsReservedHigh = ("VMX-GUEST-ES-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If ES is usable, reserved bits 31:17 of its access rights must be 0"),
        GuestFsAccessed = ("VMX-GUEST-FS-ACCESSED", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable, bit 0 of its type must be 1 (accessed)"),
        GuestFsReadable = ("VMX-GUEST-FS-READABLE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable and bit 3 of its type is 1 (code segment), bit 1 of its type must be \
             1 (readable)"),
        GuestFsS = ("VMX-GUEST-FS-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable, bit 4 (S) of its access rights must be 1"),
        GuestFsDpl = ("VMX-GUEST-FS-DPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If \"unrestricted guest\" is 0 and FS is usable with a type in the range 0-11 (data \
             or non-conforming code segment), its DPL must not be less than the RPL from its \
             selector"),
        GuestFsP = ("VMX-GUEST-FS-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable, bit 7 (P) of its access rights must be 1"),
        GuestFsReserved = ("VMX-GUEST-FS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestFsGLow = ("VMX-GUEST-FS-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable and any bit in the range 11:0 of its limit is 0, its G bit must be 0"),
        GuestFsGHigh = ("VMX-GUEST-FS-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable and any bit in the range 31:20 of its limit is 1, its G bit must be \
             1"),
        GuestFsReservedHigh = ("VMX-GUEST-FS-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If FS is usable, reserved bits 31:17 of its access rights must be 0"),
        GuestGsAccessed = ("VMX-GUEST-GS-ACCESSED", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable, bit 0 of its type must be 1 (accessed)"),
        GuestGsReadable = ("VMX-GUEST-GS-READABLE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable and bit 3 of its type is 1 (code segment), bit 1 of its type must be \
             1 (readable)"),
        GuestGsS = ("VMX-GUEST-GS-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable, bit 4 (S) of its access rights must be 1"),
        GuestGsDpl = ("VMX-GUEST-GS-DPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If \"unrestricted guest\" is 0 and GS is usable with a type in the range 0-11 (data \
             or non-conforming code segment), its DPL must not be less than the RPL from its \
             selector"),
        GuestGsP = ("VMX-GUEST-GS-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable, bit 7 (P) of its access rights must be 1"),
        GuestGsReserved = ("VMX-GUEST-GS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestGsGLow = ("VMX-GUEST-GS-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable and any bit in the range 11:0 of its limit is 0, its G bit must be 0"),
        GuestGsGHigh = ("VMX-GUEST-GS-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable and any bit in the range 31:20 of its limit is 1, its G bit must be \
             1"),
        GuestGsReservedHigh = ("VMX-GUEST-GS-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If GS is usable, reserved bits 31:17 of its access rights must be 0"),
        GuestTrType = ("VMX-GUEST-TR-TYPE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "The TR type must be 3 (16-bit busy TSS) or 11 (32-bit busy TSS), and 11 (64-bit busy \
             TSS) if the guest will be IA-32e mode"),
        GuestTrS = ("VMX-GUEST-TR-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bit 4 (S) of the TR access rights must be 0"),
        GuestTrP = ("VMX-GUEST-TR-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bit 7 (P) of the TR access rights must be 1"),
        GuestTrReserved = ("VMX-GUEST-TR-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Reserved bits 11:8 of the TR access rights must be 0"),
        GuestTrGLow = ("VMX-GUEST-TR-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If any bit in the range 11:0 of the TR limit is 0, the G bit of the TR access rights \
             must be 0"),
        GuestTrGHigh = ("VMX-GUEST-TR-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If any bit in the range 31:20 of the TR limit is 1, the G bit of the TR access \
             rights must be 1"),
        GuestTrUnusable = ("VMX-GUEST-TR-UNUSABLE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Bit 16 (unusable) of the TR access rights must be 0"),
        GuestTrReservedHigh = ("VMX-GUEST-TR-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "Reserved bits 31:17 of the TR access rights must be 0"),
        GuestLdtrType = ("VMX-GUEST-LDTR-TYPE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, its type must be 2 (LDT)"),
        GuestLdtrS = ("VMX-GUEST-LDTR-S", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, bit 4 (S) of its access rights must be 0"),
        GuestLdtrP = ("VMX-GUEST-LDTR-P", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, bit 7 (P) of its access rights must be 1"),
        GuestLdtrReserved = ("VMX-GUEST-LDTR-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, reserved bits 11:8 of its access rights must be 0"),
        GuestLdtrGLow = ("VMX-GUEST-LDTR-G-LOW", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable and any bit in the range 11:0 of its limit is 0, its G bit must be \
             0"),
        GuestLdtrGHigh = ("VMX-GUEST-LDTR-G-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable and any bit in the range 31:20 of its limit is 1, its G bit must \
             be 1"),
        GuestLdtrReservedHigh = ("VMX-GUEST-LDTR-RSVD-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.2"),
            "If LDTR is usable, reserved bits 31:17 of its access rights must be 0"),
        // Guest state: descriptor-table registers (SDM 27.3.1.3)
        GuestGdtrBaseCanonical = ("VMX-GUEST-GDTR-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.3"),
            "The GDTR base-address field must contain a canonical address"),
        GuestIdtrBaseCanonical = ("VMX-GUEST-IDTR-BASE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.3"),
            "The IDTR base-address field must contain a canonical address"),
        GuestGdtrLimit = ("VMX-GUEST-GDTR-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.3"),
            "Bits 31:16 of the GDTR limit field must be 0"),
        GuestIdtrLimit = ("VMX-GUEST-IDTR-LIMIT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.3"),
            "Bits 31:16 of the IDTR limit field must be 0"),
        // Guest state: RIP, RFLAGS and SSP (SDM 27.3.1.4)
        GuestRipHigh = ("VMX-GUEST-RIP-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "Bits 63:32 of the RIP field must be 0 if the \"IA-32e mode guest\" VM-entry control \
             is 0 or the L bit of the CS access rights is 0"),
        GuestRipCanonical = ("VMX-GUEST-RIP-CANON", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "If \"IA-32e mode guest\" is 1 and the L bit of the CS access rights is 1, bits 63:N \
             of the RIP field must be identical, N being the linear-address width"),
        GuestRflagsReserved = ("VMX-GUEST-RFLAGS-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "Reserved bits 63:22, 15, 5 and 3 of the RFLAGS field must be 0"),
        GuestRflagsFixed1 = ("VMX-GUEST-RFLAGS-FIXED1", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "Reserved bit 1 of the RFLAGS field must be 1"),
        GuestRflagsVm = ("VMX-GUEST-RFLAGS-VM", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "The VM flag (bit 17) must be 0 if \"IA-32e mode guest\" is 1 or bit 0 (PE) of the \
             CR0 field is 0"),
        GuestRflagsIf = ("VMX-GUEST-RFLAGS-IF", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "The IF flag (bit 9) must be 1 if the VM-entry interruption-information field injects \
             an external interrupt"),
        GuestSspAlign = ("VMX-GUEST-SSP-ALIGN", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "If the \"load CET state\" VM-entry control is 1, bits 1:0 of the SSP field must be 0"),
        GuestSspCanonical = ("VMX-GUEST-SSP-CANON", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "If the \"load CET state\" VM-entry control is 1, bits 63:N of the SSP field must be \
             identical, N being the linear-address width"),
        GuestSspHigh = ("VMX-GUEST-SSP-HIGH", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.4"),
            "If \"load CET state\" is 1 and \"IA-32e mode guest\" is 0, bits 63:32 of the SSP \
             field must be 0"),
        // Guest state: non-register state (SDM 27.3.1.5)
        GuestActivityInvalid = ("VMX-GUEST-ACTIVITY-RANGE", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The activity-state field must contain a value in the range 0-3"),
        GuestActivityUnsupported = ("VMX-GUEST-ACTIVITY-UNSUPPORTED", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The activity-state field must indicate an activity state IA32_VMX_MISC bits 8:6 \
             report as supported"),
        GuestActivityHltDpl = ("VMX-GUEST-ACTIVITY-HLT-DPL", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The activity-state field must not indicate the HLT state if the DPL in the \
             access-rights field for SS is not 0"),
        GuestActivityBlocking = ("VMX-GUEST-ACTIVITY-BLOCKING", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The activity-state field must indicate the active state if the \
             interruptibility-state field indicates blocking by STI or by MOV-SS"),
        GuestActivityHltEvent = ("VMX-GUEST-ACTIVITY-HLT-EVENT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "In the HLT state only external interrupts, NMIs, debug and machine-check exceptions \
             and pending MTF VM exits may be injected"),
        GuestActivityShutdownEvent = ("VMX-GUEST-ACTIVITY-SHUTDOWN-EVENT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "In the shutdown state only NMIs and machine-check exceptions may be injected"),
        GuestActivitySipiEvent = ("VMX-GUEST-ACTIVITY-SIPI-EVENT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "In the wait-for-SIPI state no event may be injected"),
        GuestActivitySmmSipi = ("VMX-GUEST-ACTIVITY-SMM-SIPI", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The activity-state field must not indicate the wait-for-SIPI state if the \"entry to \
             SMM\" VM-entry control is 1"),
        GuestIntrReserved = ("VMX-GUEST-INTR-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Reserved bits 31:5 of the interruptibility-state field must be 0"),
        GuestIntrStiMovSs = ("VMX-GUEST-INTR-STI-MOVSS", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "The interruptibility-state field cannot indicate blocking by both STI and MOV SS"),
        GuestIntrStiIf = ("VMX-GUEST-INTR-STI-IF", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 0 (blocking by STI) must be 0 if the IF flag is 0 in the RFLAGS field"),
        GuestIntrExtIntBlocking = ("VMX-GUEST-INTR-EXTINT", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bits 0 (blocking by STI) and 1 (blocking by MOV-SS) must be 0 if an external \
             interrupt is injected"),
        GuestIntrNmiMovSs = ("VMX-GUEST-INTR-NMI-MOVSS", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 1 (blocking by MOV-SS) must be 0 if an NMI is injected"),
        GuestIntrSmiOutsideSmm = ("VMX-GUEST-INTR-SMI", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 2 (blocking by SMI) must be 0 if the processor is not in SMM"),
        GuestIntrSmiEntrySmm = ("VMX-GUEST-INTR-SMI-ENTRY-SMM", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 2 (blocking by SMI) must be 1 if the \"entry to SMM\" VM-entry control is 1"),
        GuestIntrNmiSti = ("VMX-GUEST-INTR-NMI-STI", VmxClass::Hardening, NMI, NMI_STI,
            "Bit 0 (blocking by STI) must be 0 if an NMI is injected (a requirement of some \
             processors; reported with exit qualification 3)"),
        GuestIntrVirtualNmiBlocking = ("VMX-GUEST-INTR-VNMI", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 3 (blocking by NMI) must be 0 if \"virtual NMIs\" is 1 and an NMI is injected"),
        GuestIntrEnclaveMovSs = ("VMX-GUEST-INTR-ENCLAVE-MOVSS", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "If bit 4 (enclave interruption) is 1, bit 1 (blocking by MOV-SS) must be 0"),
        GuestIntrEnclaveSgx = ("VMX-GUEST-INTR-ENCLAVE-SGX", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 4 (enclave interruption) may be 1 only if the processor supports SGX"),
        GuestPendingDbgReserved = ("VMX-GUEST-PENDDBG-RSVD", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bits 11:4, 13, 15 and 63:17 of the pending debug exceptions field must be 0"),
        GuestPendingDbgBsSet = ("VMX-GUEST-PENDDBG-BS-SET", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "With blocking by STI or MOV-SS or in the HLT state, bit 14 (BS) must be 1 if \
             RFLAGS.TF is 1 and IA32_DEBUGCTL.BTF is 0"),
        GuestPendingDbgBsClear = ("VMX-GUEST-PENDDBG-BS-CLEAR", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "With blocking by STI or MOV-SS or in the HLT state, bit 14 (BS) must be 0 if \
             RFLAGS.TF is 0 or IA32_DEBUGCTL.BTF is 1"),
        GuestPendingDbgRtmUnsupported = ("VMX-GUEST-PENDDBG-RTM", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "Bit 16 (RTM) of the pending debug exceptions field may be 1 only if the processor \
             supports RTM"),
        GuestPendingDbgRtmBits = ("VMX-GUEST-PENDDBG-RTM-BITS", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "If bit 16 (RTM) is 1, bits 11:0 and 15:13 must be 0 except bit 12 (enabled \
             breakpoint), which must be 1"),
        GuestPendingDbgRtmMovSs = ("VMX-GUEST-PENDDBG-RTM-MOVSS", VmxClass::GuestState, GUEST, sdm("SDM 27.3.1.5"),
            "If bit 16 (RTM) is 1, the interruptibility-state field must not indicate blocking by \
             MOV SS"),
        GuestLinkAlign = ("VMX-GUEST-LINK-ALIGN", VmxClass::GuestState, LINK, sdm("SDM 27.3.1.5"),
            "If the VMCS link pointer is not FFFFFFFF_FFFFFFFFH, bits 11:0 must be 0"),
        GuestLinkWidth = ("VMX-GUEST-LINK-WIDTH", VmxClass::GuestState, LINK, sdm("SDM 27.3.1.5"),
            "If the VMCS link pointer is not FFFFFFFF_FFFFFFFFH, it must not set any bits beyond \
             the processor's physical-address width"),
        GuestLinkRevision = ("VMX-GUEST-LINK-REVISION", VmxClass::GuestState, LINK, sdm("SDM 27.3.1.5"),
            "If the VMCS link pointer is not FFFFFFFF_FFFFFFFFH, bits 30:0 of the VMCS it \
             references must be the VMCS revision identifier"),
        GuestLinkShadow = ("VMX-GUEST-LINK-SHADOW", VmxClass::GuestState, LINK, sdm("SDM 27.3.1.5"),
            "If the VMCS link pointer is not FFFFFFFF_FFFFFFFFH, bit 31 of the VMCS it references \
             must equal the \"VMCS shadowing\" VM-execution control"),
        GuestLinkCurrent = ("VMX-GUEST-LINK-CURRENT", VmxClass::GuestState, LINK, sdm("SDM 27.3.1.5"),
            "If the VMCS link pointer is not FFFFFFFF_FFFFFFFFH, it must not be the current-VMCS \
             pointer (outside SMM or with \"entry to SMM\")"),
        // Guest state: PDPTEs (SDM 27.3.1.6)
        GuestPdpte0 = ("VMX-GUEST-PDPTE0", VmxClass::GuestState, PDPTE, sdm("SDM 27.3.1.6"),
            "If the guest will use PAE paging, PDPTE0 must not set reserved bits (2:1, 8:5 and \
             beyond the physical-address width) if its P bit is 1"),
        GuestPdpte1 = ("VMX-GUEST-PDPTE1", VmxClass::GuestState, PDPTE, sdm("SDM 27.3.1.6"),
            "If the guest will use PAE paging, PDPTE1 must not set reserved bits (2:1, 8:5 and \
             beyond the physical-address width) if its P bit is 1"),
        GuestPdpte2 = ("VMX-GUEST-PDPTE2", VmxClass::GuestState, PDPTE, sdm("SDM 27.3.1.6"),
            "If the guest will use PAE paging, PDPTE2 must not set reserved bits (2:1, 8:5 and \
             beyond the physical-address width) if its P bit is 1"),
        GuestPdpte3 = ("VMX-GUEST-PDPTE3", VmxClass::GuestState, PDPTE, sdm("SDM 27.3.1.6"),
            "If the guest will use PAE paging, PDPTE3 must not set reserved bits (2:1, 8:5 and \
             beyond the physical-address width) if its P bit is 1"),
        // MSR lists: VM-entry MSR-load entries (SDM 27.4)
        MsrEntryLoadFsBase = ("VMX-MSR-ENTRY-LOAD-FS-BASE", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "A VM-entry MSR-load entry must not index IA32_FS_BASE (C0000100H)"),
        MsrEntryLoadGsBase = ("VMX-MSR-ENTRY-LOAD-GS-BASE", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "A VM-entry MSR-load entry must not index IA32_GS_BASE (C0000101H)"),
        MsrEntryLoadX2apic = ("VMX-MSR-ENTRY-LOAD-X2APIC", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "Bits 31:8 of a VM-entry MSR-load entry's index must not be 000008H (the x2APIC MSRs)"),
        MsrEntryLoadSmm = ("VMX-MSR-ENTRY-LOAD-SMM", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "A VM-entry MSR-load entry must not index an MSR writable only in SMM \
             (IA32_SMM_MONITOR_CTL) when VM entry does not commence in SMM"),
        MsrEntryLoadModel = ("VMX-MSR-ENTRY-LOAD-MODEL", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "A VM-entry MSR-load entry must not index an MSR that cannot be loaded for \
             model-specific reasons (IA32_BIOS_UPDT_TRIG, IA32_BIOS_SIGN_ID)"),
        MsrEntryLoadReserved = ("VMX-MSR-ENTRY-LOAD-RSVD", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "Bits 63:32 of a VM-entry MSR-load entry must be 0"),
        MsrEntryLoadWrmsr = ("VMX-MSR-ENTRY-LOAD-WRMSR", VmxClass::MsrList, MSRLOAD, sdm("SDM 27.4"),
            "Writing bits 127:64 of a VM-entry MSR-load entry to its MSR must not cause a #GP as \
             WRMSR at CPL 0 would"),
        // MSR lists: VM-exit MSR-store entries (SDM 28.4)
        MsrExitStoreX2apic = ("VMX-MSR-EXIT-STORE-X2APIC", VmxClass::MsrList, MSRSTORE, sdm("SDM 28.4"),
            "Bits 31:8 of a VM-exit MSR-store entry's index must not be 000008H (the x2APIC MSRs)"),
        MsrExitStoreSmm = ("VMX-MSR-EXIT-STORE-SMM", VmxClass::MsrList, MSRSTORE, sdm("SDM 28.4"),
            "A VM-exit MSR-store entry must not index an MSR readable only in SMM (IA32_SMBASE)"),
        MsrExitStoreModel = ("VMX-MSR-EXIT-STORE-MODEL", VmxClass::MsrList, MSRSTORE, sdm("SDM 28.4"),
            "A VM-exit MSR-store entry must not index an MSR that cannot be saved for \
             model-specific reasons (IA32_BIOS_UPDT_TRIG, IA32_BIOS_SIGN_ID)"),
        MsrExitStoreReserved = ("VMX-MSR-EXIT-STORE-RSVD", VmxClass::MsrList, MSRSTORE, sdm("SDM 28.4"),
            "Bits 63:32 of a VM-exit MSR-store entry must be 0"),
        MsrExitStoreRdmsr = ("VMX-MSR-EXIT-STORE-RDMSR", VmxClass::MsrList, MSRSTORE, sdm("SDM 28.4"),
            "Reading the MSR a VM-exit MSR-store entry indexes must not cause a #GP as RDMSR at \
             CPL 0 would"),
        // MSR lists: VM-exit MSR-load entries (SDM 28.6)
        MsrExitLoadFsBase = ("VMX-MSR-EXIT-LOAD-FS-BASE", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "A VM-exit MSR-load entry must not index IA32_FS_BASE (C0000100H)"),
        MsrExitLoadGsBase = ("VMX-MSR-EXIT-LOAD-GS-BASE", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "A VM-exit MSR-load entry must not index IA32_GS_BASE (C0000101H)"),
        MsrExitLoadX2apic = ("VMX-MSR-EXIT-LOAD-X2APIC", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "Bits 31:8 of a VM-exit MSR-load entry's index must not be 000008H (the x2APIC MSRs)"),
        MsrExitLoadSmm = ("VMX-MSR-EXIT-LOAD-SMM", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "A VM-exit MSR-load entry must not index an MSR writable only in SMM \
             (IA32_SMM_MONITOR_CTL)"),
        MsrExitLoadModel = ("VMX-MSR-EXIT-LOAD-MODEL", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "A VM-exit MSR-load entry must not index an MSR that cannot be loaded for \
             model-specific reasons (IA32_BIOS_UPDT_TRIG, IA32_BIOS_SIGN_ID)"),
        MsrExitLoadReserved = ("VMX-MSR-EXIT-LOAD-RSVD", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "Bits 63:32 of a VM-exit MSR-load entry must be 0"),
        MsrExitLoadWrmsr = ("VMX-MSR-EXIT-LOAD-WRMSR", VmxClass::MsrList, MSREXITLOAD, sdm("SDM 28.6"),
            "Writing bits 127:64 of a VM-exit MSR-load entry to its MSR must not cause a #GP as \
             WRMSR at CPL 0 would"),
    }
}
