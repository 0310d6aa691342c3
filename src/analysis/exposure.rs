//! `systemd-analyze security`'s exposure score (systemd 252), computed from a unit
//! file without systemd, so it runs in CI containers and on laptops.
//!
//! The unit's settings are read the way systemd 252 loads them (list resets,
//! `~` inversions, merges) and patched the way it patches them at load time
//! (`PrivateDevices=` closes the device policy and drops CAP_MKNOD, `ProtectClock=`
//! allows `char-rtc`, `DynamicUser=` implies a sandbox…); then every check of
//! `analyze-security.c` gives a badness, and the exposure is
//! ceil(Σ ceil(badness × weight / range) × 100 / Σ weight) on a 0–100 scale,
//! printed /10. The system-call groups and the calls libseccomp resolves on x86-64
//! come from systemd 252 and libseccomp 2.5.4 (`data/`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;

use crate::syntax::systemd::{Unit, exec_words, parse_bool};

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub description: &'static str,
    pub weight: u64,
    pub badness: u64,
    pub range: u64,
}

/// The overall result for one unit.
#[derive(Debug, Clone, Serialize)]
pub struct Exposure {
    /// 0–100 (systemd prints it /10 with one decimal).
    pub exposure: u64,
    pub label: &'static str,
    /// Checks that are not fully satisfied (badness > 0), heaviest first.
    pub failing: Vec<CheckResult>,
}

impl Exposure {
    /// The score on systemd's 0–10 scale.
    pub fn score(&self) -> f64 {
        self.exposure as f64 / 10.0
    }
}

fn groups() -> &'static HashMap<String, Vec<String>> {
    static G: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    G.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        let mut current = String::new();
        for line in include_str!("../../data/systemd-252-syscall-groups.txt").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('@') {
                current = format!("@{}", name.trim());
                map.entry(current.clone()).or_default();
            } else if !current.is_empty() {
                map.entry(current.clone())
                    .or_default()
                    .push(line.trim().to_string());
            }
        }
        map
    })
}

