// SPDX-License-Identifier: GPL-2.0

//! `nestvirtctl state`, run as a user would on state files: containers the
//! engine writes, raw KVM blobs, corrupted and refused ones. No device.

use nestvirt_engine::state::{encode, NewSection, SectionType, SvmL1, Vendor};
use nestvirt_engine::svm::{sample, Vmcb12};
use std::path::PathBuf;

mod common;
use common::{nestvirtctl, text};

/// KVM's SVM nested state in guest mode holding `vmcb`.
fn kvm_svm(vmcb: &Vmcb12) -> Vec<u8> {
    let mut b = vec![0u8; 128 + 4096];
    b[0..2].copy_from_slice(&0x101u16.to_le_bytes());
    b[2..4].copy_from_slice(&1u16.to_le_bytes());
    b[4..8].copy_from_slice(&(128u32 + 4096).to_le_bytes());
    b[8..16].copy_from_slice(&0x10_2000u64.to_le_bytes());
    let mut page = [0u8; 4096];
    vmcb.write_page(&mut page);
    b[128..].copy_from_slice(&page);
    b
}

fn container(vmcb: &Vmcb12) -> Vec<u8> {
    let l1 = SvmL1::new(sample::caps(), 0x5000, 0);
    let kvm = kvm_svm(vmcb);
    let l1 = l1.to_bytes();
    let mut out = vec![0u8; 65536];
    let n = encode(
        &mut out,
        Vendor::Svm,
        &[
            NewSection::of(SectionType::KvmNestedState, &kvm),
            NewSection::of(SectionType::L1Caps, &l1),
        ],
    )
    .unwrap();
    out.truncate(n);
    out
}

/// Writes `bytes` to a file of the test's own and returns its path.
fn file(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("state-files");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn a_valid_container_validates_and_dumps() {
    let p = file("valid", &container(&sample::vmcb12()));
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout)
        .contains("valid\nchecked: container, KVM's header checks and the catalogue"));
    let out = nestvirtctl(&["--json", "state", "dump", &p]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "container");
    assert_eq!(v["vendor"], "svm");
    assert_eq!(
        v["kvm_nested_state"]["flag_names"],
        serde_json::json!(["guest-mode", "gif-set"])
    );
    assert_eq!(v["kvm_nested_state"]["header"]["vmcb_pa"], 0x10_2000);
    assert_eq!(v["sections"].as_array().unwrap().len(), 2);
    assert_eq!(v["l1"]["hsave_pa"], 0x5000);
}

#[test]
fn a_failing_l2_state_is_refused_with_its_rule() {
    let mut vmcb = sample::vmcb12();
    vmcb.set_asid(0);
    let p = file("asid0", &container(&vmcb));
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(8));
    assert!(text(&out.stdout).contains("failing rule: SVM-CTL-ASID-ZERO"));
    assert!(text(&out.stderr).contains("refused: SVM-CTL-ASID-ZERO"));
    let out = nestvirtctl(&["--json", "state", "validate", &p]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["refused"], "SVM-CTL-ASID-ZERO");
}

#[test]
fn a_corrupted_container_is_refused_with_its_state_id() {
    let mut b = container(&sample::vmcb12());
    b[100] ^= 1;
    let p = file("corrupt", &b);
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        text(&out.stderr).contains("STATE-CHECKSUM"),
        "{}",
        text(&out.stderr)
    );
    let out = nestvirtctl(&["state", "dump", &p]);
    assert_eq!(out.status.code(), Some(8));
}

#[test]
fn a_raw_kvm_blob_is_read_without_the_catalogue() {
    let p = file("raw", &kvm_svm(&sample::vmcb12()));
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no catalogue"));
    let out = nestvirtctl(&["state", "dump", &p]);
    assert!(text(&out.stdout).contains("kind: raw KVM nested state"));
    // A raw blob whose header KVM would refuse.
    let mut bad = kvm_svm(&sample::vmcb12());
    bad[8] = 8; // vmcb_pa not page aligned
    let p = file("raw-bad", &bad);
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(8));
    assert!(text(&out.stderr).contains("STATE-KVM-HEADER"));
}

#[test]
fn diff_names_the_changed_fields() {
    let a = file("diff-a", &container(&sample::vmcb12()));
    let mut vmcb = sample::vmcb12();
    vmcb.set_asid(7);
    let b = file("diff-b", &container(&vmcb));
    let out = nestvirtctl(&["state", "diff", &a, &b]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "vmcb12.control.asid: 00000001 -> 00000007\n"
    );
    let out = nestvirtctl(&["state", "diff", &a, &a]);
    assert_eq!(text(&out.stdout), "no difference\n");
}

