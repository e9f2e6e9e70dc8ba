// SPDX-License-Identifier: GPL-2.0

//! KVM's nested state: the checks KVM 7.3.4 makes on KVM_SET_NESTED_STATE
//! without the vCPU (kvm_arch_vcpu_ioctl(), vmx_set_nested_state(),
//! svm_set_nested_state()), each with a blob it refuses and the neighbour
//! it accepts.

use nestvirt_engine::state::kvm::*;
use nestvirt_engine::state::{KvmHeader, KvmNestedState, StateError, Vendor};

struct Vmx {
    flags: u16,
    vmxon_pa: u64,
    vmcs12_pa: u64,
    smm_flags: u16,
    hdr_flags: u32,
    pages: usize,
}

impl Vmx {
    /// L2 running: VMXON, a current VMCS, guest mode, vmcs12 and shadow.
    fn guest_mode() -> Self {
        Self {
            flags: GUEST_MODE,
            vmxon_pa: 0x1000,
            vmcs12_pa: 0x2000,
            smm_flags: 0,
            hdr_flags: 0,
            pages: 2,
        }
    }

    /// Not in VMX operation.
    fn off() -> Self {
        Self {
            flags: 0,
            vmxon_pa: INVALID_GPA,
            vmcs12_pa: INVALID_GPA,
            smm_flags: 0,
            hdr_flags: 0,
            pages: 0,
        }
    }

    fn blob(&self) -> Vec<u8> {
        let mut b = vec![0u8; HEADER_SIZE + self.pages * PAGE];
        let n = b.len() as u32;
        b[0..2].copy_from_slice(&self.flags.to_le_bytes());
        b[2..4].copy_from_slice(&FORMAT_VMX.to_le_bytes());
        b[4..8].copy_from_slice(&n.to_le_bytes());
        b[8..16].copy_from_slice(&self.vmxon_pa.to_le_bytes());
        b[16..24].copy_from_slice(&self.vmcs12_pa.to_le_bytes());
        b[24..26].copy_from_slice(&self.smm_flags.to_le_bytes());
        b[28..32].copy_from_slice(&self.hdr_flags.to_le_bytes());
        if b.len() >= HEADER_SIZE + VMCS12_STRUCT_SIZE {
            b[128..132].copy_from_slice(&VMCS12_REVISION.to_le_bytes());
        }
        b
    }

    fn parse(&self) -> Result<(), StateError> {
        KvmNestedState::parse(&self.blob(), Vendor::Vmx).map(|_| ())
    }
}

/// Offsets of L1's save-area fields in the blob (the VMCB page after the
/// 128-byte header; the save area at 400h).
const SAVE_CR0: usize = HEADER_SIZE + 0x400 + 0x158;
const SAVE_EFER: usize = HEADER_SIZE + 0x400 + 0xd0;
const SAVE_RFLAGS: usize = HEADER_SIZE + 0x400 + 0x170;

fn svm(flags: u16, vmcb_pa: u64, pages: usize) -> Vec<u8> {
    let mut b = vec![0u8; HEADER_SIZE + pages * PAGE];
    let n = b.len() as u32;
    b[0..2].copy_from_slice(&flags.to_le_bytes());
    b[2..4].copy_from_slice(&FORMAT_SVM.to_le_bytes());
    b[4..8].copy_from_slice(&n.to_le_bytes());
    b[8..16].copy_from_slice(&vmcb_pa.to_le_bytes());
    if pages > 0 {
        // L1 in long mode with paging.
        b[SAVE_CR0..SAVE_CR0 + 8].copy_from_slice(&0x8000_0011u64.to_le_bytes());
        b[SAVE_EFER..SAVE_EFER + 8].copy_from_slice(&0x1d00u64.to_le_bytes());
    }
    b
}