fn native() -> &'static HashSet<&'static str> {
    static N: OnceLock<HashSet<&'static str>> = OnceLock::new();
    N.get_or_init(|| {
        include_str!("../../data/x86_64-syscalls.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// A group or call name, expanded to call names.
fn expand(name: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    if name.starts_with('@') {
        if let Some(members) = groups().get(name) {
            for m in members {
                expand(m, out, depth + 1);
            }
        }
    } else {
        out.push(name.to_string());
    }
}

// Linux capability numbers.
const CAP_CHOWN: u32 = 0;
const CAP_DAC_OVERRIDE: u32 = 1;
const CAP_DAC_READ_SEARCH: u32 = 2;
const CAP_FOWNER: u32 = 3;
const CAP_FSETID: u32 = 4;
const CAP_KILL: u32 = 5;
const CAP_SETGID: u32 = 6;
const CAP_SETUID: u32 = 7;
const CAP_SETPCAP: u32 = 8;
const CAP_LINUX_IMMUTABLE: u32 = 9;
const CAP_NET_BIND_SERVICE: u32 = 10;
const CAP_NET_BROADCAST: u32 = 11;
const CAP_NET_ADMIN: u32 = 12;
const CAP_NET_RAW: u32 = 13;
const CAP_IPC_LOCK: u32 = 14;
const CAP_IPC_OWNER: u32 = 15;
const CAP_SYS_MODULE: u32 = 16;
const CAP_SYS_RAWIO: u32 = 17;
const CAP_SYS_CHROOT: u32 = 18;
const CAP_SYS_PTRACE: u32 = 19;
const CAP_SYS_PACCT: u32 = 20;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_SYS_BOOT: u32 = 22;
const CAP_SYS_NICE: u32 = 23;
const CAP_SYS_RESOURCE: u32 = 24;
const CAP_SYS_TIME: u32 = 25;
const CAP_SYS_TTY_CONFIG: u32 = 26;
const CAP_MKNOD: u32 = 27;
const CAP_LEASE: u32 = 28;
const CAP_AUDIT_WRITE: u32 = 29;
const CAP_AUDIT_CONTROL: u32 = 30;
const CAP_SETFCAP: u32 = 31;
const CAP_MAC_OVERRIDE: u32 = 32;
const CAP_MAC_ADMIN: u32 = 33;
const CAP_SYSLOG: u32 = 34;
const CAP_WAKE_ALARM: u32 = 35;
const CAP_BLOCK_SUSPEND: u32 = 36;
const CAP_AUDIT_READ: u32 = 37;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;
const CAP_CHECKPOINT_RESTORE: u32 = 40;

const CAP_NAMES: &[(&str, u32)] = &[
    ("CAP_CHOWN", CAP_CHOWN),
    ("CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE),
    ("CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH),
    ("CAP_FOWNER", CAP_FOWNER),
    ("CAP_FSETID", CAP_FSETID),
    ("CAP_KILL", CAP_KILL),
    ("CAP_SETGID", CAP_SETGID),
    ("CAP_SETUID", CAP_SETUID),
    ("CAP_SETPCAP", CAP_SETPCAP),
    ("CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE),
    ("CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE),
    ("CAP_NET_BROADCAST", CAP_NET_BROADCAST),
    ("CAP_NET_ADMIN", CAP_NET_ADMIN),
    ("CAP_NET_RAW", CAP_NET_RAW),
    ("CAP_IPC_LOCK", CAP_IPC_LOCK),
    ("CAP_IPC_OWNER", CAP_IPC_OWNER),
    ("CAP_SYS_MODULE", CAP_SYS_MODULE),
    ("CAP_SYS_RAWIO", CAP_SYS_RAWIO),
    ("CAP_SYS_CHROOT", CAP_SYS_CHROOT),
    ("CAP_SYS_PTRACE", CAP_SYS_PTRACE),
    ("CAP_SYS_PACCT", CAP_SYS_PACCT),
    ("CAP_SYS_ADMIN", CAP_SYS_ADMIN),
    ("CAP_SYS_BOOT", CAP_SYS_BOOT),
    ("CAP_SYS_NICE", CAP_SYS_NICE),
    ("CAP_SYS_RESOURCE", CAP_SYS_RESOURCE),
    ("CAP_SYS_TIME", CAP_SYS_TIME),
    ("CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG),
    ("CAP_MKNOD", CAP_MKNOD),
    ("CAP_LEASE", CAP_LEASE),
    ("CAP_AUDIT_WRITE", CAP_AUDIT_WRITE),
    ("CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL),
    ("CAP_SETFCAP", CAP_SETFCAP),
    ("CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE),
    ("CAP_MAC_ADMIN", CAP_MAC_ADMIN),
    ("CAP_SYSLOG", CAP_SYSLOG),
    ("CAP_WAKE_ALARM", CAP_WAKE_ALARM),
    ("CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND),
    ("CAP_AUDIT_READ", CAP_AUDIT_READ),
    ("CAP_PERFMON", CAP_PERFMON),
    ("CAP_BPF", CAP_BPF),
    ("CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE),
];

const fn bit(c: u32) -> u64 {
    1u64 << c
}

const NS_MNT: u64 = 0x0002_0000;
const NS_CGROUP: u64 = 0x0200_0000;
const NS_UTS: u64 = 0x0400_0000;
const NS_IPC: u64 = 0x0800_0000;
const NS_USER: u64 = 0x1000_0000;
const NS_PID: u64 = 0x2000_0000;
const NS_NET: u64 = 0x4000_0000;
const NS_ALL: u64 = NS_MNT | NS_CGROUP | NS_UTS | NS_IPC | NS_USER | NS_PID | NS_NET;

/// What analyze-security.c reads from a loaded unit.
#[derive(Debug, Clone)]
struct Info {
    default_dependencies: bool,
    ambient: u64,
    bounding: u64,
    user: Option<String>,
    supplementary_groups: bool,
    dynamic_user: bool,
    ip_deny_all: bool,
    ip_allow_localhost: bool,
    ip_allow_other: bool,
    ip_filters_custom: bool,
    keyring_mode: String,
    protect_proc: String,
    proc_subset: String,
    lock_personality: bool,
    memory_deny_write_execute: bool,
    no_new_privileges: bool,
    notify_access: String,
    protect_hostname: bool,
    private_devices: bool,
    private_mounts: bool,
    private_network: bool,
    private_tmp: bool,
    private_users: bool,
    protect_control_groups: bool,
    protect_kernel_modules: bool,
    protect_kernel_tunables: bool,
    protect_kernel_logs: bool,
    protect_clock: bool,
    protect_home: String,
    protect_system: String,
    remove_ipc: bool,
    af_inet: bool,
    af_unix: bool,
    af_netlink: bool,
    af_packet: bool,
    af_other: bool,
    restrict_namespaces: u64,
    restrict_realtime: bool,
    restrict_suid_sgid: bool,
    root: bool,
    delegate: bool,
    device_policy: String,
    device_allow_non_empty: bool,
    archs: Vec<String>,
    syscall_allow_list: bool,
    /// `None`: no filter at all.
    syscall_filter: Option<HashSet<String>>,
    umask: u32,
}

fn b(unit: &Unit, section: &str, key: &str) -> bool {
    unit.value(section, key)
        .and_then(parse_bool)
        .unwrap_or(false)
}

/// Every assignment of a key in order (including empty resets).
fn assignments<'a>(unit: &'a Unit, section: &str, key: &str) -> Vec<&'a str> {
    unit.sections
        .iter()
        .filter(|s| s.name == section)
        .flat_map(|s| s.entries.iter())
        .filter(|e| e.key == key)
        .map(|e| e.value.as_str())
        .collect()
}

fn caps(unit: &Unit, key: &str, initial: u64) -> u64 {
    let mut set = initial;
    for v in assignments(unit, "Service", key) {
        let (invert, rest) = match v.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, v),
        };
        let mut sum = 0u64;
        for w in rest.split_whitespace() {
            if let Some((_, n)) = CAP_NAMES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(w))
            {
                sum |= bit(*n);
            }
        }
        if sum == 0 || set == initial {
            set = if invert { !sum } else { sum };
        } else if invert {
            set &= !sum;
        } else {
            set |= sum;
        }
    }
    set
}

fn namespaces(unit: &Unit) -> u64 {
    let mut flags = u64::MAX;
    for v in assignments(unit, "Service", "RestrictNamespaces") {
        if v.is_empty() {
            flags = u64::MAX;
            continue;
        }
        match parse_bool(v) {
            Some(true) => {
                flags = 0;
                continue;
            }
            Some(false) => {
                flags = NS_ALL;
                continue;
            }
            None => {}
        }
        let (invert, rest) = match v.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, v),
        };
        let mut f = 0u64;
        for w in rest.split_whitespace() {
            f |= match w {
                "cgroup" => NS_CGROUP,
                "ipc" => NS_IPC,
                "net" => NS_NET,
                "mnt" => NS_MNT,
                "pid" => NS_PID,
                "user" => NS_USER,
                "uts" => NS_UTS,
                _ => 0,
            };
        }
        if flags == u64::MAX {
            flags = if invert { !f & NS_ALL } else { f };
        } else if invert {
            flags &= !f;
        } else {
            flags |= f;
        }
    }
    flags
}

fn syscall_filter(unit: &Unit) -> (bool, Option<HashSet<String>>) {
    let mut allow_list = false;
    let mut filter: Option<HashSet<String>> = None;
    for v in assignments(unit, "Service", "SystemCallFilter") {
        if v.is_empty() {
            filter = None;
            allow_list = false;
            continue;
        }
        let (invert, rest) = match v.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, v),
        };
        if filter.is_none() {
            let mut set = HashSet::new();
            if invert {
                allow_list = false;
            } else {
                allow_list = true;
                let mut names = Vec::new();
                expand("@default", &mut names, 0);
                set.extend(names);
            }
            filter = Some(set);
        }
        let set = filter.as_mut().expect("set above");
        for w in rest.split_whitespace() {
            let name = w.split(':').next().unwrap_or(w);
            let mut names = Vec::new();
            expand(name, &mut names, 0);
            for n in names {
                if invert != allow_list {
                    set.insert(n);
                } else {
                    set.remove(&n);
                }
            }
        }
    }
    (allow_list, filter)
}

fn address_families(unit: &Unit) -> (bool, Option<HashSet<String>>) {
    let mut allow_list = false;
    let mut set: Option<HashSet<String>> = None;
    for v in assignments(unit, "Service", "RestrictAddressFamilies") {
        if v.is_empty() {
            set = None;
            allow_list = false;
            continue;
        }
        if v == "none" {
            set = None;
            allow_list = true;
            continue;
        }
        let (invert, rest) = match v.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, v),
        };
        if set.is_none() {
            set = Some(HashSet::new());
            allow_list = !invert;
        }
        let s = set.as_mut().expect("set above");
        for w in rest.split_whitespace() {
            if invert != allow_list {
                s.insert(w.to_string());
            } else {
                s.remove(w);
            }
        }
    }
    (allow_list, set)
}

fn list(unit: &Unit, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for v in assignments(unit, "Service", key) {
        if v.is_empty() {
            out.clear();
        } else {
            out.extend(exec_words(v));
        }
    }
    out
}

fn normalize_bool_enum(v: Option<&str>) -> String {
    match v {
        None => "no".into(),
        Some(s) => match parse_bool(s) {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => s.to_string(),
        },
    }
}

fn is_localhost(word: &str) -> bool {
    word == "localhost" || word.starts_with("127.") || word == "::1" || word.starts_with("::1/")
}

fn read_info(unit: &Unit, unit_name: &str) -> Info {
    let mut bounding = caps(unit, "CapabilityBoundingSet", u64::MAX);
    let ambient = caps(unit, "AmbientCapabilities", 0);
    let (syscall_allow_list, syscall_filter) = syscall_filter(unit);
    let (af_allow, af_set) = address_families(unit);
    let (mut af_inet, mut af_unix, mut af_netlink, mut af_packet, mut af_other) =
        (af_allow, af_allow, af_allow, af_allow, af_allow);
    for f in af_set.iter().flatten() {
        let restricted = !af_allow;
        match f.as_str() {
            "AF_INET" | "AF_INET6" => af_inet = restricted,
            "AF_UNIX" => af_unix = restricted,
            "AF_NETLINK" => af_netlink = restricted,
            "AF_PACKET" => af_packet = restricted,
            _ => af_other = restricted,
        }
    }
    let deny = list(unit, "IPAddressDeny");
    let deny_all = deny.iter().any(|w| w == "any")
        || (deny.iter().any(|w| w == "0.0.0.0/0") && deny.iter().any(|w| w == "::/0"));
    let allow = list(unit, "IPAddressAllow");
    let ip_allow_localhost = allow.iter().any(|w| is_localhost(w));
    let ip_allow_other = allow.iter().any(|w| !is_localhost(w));
    let dynamic_user = b(unit, "Service", "DynamicUser");
    let mut user = unit.value("Service", "User").map(str::to_string);
    let mut protect_system = normalize_bool_enum(unit.value("Service", "ProtectSystem"));
    let mut protect_home = normalize_bool_enum(unit.value("Service", "ProtectHome"));
    let mut remove_ipc = b(unit, "Service", "RemoveIPC");
    let mut no_new_privileges = b(unit, "Service", "NoNewPrivileges");
    let mut restrict_suid_sgid = b(unit, "Service", "RestrictSUIDSGID");
    let private_devices = b(unit, "Service", "PrivateDevices");
    let protect_kernel_modules = b(unit, "Service", "ProtectKernelModules");
    let protect_kernel_logs = b(unit, "Service", "ProtectKernelLogs");
    let protect_clock = b(unit, "Service", "ProtectClock");
    let mut private_tmp = b(unit, "Service", "PrivateTmp");
    let mut device_policy = unit
        .value("Service", "DevicePolicy")
        .unwrap_or("auto")
        .to_string();
    let mut device_allow = !list(unit, "DeviceAllow").is_empty();

    // What systemd 252 changes while loading the unit (unit_patch_contexts).
    if private_devices {
        bounding &= !(bit(CAP_MKNOD) | bit(CAP_SYS_RAWIO));
        if device_policy == "auto" {
            device_policy = "closed".into();
        }
    }
    if protect_kernel_modules {
        bounding &= !bit(CAP_SYS_MODULE);
    }
    if protect_kernel_logs {
        bounding &= !bit(CAP_SYSLOG);
    }
    if protect_clock {
        bounding &= !(bit(CAP_SYS_TIME) | bit(CAP_WAKE_ALARM));
        device_allow = true;
    }
    if dynamic_user {
        if user.is_none() {
            user = Some(unit_name.trim_end_matches(".service").to_string());
        }
        remove_ipc = true;
        protect_system = "strict".into();
        if protect_home == "no" {
            protect_home = "read-only".into();
        }
        no_new_privileges = true;
        restrict_suid_sgid = true;
        private_tmp = true;
    }
    let root_dir = unit
        .value("Service", "RootDirectory")
        .is_some_and(|v| v != "/");
    let root_image = unit.value("Service", "RootImage").is_some();
    let umask = unit
        .value("Service", "UMask")
        .and_then(|v| u32::from_str_radix(v, 8).ok())
        .unwrap_or(0o022);
    let type_notify = unit
        .value("Service", "Type")
        .is_some_and(|t| t.starts_with("notify"));
    Info {
        default_dependencies: unit
            .value("Unit", "DefaultDependencies")
            .and_then(parse_bool)
            .unwrap_or(true),
        ambient,
        bounding,
        user,
        supplementary_groups: !list(unit, "SupplementaryGroups").is_empty(),
        dynamic_user,
        ip_deny_all: deny_all,
        ip_allow_localhost,
        ip_allow_other,
        ip_filters_custom: !list(unit, "IPIngressFilterPath").is_empty()
            || !list(unit, "IPEgressFilterPath").is_empty(),
        keyring_mode: unit
            .value("Service", "KeyringMode")
            .unwrap_or("private")
            .to_string(),
        protect_proc: unit
            .value("Service", "ProtectProc")
            .unwrap_or("default")
            .to_string(),
        proc_subset: unit
            .value("Service", "ProcSubset")
            .unwrap_or("all")
            .to_string(),
        lock_personality: b(unit, "Service", "LockPersonality"),
        memory_deny_write_execute: b(unit, "Service", "MemoryDenyWriteExecute"),
        no_new_privileges,
        notify_access: unit
            .value("Service", "NotifyAccess")
            .unwrap_or(if type_notify { "main" } else { "none" })
            .to_string(),
        protect_hostname: b(unit, "Service", "ProtectHostname"),
        private_devices,
        private_mounts: b(unit, "Service", "PrivateMounts"),
        private_network: b(unit, "Service", "PrivateNetwork"),
        private_tmp,
        private_users: b(unit, "Service", "PrivateUsers"),
        protect_control_groups: b(unit, "Service", "ProtectControlGroups"),
        protect_kernel_modules,
        protect_kernel_tunables: b(unit, "Service", "ProtectKernelTunables"),
        protect_kernel_logs,
        protect_clock,
        protect_home,
        protect_system,
        remove_ipc,
        af_inet,
        af_unix,
        af_netlink,
        af_packet,
        af_other,
        restrict_namespaces: namespaces(unit),
        restrict_realtime: b(unit, "Service", "RestrictRealtime"),
        restrict_suid_sgid,
        root: root_dir || root_image,
        delegate: unit
            .value("Service", "Delegate")
            .is_some_and(|v| parse_bool(v) != Some(false)),
        device_policy,
        device_allow_non_empty: device_allow,
        archs: list(unit, "SystemCallArchitectures"),
        syscall_allow_list,
        syscall_filter,
        umask,
    }
}

fn runs_privileged(i: &Info) -> bool {
    match i.user.as_deref() {
        Some("0" | "root") => true,
        _ if i.dynamic_user => false,
        None | Some("") => true,
        _ => false,
    }
}

enum Assess {
    /// A boolean that must be true.
    Good(fn(&Info) -> bool),
    /// A boolean that must be false.
    Bad(fn(&Info) -> bool),
    Custom(fn(&Info) -> u64),
    Cap(u64),
    Ns(u64),
    Syscalls(&'static str),
}

struct Check {
    id: &'static str,
    description: &'static str,
    weight: u64,
    range: u64,
    default_dependencies_only: bool,
    assess: Assess,
}

const NA: u64 = u64::MAX;

/// A check systemd makes only for units with `DefaultDependencies=yes`.
const fn check_default_deps(
    id: &'static str,
    description: &'static str,
    weight: u64,
    range: u64,
    assess: Assess,
) -> Check {
    Check {
        default_dependencies_only: true,
        ..check(id, description, weight, range, assess)
    }
}

const fn check(
    id: &'static str,
    description: &'static str,
    weight: u64,
    range: u64,
    assess: Assess,
) -> Check {
    Check {
        id,
        description,
        weight,
        range,
        default_dependencies_only: false,
        assess,
    }
}

/// One `SystemCallFilter=~@group` row: the group's system calls must be filtered.
macro_rules! syscalls {
    ($group:literal, $weight:literal) => {
        check(
            concat!("SystemCallFilter=~", $group),
            "Service does not filter system calls",
            $weight,
            10,
            Assess::Syscalls($group),
        )
    };
}

/// systemd-analyze security's checks (its `security_assessor_table`), as data:
/// what each setting guards against, its weight and range, and how a unit is
/// assessed.
#[rustfmt::skip]
static CHECKS: &[Check] = {
    use Assess::*;
    &[
        check("User=/DynamicUser=", "Service runs as root user", 2000, 10, Custom(user_badness)),
        check("SupplementaryGroups=", "Service runs with supplementary groups", 200, 1, Custom(supplementary_groups_badness)),
        check("PrivateDevices=", "Service potentially has access to hardware devices", 1000, 1, Good(|i| i.private_devices)),
        check("PrivateMounts=", "Service may install system mounts", 1000, 1, Good(|i| i.private_mounts)),
        check("PrivateNetwork=", "Service has access to the host's network", 2500, 1, Good(|i| i.private_network)),
        check_default_deps("PrivateTmp=", "Service has access to other software's temporary files", 1000, 1, Good(|i| i.private_tmp)),
        check("PrivateUsers=", "Service has access to other users", 1000, 1, Good(|i| i.private_users)),
        check("ProtectControlGroups=", "Service may modify the control group file system", 1000, 1, Good(|i| i.protect_control_groups)),
        check("ProtectKernelModules=", "Service may load or read kernel modules", 1000, 1, Good(|i| i.protect_kernel_modules)),
        check("ProtectKernelTunables=", "Service may alter kernel tunables", 1000, 1, Good(|i| i.protect_kernel_tunables)),
        check("ProtectKernelLogs=", "Service may read from or write to the kernel log ring buffer", 1000, 1, Good(|i| i.protect_kernel_logs)),
        check("ProtectClock=", "Service may write to the hardware clock or system clock", 1000, 1, Good(|i| i.protect_clock)),
        check_default_deps("ProtectHome=", "Service has access to home directories", 1000, 10, Custom(protect_home_badness)),
        check("ProtectHostname=", "Service may change system host/domainname", 50, 1, Good(|i| i.protect_hostname)),
        check_default_deps("ProtectSystem=", "Service has full access to the OS file hierarchy", 1000, 10, Custom(protect_system_badness)),
        check_default_deps("RootDirectory=/RootImage=", "Service runs within the host's root directory", 200, 1, Good(|i| i.root)),
        check("LockPersonality=", "Service may change ABI personality", 100, 1, Good(|i| i.lock_personality)),
        check("MemoryDenyWriteExecute=", "Service may create writable executable memory mappings", 100, 1, Good(|i| i.memory_deny_write_execute)),
        check("NoNewPrivileges=", "Service processes may acquire new privileges", 1000, 1, Good(|i| i.no_new_privileges)),
        check("CapabilityBoundingSet=~CAP_SYS_ADMIN", "Service has administrator privileges", 1500, 1, Cap(bit(CAP_SYS_ADMIN))),
        check("CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)", "Service may change UID/GID identities/capabilities", 1500, 1, Cap(bit(CAP_SETUID) | bit(CAP_SETGID) | bit(CAP_SETPCAP))),
        check("CapabilityBoundingSet=~CAP_SYS_PTRACE", "Service has ptrace() debugging abilities", 1500, 1, Cap(bit(CAP_SYS_PTRACE))),
        check("CapabilityBoundingSet=~CAP_SYS_TIME", "Service processes may change the system clock", 1000, 1, Cap(bit(CAP_SYS_TIME))),
        check("CapabilityBoundingSet=~CAP_NET_ADMIN", "Service has network configuration privileges", 1000, 1, Cap(bit(CAP_NET_ADMIN))),
        check("CapabilityBoundingSet=~CAP_SYS_RAWIO", "Service has raw I/O access", 1000, 1, Cap(bit(CAP_SYS_RAWIO))),
        check("CapabilityBoundingSet=~CAP_SYS_MODULE", "Service may load kernel modules", 1000, 1, Cap(bit(CAP_SYS_MODULE))),
        check("CapabilityBoundingSet=~CAP_AUDIT_*", "Service has audit subsystem access", 500, 1, Cap(bit(CAP_AUDIT_CONTROL) | bit(CAP_AUDIT_READ) | bit(CAP_AUDIT_WRITE))),
        check("CapabilityBoundingSet=~CAP_SYSLOG", "Service has access to kernel logging", 500, 1, Cap(bit(CAP_SYSLOG))),
        check("CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)", "Service has privileges to change resource use parameters", 500, 1, Cap(bit(CAP_SYS_NICE) | bit(CAP_SYS_RESOURCE))),
        check("CapabilityBoundingSet=~CAP_MKNOD", "Service may create device nodes", 500, 1, Cap(bit(CAP_MKNOD))),
        check("CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)", "Service may change file ownership/access mode/capabilities unrestricted", 1000, 1, Cap(bit(CAP_CHOWN) | bit(CAP_FSETID) | bit(CAP_SETFCAP))),
        check("CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)", "Service may override UNIX file/IPC permission checks", 1000, 1, Cap(bit(CAP_DAC_OVERRIDE) | bit(CAP_DAC_READ_SEARCH) | bit(CAP_FOWNER) | bit(CAP_IPC_OWNER))),
        check("CapabilityBoundingSet=~CAP_KILL", "Service may send UNIX signals to arbitrary processes", 500, 1, Cap(bit(CAP_KILL))),
        check("CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)", "Service has elevated networking privileges", 500, 1, Cap(bit(CAP_NET_BIND_SERVICE) | bit(CAP_NET_BROADCAST) | bit(CAP_NET_RAW))),
        check("CapabilityBoundingSet=~CAP_SYS_BOOT", "Service may issue reboot()", 100, 1, Cap(bit(CAP_SYS_BOOT))),
        check("CapabilityBoundingSet=~CAP_MAC_*", "Service may adjust SMACK MAC", 100, 1, Cap(bit(CAP_MAC_ADMIN) | bit(CAP_MAC_OVERRIDE))),
        check("CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE", "Service may mark files immutable", 75, 1, Cap(bit(CAP_LINUX_IMMUTABLE))),
        check("CapabilityBoundingSet=~CAP_IPC_LOCK", "Service may lock memory into RAM", 50, 1, Cap(bit(CAP_IPC_LOCK))),
        check("CapabilityBoundingSet=~CAP_SYS_CHROOT", "Service may issue chroot()", 50, 1, Cap(bit(CAP_SYS_CHROOT))),
        check("CapabilityBoundingSet=~CAP_BLOCK_SUSPEND", "Service may establish wake locks", 25, 1, Cap(bit(CAP_BLOCK_SUSPEND))),
        check("CapabilityBoundingSet=~CAP_WAKE_ALARM", "Service may program timers that wake up the system", 25, 1, Cap(bit(CAP_WAKE_ALARM))),
        check("CapabilityBoundingSet=~CAP_LEASE", "Service may create file leases", 25, 1, Cap(bit(CAP_LEASE))),
        check("CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG", "Service may issue vhangup()", 25, 1, Cap(bit(CAP_SYS_TTY_CONFIG))),
        check("CapabilityBoundingSet=~CAP_SYS_PACCT", "Service may use acct()", 25, 1, Cap(bit(CAP_SYS_PACCT))),
        check("CapabilityBoundingSet=~CAP_BPF", "Service may load BPF programs", 25, 1, Cap(bit(CAP_BPF))),
        check("UMask=", "Files created by service are world-writable by default", 100, 10, Custom(umask_badness)),
        check("KeyringMode=", "Service shares key material with other services", 1000, 1, Custom(|i| u64::from(i.keyring_mode != "private"))),
        check("ProtectProc=", "Service has full access to process tree (/proc hidepid=)", 1000, 3, Custom(protect_proc_badness)),
        check("ProcSubset=", "Service has full access to non-process /proc files (/proc subset=)", 10, 1, Custom(|i| u64::from(i.proc_subset != "pid"))),
        check("NotifyAccess=", "Service child processes may alter service state", 1000, 1, Custom(|i| u64::from(i.notify_access == "all"))),
        check("RemoveIPC=", "Service user may leave SysV IPC objects around", 100, 1, Custom(remove_ipc_badness)),
        check("Delegate=", "Service maintains its own delegated control group subtree", 100, 1, Bad(|i| i.delegate)),
        check("RestrictRealtime=", "Service may acquire realtime scheduling", 500, 1, Good(|i| i.restrict_realtime)),
        check("RestrictSUIDSGID=", "Service may create SUID/SGID files", 1000, 1, Good(|i| i.restrict_suid_sgid)),
        check("RestrictNamespaces=~user", "Service may create user namespaces", 1500, 1, Ns(NS_USER)),
        check("RestrictNamespaces=~mnt", "Service may create file system namespaces", 500, 1, Ns(NS_MNT)),
        check("RestrictNamespaces=~ipc", "Service may create IPC namespaces", 500, 1, Ns(NS_IPC)),
        check("RestrictNamespaces=~pid", "Service may create process namespaces", 500, 1, Ns(NS_PID)),
        check("RestrictNamespaces=~cgroup", "Service may create cgroup namespaces", 500, 1, Ns(NS_CGROUP)),
        check("RestrictNamespaces=~net", "Service may create network namespaces", 500, 1, Ns(NS_NET)),
        check("RestrictNamespaces=~uts", "Service may create hostname namespaces", 100, 1, Ns(NS_UTS)),
        check("RestrictAddressFamilies=~AF_(INET|INET6)", "Service may allocate Internet sockets", 1500, 1, Good(|i| i.af_inet)),
        check("RestrictAddressFamilies=~AF_UNIX", "Service may allocate local sockets", 25, 1, Good(|i| i.af_unix)),
        check("RestrictAddressFamilies=~AF_NETLINK", "Service may allocate netlink sockets", 200, 1, Good(|i| i.af_netlink)),
        check("RestrictAddressFamilies=~AF_PACKET", "Service may allocate packet sockets", 1000, 1, Good(|i| i.af_packet)),
        check("RestrictAddressFamilies=~…", "Service may allocate exotic sockets", 1250, 1, Good(|i| i.af_other)),
        check("SystemCallArchitectures=", "Service may execute system calls with all ABIs", 1000, 10, Custom(system_call_architectures_badness)),
        check("IPAddressDeny=", "Service does not define an IP address allow list", 1000, 10, Custom(ip_address_deny_badness)),
        check("DeviceAllow=", "Service has no device ACL", 1000, 10, Custom(device_allow_badness)),
        check("AmbientCapabilities=", "Service process receives ambient capabilities", 500, 1, Custom(|i| u64::from(i.ambient != 0))),
        syscalls!("@swap", 1000),
        syscalls!("@obsolete", 250),
        syscalls!("@clock", 1000),
        syscalls!("@cpu-emulation", 250),
        syscalls!("@debug", 1000),
        syscalls!("@mount", 1000),
        syscalls!("@module", 1000),
        syscalls!("@raw-io", 1000),
        syscalls!("@reboot", 1000),
        syscalls!("@privileged", 700),
        syscalls!("@resources", 700),
    ]
};

/// How `User=/DynamicUser=` is assessed.
fn user_badness(i: &Info) -> u64 {
    match i.user.as_deref() {
        Some("nobody") => 9,
        Some(u) if i.dynamic_user && u != "0" && u != "root" => 0,
        Some(u) if !matches!(u, "0" | "root" | "") => 0,
        None if i.dynamic_user => 0,
        _ => 10,
    }
}

/// How `SupplementaryGroups=` is assessed.
fn supplementary_groups_badness(i: &Info) -> u64 {
    if runs_privileged(i) {
        NA
    } else {
        u64::from(i.supplementary_groups)
    }
}

/// How `ProtectHome=` is assessed.
fn protect_home_badness(i: &Info) -> u64 {
    match i.protect_home.as_str() {
        "yes" => 0,
        "read-only" => 5,
        "tmpfs" => 1,
        _ => 10,
    }
}

/// How `ProtectSystem=` is assessed.
fn protect_system_badness(i: &Info) -> u64 {
    match i.protect_system.as_str() {
        "strict" => 0,
        "full" => 3,
        "yes" => 5,
        _ => 10,
    }
}

/// How `UMask=` is assessed.
fn umask_badness(i: &Info) -> u64 {
    if i.umask & 0o002 == 0 {
        10
    } else if i.umask & 0o004 == 0 {
        5
    } else if i.umask & 0o020 == 0 {
        2
    } else if i.umask & 0o040 == 0 {
        1
    } else {
        0
    }
}

/// How `ProtectProc=` is assessed.
fn protect_proc_badness(i: &Info) -> u64 {
    match i.protect_proc.as_str() {
        "noaccess" => 1,
        "invisible" | "ptraceable" => 0,
        _ => 3,
    }
}

/// How `RemoveIPC=` is assessed.
fn remove_ipc_badness(i: &Info) -> u64 {
    if runs_privileged(i) {
        NA
    } else {
        u64::from(!i.remove_ipc)
    }
}

/// How `SystemCallArchitectures=` is assessed.
fn system_call_architectures_badness(i: &Info) -> u64 {
    if i.archs.is_empty() {
        10
    } else if i.archs.iter().any(|a| a == "native") {
        0
    } else {
        8
    }
}

/// How `IPAddressDeny=` is assessed.
fn ip_address_deny_badness(i: &Info) -> u64 {
    if i.ip_filters_custom {
        0
    } else if !i.ip_deny_all {
        10
    } else if i.ip_allow_other {
        5
    } else if i.ip_allow_localhost {
        2
    } else {
        0
    }
}

/// How `DeviceAllow=` is assessed.
fn device_allow_badness(i: &Info) -> u64 {
    if matches!(i.device_policy.as_str(), "strict" | "closed") {
        if i.device_allow_non_empty { 5 } else { 0 }
    } else {
        10
    }
}

fn syscall_badness(i: &Info, group: &str) -> u64 {
    let Some(filter) = &i.syscall_filter else {
        return 10;
    };
    if !i.syscall_allow_list && filter.is_empty() {
        return 10;
    }
    let mut members = Vec::new();
    expand(group, &mut members, 0);
    let bad = members
        .iter()
        .filter(|m| native().contains(m.as_str()))
        .any(|m| filter.contains(m) == i.syscall_allow_list);
    match (i.syscall_allow_list, bad) {
        (true, true) => 9,
        (false, true) => 10,
        _ => 0,
    }
}

/// The exposure of a service unit, as `systemd-analyze security --offline=true`
/// computes it. `unit_name` is the unit's file name (for `DynamicUser=`).
pub fn assess(unit: &Unit, unit_name: &str) -> Exposure {
    let info = read_info(unit, unit_name);
    let mut badness_sum = 0u64;
    let mut weight_sum = 0u64;
    let mut failing = Vec::new();
    for c in CHECKS {
        let badness = if c.default_dependencies_only && !info.default_dependencies {
            NA
        } else {
            match &c.assess {
                Assess::Good(f) => u64::from(!f(&info)),
                Assess::Bad(f) => u64::from(f(&info)),
                Assess::Custom(f) => f(&info),
                Assess::Cap(mask) => u64::from(info.bounding & mask != 0),
                Assess::Ns(flag) => u64::from(info.restrict_namespaces & flag != 0),
                Assess::Syscalls(group) => syscall_badness(&info, group),
            }
        };
        if badness == NA {
            continue;
        }
        badness_sum += (badness * c.weight).div_ceil(c.range);
        weight_sum += c.weight;
        if badness > 0 {
            failing.push(CheckResult {
                id: c.id,
                description: c.description,
                weight: c.weight,
                badness,
                range: c.range,
            });
        }
    }
    let exposure = (badness_sum * 100).div_ceil(weight_sum.max(1));
    let label = match exposure {
        100.. => "DANGEROUS",
        90.. => "UNSAFE",
        75.. => "EXPOSED",
        50.. => "MEDIUM",
        10.. => "OK",
        1.. => "SAFE",
        _ => "PERFECT",
    };
    failing.sort_by_key(|c| std::cmp::Reverse((c.badness * c.weight).div_ceil(c.range)));
    Exposure {
        exposure,
        label,
        failing,
    }
}
