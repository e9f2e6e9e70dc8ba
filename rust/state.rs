// SPDX-License-Identifier: GPL-2.0

//! Migration state on `/dev/nestvirt`: `NESTVIRT_GET_STATE`,
//! `NESTVIRT_SET_STATE` and `NESTVIRT_GET_STATE_SIZE`.
//!
//! The engine's `state` module writes and checks the container
//! (Documentation/nestvirt/state-format.rst); the hooked vendor module makes
//! KVM's own get_state and set_state on the vCPU, under what KVM's ioctls
//! take (the hook ABI's `nested_state()`). A container from another host is
//! untrusted: `NESTVIRT_SET_STATE` copies it once, checks all of it (its
//! structure and checksum, KVM's header, then in guest mode the
//! vmcb12/vmcs12 with the catalogue against the destination vCPU's
//! capabilities, in the enforced classes) and only then has KVM apply it.

use crate::{
    attach::TargetCalls,
    device::Catalogue,
    engine::{
        rule::{
            ClassModes,
            Rule, //
        },
        state::{
            check_state,
            container::{
                l1_caps_len,
                size_for_payloads,
                Crc32cUpdate,
                FIRST_PAYLOAD,
                MAX_CLASS_MODES,
                MAX_TOTAL_SIZE, //
            },
            crc32c,
            encode_around_first,
            Checked,
            Container,
            InPlace,
            KvmNestedState,
            NewSection,
            SectionType,
            StateError,
            SvmL1,
            Vendor, //
        },
        svm::SvmRule,
        vmx::VmxRule,
    },
    hooks_abi::{
        NestvirtStateCall,
        NESTVIRT_STATE_GET,
        NESTVIRT_STATE_MAX_SIZE,
        NESTVIRT_STATE_SET, //
    },
    stats::{
        Stats,
        STATS, //
    },
    svm_entry::SVM_POLICY,
    uapi::{
        copy_c_string,
        NestvirtState,
        NESTVIRT_STATE_RULE_NONE, //
    },
    vmx_entry::VMX_POLICY,
};
use core::ffi::{
    c_int,
    c_void, //
};
use kernel::{
    prelude::*,
    sync::atomic::{
        AtomicFlag,
        Relaxed, //
    },
    uaccess::{
        UserPtr,
        UserSlice, //
    },
};

/// The engine's CRC32C update with the kernel's `crc32c()`.
#[cfg(CONFIG_CRC32_ARCH)]
fn kernel_crc32c(crc: u32, bytes: &[u8]) -> u32 {
    extern "C" {
        /// `include/linux/crc32.h`: without inversion.
        fn crc32c(crc: u32, p: *const c_void, len: usize) -> u32;
    }
    // SAFETY: `crc32c()` reads `len` bytes at `p`, which `bytes` holds, and
    // keeps no pointer.
    !unsafe { crc32c(!crc, bytes.as_ptr().cast(), bytes.len()) }
}

/// The CRC32C the container checksum is computed with: the kernel's where
/// it uses the CPU's CRC32 instructions (`crc32_optimizations()`), else the
/// engine's slice-by-8, which beats the kernel's byte-at-a-time table. The
/// checksum is most of what GET and SET compute besides KVM's own work.
fn crc32c_update() -> Crc32cUpdate {
    #[cfg(CONFIG_CRC32_ARCH)]
    {
        extern "C" {
            fn crc32_optimizations() -> u32;
        }
        /// `CRC32C_OPTIMIZATION`: `crc32c()` is optimized.
        const CRC32C_OPTIMIZATION: u32 = 1 << 2;
        // SAFETY: It only reads what the CRC library found at boot.
        if unsafe { crc32_optimizations() } & CRC32C_OPTIMIZATION != 0 {
            return kernel_crc32c;
        }
    }
    crc32c::update
}

/// The attached backend as a container vendor, its class modes and how
/// many classes it has.
fn attached() -> Result<(Vendor, ClassModes, usize)> {
    let catalogue = Catalogue::attached()?;
    let vendor = match catalogue {
        Catalogue::Svm => Vendor::Svm,
        Catalogue::Vmx => Vendor::Vmx,
    };
    Ok((vendor, catalogue.modes(), catalogue.classes()))
}