fn put(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// svm_set_nested_state() refuses, whatever the vCPU, an L1 save area
/// without paging or protection, in virtual-8086 mode, or with EFER.LMA
/// but not EFER.LME; only in guest mode, where it reads it.
#[test]
fn svm_l1_save_area() {
    let parse = |b: &[u8]| KvmNestedState::parse(b, Vendor::Svm).map(|_| ());
    let good = svm(GUEST_MODE, 0x3000, 1);
    assert_eq!(parse(&good), Ok(()));
    for (what, at, v) in [
        ("CR0.PG clear", SAVE_CR0, 0x11u64),
        ("CR0.PE clear", SAVE_CR0, 0x8000_0010),
        ("RFLAGS.VM", SAVE_RFLAGS, 1 << 17),
        ("EFER.LMA without LME", SAVE_EFER, 0x1400),
    ] {
        let mut b = good.clone();
        put(&mut b, at, v);
        assert_eq!(parse(&b), Err(StateError::KvmData), "{what}");
        // Outside guest mode the area is not read.
        b[0..2].copy_from_slice(&0u16.to_le_bytes());
        assert_eq!(parse(&b), Ok(()), "{what} outside guest mode");
    }
}

/// vmx_set_nested_state(): the vmcs12's revision, and in guest mode with
/// VMCS shadowing and a link pointer, the shadow vmcs12 (present, of the
/// revision, with the shadow-VMCS indicator).
#[test]
fn vmx_vmcs12_data() {
    let mut b = Vmx::guest_mode().blob();
    assert_eq!(KvmNestedState::parse(&b, Vendor::Vmx).map(|_| ()), Ok(()));
    b[128] ^= 1;
    assert_eq!(
        KvmNestedState::parse(&b, Vendor::Vmx).unwrap_err(),
        StateError::KvmData
    );
    // Not in guest mode, the revision still counts.
    let mut b = Vmx {
        flags: 0,
        ..Vmx::guest_mode()
    }
    .blob();
    b[128] ^= 1;
    assert_eq!(
        KvmNestedState::parse(&b, Vendor::Vmx).unwrap_err(),
        StateError::KvmData
    );
    // VMCS shadowing with a link pointer: the shadow must be right.
    let shadowed_as =
        |flags: u16, ctl: u64, ctl2: u64, pages: usize, shadow_hdr: u32, link: u64| {
            let mut b = Vmx {
                flags,
                pages,
                ..Vmx::guest_mode()
            }
            .blob();
            let v = nestvirt_engine::state::kvm::vmcs12_of(&b[128..]);
            let mut v = v;
            use nestvirt_engine::vmx::Field;
            v.set(Field::CpuBasedVmExecControl, ctl);
            v.set(Field::SecondaryVmExecControl, ctl2);
            v.set(Field::VmcsLinkPointer, link);
            let n = (b.len() - 128).min(4096);
            b[128..128 + n].copy_from_slice(&v.as_bytes()[..n]);
            if pages == 2 {
                b[128 + 4096..128 + 4100].copy_from_slice(&shadow_hdr.to_le_bytes());
            }
            KvmNestedState::parse(&b, Vendor::Vmx).map(|_| ())
        };
    let shadowed = |pages: usize, shadow_hdr: u32, link: u64| {
        shadowed_as(GUEST_MODE, 1 << 31, 1 << 14, pages, shadow_hdr, link)
    };
    let good = VMCS12_REVISION | 1 << 31;
    assert_eq!(shadowed(2, good, 0x9000), Ok(()));
    // Only in guest mode, and only with both controls, is the shadow read.
    assert_eq!(shadowed_as(0, 1 << 31, 1 << 14, 2, 0, 0x9000), Ok(()));
    assert_eq!(shadowed_as(GUEST_MODE, 1 << 31, 0, 2, 0, 0x9000), Ok(()));
    assert_eq!(shadowed_as(GUEST_MODE, 0, 1 << 14, 2, 0, 0x9000), Ok(()));
    assert_eq!(
        shadowed(2, VMCS12_REVISION, 0x9000),
        Err(StateError::KvmData)
    );
    assert_eq!(shadowed(2, good ^ 1, 0x9000), Err(StateError::KvmData));
    assert_eq!(shadowed(1, good, 0x9000), Err(StateError::KvmSize));
    // Without a link pointer the shadow is not read.
    assert_eq!(shadowed(1, 0, INVALID_GPA), Ok(()));
}

/// What decides whether a VMX blob holds a vmcs12 is sizeof(struct
/// vmcs12), 998 bytes, not the page.
#[test]
fn vmx_vmcs12_size_boundary() {
    let cut = |len: usize, flags: u16| {
        let mut b = Vmx {
            flags,
            ..Vmx::guest_mode()
        }
        .blob();
        b.truncate(HEADER_SIZE + len);
        let n = b.len() as u32;
        b[4..8].copy_from_slice(&n.to_le_bytes());
        KvmNestedState::parse(&b, Vendor::Vmx).map(|_| ())
    };
    assert_eq!(cut(VMCS12_STRUCT_SIZE, 0), Ok(()));
    assert_eq!(cut(VMCS12_STRUCT_SIZE, GUEST_MODE), Ok(()));
    assert_eq!(cut(VMCS12_STRUCT_SIZE - 1, 0), Err(StateError::KvmSize));
}

/// A shadowed guest needs exactly the shadow's 998 bytes after the page.
#[test]
fn vmx_shadow_size_boundary() {
    use nestvirt_engine::vmx::Field;
    let mut b = Vmx {
        pages: 2,
        ..Vmx::guest_mode()
    }
    .blob();
    let mut v = nestvirt_engine::state::kvm::vmcs12_of(&b[128..]);
    v.set(Field::CpuBasedVmExecControl, 1 << 31);
    v.set(Field::SecondaryVmExecControl, 1 << 14);
    v.set(Field::VmcsLinkPointer, 0x9000);
    b[128..128 + 4096].copy_from_slice(v.as_bytes());
    let hdr = VMCS12_REVISION | 1 << 31;
    b[128 + 4096..128 + 4100].copy_from_slice(&hdr.to_le_bytes());
    let cut = |len: usize| {
        let mut c = b[..len].to_vec();
        let n = c.len() as u32;
        c[4..8].copy_from_slice(&n.to_le_bytes());
        KvmNestedState::parse(&c, Vendor::Vmx).map(|_| ())
    };
    assert_eq!(cut(HEADER_SIZE + PAGE + VMCS12_STRUCT_SIZE), Ok(()));
    assert_eq!(
        cut(HEADER_SIZE + PAGE + VMCS12_STRUCT_SIZE - 1),
        Err(StateError::KvmSize)
    );
}

/// In guest mode an SVM blob holds the whole vmcb12 page: the control and
/// save areas alone (1768 bytes) are not enough for KVM.
#[test]
fn svm_page_is_whole() {
    let mut b = svm(GUEST_MODE, 0x3000, 1);
    b.truncate(HEADER_SIZE + 1768);
    let n = b.len() as u32;
    b[4..8].copy_from_slice(&n.to_le_bytes());
    assert_eq!(
        KvmNestedState::parse(&b, Vendor::Svm).unwrap_err(),
        StateError::KvmSize
    );
}

#[test]
fn valid_vmx_states() {
    assert_eq!(Vmx::guest_mode().parse(), Ok(()));
    assert_eq!(Vmx::off().parse(), Ok(()));
    // VMXON without a current VMCS: the header alone.
    assert_eq!(
        Vmx {
            flags: 0,
            vmcs12_pa: INVALID_GPA,
            pages: 0,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    // Outside VMX operation KVM still takes EVMCS (backwards compatibility).
    assert_eq!(
        Vmx {
            flags: EVMCS,
            ..Vmx::off()
        }
        .parse(),
        Ok(())
    );
    // GIF_SET passes KVM's generic mask, and VMX ignores it.
    assert_eq!(
        Vmx {
            flags: GUEST_MODE | GIF_SET,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    // MTF pending outside guest mode is ignored by KVM, not refused.
    assert_eq!(
        Vmx {
            flags: MTF_PENDING,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    // A pending run in guest mode; SMM with VMXON; the deadline flag.
    assert_eq!(
        Vmx {
            flags: GUEST_MODE | RUN_PENDING,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    assert_eq!(
        Vmx {
            flags: 0,
            smm_flags: SMM_VMXON | SMM_GUEST_MODE,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    assert_eq!(
        Vmx {
            hdr_flags: VMX_PREEMPTION_TIMER_DEADLINE,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    // A vmcs12 page and no shadow: exactly one page of data.
    assert_eq!(
        Vmx {
            pages: 1,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    // eVMCS instead of a vmcs12 address.
    assert_eq!(
        Vmx {
            flags: GUEST_MODE | EVMCS,
            vmcs12_pa: INVALID_GPA,
            ..Vmx::guest_mode()
        }
        .parse(),
        Ok(())
    );
    let b = Vmx::guest_mode().blob();
    let s = KvmNestedState::parse(&b, Vendor::Vmx).unwrap();
    assert!(s.guest_mode());
    assert_eq!(s.state_page().map(<[u8]>::len), Some(PAGE));
    assert!(matches!(
        s.header,
        KvmHeader::Vmx {
            vmxon_pa: 0x1000,
            vmcs12_pa: 0x2000,
            ..
        }
    ));
}

#[test]
fn each_vmx_refusal() {
    let g = Vmx::guest_mode;
    let cases: &[(&str, Vmx, StateError)] = &[
        (
            "unknown flag",
            Vmx {
                flags: GUEST_MODE | 0x10,
                ..g()
            },
            StateError::KvmFlags,
        ),
        (
            "run pending outside guest mode",
            Vmx {
                flags: RUN_PENDING,
                ..g()
            },
            StateError::KvmFlags,
        ),
        (
            "no VMXON but SMM flags",
            Vmx {
                smm_flags: SMM_VMXON,
                ..Vmx::off()
            },
            StateError::KvmHeader,
        ),
        (
            "no VMXON but a vmcs12",
            Vmx {
                vmcs12_pa: 0x2000,
                ..Vmx::off()
            },
            StateError::KvmHeader,
        ),
        (
            "no VMXON but guest mode",
            Vmx {
                flags: GUEST_MODE,
                ..Vmx::off()
            },
            StateError::KvmHeader,
        ),
        (
            "VMXON region not page aligned",
            Vmx {
                vmxon_pa: 0x1008,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "SMM guest mode and guest mode",
            Vmx {
                smm_flags: SMM_VMXON | SMM_GUEST_MODE,
                ..g()
            },
            StateError::KvmFlags,
        ),
        (
            "SMM VMXON and guest mode",
            Vmx {
                smm_flags: SMM_VMXON,
                ..g()
            },
            StateError::KvmFlags,
        ),
        (
            "SMM VMXON and a pending run",
            Vmx {
                flags: GUEST_MODE | RUN_PENDING,
                smm_flags: SMM_VMXON,
                ..g()
            },
            StateError::KvmFlags,
        ),
        (
            "unknown SMM flag",
            Vmx {
                flags: 0,
                smm_flags: 0x4,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "unknown VMX header flag",
            Vmx {
                hdr_flags: 0x2,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "SMM guest mode without SMM VMXON",
            Vmx {
                flags: 0,
                smm_flags: SMM_GUEST_MODE,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "guest mode without a vmcs12 page",
            Vmx { pages: 0, ..g() },
            StateError::KvmSize,
        ),
        (
            "a vmcs12 address without its page",
            Vmx {
                flags: 0,
                pages: 0,
                ..g()
            },
            StateError::KvmSize,
        ),
        (
            "guest mode, no vmcs12 address, no page",
            Vmx {
                vmcs12_pa: INVALID_GPA,
                pages: 0,
                ..g()
            },
            StateError::KvmSize,
        ),
        (
            "eVMCS without its page",
            Vmx {
                flags: EVMCS,
                vmcs12_pa: INVALID_GPA,
                pages: 0,
                ..g()
            },
            StateError::KvmSize,
        ),
        (
            "vmcs12 at the VMXON region",
            Vmx {
                vmcs12_pa: 0x1000,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "vmcs12 not page aligned",
            Vmx {
                vmcs12_pa: 0x2010,
                ..g()
            },
            StateError::KvmHeader,
        ),
        (
            "vmcs12 page without an address or eVMCS",
            Vmx {
                vmcs12_pa: INVALID_GPA,
                ..g()
            },
            StateError::KvmHeader,
        ),
    ];
    for (what, v, want) in cases {
        assert_eq!(v.parse(), Err(*want), "{what}");
    }
}

#[test]
fn sizes_and_formats() {
    let b = Vmx::guest_mode().blob();
    assert_eq!(
        KvmNestedState::parse(&b[..HEADER_SIZE - 1], Vendor::Vmx).unwrap_err(),
        StateError::KvmSize
    );
    // The size field must be the bytes given.
    assert_eq!(
        KvmNestedState::parse(&b[..b.len() - 1], Vendor::Vmx).unwrap_err(),
        StateError::KvmSize
    );
    // The other vendor's format.
    assert_eq!(
        KvmNestedState::parse(&b, Vendor::Svm).unwrap_err(),
        StateError::KvmFormat
    );
    let s = svm(GUEST_MODE, 0x3000, 1);
    assert_eq!(
        KvmNestedState::parse(&s, Vendor::Vmx).unwrap_err(),
        StateError::KvmFormat
    );
}

#[test]
fn svm_states() {
    let ok = |b: Vec<u8>| KvmNestedState::parse(&b, Vendor::Svm).map(|_| ());
    assert_eq!(ok(svm(GUEST_MODE | GIF_SET, 0x3000, 1)), Ok(()));
    assert_eq!(ok(svm(GUEST_MODE | RUN_PENDING, 0x3000, 1)), Ok(()));
    // Outside guest mode neither the address nor the page matter.
    assert_eq!(ok(svm(GIF_SET, 0x3008, 0)), Ok(()));
    assert_eq!(ok(svm(0, 0, 1)), Ok(()));
    assert_eq!(
        ok(svm(GUEST_MODE | EVMCS, 0x3000, 1)),
        Err(StateError::KvmFlags)
    );
    assert_eq!(
        ok(svm(GUEST_MODE | MTF_PENDING, 0x3000, 1)),
        Err(StateError::KvmFlags)
    );
    assert_eq!(ok(svm(RUN_PENDING, 0x3000, 1)), Err(StateError::KvmFlags));
    assert_eq!(ok(svm(GUEST_MODE, 0x3008, 1)), Err(StateError::KvmHeader));
    assert_eq!(ok(svm(GUEST_MODE, 0x3000, 0)), Err(StateError::KvmSize));
}
