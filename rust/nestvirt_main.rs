// SPDX-License-Identifier: GPL-2.0

//! nestvirt: stricter, faster and migratable nested virtualization for KVM.
//!
//! nestvirt.ko attaches to a hooked KVM vendor module (kvm-amd or kvm-intel
//! rebuilt with nestvirt's hook series, see Documentation/nestvirt/) and
//! serves `/dev/nestvirt`. The pure logic lives in `engine/`, which is also
//! a host crate tested with `cargo test`; this crate is the kernel glue.

use engine::{
    rule::{
        ClassModes,
        Mode, //
    },
    svm::SvmClass,
    vmx::VmxClass,
};
use kernel::{
    prelude::*,
    sync::SetOnce, //
};

mod attach;
mod device;
#[path = "engine/src/engine.rs"]
#[expect(
    dead_code,
    unused_imports,
    reason = "the engine's catalogues are wired in by later changes"
)]
#[expect(
    unreachable_pub,
    reason = "the engine is also a host crate, whose API is `pub`"
)]
#[deny(unsafe_code)]
mod engine;
mod hooks;
mod hooks_abi;
mod policy;
mod state;
mod stats;
mod svm_entry;
mod tags;
mod trace;
mod uapi;
mod vmx_entry;
mod vmx_msr_list;

module! {
    type: NestvirtModule,
    name: "nestvirt",
    authors: ["nestvirt developers"],
    description: "Nested VM-entry validation for KVM (attaches to hooked kvm-amd/kvm-intel)",
    license: "GPL",
}

extern "C" {
    fn nestvirt_param_mode() -> u32;
    fn nestvirt_param_hardening() -> u32;
}

/// The `mode` module parameter (`off`, `audit`, `enforce` or 0, 1, 2). It is
/// declared in C (param/nestvirt_param.c), which parses and validates it
/// before `init` runs: the `module!` macro takes only integers and bool.
pub(crate) fn default_mode() -> Mode {
    // SAFETY: `nestvirt_param_mode` takes nothing and reads a plain integer
    // that the parameter parser wrote before the module's init ran.
    let raw = unsafe { nestvirt_param_mode() };
    Mode::from_u32(raw).unwrap_or(Mode::Audit)
}

/// The `hardening` module parameter: the initial mode of the hardening
/// classes (rules stricter than the APM/SDM). Not given, it follows `mode`
/// but never beyond audit: `mode=off` keeps nestvirt silent, `mode=enforce`
/// fails exactly what hardware fails.
fn hardening_mode(mode: Mode) -> Mode {
    // SAFETY: as for `nestvirt_param_mode`: no arguments, a plain integer
    // written by the parameter parser before init.
    let raw = unsafe { nestvirt_param_hardening() };
    Mode::from_u32(raw).unwrap_or(match mode {
        Mode::Off => Mode::Off,
        Mode::Audit | Mode::Enforce => Mode::Audit,
    })
}

/// What `NESTVIRT_GET_INFO` reports about the attachment; set once at load.
pub(crate) struct AttachInfo {
    pub(crate) backend: attach::Backend,
    pub(crate) hook_abi_version: u32,
    /// NUL-terminated, as in `struct nestvirt_info`.
    pub(crate) kernel_release: [u8; 64],
}

/// The attachment of this module instance, for the ioctls.
pub(crate) static ATTACHED: SetOnce<AttachInfo> = SetOnce::new();

/// The module: `/dev/nestvirt`, served for the attached hooks.
///
/// [`device::Serving`] orders the attachment and the device: the device
/// appears after attach and is gone before detach. `/dev/nestvirt` holds a
/// module reference while open, so the module outlives every open file.
#[pin_data]
struct NestvirtModule {
    _mode: (),
    #[pin]
    _serving: device::Serving,
}

impl kernel::InPlaceModule for NestvirtModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _mode: apply_mode_param()?,
            _serving <- device::Serving::new(attached(attach::Attachment::attach(
                &hooks::HOOK_OPS
            )?)),
        })
    }
}

/// Applies the `mode` parameter to the architectural rule classes and the
/// `hardening` parameter to the hardening classes.
fn apply_mode_param() -> Result {
    let mode = default_mode();
    let hardening = hardening_mode(mode);
    svm_entry::SVM_POLICY.set_modes(ClassModes::by_basis(&SvmClass::ALL, mode, hardening));
    vmx_entry::VMX_POLICY.set_modes(ClassModes::by_basis(&VmxClass::ALL, mode, hardening));
    pr_info!(
        "validation mode: {}, hardening classes: {}\n",
        mode.name(),
        hardening.name()
    );
    Ok(())
}

/// Publishes what the ioctls report about `attachment`.
fn attached(attachment: attach::Attachment) -> attach::Attachment {
    let mut kernel_release = [0u8; 64];
    uapi::copy_c_string(&mut kernel_release, attachment.kernel_release().to_bytes());
    ATTACHED.populate(AttachInfo {
        backend: attachment.backend(),
        hook_abi_version: attachment.hook_abi_version(),
        kernel_release,
    });
    // The glue asked whether anything is checked before the backend was
    // known here: ask it to look again (mode=off at load keeps it quiet).
    attachment.calls().policy_changed();
    attachment
}
