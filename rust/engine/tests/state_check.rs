// SPDX-License-Identifier: GPL-2.0

//! The catalogue on a container's nested state (state::check_container):
//! a valid L2 passes, a single broken field fails with its rule, and
//! outside guest mode nothing past the header is read. Also the L1
//! sections' layouts, which are the hook ABI's.

use nestvirt_engine::rule::{ClassModes, Mode};
use nestvirt_engine::state::{
    check_container, encode, Checked, Container, NewSection, SectionType, StateError, SvmL1, Vendor,
};
use nestvirt_engine::svm::{sample, SvmClass};
use nestvirt_engine::vmx::{
    baseline_caps, baseline_context, baseline_vmcs12, Field, L1Env, VmxClass,
};

fn kvm_blob(
    format: u16,
    flags: u16,
    hdr: &[(usize, u64)],
    page: Option<&[u8]>,
    pages: usize,
) -> Vec<u8> {
    let mut b = vec![0u8; 128 + pages * 4096];
    let n = b.len() as u32;
    b[0..2].copy_from_slice(&flags.to_le_bytes());
    b[2..4].copy_from_slice(&format.to_le_bytes());
    b[4..8].copy_from_slice(&n.to_le_bytes());
    for &(at, v) in hdr {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    if let Some(p) = page {
        b[128..128 + p.len()].copy_from_slice(p);
    }
    b
}

fn container(vendor: Vendor, kvm: &[u8], l1: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 65536];
    let n = encode(
        &mut out,
        vendor,
        &[
            NewSection::of(SectionType::KvmNestedState, kvm),
            NewSection::of(SectionType::L1Caps, l1),
        ],
    )
    .unwrap();
    out.truncate(n);
    out
}

fn svm_container(vmcb: &nestvirt_engine::svm::Vmcb12, flags: u16) -> Vec<u8> {
    let mut page = [0u8; 4096];
    vmcb.write_page(&mut page);
    let kvm = kvm_blob(1, flags, &[(8, 0x10_2000)], Some(&page), 1);
    let l1 = SvmL1::new(sample::caps(), 0x5000, 0);
    container(Vendor::Svm, &kvm, &l1.to_bytes())
}

fn vmx_env() -> L1Env {
    let ctx = baseline_context();
    L1Env {
        caps: baseline_caps().to_msrs(),
        efer_allowed: ctx.efer_allowed,
        debugctl_allowed: ctx.debugctl_allowed,
        perf_global_ctrl_allowed: ctx.perf_global_ctrl_allowed,
        current_vmptr: ctx.current_vmcs_ptr,
        features: (1 << L1Env::F_SHSTK) | (1 << L1Env::F_IBT) | (1 << L1Env::F_LAM),
        maxphyaddr: ctx.maxphyaddr,
        linear_address_bits: ctx.linear_address_bits,
        l1_efer_lma: 1,
        in_smm: 0,
    }
}

fn vmx_container(vmcs: &nestvirt_engine::vmx::Vmcs12, flags: u16) -> Vec<u8> {
    let kvm = kvm_blob(
        0,
        flags,
        &[(8, 0x1000), (16, 0x0100_0000)],
        Some(vmcs.as_bytes()),
        2,
    );
    container(Vendor::Vmx, &kvm, &vmx_env().to_bytes())
}

fn enforce(n: usize) -> ClassModes {
    ClassModes::uniform(Mode::Enforce, n)
}

fn check(b: &[u8], n: usize) -> Result<Checked, StateError> {
    check_container(&Container::parse(b, None).unwrap(), enforce(n))
}

#[test]
fn svm_guest_state_is_checked_with_the_catalogue() {
    let n = SvmClass::ALL.len();
    let good = svm_container(&sample::vmcb12(), 1);
    let r = check(&good, n).unwrap();
    assert!(matches!(r, Checked::Svm(_)));
    assert_eq!(r.enforced_id(), None);
    let mut bad = sample::vmcb12();
    bad.set_asid(0);
    assert_eq!(
        check(&svm_container(&bad, 1), n).unwrap().enforced_id(),
        Some("SVM-CTL-ASID-ZERO")
    );
    // Outside guest mode the same vmcb12 is not restored, so not checked.
    assert!(matches!(
        check(&svm_container(&bad, 0), n).unwrap(),
        Checked::NoGuestState
    ));
}