/// The `nestvirt-vcpu` payload: the class modes, one byte each.
fn modes_payload(modes: ClassModes, classes: usize) -> ([u8; MAX_CLASS_MODES], usize) {
    let mut out = [0u8; MAX_CLASS_MODES];
    let n = classes.min(MAX_CLASS_MODES);
    for (class, byte) in out.iter_mut().take(n).enumerate() {
        *byte = modes.get(class) as u8;
    }
    (out, n)
}

/// The `l1-caps` payload of what the glue filled into `call`.
fn l1_caps(vendor: Vendor, call: &NestvirtStateCall) -> [u8; 192] {
    let mut out = [0u8; 192];
    match vendor {
        Vendor::Svm => {
            let l1 = call.svm_l1();
            let caps = SvmL1 {
                features: l1.features,
                hsave_pa: l1.hsave_pa,
                maxphyaddr: l1.maxphyaddr,
                cpl: l1.cpl,
            };
            out[..SvmL1::BYTES].copy_from_slice(&caps.to_bytes());
        }
        Vendor::Vmx => out.copy_from_slice(&call.env.to_bytes()),
    }
    out
}

/// The largest KVM nested state of the attached backend.
fn kvm_max(calls: TargetCalls) -> Result<usize> {
    let mut call = NestvirtStateCall::new(NESTVIRT_STATE_MAX_SIZE, -1);
    calls.nested_state(&mut call)?;
    Ok(call.size as usize)
}

/// The largest container `NESTVIRT_GET_STATE` writes, and the KVM state
/// size it allows for.
fn max_container(calls: TargetCalls) -> Result<(usize, usize)> {
    let (vendor, _, classes) = attached()?;
    let kvm = kvm_max(calls)?;
    let total = size_for_payloads([kvm, classes.min(MAX_CLASS_MODES), l1_caps_len(vendor)]);
    Ok((total, kvm))
}

/// `NESTVIRT_GET_STATE_SIZE`.
pub(crate) fn max_size(calls: TargetCalls) -> Result<isize> {
    let (total, _) = max_container(calls)?;
    isize::try_from(total).map_err(|_| EOVERFLOW)
}

/// Reads the request; its out-fields, flags and reserved words must be 0.
fn read_request(user: UserSlice) -> Result<(NestvirtState, kernel::uaccess::UserSliceWriter)> {
    let (mut reader, writer) = user.reader_writer();
    let req: NestvirtState = reader.read()?;
    if req.flags != 0 || req.rule != 0 || req.rule_id != [0; 48] || req.reserved != [0; 4] {
        return Err(EINVAL);
    }
    Ok((req, writer))
}

/// The user address `at` bytes into the caller's buffer.
fn user_at(req: &NestvirtState, at: usize) -> Result<usize> {
    usize::try_from(req.buf)
        .ok()
        .and_then(|b| b.checked_add(at))
        .ok_or(EFAULT)
}