#[test]
fn a_missing_file_is_an_error_not_a_refusal() {
    let out = nestvirtctl(&["state", "dump", "/nonexistent/state"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/state"));
}

/// A file of tests/data: containers and a raw KVM blob the kernel wrote in
/// the emulated AMD host (selftests/nestvirt_svm_state_test.c, an L1 with
/// L2 stopped at its first and third GUEST_SYNC; `NV_STATE_CAPTURE`).
fn captured(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/").to_string() + name
}

#[test]
fn a_captured_container_validates_against_the_l1_it_records() {
    let p = captured("svm-l2-stage1.nvstate");
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout)
        .contains("valid\nchecked: container, KVM's header checks and the catalogue"));
    let out = nestvirtctl(&["--json", "state", "dump", &p]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "container");
    assert_eq!(v["vendor"], "svm");
    let names: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kvm-nested-state", "nestvirt-vcpu", "l1-caps"]);
    assert_eq!(
        v["kvm_nested_state"]["flag_names"],
        serde_json::json!(["guest-mode", "gif-set"])
    );
    // QEMU's emulated AMD CPU: 40 physical-address bits, L1 at CPL 0.
    assert_eq!(v["l1"]["maxphyaddr"], 40);
    assert_eq!(v["l1"]["cpl"], 0);
}

#[test]
fn a_captured_raw_blob_is_the_containers_kvm_state() {
    let raw = nestvirtctl(&["--json", "state", "dump", &captured("svm-l2-stage1.kvm")]);
    assert_eq!(raw.status.code(), Some(0), "{}", text(&raw.stderr));
    let raw: serde_json::Value = serde_json::from_slice(&raw.stdout).unwrap();
    assert_eq!(raw["kind"], "raw KVM nested state");
    let c = nestvirtctl(&[
        "--json",
        "state",
        "dump",
        &captured("svm-l2-stage1.nvstate"),
    ]);
    let c: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(raw["kvm_nested_state"], c["kvm_nested_state"]);
    let bytes = std::fs::read(captured("svm-l2-stage1.nvstate")).unwrap();
    let kvm = std::fs::read(captured("svm-l2-stage1.kvm")).unwrap();
    assert_eq!(&bytes[48..48 + kvm.len()], &kvm[..]);
}

/// The fields `nestvirtctl state diff` reports between two files.
fn diff_fields(a: &str, b: &str) -> Vec<String> {
    let out = nestvirtctl(&["--json", "state", "diff", a, b]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_string())
        .collect()
}

/// `nestvirtctl state validate` of the captured container `name` with
/// `bytes` written at `at` in KVM's state (after the container's and KVM's
/// headers) and the checksum fixed, so only the catalogue can refuse it:
/// it must, with `rule`.
fn captured_refused_with(name: &str, at: usize, bytes: &[u8], rule: &str) {
    let mut b = std::fs::read(captured(name)).unwrap();
    let at = 48 + 128 + at;
    b[at..at + bytes.len()].copy_from_slice(bytes);
    b[24..28].copy_from_slice(&[0; 4]);
    let crc = nestvirt_engine::state::crc32c::crc32c(&b);
    b[24..28].copy_from_slice(&crc.to_le_bytes());
    let p = file(&format!("{name}-{rule}"), &b);
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        text(&out.stdout).contains(&format!("failing rule: {rule}")),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn two_captured_stages_differ_where_l1_changed() {
    let fields = diff_fields(
        &captured("svm-l2-stage1.nvstate"),
        &captured("svm-l2-stage3.nvstate"),
    );
    assert_eq!(fields, ["vmcb12.save.dr6"]);
}

#[test]
fn a_captured_container_with_a_bad_vmcb12_is_refused_offline() {
    // vmcb12's ASID (control area offset 0x58) at 0.
    captured_refused_with(
        "svm-l2-stage1.nvstate",
        0x58,
        &0u32.to_le_bytes(),
        "SVM-CTL-ASID-ZERO",
    );
}

/// The Intel host's captures (Bochs; selftests/nestvirt_vmx_state_test.c,
/// L2 stopped at its first and third GUEST_SYNC, sent back over the serial
/// line): valid against the L1 they record, the raw blob is the
/// container's KVM state, and a guest CR0 of 0 is refused offline with the
/// rule the live test sees.
#[test]
fn captured_vmx_containers_validate_and_a_bad_vmcs12_is_refused() {
    let p = captured("vmx-l2-stage1.nvstate");
    let out = nestvirtctl(&["state", "validate", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = nestvirtctl(&["--json", "state", "dump", &p]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["vendor"], "vmx");
    assert_eq!(
        v["kvm_nested_state"]["flag_names"],
        serde_json::json!(["guest-mode"])
    );
    // Bochs' emulated Intel CPU: 40 physical-address bits.
    assert_eq!(v["l1"]["maxphyaddr"], 40);

    let bytes = std::fs::read(&p).unwrap();
    let kvm = std::fs::read(captured("vmx-l2-stage1.kvm")).unwrap();
    assert_eq!(&bytes[48..48 + kvm.len()], &kvm[..]);

    // L2 ran between the stages: only the guest-linear address KVM
    // keeps in vmcs12 moved.
    let fields = diff_fields(&p, &captured("vmx-l2-stage3.nvstate"));
    assert_eq!(fields, ["vmcs12.guest_linear_address"]);

    // vmcs12's guest CR0 (offset 424) at 0.
    captured_refused_with(
        "vmx-l2-stage1.nvstate",
        424,
        &0u64.to_le_bytes(),
        "VMX-GUEST-CR0-FIXED0",
    );
}
