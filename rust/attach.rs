// SPDX-License-Identifier: GPL-2.0

//! Attaching to a hooked KVM vendor module.
//!
//! A hooked kvm-amd or kvm-intel exports one `struct nestvirt_target`.
//! nestvirt takes it with `symbol_get()` — which also pins the vendor module
//! for as long as nestvirt is loaded — checks its hook ABI version, and
//! attaches its ops. Dropping the [`Attachment`] detaches: the vendor module
//! waits until no hook call is left in nestvirt's code.

use crate::hooks_abi::{
    NestvirtHookOps,
    NestvirtReplays,
    NestvirtStateCall,
    NestvirtTagStats,
    NestvirtTarget,
    NESTVIRT_BACKEND_SVM,
    NESTVIRT_BACKEND_VMX,
    NESTVIRT_HOOK_ABI_VERSION, //
};
use core::{
    ffi::{
        c_int,
        CStr, //
    },
    ptr::NonNull, //
};
use kernel::{
    bindings,
    prelude::*, //
};

/// The vendor module nestvirt is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// kvm-amd.
    Svm,
    /// kvm-intel.
    Vmx,
}

impl Backend {
    /// The exported symbol of this backend's `struct nestvirt_target`.
    const fn symbol(self) -> &'static CStr {
        match self {
            Self::Svm => c"nestvirt_svm_target",
            Self::Vmx => c"nestvirt_vmx_target",
        }
    }

    /// The vendor module's name, for messages.
    pub(crate) const fn module_name(self) -> &'static str {
        match self {
            Self::Svm => "kvm_amd",
            Self::Vmx => "kvm_intel",
        }
    }

    /// `NESTVIRT_BACKEND_*`, in the hook ABI and in the uapi.
    pub(crate) const fn abi_value(self) -> u32 {
        match self {
            Self::Svm => NESTVIRT_BACKEND_SVM,
            Self::Vmx => NESTVIRT_BACKEND_VMX,
        }
    }
}

/// The calls into the attached vendor module besides attach and detach.
///
/// # Invariants
///
/// The functions are those of the target an [`Attachment`] holds. Only
/// that attachment's init and the files open on its `/dev/nestvirt` keep a
/// copy ([`crate::device::Serving`]), and all of them end before the
/// attachment drops: an open file holds a reference on nestvirt's module,
/// and the device is deregistered before the attachment is dropped.
#[derive(Clone, Copy)]
pub(crate) struct TargetCalls {
    policy_changed: unsafe extern "C" fn(),
    replayed: unsafe extern "C" fn(out: *mut NestvirtReplays),
    nested_state: unsafe extern "C" fn(call: *mut NestvirtStateCall) -> c_int,
    /// SVM only: the ASID mapping's counters.
    tag_stats: Option<unsafe extern "C" fn(out: *mut NestvirtTagStats)>,
}

impl TargetCalls {
    /// Tells the glue that the modes changed: it replays no verdict taken
    /// before, and asks [`crate::hooks`]' `checking` whether to call the
    /// hooks at all. Call it after the change; it may sleep.
    pub(crate) fn policy_changed(&self) {
        // SAFETY: By the type invariant the function is live; it takes no
        // argument.
        unsafe { (self.policy_changed)() };
    }

    /// The checks the glue answered by replay since nestvirt attached.
    pub(crate) fn replayed(&self) -> NestvirtReplays {
        let mut out = NestvirtReplays::default();
        // SAFETY: By the type invariant the function is live; `out` is a
        // writable `struct nestvirt_replays` for the call.
        unsafe { (self.replayed)(&mut out) };
        out
    }

    /// The ASID mapping's counters; `None` for a backend without the
    /// mapping (VMX).
    pub(crate) fn tag_stats(&self) -> Option<NestvirtTagStats> {
        let tag_stats = self.tag_stats?;
        let mut out = NestvirtTagStats::default();
        // SAFETY: By the type invariant the function is live; `out` is a
        // writable `struct nestvirt_tag_stats` for the call.
        unsafe { tag_stats(&mut out) };
        Some(out)
    }

    /// Makes one state call on a vCPU (the hook ABI's `nested_state()`):
    /// the glue locks the vCPU as KVM's own ioctl does.
    pub(crate) fn nested_state(&self, call: &mut NestvirtStateCall) -> Result {
        // SAFETY: By the type invariant the function is live; `call` is a
        // valid `struct nestvirt_state_call` for the call, whose pointers
        // are the caller's user addresses (which the glue only passes to
        // KVM's uaccess) and nestvirt's own `header`, `check` and `ctx`.
        let ret = unsafe { (self.nested_state)(call) };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        Ok(())
    }
}

/// A `symbol_get()` reference on a backend's exported target, which keeps
/// the vendor module — and so the target — loaded; dropping it calls
/// `symbol_put()`. The target is only reachable by borrowing the reference.
///
/// # Invariants
///
/// The reference on `backend.symbol()` was taken with `__symbol_get`, which
/// returned `target`: the vendor module's immutable `struct nestvirt_target`.
struct SymbolRef {
    backend: Backend,
    target: NonNull<NestvirtTarget>,
}

impl SymbolRef {
    /// Takes the exported target of `backend`, if its vendor module is
    /// loaded and hooked.
    fn get(backend: Backend) -> Option<Self> {
        // SAFETY: `symbol()` is a NUL-terminated name; `__symbol_get` returns
        // null or the address of a GPL export of a live module, and takes a
        // reference on that module.
        let ptr = unsafe { bindings::__symbol_get(backend.symbol().as_ptr().cast()) };
        // INVARIANT: a non-null result is the exported `struct
        // nestvirt_target` (both sides include include/nestvirt/hooks.h,
        // layout asserted in hooks_abi.rs), with the reference just taken.
        NonNull::new(ptr.cast::<NestvirtTarget>()).map(|target| Self { backend, target })
    }