/// `NESTVIRT_GET_STATE`: the vCPU's nested state, as a container.
pub(crate) fn get(calls: TargetCalls, user: UserSlice) -> Result<isize> {
    let (mut req, mut writer) = read_request(user)?;
    let (vendor, modes, classes) = attached()?;
    let (need, kvm_room) = max_container(calls)?;
    if (req.size as usize) < need {
        // As KVM_GET_NESTED_STATE: the size needed, and E2BIG.
        req.size = u32::try_from(need).map_err(|_| EOVERFLOW)?;
        writer.write(&req)?;
        return Err(E2BIG);
    }
    // KVM writes its state where the container holds it, in nestvirt's
    // buffer; nestvirt writes the container around it and copies the
    // whole container out once. One memset zeroes the buffer:
    // `from_elem()` writes it byte by byte, which cost three times KVM's
    // whole get_state on the instruction clock, and `zeroed()` clears the
    // whole slab object (8 KiB for 4.3 KiB).
    let mut out = KVec::<u8>::with_capacity(need, GFP_KERNEL)?;
    // SAFETY: `with_capacity()` gave room for `need` bytes from the start
    // of the (empty) vector; `write_bytes` initializes exactly those.
    unsafe {
        core::ptr::write_bytes(out.as_mut_ptr(), 0, need);
        out.inc_len(need);
    }
    let kvm_area = out
        .get_mut(FIRST_PAYLOAD..FIRST_PAYLOAD + kvm_room)
        .ok_or(EOVERFLOW)?;
    let mut call = NestvirtStateCall::new(NESTVIRT_STATE_GET, req.vcpu_fd);
    call.kvm_state = kvm_area.as_mut_ptr().cast();
    call.room = u32::try_from(kvm_room).map_err(|_| EOVERFLOW)?;
    calls.nested_state(&mut call)?;
    let kvm_len = (call.size as usize).min(kvm_room);
    let (modes_bytes, n_modes) = modes_payload(modes, classes);
    let caps = l1_caps(vendor, &call);
    let first = InPlace {
        kind: SectionType::KvmNestedState as u16,
        flags: NewSection::of(SectionType::KvmNestedState, &[]).flags,
        len: kvm_len,
    };
    let rest = [
        NewSection::of(SectionType::NestvirtVcpu, &modes_bytes[..n_modes]),
        NewSection::of(SectionType::L1Caps, &caps[..l1_caps_len(vendor)]),
    ];
    let total =
        encode_around_first(&mut out, vendor, first, &rest, crc32c_update()).ok_or(EOVERFLOW)?;
    UserSlice::new(UserPtr::from_addr(user_at(&req, 0)?), total)
        .writer()
        .write_slice(out.get(..total).ok_or(EOVERFLOW)?)?;
    req.size = u32::try_from(total).map_err(|_| EOVERFLOW)?;
    req.rule = NESTVIRT_STATE_RULE_NONE;
    writer.write(&req)?;
    Stats::bump(&STATS.states_saved);
    Ok(0)
}

/// Why `NESTVIRT_SET_STATE` refused a container.
#[derive(Clone, Copy)]
enum Refusal {
    /// The container or KVM's state in it.
    State(StateError),
    /// A rule of the catalogue, in an enforced class: its index and ID.
    Rule(usize, &'static str),
}

impl Refusal {
    fn errno(self) -> Error {
        match self {
            Self::State(e) if e.is_structural() => EBADMSG,
            _ => EINVAL,
        }
    }

    /// Its slot in [`LOGGED`].
    fn slot(self) -> usize {
        match self {
            Self::State(e) => StateError::ALL.iter().position(|x| *x == e).unwrap_or(0),
            Self::Rule(index, _) => STATE_SLOTS + index,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Self::State(e) => e.id(),
            Self::Rule(_, id) => id,
        }
    }
}

/// Slots of [`LOGGED`] for the container's own refusals.
const STATE_SLOTS: usize = 32;
/// The larger catalogue.
const MAX_RULES: usize = if SvmRule::COUNT > VmxRule::COUNT {
    SvmRule::COUNT
} else {
    VmxRule::COUNT
};

/// Which causes of a refusal dmesg has named: each once per load, so that
/// a stream of bad containers cannot flood the log.
static LOGGED: [AtomicFlag; STATE_SLOTS + MAX_RULES] =
    [const { AtomicFlag::new(false) }; STATE_SLOTS + MAX_RULES];

/// What `NESTVIRT_SET_STATE`'s check needs, and what it found.
struct SetCheck<'a> {
    vendor: Vendor,
    modes: ClassModes,
    kvm_state: &'a [u8],
    refusal: Option<Refusal>,
}

impl SetCheck<'_> {
    /// Checks the KVM state against the destination vCPU's capabilities.
    /// Counts the catalogue's failures only when an enforced one refuses the
    /// container: otherwise KVM applies it and its `SET_STATE` hook checks
    /// (and counts) what KVM took, as for every `KVM_SET_NESTED_STATE`;
    /// on SVM its restored-vmcb02 hook then checks, before anything
    /// changes, the vmcb02 KVM will build (hook patch 0008).
    fn run(&mut self, call: &NestvirtStateCall) -> Option<Refusal> {
        let caps = l1_caps(self.vendor, call);
        let caps = &caps[..l1_caps_len(self.vendor)];
        let checked = match check_state(self.vendor, self.kvm_state, caps, self.modes) {
            Ok(checked) => checked,
            Err(e) => return Some(Refusal::State(e)),
        };
        let backend = self.vendor as u32;
        let gpa = u64::MAX;
        match checked {
            Checked::NoGuestState => None,
            Checked::Svm(o) => o.enforced.map(|rule| {
                SVM_POLICY.record(&o, backend, call.vcpu_id, gpa);
                Refusal::Rule(rule.index(), rule.info().id)
            }),
            Checked::Vmx(o) => o.enforced.map(|rule| {
                VMX_POLICY.record(&o, backend, call.vcpu_id, gpa);
                Refusal::Rule(rule.index(), rule.info().id)
            }),
        }
    }
}

