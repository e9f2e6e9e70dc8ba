// SPDX-License-Identifier: GPL-2.0

//! `/dev/nestvirt`: the misc device and its ioctls.

use crate::{
    stats::{
        Stats,
        STATS, //
    },
    uapi::{
        NestvirtInfo,
        NESTVIRT_ABI_VERSION,
        NESTVIRT_GET_INFO,
        NESTVIRT_MODE_OFF, //
    },
    ATTACHED,
};
use kernel::{
    fs::File,
    ioctl::_IOC_SIZE,
    miscdevice::{
        MiscDevice,
        MiscDeviceRegistration, //
    },
    prelude::*,
    uaccess::{
        UserPtr,
        UserSlice, //
    },
};

/// An open `/dev/nestvirt`. It holds no state of its own yet.
pub(crate) struct NestvirtFile;

#[vtable]
impl MiscDevice for NestvirtFile {
    type Ptr = KBox<Self>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        Ok(KBox::new(NestvirtFile, GFP_KERNEL)?)
    }

    fn ioctl(_me: &NestvirtFile, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let arg = UserPtr::from_addr(arg);
        match cmd {
            NESTVIRT_GET_INFO => get_info(UserSlice::new(arg, _IOC_SIZE(cmd))),
            _ => Err(ENOTTY),
        }
    }
}

/// `NESTVIRT_GET_INFO`: what nestvirt is attached to and what it has seen.
fn get_info(user: UserSlice) -> Result<isize> {
    let mut info = NestvirtInfo::zeroed();
    info.abi_version = NESTVIRT_ABI_VERSION;
    // No rule is wired to the hooks yet: validation is off.
    info.mode = NESTVIRT_MODE_OFF;
    if let Some(attached) = ATTACHED.as_ref() {
        info.backend = attached.backend.abi_value();
        info.hook_abi_version = attached.hook_abi_version;
        info.kernel_release = attached.kernel_release;
    }
    info.nested_entries = Stats::read(&STATS.nested_entries);
    info.kvm_rejected = Stats::read(&STATS.kvm_rejected);
    info.nestvirt_rejected = Stats::read(&STATS.nestvirt_rejected);
    info.state_missing = Stats::read(&STATS.state_missing);
    user.writer().write(&info)?;
    Ok(0)
}