    /// The exported target, live for as long as this reference is.
    fn target(&self) -> &NestvirtTarget {
        // SAFETY: By the type invariant the target is immutable and its
        // module stays loaded while we hold the reference, which outlives
        // the borrow of `self`.
        unsafe { self.target.as_ref() }
    }
}

impl Drop for SymbolRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold this symbol reference.
        unsafe { bindings::__symbol_put(self.backend.symbol().as_ptr().cast()) };
    }
}

/// The vendor module's `detach`, which the hook ABI requires.
type DetachFn = unsafe extern "C" fn(ops: *const NestvirtHookOps);

/// nestvirt attached to a hooked vendor module.
///
/// # Invariants
///
/// `ops` is attached to `symbol`'s target, and `detach` and `calls` are
/// that target's functions.
pub(crate) struct Attachment {
    ops: &'static NestvirtHookOps,
    detach: DetachFn,
    calls: TargetCalls,
    /// Dropped after `Drop::drop` detached `ops`: the vendor module stays
    /// loaded until then.
    symbol: SymbolRef,
}

// SAFETY: `Attachment` only holds shared references to immutable data (the
// exported target and our static ops) and functions any thread may call;
// detaching from any thread is allowed.
unsafe impl Send for Attachment {}
// SAFETY: As above; `&Attachment` only allows reading immutable data.
unsafe impl Sync for Attachment {}

impl Attachment {
    /// Finds the loaded hooked vendor module and attaches `ops` to it.
    pub(crate) fn attach(ops: &'static NestvirtHookOps) -> Result<Self> {
        let Some(symbol) = [Backend::Svm, Backend::Vmx]
            .into_iter()
            .find_map(SymbolRef::get)
        else {
            pr_err!(
                "no hooked KVM vendor module is loaded: load kvm_amd or kvm_intel \
                 built with nestvirt's hook series first\n"
            );
            return Err(ENODEV);
        };
        // Every early return below drops `symbol`, releasing the module.
        let backend = symbol.backend;
        let target = symbol.target();

        if target.abi_version != NESTVIRT_HOOK_ABI_VERSION {
            pr_err!(
                "{} speaks hook ABI {}, this nestvirt speaks {}: rebuild them together\n",
                backend.module_name(),
                target.abi_version,
                NESTVIRT_HOOK_ABI_VERSION
            );
            return Err(EPROTO);
        }
        if target.backend != backend.abi_value() {
            pr_err!(
                "{} reports a foreign backend {}\n",
                backend.module_name(),
                target.backend
            );
            return Err(EPROTO);
        }
        // All of them before attaching: without `detach`, nestvirt could
        // not leave safely.
        let (Some(attach), Some(detach), Some(policy_changed), Some(replayed), Some(nested_state)) = (
            target.attach,
            target.detach,
            target.policy_changed,
            target.replayed,
            target.nested_state,
        ) else {
            pr_err!(
                "{} lacks a hook ABI {} callback\n",
                backend.module_name(),
                NESTVIRT_HOOK_ABI_VERSION
            );
            return Err(EPROTO);
        };
        // SAFETY: `attach` comes from the live target (pinned by symbol_get);
        // `ops` is 'static, as the hook ABI requires.
        let ret = unsafe { attach(ops) };
        if ret != 0 {
            pr_err!(
                "{} refused to attach: error {}\n",
                backend.module_name(),
                ret
            );
            return Err(Error::from_errno(ret));
        }
        pr_info!(
            "attached to {} (hook ABI {}, built from {})\n",
            backend.module_name(),
            target.abi_version,
            kernel_release(target)
                .unwrap_or(c"?")
                .to_str()
                .unwrap_or("?")
        );
        // INVARIANT: `ops` is attached to the target; the functions are its.
        Ok(Self {
            ops,
            detach,
            calls: TargetCalls {
                policy_changed,
                replayed,
                nested_state,
                tag_stats: target.tag_stats,
            },
            symbol,
        })
    }

    /// The vendor module attached to.
    pub(crate) fn backend(&self) -> Backend {
        self.symbol.backend
    }

    /// The hook ABI version the vendor module was built with.
    pub(crate) fn hook_abi_version(&self) -> u32 {
        self.symbol.target().abi_version
    }

    /// The calls into the vendor module the ioctls make. Kept only where
    /// [`TargetCalls`]' invariant allows.
    pub(crate) fn calls(&self) -> TargetCalls {
        self.calls
    }

    /// The kernel release the vendor module was built from.
    pub(crate) fn kernel_release(&self) -> &CStr {
        kernel_release(self.symbol.target()).unwrap_or(c"")
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `detach` is the target's and `ops`
        // is attached to it; the target is live until `symbol` drops, after
        // this. `detach` returns once no hook call is in our code.
        unsafe { (self.detach)(self.ops) };
        pr_info!("detached from {}\n", self.backend().module_name());
    }
}

fn kernel_release(target: &NestvirtTarget) -> Option<&CStr> {
    if target.kernel_release.is_null() {
        return None;
    }
    // SAFETY: A non-null `kernel_release` is `UTS_RELEASE`, a NUL-terminated
    // string literal in the vendor module, live while the symbol is held.
    Some(unsafe { CStr::from_ptr(target.kernel_release) })
}
