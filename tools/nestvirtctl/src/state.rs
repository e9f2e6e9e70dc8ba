// SPDX-License-Identifier: GPL-2.0

//! `nestvirtctl state dump|validate|diff`: migration state files, read
//! offline with the engine's own decoder and checks (the code nestvirt.ko
//! runs). A file is a nestvirt state container
//! (Documentation/nestvirt/state-format.rst) or a raw KVM nested-state
//! blob as `KVM_GET_NESTED_STATE` wrote it (what QEMU and cloud-hypervisor
//! save); the vendor of a raw blob is its `format`.

use nestvirt_engine::rule::{ClassModes, Mode, Rule};
use nestvirt_engine::state::container::SectionType;
use nestvirt_engine::state::kvm::{self, KvmHeader};
use nestvirt_engine::state::{
    check_container, Checked, Container, KvmNestedState, StateError, SvmL1, Vendor,
};
use nestvirt_engine::svm::{layout, SvmClass};
use nestvirt_engine::vmx::{Field, L1Env, VmxClass};
use serde_json::{json, Value};

/// A state file, decoded as far as its kind allows.
pub enum StateFile<'a> {
    /// A nestvirt container.
    Container(Container<'a>),
    /// A raw KVM nested-state blob of the vendor its `format` names.
    Raw(Vendor, &'a [u8]),
}

/// Why a file is refused: its stable ID and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `STATE-...` or a catalogue rule ID.
    pub id: String,
    /// One line for a person.
    pub what: String,
}

impl Refusal {
    fn state(e: StateError) -> Self {
        Self {
            id: e.id().to_string(),
            what: format!("{e:?}"),
        }
    }
}

/// Reads `bytes` as a container (they start with its magic) or a raw KVM
/// blob; a container must pass every structural check.
pub fn read(bytes: &[u8]) -> Result<StateFile<'_>, Refusal> {
    if bytes.starts_with(&nestvirt_engine::state::container::MAGIC) {
        return Container::parse(bytes, None)
            .map(StateFile::Container)
            .map_err(Refusal::state);
    }
    let format = bytes
        .get(2..4)
        .map(|f| u16::from_le_bytes([f[0], f[1]]))
        .ok_or_else(|| Refusal::state(StateError::KvmSize))?;
    let vendor = match format {
        kvm::FORMAT_VMX => Vendor::Vmx,
        kvm::FORMAT_SVM => Vendor::Svm,
        _ => return Err(Refusal::state(StateError::KvmFormat)),
    };
    Ok(StateFile::Raw(vendor, bytes))
}

impl StateFile<'_> {
    fn vendor(&self) -> Vendor {
        match self {
            Self::Container(c) => c.vendor,
            Self::Raw(v, _) => *v,
        }
    }

    fn kvm_state(&self) -> &[u8] {
        match self {
            Self::Container(c) => c.kvm_state,
            Self::Raw(_, b) => b,
        }
    }
}

fn flag_names(flags: u16) -> Vec<&'static str> {
    [
        (kvm::GUEST_MODE, "guest-mode"),
        (kvm::RUN_PENDING, "run-pending"),
        (kvm::EVMCS, "evmcs"),
        (kvm::MTF_PENDING, "mtf-pending"),
        (kvm::GIF_SET, "gif-set"),
    ]
    .into_iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, n)| n)
    .collect()
}

fn kvm_json(blob: &[u8], vendor: Vendor) -> Value {
    match KvmNestedState::parse(blob, vendor) {
        Err(e) => json!({ "refused": e.id() }),
        Ok(s) => {
            let header = match s.header {
                KvmHeader::Vmx {
                    vmxon_pa,
                    vmcs12_pa,
                    smm_flags,
                    flags,
                    preemption_timer_deadline,
                } => json!({
                    "vmxon_pa": vmxon_pa, "vmcs12_pa": vmcs12_pa, "smm_flags": smm_flags,
                    "flags": flags, "preemption_timer_deadline": preemption_timer_deadline,
                }),
                KvmHeader::Svm { vmcb_pa, gpat } => json!({ "vmcb_pa": vmcb_pa, "gpat": gpat }),
            };
            json!({
                "format": vendor.name(), "size": s.size, "flags": s.flags,
                "flag_names": flag_names(s.flags), "header": header,
                "data_bytes": s.data.len(),
            })
        }
    }
}

fn l1_json(vendor: Vendor, bytes: &[u8]) -> Value {
    match vendor {
        Vendor::Svm => match SvmL1::from_bytes(bytes) {
            Some(l1) => json!({
                "features": l1.features, "hsave_pa": l1.hsave_pa,
                "maxphyaddr": l1.maxphyaddr, "cpl": l1.cpl,
            }),
            None => Value::Null,
        },
        Vendor::Vmx => match L1Env::from_bytes(bytes) {
            Some(e) => json!({
                "vmx_msrs": e.caps.iter().enumerate()
                    .map(|(i, v)| (format!("0x{:x}", 0x480 + i), json!(v)))
                    .collect::<serde_json::Map<_, _>>(),
                "efer_allowed": e.efer_allowed, "debugctl_allowed": e.debugctl_allowed,
                "perf_global_ctrl_allowed": e.perf_global_ctrl_allowed,
                "current_vmptr": e.current_vmptr, "features": e.features,
                "maxphyaddr": e.maxphyaddr, "linear_address_bits": e.linear_address_bits,
            }),
            None => Value::Null,
        },
    }
}