#[test]
fn vmx_guest_state_is_checked_with_the_catalogue() {
    let n = VmxClass::ALL.len();
    let good = baseline_vmcs12();
    let r = check(&vmx_container(&good, 1), n).unwrap();
    assert!(matches!(r, Checked::Vmx(_)));
    assert_eq!(r.enforced_id(), None);
    let mut bad = good;
    bad.set(Field::GuestRip, 0x0001_0000_0000_0000);
    assert_eq!(
        check(&vmx_container(&bad, 1), n).unwrap().enforced_id(),
        Some("VMX-GUEST-RIP-CANON")
    );
    assert!(matches!(
        check(&vmx_container(&bad, 0), n).unwrap(),
        Checked::NoGuestState
    ));
}

#[test]
fn a_bad_kvm_header_is_refused_before_the_catalogue() {
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    let kvm = kvm_blob(1, 1, &[(8, 0x10_2008)], Some(&page), 1);
    let l1 = SvmL1::default().to_bytes();
    let b = container(Vendor::Svm, &kvm, &l1);
    assert_eq!(
        check(&b, SvmClass::ALL.len()).unwrap_err(),
        StateError::KvmHeader
    );
}

/// KVM's `page_address_valid()` against the destination's MAXPHYADDR: the
/// last page below it passes, the first at it fails (SVM in guest mode
/// only; VMX for VMXON and vmcs12 whenever given, INVALID_GPA meaning none).
#[test]
fn header_addresses_are_checked_against_maxphyaddr() {
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    let caps = sample::caps();
    let top = 1u64 << caps.maxphyaddr;
    let svm = |flags: u16, pa: u64| {
        let kvm = kvm_blob(1, flags, &[(8, pa)], Some(&page), 1);
        let l1 = SvmL1::new(caps, 0x5000, 0);
        check(
            &container(Vendor::Svm, &kvm, &l1.to_bytes()),
            SvmClass::ALL.len(),
        )
    };
    assert!(svm(1, top - 4096).is_ok());
    assert_eq!(svm(1, top).unwrap_err(), StateError::KvmHeader);
    // Outside guest mode KVM does not look at vmcb_pa.
    assert!(matches!(svm(0, top), Ok(Checked::NoGuestState)));

    let env = vmx_env();
    let top = 1u64 << env.maxphyaddr;
    let vmx = |flags: u16, vmxon: u64, vmcs12: u64| {
        let kvm = kvm_blob(
            0,
            flags,
            &[(8, vmxon), (16, vmcs12)],
            Some(baseline_vmcs12().as_bytes()),
            2,
        );
        check(
            &container(Vendor::Vmx, &kvm, &env.to_bytes()),
            VmxClass::ALL.len(),
        )
    };
    assert!(vmx(1, top - 4096, 0x0100_0000).is_ok());
    assert!(vmx(1, 0x1000, top - 4096).is_ok());
    assert_eq!(vmx(1, top, 0x0100_0000).unwrap_err(), StateError::KvmHeader);
    assert_eq!(vmx(1, 0x1000, top).unwrap_err(), StateError::KvmHeader);
    // Outside guest mode too: KVM checks both before anything else.
    assert!(matches!(
        vmx(0, 0x1000, top - 4096),
        Ok(Checked::NoGuestState)
    ));
    assert_eq!(vmx(0, 0x1000, top).unwrap_err(), StateError::KvmHeader);
    assert_eq!(vmx(0, top, 0x0100_0000).unwrap_err(), StateError::KvmHeader);
    // A MAXPHYADDR of 64 or more (a hostile or made-up l1-caps section)
    // leaves no address beyond it, and shifts nothing out of range.
    for maxphyaddr in [64u8, 255] {
        let wide = L1Env { maxphyaddr, ..env };
        let kvm = kvm_blob(
            0,
            1,
            &[(8, 0x1000), (16, 0xffff_f000_0000_0000)],
            Some(baseline_vmcs12().as_bytes()),
            2,
        );
        let r = check(
            &container(Vendor::Vmx, &kvm, &wide.to_bytes()),
            VmxClass::ALL.len(),
        );
        assert!(
            !matches!(r, Err(StateError::KvmHeader)),
            "{maxphyaddr}: {r:?}"
        );
    }
    // Not in VMX operation: both addresses INVALID_GPA, which is no address.
    let off = kvm_blob(0, 0, &[(8, u64::MAX), (16, u64::MAX)], None, 0);
    assert!(matches!(
        check(
            &container(Vendor::Vmx, &off, &env.to_bytes()),
            VmxClass::ALL.len()
        ),
        Ok(Checked::NoGuestState)
    ));
}

