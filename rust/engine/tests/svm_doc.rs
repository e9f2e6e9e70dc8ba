// SPDX-License-Identifier: GPL-2.0

//! Keeps `Documentation/nestvirt/svm-rules-vs-kvm.rst` equal to what the
//! catalogue says. `NESTVIRT_BLESS=1 cargo test --test svm_doc` rewrites it.

use nestvirt_engine::rule::{Basis, Rule};
use nestvirt_engine::svm::{KvmCheck, SvmRule};
use std::fmt::Write;

#[path = "common/generated_doc.rs"]
mod generated_doc;

/// What KVM 7.3.4 rejects that the engine cannot see: it needs guest
/// memory or vCPU state outside vmcb12.
const KVM_ONLY: &[(&str, &str)] = &[
    (
        "nested_svm_check_permissions(): EFER.SVME or CR0.PG clear in L1",
        "#UD, raised before VMRUN's own checks; not a VMCB property.",
    ),
    ("nested_svm_vmrun(): VMRUN in SMM", "#UD; vCPU state."),
    (
        "nested_svm_vmrun(): kvm_hv_verify_vp_assist()",
        "#GP for a bogus Hyper-V VP assist page; Hyper-V state.",
    ),
    (
        "nested_svm_load_cr3(): load_pdptrs() without nested paging",
        "PAE PDPTEs with reserved bits; reading them needs guest memory.",
    ),
    (
        "nested_svm_copy_vmcb12_to_cache(), nested_svm_merge_msrpm()",
        "Failing to map vmcb12 or to read L1's MSR permission map; memory, not VMCB contents.",
    ),
];

fn generate() -> String {
    let mut o = String::new();
    generated_doc::header(
        &mut o,
        "svm_doc",
        "rust/engine/src/svm/rules.rs",
        "SVM rules KVM 7.3.4 does not check",
    );
    let checked = |k| SvmRule::ALL.iter().filter(|r| r.source().kvm == k).count();
    let _ = writeln!(
        o,
        "nestvirt's SVM catalogue has {} rules. KVM 7.3.4 makes {} of the checks\n\
         itself, {} in part, and {} not at all; {} rules are not checks on vmcb12\n\
         but on the vmcb02 KVM builds. The differential test in an emulated host\n\
         requires that every vmcb12 KVM rejects is rejected by nestvirt, and that\n\
         every vmcb12 only nestvirt rejects fails one of the rules below. The\n\
         justifications quote the AMD64 Architecture Programmer's Manual (APM)\n\
         where text is in quotes and paraphrase it elsewhere.\n",
        SvmRule::ALL.len(),
        checked(KvmCheck::Checked),
        checked(KvmCheck::Partial),
        checked(KvmCheck::NotChecked),
        checked(KvmCheck::Constructs),
    );
    for (kind, head, intro) in [
        (
            KvmCheck::Partial,
            "Rules KVM checks in part",
            "KVM checks part of the condition; nestvirt rejects more.",
        ),
        (
            KvmCheck::NotChecked,
            "Rules KVM does not check",
            "KVM accepts these vmcb12 values, ignoring or masking them.",
        ),
        (
            KvmCheck::Constructs,
            "Rules on vmcb02",
            "Not checks of vmcb12: KVM builds vmcb02 so that they hold, and\n\
             nestvirt verifies the result before L2 runs.",
        ),
    ] {
        let _ = writeln!(o, "{head}\n{}\n\n{intro}\n", "=".repeat(head.len()));
        for r in SvmRule::ALL.iter().filter(|r| r.source().kvm == kind) {
            let info = r.info();
            let s = r.source();
            let id = format!("``{}``", info.id);
            let _ = writeln!(o, "{id}\n{}\n", "-".repeat(id.len()));
            let _ = writeln!(o, "Rule\n  {}.\n", info.description);
            let _ = writeln!(
                o,
                "Class, consequence\n  {:?}, {}.\n",
                info.class,
                info.consequence.describe()
            );
            let _ = match info.basis {
                Basis::Architectural(section) => {
                    writeln!(o, "Basis\n  Architectural, {section}.\n")
                }
                Basis::Hardening(why) => writeln!(o, "Basis\n  Hardening: {why}.\n"),
            };
            let _ = writeln!(o, "KVM 7.3.4\n  {}.\n", s.kvm_site);
            let _ = writeln!(o, "Justification\n  {}.\n", s.apm);
        }
    }
    let head = "What KVM rejects that nestvirt cannot see";
    let _ = writeln!(o, "{head}\n{}\n", "=".repeat(head.len()));
    let _ = writeln!(
        o,
        "These KVM checks need guest memory or vCPU state outside vmcb12; the\n\
         differential test must exclude them or supply that state.\n"
    );
    for (site, why) in KVM_ONLY {
        let _ = writeln!(o, "- ``{site}``: {why}");
    }
    o
}

#[test]
fn test_svm_rules_vs_kvm_is_current() {
    generated_doc::assert_current("svm-rules-vs-kvm.rst", "svm_doc", &generate());
}
