// SPDX-License-Identifier: GPL-2.0

//! `/dev/nestvirt`: the misc device and its ioctls.
//!
//! Each ioctl reads its argument once, validates all of it (reserved fields
//! included) and only then acts: a rejected call changes nothing.

use crate::{
    attach::{
        Attachment,
        Backend,
        TargetCalls, //
    },
    engine::{
        rule::{
            ClassModes,
            Mode,
            Rule, //
        },
        svm::{
            SvmClass,
            SvmRule, //
        },
        vmx::{
            VmxClass,
            VmxRule, //
        },
    },
    state,
    stats::{
        Stats,
        STATS, //
    },
    svm_entry::SVM_POLICY,
    uapi::{
        copy_c_string,
        NestvirtInfo,
        NestvirtMode,
        NestvirtRule,
        NestvirtTags,
        NESTVIRT_ABI_VERSION,
        NESTVIRT_CLASS_ALL,
        NESTVIRT_GET_INFO,
        NESTVIRT_GET_MODE,
        NESTVIRT_GET_RULE,
        NESTVIRT_GET_STATE,
        NESTVIRT_GET_STATE_SIZE,
        NESTVIRT_GET_TAGS,
        NESTVIRT_SET_MODE,
        NESTVIRT_SET_STATE, //
    },
    vmx_entry::VMX_POLICY,
    ATTACHED,
};
use kernel::{
    bindings,
    fs::File,
    ioctl::_IOC_SIZE,
    miscdevice::{
        MiscDevice,
        MiscDeviceOptions,
        MiscDeviceRegistration, //
    },
    prelude::*,
    uaccess::{
        UserPtr,
        UserSlice, //
    },
};

/// `/dev/nestvirt`, served for an attachment.
///
/// The device exists only while nestvirt is attached, by construction: it
/// is registered once the attachment is made, and deregistered before the
/// attachment drops, because Rust drops fields in declaration order and
/// `miscdev` is declared first. The files open on it reach the vendor module
/// through this attachment ([`NestvirtFile::open`]).
#[pin_data]
pub(crate) struct Serving {
    #[pin]
    miscdev: MiscDeviceRegistration<NestvirtFile>,
    attachment: Attachment,
}

impl Serving {
    /// Registers `/dev/nestvirt` for `attachment`; on failure, detaches.
    pub(crate) fn new(attachment: Attachment) -> impl PinInit<Self, Error> {
        // Initialized in this order (the attachment exists before the
        // device appears), dropped in declaration order (the device goes
        // first).
        try_pin_init!(Self {
            attachment,
            miscdev <- MiscDeviceRegistration::register(MiscDeviceOptions {
                name: c"nestvirt",
            }),
        })
    }
}

/// An open `/dev/nestvirt`: the calls into the vendor module it serves.
pub(crate) struct NestvirtFile {
    calls: TargetCalls,
}

#[vtable]
impl MiscDevice for NestvirtFile {
    type Ptr = KBox<Self>;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        let misc = core::ptr::from_ref(misc).cast_mut();
        // SAFETY: The only registration of `NestvirtFile`s is the `miscdev`
        // field of a `Serving` (its fields are private to this module), so
        // the containing `Serving` is live for as long as `misc` is.
        let serving = unsafe { &*kernel::container_of!(misc, Serving, miscdev) };
        // The file keeps the calls: `TargetCalls`' invariant holds, as an
        // open file holds a reference on nestvirt's module.
        Ok(KBox::new(
            NestvirtFile {
                calls: serving.attachment.calls(),
            },
            GFP_KERNEL,
        )?)
    }

    fn ioctl(me: &NestvirtFile, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let user = UserSlice::new(UserPtr::from_addr(arg), _IOC_SIZE(cmd));
        match cmd {
            NESTVIRT_GET_INFO => get_info(me.calls, user),
            NESTVIRT_SET_MODE => set_mode(me.calls, user),
            NESTVIRT_GET_MODE => get_mode(user),
            NESTVIRT_GET_RULE => get_rule(user),
            NESTVIRT_GET_STATE => state::get(me.calls, user),
            NESTVIRT_SET_STATE => state::set(me.calls, user),
            NESTVIRT_GET_STATE_SIZE => state::max_size(me.calls),
            NESTVIRT_GET_TAGS => get_tags(me.calls, user),
            _ => Err(ENOTTY),
        }
    }
}