#[test]
fn l1_layouts_are_the_hook_abis() {
    let env = vmx_env();
    let b = env.to_bytes();
    assert_eq!(L1Env::from_bytes(&b), Some(env));
    // struct nestvirt_vmx_env: efer_allowed at 152, features at 184,
    // maxphyaddr 188, linear_address_bits 189, l1_efer_lma 190, in_smm 191.
    assert_eq!(
        u64::from_le_bytes(b[152..160].try_into().unwrap()),
        env.efer_allowed
    );
    assert_eq!(
        u32::from_le_bytes(b[184..188].try_into().unwrap()),
        env.features
    );
    assert_eq!(
        &b[188..192],
        &[env.maxphyaddr, env.linear_address_bits, 1, 0]
    );
    assert_eq!(L1Env::from_bytes(&b[..191]), None);
    // Every byte field read back from its own offset, none left at zero.
    let odd = L1Env {
        in_smm: 1,
        l1_efer_lma: 1,
        ..env
    };
    assert_eq!(L1Env::from_bytes(&odd.to_bytes()), Some(odd));
    // The context it stands for is the baseline's, but for memory facts.
    let mut want = baseline_context();
    want.virtual_tpr = None;
    assert_eq!(env.context(), want);
    assert_eq!(env.caps(), baseline_caps());
    // struct nestvirt_svm_l1: features, hsave_pa, maxphyaddr, cpl.
    let l1 = SvmL1 {
        features: 0x1234,
        hsave_pa: 0x5000,
        maxphyaddr: 48,
        cpl: 3,
    };
    let b = l1.to_bytes();
    assert_eq!(&b[16..18], &[48, 3]);
    assert_eq!(SvmL1::from_bytes(&b), Some(l1));
    assert_eq!(SvmL1::from_bytes(&b[..23]), None);
    // Bytes 18 to 23 are reserved: a container with them set is refused.
    let mut r = b;
    r[23] = 1;
    assert_eq!(SvmL1::from_bytes(&r), None);
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    let kvm = kvm_blob(1, 1, &[(8, 0x10_2000)], Some(&page), 1);
    let bad = container(Vendor::Svm, &kvm, &r);
    assert_eq!(
        check(&bad, SvmClass::ALL.len()).unwrap_err(),
        StateError::Reserved
    );
}

/// Restored state was entered by no instruction: L1's IA32_EFER.LMA for
/// the host address-space-size checks is the VM-exit control's own value,
/// so a restored 32-bit host (control 0) fails neither
/// VMX-HOST-ASS-L1-LONG nor -LEGACY, whatever L1's env recorded.
#[test]
fn restored_vmx_state_takes_l1_lma_from_its_exit_control() {
    use nestvirt_engine::rule::Rule;
    let mut vmcs = baseline_vmcs12();
    let exit = vmcs.get(Field::VmExitControls);
    vmcs.set(Field::VmExitControls, exit & !(1 << 9));
    let Checked::Vmx(o) = check(&vmx_container(&vmcs, 1), VmxClass::ALL.len()).unwrap() else {
        panic!("not a VMX verdict");
    };
    let ids: Vec<_> = o.counted.iter().map(|r| r.info().id).collect();
    assert!(!ids.contains(&"VMX-HOST-ASS-L1-LONG"), "{ids:?}");
    assert!(!ids.contains(&"VMX-HOST-ASS-L1-LEGACY"), "{ids:?}");
}
