// SPDX-License-Identifier: GPL-2.0

//! Keeps `Documentation/nestvirt/vmx-rules-notes.rst` equal to what the
//! catalogue says. `NESTVIRT_BLESS=1 cargo test --test vmx_doc` rewrites it.

use nestvirt_engine::rule::{Basis, Rule};
use nestvirt_engine::vmx::{VmxClass, VmxRule};
use std::fmt::Write;

#[path = "common/generated_doc.rs"]
mod generated_doc;

/// Inputs of the checks that are not in vmcs12 (`VmxCaps`, `VmxContext`).
const INPUTS: &[(&str, &str)] = &[
    ("VmxCaps", "L1's VMX capability MSRs, IA32_VMX_BASIC to IA32_VMX_PROCBASED_CTLS3; the TRUE control MSRs apply when IA32_VMX_BASIC[55] is 1."),
    ("maxphyaddr", "L1's physical-address width, for every \"beyond the physical-address width\" check (capped at 32 for VMX structures when IA32_VMX_BASIC[48] is 1)."),
    ("linear_address_bits", "48 or 57, for the canonical checks; host RIP uses the paging mode of the host CR4 field instead."),
    ("l1_efer_lma, in_smm", "L1's IA32_EFER.LMA and SMM state when it executes VMLAUNCH/VMRESUME (address-space size, entry to SMM, SMI blocking)."),
    ("efer_allowed, debugctl_allowed, perf_global_ctrl_allowed", "the MSR bits L1's CPUID and PMU let it set, for the reserved-bit checks of the IA32_EFER, IA32_DEBUGCTL and IA32_PERF_GLOBAL_CTRL fields."),
    ("features", "CET shadow stacks and IBT (IA32_S_CET bits), LAM (CR3 bits 62:61), RTM (pending debug exceptions bit 16), SGX (enclave interruption), EPTP supervisor shadow-stack control."),
    ("current_vmcs_ptr, link_vmcs_header", "the current-VMCS pointer and the first 32 bits of the VMCS the link pointer names; without the header the revision and shadow-indicator checks are skipped."),
    ("virtual_tpr", "byte 80H of the virtual-APIC page; without it the TPR-threshold-versus-VTPR check is skipped."),
    ("guest_pdptes", "the PDPTEs at guest CR3 when EPT is off; without them the PDPTE checks apply only to the PDPTE fields (EPT on)."),
];

/// SDM checks the catalogue leaves out, and why.
const LEFT_OUT: &[(&str, &str)] = &[
    ("Tertiary processor-based controls, HLAT, IPI virtualization (PID-pointer table), virtualized IA32_SPEC_CTRL", "vmcs12 has no tertiary-controls field; \"activate tertiary controls\" is bounded by IA32_VMX_PROCBASED_CTLS, which KVM reports as 0."),
    ("Virtualization-exception information address (EPT-violation #VE)", "no vmcs12 field; the control is bounded by IA32_VMX_PROCBASED_CTLS2, which KVM reports as 0."),
    ("Sub-page-permission-table pointer", "no vmcs12 field; only \"sub-page write permissions requires EPT\" is checked."),
    ("Secondary VM-exit controls", "no vmcs12 field; \"activate secondary VM-exit controls\" is bounded by IA32_VMX_EXIT_CTLS."),
    ("IA32_PKRS, IA32_RTIT_CTL, IA32_LBR_CTL, FRED and UINV guest and host fields", "not in KVM 7.3.4's vmcs12; the controls that load them are bounded by the capability MSRs. \"Intel PT uses guest physical addresses\" still requires the RTIT controls."),
    ("Executive-VMCS pointer and the SMM-transfer monitor", "dual-monitor treatment is not virtualized; entry to SMM and deactivation of dual-monitor treatment are checked as controls."),
    ("VMCS link pointer versus the VMXON pointer in SMM without \"entry to SMM\"", "the VMXON pointer is not an input; outside SMM the link pointer is checked against the current-VMCS pointer."),
    ("VMLAUNCH of a launched VMCS, VMRESUME of a clear one, entry blocked by MOV SS (VM-instruction errors 4, 5, 26)", "instruction-level conditions checked before the VMCS, by KVM's nested_vmx_run()."),
];