/// The rule catalogue of the attached backend, with its modes and counters.
#[derive(Clone, Copy)]
pub(crate) enum Catalogue {
    Svm,
    Vmx,
}

/// One rule of a catalogue, as `NESTVIRT_GET_RULE` reports it.
struct RuleReport {
    id: &'static str,
    class: usize,
    failures: u64,
}

impl Catalogue {
    /// The catalogue of the backend nestvirt is attached to.
    pub(crate) fn attached() -> Result<Self> {
        match ATTACHED.as_ref().map(|a| a.backend) {
            Some(Backend::Svm) => Ok(Self::Svm),
            Some(Backend::Vmx) => Ok(Self::Vmx),
            None => Err(ENODEV),
        }
    }

    fn set_mode(self, class: Option<usize>, mode: Mode) -> Result {
        match self {
            Self::Svm => SVM_POLICY.set_mode(class, mode),
            Self::Vmx => VMX_POLICY.set_mode(class, mode),
        }
    }

    fn mode(self, class: usize) -> Option<Mode> {
        match self {
            Self::Svm => SVM_POLICY.mode(class),
            Self::Vmx => VMX_POLICY.mode(class),
        }
    }

    /// The modes of all its classes.
    pub(crate) fn modes(self) -> ClassModes {
        match self {
            Self::Svm => SVM_POLICY.modes(),
            Self::Vmx => VMX_POLICY.modes(),
        }
    }

    /// How many classes it has.
    pub(crate) fn classes(self) -> usize {
        match self {
            Self::Svm => SvmClass::ALL.len(),
            Self::Vmx => VmxClass::ALL.len(),
        }
    }

    /// The rule with catalogue index `index`; `None` past the last.
    fn rule(self, index: usize) -> Option<RuleReport> {
        match self {
            Self::Svm => SvmRule::ALL.get(index).map(|rule| RuleReport {
                id: rule.info().id,
                class: crate::svm_entry::class_index(rule.info().class),
                failures: SVM_POLICY.failures(index).unwrap_or(0),
            }),
            Self::Vmx => VmxRule::ALL.get(index).map(|rule| RuleReport {
                id: rule.info().id,
                class: crate::vmx_entry::class_index(rule.info().class),
                failures: VMX_POLICY.failures(index).unwrap_or(0),
            }),
        }
    }
}

/// `NESTVIRT_GET_INFO`: what nestvirt is attached to and what it has seen.
fn get_info(calls: TargetCalls, user: UserSlice) -> Result<isize> {
    let mut info = NestvirtInfo::zeroed();
    info.abi_version = NESTVIRT_ABI_VERSION;
    info.mode = crate::default_mode() as u32;
    if let Some(attached) = ATTACHED.as_ref() {
        info.backend = attached.backend.abi_value();
        info.hook_abi_version = attached.hook_abi_version;
        info.kernel_release = attached.kernel_release;
    }
    info.nested_entries = Stats::read(&STATS.nested_entries);
    info.kvm_rejected = Stats::read(&STATS.kvm_rejected);
    info.nestvirt_rejected = Stats::read(&STATS.nestvirt_rejected);
    info.state_missing = Stats::read(&STATS.state_missing);
    info.rsm_entries = Stats::read(&STATS.rsm_entries);
    info.set_state_entries = Stats::read(&STATS.set_state_entries);
    info.vmcb02_checks = Stats::read(&STATS.vmcb02_checks);
    info.states_saved = Stats::read(&STATS.states_saved);
    info.states_restored = Stats::read(&STATS.states_restored);
    info.states_refused = Stats::read(&STATS.states_refused);
    // Replayed checks count as the checks they stand for.
    let replayed = calls.replayed();
    info.replayed_entries = replayed.entries;
    info.replayed_vmcb02_checks = replayed.vmcb02_checks;
    info.nested_entries += replayed.entries;
    info.vmcb02_checks += replayed.vmcb02_checks;
    user.writer().write(&info)?;
    Ok(0)
}