/// The glue's `check` callback of `NESTVIRT_SET_STATE`.
///
/// # Safety
///
/// `call` is the glue's live `NestvirtStateCall` that [`set`] made, whose
/// `ctx` points at that call's `SetCheck`.
unsafe extern "C" fn set_check(call: *mut NestvirtStateCall) -> c_int {
    // SAFETY: Per the function's contract, `call` is valid for the call.
    let call = unsafe { &*call };
    // SAFETY: `set()` put a pointer to its `SetCheck` in `ctx`; it lives
    // until `nested_state()` returns, and nothing else uses it meanwhile.
    let check = unsafe { &mut *call.ctx.cast::<SetCheck<'_>>() };
    check.refusal = check.run(call);
    check.refusal.map_or(0, |r| r.errno().to_errno())
}

/// `NESTVIRT_SET_STATE`: checks a container in full, then has KVM apply
/// the nested state in it. Refused, nothing changes.
pub(crate) fn set(calls: TargetCalls, user: UserSlice) -> Result<isize> {
    let (mut req, mut writer) = read_request(user)?;
    let (vendor, modes, _) = attached()?;
    req.rule = NESTVIRT_STATE_RULE_NONE;
    let result = set_checked(calls, &req, vendor, modes);
    if let Err(refusal) = &result {
        if let Some(r) = refusal.1 {
            copy_c_string(&mut req.rule_id, r.id().as_bytes());
            if let Refusal::Rule(index, _) = r {
                req.rule = u32::try_from(index).unwrap_or(NESTVIRT_STATE_RULE_NONE);
            }
            if let Some(flag) = LOGGED.get(r.slot()) {
                if !flag.xchg(true, Relaxed) {
                    pr_warn!(
                        "NESTVIRT_SET_STATE refused a container: {} (each cause logged once)\n",
                        r.id()
                    );
                }
            }
        }
        Stats::bump(&STATS.states_refused);
    } else {
        Stats::bump(&STATS.states_restored);
    }
    writer.write(&req)?;
    result.map(|()| 0).map_err(|(errno, _)| errno)
}

/// Copies, checks and applies the container `req` gives; on refusal the
/// errno, and the check that refused it (none when KVM did).
fn set_checked(
    calls: TargetCalls,
    req: &NestvirtState,
    vendor: Vendor,
    modes: ClassModes,
) -> core::result::Result<(), (Error, Option<Refusal>)> {
    let refuse = |e: StateError| (Refusal::State(e).errno(), Some(Refusal::State(e)));
    let size = req.size as usize;
    if size > MAX_TOTAL_SIZE {
        return Err(refuse(StateError::TotalSize));
    }
    let mut bytes = KVec::new();
    let buf = user_at(req, 0).map_err(|e| (e, None))?;
    UserSlice::new(UserPtr::from_addr(buf), size)
        .read_all(&mut bytes, GFP_KERNEL)
        .map_err(|e| (e, None))?;
    let container = Container::parse_with(&bytes, Some(vendor), crc32c_update()).map_err(refuse)?;
    // KVM's header and sizes, before the vCPU is even looked up.
    KvmNestedState::parse(container.kvm_state, vendor).map_err(refuse)?;
    let mut check = SetCheck {
        vendor,
        modes,
        kvm_state: container.kvm_state,
        refusal: None,
    };
    // KVM applies the very bytes checked, from nestvirt's copy; it only
    // reads them.
    let mut call = NestvirtStateCall::new(NESTVIRT_STATE_SET, req.vcpu_fd);
    call.kvm_state = container.kvm_state.as_ptr().cast_mut().cast();
    call.room = u32::try_from(container.kvm_state.len()).map_err(|_| (EOVERFLOW, None))?;
    call.check = Some(set_check);
    call.ctx = core::ptr::from_mut(&mut check).cast();
    let result = calls.nested_state(&mut call);
    result.map_err(|e| (e, check.refusal))
}