fn class_name(c: VmxClass) -> &'static str {
    match c {
        VmxClass::Controls => "Controls: VM-execution, VM-exit and VM-entry control fields",
        VmxClass::HostState => "Host state",
        VmxClass::GuestState => "Guest state",
        VmxClass::MsrList => "MSR-list entries",
        VmxClass::Hardening => "Hardening: stricter than the SDM (audit by default)",
    }
}

/// A rule's basis as the notes print it.
fn basis(b: Basis) -> String {
    match b {
        Basis::Architectural(section) => section.to_string(),
        Basis::Hardening(why) => format!("hardening: {why}"),
    }
}

fn generate() -> String {
    let mut o = String::new();
    generated_doc::header(
        &mut o,
        "vmx_doc",
        "rust/engine/src/vmx/rules.rs",
        "VMX VM-entry rules: notes and catalogue",
    );
    let count = |c| VmxRule::ALL.iter().filter(|r| r.info().class == c).count();
    let classes = [
        VmxClass::Controls,
        VmxClass::HostState,
        VmxClass::GuestState,
        VmxClass::MsrList,
        VmxClass::Hardening,
    ];
    let _ = writeln!(
        o,
        "nestvirt's VMX catalogue has {} rules: {} on the VMX controls, {} on the\n\
         host-state area, {} on the guest-state area, {} on MSR-list entries and\n\
         {} hardening rules, stricter than the SDM (class hardening, audit by\n\
         default: enforcing the other classes gives exactly what hardware gives).\n\
         They follow the Intel SDM's \"Checks on VMX Controls\", \"Checks on\n\
         Host Control Registers, MSRs, and SSP\", \"Checks on Host Segment and\n\
         Descriptor-Table Registers\", \"Checks on Host Address-Space Size\", the\n\
         \"Checks on the Guest-State Area\" and the MSR-list entry checks of\n\
         \"Loading MSRs\" and \"Saving MSRs\", in that order, which is also the order\n\
         of evaluation: the first failing rule is the one the architecture\n\
         reports. `cargo run --bin nestvirt-rules count` prints the counts.\n",
        VmxRule::ALL.len(),
        count(VmxClass::Controls),
        count(VmxClass::HostState),
        count(VmxClass::GuestState),
        count(VmxClass::MsrList),
        count(VmxClass::Hardening),
    );
    let head = "Inputs beyond vmcs12";
    let _ = writeln!(o, "{head}\n{}\n", "=".repeat(head.len()));
    for (name, what) in INPUTS {
        let _ = writeln!(o, "``{name}``\n  {what}\n");
    }
    let head = "SDM checks left out";
    let _ = writeln!(o, "{head}\n{}\n", "=".repeat(head.len()));
    for (what, why) in LEFT_OUT {
        let _ = writeln!(o, "- {what}: {why}");
    }
    let _ = writeln!(o);
    let head = "Coupled rules";
    let _ = writeln!(o, "{head}\n{}\n", "=".repeat(head.len()));
    let _ = writeln!(
        o,
        "Some violations break two rules at once, whatever else changes: an MSR\n\
         area whose address is beyond the physical-address width also ends beyond\n\
         it; entry to SMM outside SMM also breaks one of the SMI-blocking rules;\n\
         an IA-32e mode guest of an L1 outside IA-32e mode also breaks one of the\n\
         host address-space-size rules. The negative tests name these couplings.\n"
    );
    for class in classes {
        let head = class_name(class);
        let _ = writeln!(o, "{head}\n{}\n", "=".repeat(head.len()));
        let _ = writeln!(
            o,
            ".. list-table::\n   :header-rows: 1\n   :widths: 30 18 52\n"
        );
        let _ = writeln!(
            o,
            "   * - ID\n     - Consequence\n     - Rule, and its basis"
        );
        for r in VmxRule::ALL.iter().filter(|r| r.info().class == class) {
            let info = r.info();
            let _ = writeln!(o, "   * - ``{}``", info.id);
            let _ = writeln!(o, "     - {}", info.consequence.describe());
            let _ = writeln!(o, "     - {} ({})", info.description, basis(info.basis));
        }
        let _ = writeln!(o);
    }
    o
}

#[test]
fn test_vmx_rules_notes_are_current() {
    generated_doc::assert_current("vmx-rules-notes.rst", "vmx_doc", &generate());
}
