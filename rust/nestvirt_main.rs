// SPDX-License-Identifier: GPL-2.0

//! nestvirt: stricter, faster and migratable nested virtualization for KVM.
//!
//! nestvirt.ko attaches to a hooked KVM vendor module (kvm-amd or kvm-intel
//! rebuilt with nestvirt's hook series, see Documentation/nestvirt/) and
//! serves `/dev/nestvirt`. The pure logic lives in `engine/`, which is also
//! a host crate tested with `cargo test`; this crate is the kernel glue.

use engine::rule::Mode;
use kernel::{
    miscdevice::{
        MiscDeviceOptions,
        MiscDeviceRegistration, //
    },
    prelude::*,
    sync::SetOnce,
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
mod stats;
mod svm_entry;
mod trace;
mod uapi;

module! {
    type: NestvirtModule,
    name: "nestvirt",
    authors: ["nestvirt developers"],
    description: "Nested virtualization checks, tag mapping and state for KVM (attaches to hooked kvm-amd/kvm-intel)",
    license: "GPL",
    params: {
        mode: u32 {
            default: 1,
            description: "Initial validation mode of every rule class: 0=off, 1=audit (count and trace, KVM decides), 2=enforce (fail the nested entry as the APM/SDM says). Per class at run time: NESTVIRT_SET_MODE.",
        },
    },
}

/// The `mode` module parameter, validated in `init`.
pub(crate) fn default_mode() -> Mode {
    Mode::from_u32(module_parameters::mode.value()).unwrap_or(Mode::Audit)
}

/// What `NESTVIRT_GET_INFO` reports about the attachment; set once at load.
pub(crate) struct AttachInfo {
    pub(crate) backend: attach::Backend,
    pub(crate) hook_abi_version: u32,
    /// NUL-terminated, as in `struct nestvirt_info`.
    pub(crate) kernel_release: [u8; 64],
    /// The calls into the vendor module the ioctls make.
    pub(crate) calls: attach::TargetCalls,
}

/// The attachment of this module instance, for the ioctls.
pub(crate) static ATTACHED: SetOnce<AttachInfo> = SetOnce::new();

/// The module: attached hooks and the misc device.
///
/// Fields initialize in order and drop in order: the attachment is made
/// before `/dev/nestvirt` appears. `/dev/nestvirt` holds a module reference
/// while open, so the module (and the attachment) outlive every open file.
#[pin_data]
struct NestvirtModule {
    _mode: (),
    attachment: attach::Attachment,
    #[pin]
    _miscdev: MiscDeviceRegistration<device::NestvirtFile>,
}

impl kernel::InPlaceModule for NestvirtModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _mode: apply_mode_param()?,
            attachment: attached(attach::Attachment::attach(&hooks::HOOK_OPS)?),
            _miscdev <- MiscDeviceRegistration::register(MiscDeviceOptions {
                name: c"nestvirt",
            }),
        })
    }
}

/// Checks the `mode` parameter and applies it to every rule class.
fn apply_mode_param() -> Result {
    let raw = module_parameters::mode.value();
    let Some(mode) = Mode::from_u32(raw) else {
        pr_err!("mode={raw} is not 0 (off), 1 (audit) or 2 (enforce)\n");
        return Err(EINVAL);
    };
    svm_entry::SVM_POLICY.set_mode(None, mode)?;
    pr_info!("validation mode: {}\n", mode.name());
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
        calls: attachment.calls(),
    });
    attachment
}