/// `state dump`: what the file holds, as JSON (the text form is printed
/// from it).
pub fn dump(file: &StateFile<'_>) -> Value {
    let vendor = file.vendor();
    let mut v = json!({
        "vendor": vendor.name(),
        "kvm_nested_state": kvm_json(file.kvm_state(), vendor),
    });
    if let StateFile::Container(c) = file {
        v["kind"] = json!("container");
        v["version"] = json!(nestvirt_engine::state::container::VERSION);
        v["total_size"] = json!(c.bytes().len());
        v["crc32c"] = json!(format!("0x{:08x}", c.crc32c));
        v["sections"] = c
            .sections()
            .flatten()
            .map(|s| {
                json!({
                    "type": s.kind,
                    "name": s.known().map_or("unknown", SectionType::name),
                    "required": s.flags & nestvirt_engine::state::container::SECTION_REQUIRED != 0,
                    "offset": s.offset, "length": s.payload.len(),
                })
            })
            .collect();
        v["l1"] = l1_json(vendor, c.l1_caps);
        v["class_modes"] = c.class_modes.map_or(Value::Null, |m| {
            m.iter()
                .map(|&b| Mode::from_u32(u32::from(b)).map_or("?", Mode::name))
                .collect()
        });
    } else {
        v["kind"] = json!("raw KVM nested state");
    }
    v
}

/// The verdict of `state validate`.
pub struct Validation {
    /// `None`: valid.
    pub refused: Option<Refusal>,
    /// Every rule that failed (enforced or not), by ID.
    pub failing_rules: Vec<&'static str>,
    /// What was checked, for a person.
    pub checked: &'static str,
}

/// `state validate`: the structure, KVM's header checks, then (for a
/// container in guest mode) the whole catalogue, every class in enforce,
/// against the L1 the container records.
pub fn validate(file: &StateFile<'_>) -> Validation {
    let mut v = Validation {
        refused: None,
        failing_rules: Vec::new(),
        checked: "",
    };
    let c = match file {
        StateFile::Raw(vendor, blob) => {
            v.checked = "KVM's header checks (a raw blob records no L1 capabilities: no catalogue)";
            v.refused = KvmNestedState::parse(blob, *vendor)
                .err()
                .map(Refusal::state);
            return v;
        }
        StateFile::Container(c) => c,
    };
    let classes = match c.vendor {
        Vendor::Svm => SvmClass::ALL.len(),
        Vendor::Vmx => VmxClass::ALL.len(),
    };
    match check_container(c, ClassModes::uniform(Mode::Enforce, classes)) {
        Err(e) => {
            v.checked = "container and KVM's header checks";
            v.refused = Some(Refusal::state(e));
        }
        Ok(Checked::NoGuestState) => {
            v.checked =
                "container and KVM's header checks (not in guest mode: no L2 state to check)";
        }
        Ok(checked) => {
            v.checked = "container, KVM's header checks and the catalogue (every class enforced)";
            v.failing_rules = match checked {
                Checked::Svm(o) => o.counted.iter().map(|r| r.info().id).collect(),
                Checked::Vmx(o) => o.counted.iter().map(|r| r.info().id).collect(),
                Checked::NoGuestState => Vec::new(),
            };
            v.refused = checked.enforced_id().map(|id| Refusal {
                id: id.to_string(),
                what: "the restored L2 state fails this rule".to_string(),
            });
        }
    }
    v
}

/// One difference: where, and the two values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The field, named as in the kernel's structs.
    pub field: String,
    /// In the first file.
    pub a: String,
    /// In the second.
    pub b: String,
}