/// `NESTVIRT_GET_TAGS`: the VPID/ASID mapping's counters; `EOPNOTSUPP` on
/// a vendor module without them (none of hook ABI 8).
fn get_tags(calls: TargetCalls, user: UserSlice) -> Result<isize> {
    let stats = calls.tag_stats().ok_or(EOPNOTSUPP)?;
    let tags = NestvirtTags {
        capacity: u32::try_from(crate::tags::capacity()).unwrap_or(0),
        transitions: stats.transitions,
        flushes_avoided: stats.flushes_avoided,
        tag_flushes: stats.tag_flushes,
        evictions: stats.evictions,
        asids: stats.asids,
        in_use: stats.in_use,
        ..NestvirtTags::default()
    };
    user.writer().write(&tags)?;
    Ok(0)
}

/// Whether the caller may change nestvirt's host-wide policy.
fn may_change_policy() -> bool {
    // SAFETY: `capable()` only reads the calling task's credentials (and
    // audits the check); any capability number is a valid argument.
    unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as i32) }
}

/// `NESTVIRT_SET_MODE`: the mode of one class, or of all. The modes are
/// host-wide enforcement policy: CAP_SYS_ADMIN only (`EPERM`), checked
/// before anything is read, so an unprivileged call learns nothing.
fn set_mode(calls: TargetCalls, user: UserSlice) -> Result<isize> {
    if !may_change_policy() {
        return Err(EPERM);
    }
    let req: NestvirtMode = user.reader().read()?;
    if req.reserved != [0; 3] {
        return Err(EINVAL);
    }
    let mode = Mode::from_u32(req.mode).ok_or(EINVAL)?;
    let class = match req.class {
        NESTVIRT_CLASS_ALL => None,
        c => Some(usize::try_from(c).map_err(|_| EINVAL)?),
    };
    Catalogue::attached()?.set_mode(class, mode)?;
    // The glue's replayable verdicts were taken under the old modes.
    calls.policy_changed();
    Ok(0)
}

/// `NESTVIRT_GET_MODE`: the mode of one class.
fn get_mode(user: UserSlice) -> Result<isize> {
    let (mut reader, mut writer) = user.reader_writer();
    let mut req: NestvirtMode = reader.read()?;
    if req.reserved != [0; 3] {
        return Err(EINVAL);
    }
    let class = usize::try_from(req.class).map_err(|_| EINVAL)?;
    req.mode = Catalogue::attached()?.mode(class).ok_or(EINVAL)? as u32;
    writer.write(&req)?;
    Ok(0)
}

/// `NESTVIRT_GET_RULE`: one rule of the catalogue, with its counter.
fn get_rule(user: UserSlice) -> Result<isize> {
    let (mut reader, mut writer) = user.reader_writer();
    let mut req: NestvirtRule = reader.read()?;
    if req.reserved != [0; 4] || req.class != 0 || req.failures != 0 || req.id != [0; 48] {
        return Err(EINVAL);
    }
    let catalogue = Catalogue::attached()?;
    let index = usize::try_from(req.index).map_err(|_| EINVAL)?;
    let rule = catalogue.rule(index).ok_or(ENOENT)?;
    req.class = u32::try_from(rule.class).map_err(|_| EINVAL)?;
    req.failures = rule.failures;
    copy_c_string(&mut req.id, rule.id.as_bytes());
    writer.write(&req)?;
    Ok(0)
}