fn differ(out: &mut Vec<Difference>, field: impl Into<String>, a: impl ToString, b: impl ToString) {
    let (a, b) = (a.to_string(), b.to_string());
    if a != b {
        out.push(Difference {
            field: field.into(),
            a,
            b,
        });
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .rev()
        .map(|x| format!("{x:02x}"))
        .collect::<String>()
}

/// `state diff`: the two files field by field: the KVM header, then the
/// vmcb12 (by the VMCB layout's fields) or vmcs12 (by vmcs12 field), then
/// the L1 record and the class modes.
pub fn diff(a: &StateFile<'_>, b: &StateFile<'_>) -> Vec<Difference> {
    let mut out = Vec::new();
    differ(&mut out, "vendor", a.vendor().name(), b.vendor().name());
    let (ka, kb) = (a.kvm_state(), b.kvm_state());
    for (name, at, len) in [
        ("kvm.flags", 0, 2),
        ("kvm.format", 2, 2),
        ("kvm.size", 4, 4),
    ] {
        differ(
            &mut out,
            name,
            hex(ka.get(at..at + len).unwrap_or(&[])),
            hex(kb.get(at..at + len).unwrap_or(&[])),
        );
    }
    let header_fields: &[(&str, usize, usize)] = match a.vendor() {
        Vendor::Vmx => &[
            ("kvm.hdr.vmx.vmxon_pa", 8, 8),
            ("kvm.hdr.vmx.vmcs12_pa", 16, 8),
            ("kvm.hdr.vmx.smm.flags", 24, 2),
            ("kvm.hdr.vmx.flags", 28, 4),
            ("kvm.hdr.vmx.preemption_timer_deadline", 32, 8),
        ],
        Vendor::Svm => &[("kvm.hdr.svm.vmcb_pa", 8, 8), ("kvm.hdr.svm.gpat", 16, 8)],
    };
    for &(name, at, len) in header_fields {
        differ(
            &mut out,
            name,
            hex(ka.get(at..at + len).unwrap_or(&[])),
            hex(kb.get(at..at + len).unwrap_or(&[])),
        );
    }
    let page = |k: &[u8]| {
        k.get(kvm::HEADER_SIZE..kvm::HEADER_SIZE + kvm::PAGE)
            .map(<[u8]>::to_vec)
    };
    match (a.vendor(), page(ka), page(kb)) {
        (Vendor::Svm, Some(pa), Some(pb)) => {
            for f in layout::control::FIELDS.iter().chain(layout::save::FIELDS) {
                let r = f.page_offset()..f.page_end();
                let area = if f.area == 0 { "control" } else { "save" };
                differ(
                    &mut out,
                    format!("vmcb12.{area}.{}", f.name),
                    hex(&pa[r.clone()]),
                    hex(&pb[r]),
                );
            }
        }
        (Vendor::Vmx, Some(pa), Some(pb)) => {
            let (va, vb) = (kvm::vmcs12_of(&pa), kvm::vmcs12_of(&pb));
            for &f in Field::ALL {
                differ(
                    &mut out,
                    format!("vmcs12.{}", f.member()),
                    format!("0x{:x}", va.get(f)),
                    format!("0x{:x}", vb.get(f)),
                );
            }
            let sa = ka.get(kvm::HEADER_SIZE + kvm::PAGE..).unwrap_or(&[]);
            let sb = kb.get(kvm::HEADER_SIZE + kvm::PAGE..).unwrap_or(&[]);
            differ(
                &mut out,
                "shadow_vmcs12",
                if sa.is_empty() { "absent" } else { "present" },
                if sb.is_empty() { "absent" } else { "present" },
            );
            if !sa.is_empty() && !sb.is_empty() && sa != sb {
                out.push(Difference {
                    field: "shadow_vmcs12 (bytes)".into(),
                    a: "differs".into(),
                    b: "differs".into(),
                });
            }
        }
        (_, pa, pb) => differ(
            &mut out,
            "state page",
            if pa.is_some() { "present" } else { "absent" },
            if pb.is_some() { "present" } else { "absent" },
        ),
    }
    if let (StateFile::Container(ca), StateFile::Container(cb)) = (a, b) {
        let (la, lb) = (
            l1_json(ca.vendor, ca.l1_caps),
            l1_json(cb.vendor, cb.l1_caps),
        );
        if let (Some(ma), Some(mb)) = (la.as_object(), lb.as_object()) {
            for (k, va) in ma {
                differ(
                    &mut out,
                    format!("l1.{k}"),
                    va,
                    mb.get(k).unwrap_or(&Value::Null),
                );
            }
        }
        differ(
            &mut out,
            "class_modes",
            format!("{:?}", ca.class_modes),
            format!("{:?}", cb.class_modes),
        );
    }
    out
}

/// The leaves `text` prints in decimal (by how their key ends): sizes,
/// counts, offsets and widths. Every other number is an address, a bit
/// mask or an MSR value, printed in hex.
const DECIMAL_KEYS: &[&str] = &[
    "length",
    "size",
    "bytes",
    "offset",
    "maxphyaddr",
    "bits",
    "cpl",
    "type",
    "version",
];

/// The text form of a JSON dump: one `key: value` line per leaf.
pub fn text(v: &Value) -> String {
    fn walk(prefix: &str, v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, x, out);
                }
            }
            Value::Array(a) if a.iter().any(|x| x.is_object()) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), x, out);
                }
            }
            Value::Number(n) if n.is_u64() && !DECIMAL_KEYS.iter().any(|k| prefix.ends_with(k)) => {
                out.push_str(&format!("{prefix}: 0x{:x}\n", n.as_u64().unwrap_or(0)));
            }
            Value::String(s) => out.push_str(&format!("{prefix}: {s}\n")),
            other => out.push_str(&format!("{prefix}: {other}\n")),
        }
    }
    let mut out = String::new();
    walk("", v, &mut out);
    out
}
