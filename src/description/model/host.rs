//! `host`: how one Linux host runs the app (supervisor, sandbox, install directories).

use super::*;

/// The `host` target: the app on one Linux host under systemd, behind nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Who starts, stops and restarts the app.
    pub supervisor: Supervisor,
    /// The systemd sandbox. Strict by default; each relaxation is an explicit key here.
    #[serde(default)]
    pub hardening: Hardening,
    /// Where the rendered files are installed on the server.
    #[serde(default)]
    pub install: Install,
}

/// A server the service runs on, reached over SSH by the rendered Ansible
/// project (set-up, rolling deploys, rollback). svcgen never runs on it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Its SSH address: a DNS name or an IP address.
    pub host: SshHost,
    /// Its name in the inventory and in the deploy's report (default: the address).
    #[serde(default)]
    pub name: Option<DnsLabel>,
    /// The port its sshd listens on.
    #[serde(default = "default_ssh_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

fn default_ssh_port() -> u16 {
    22
}

impl Server {
    /// Its inventory name: `name`, else the address.
    pub fn inventory_name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.host.as_str())
    }
}

/// The Node.js interpreter and its flags.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeRuntime {
    /// Absolute path of the `node` binary.
    #[serde(default = "default_node_path")]
    pub path: AbsPath,
    /// Flags for node, such as `--enable-source-maps` or `--max-old-space-size=512`.
    #[serde(default)]
    pub args: Vec<NodeArg>,
}

impl Default for NodeRuntime {
    fn default() -> Self {
        Self {
            path: default_node_path(),
            args: Vec::new(),
        }
    }
}

/// Which program supervises the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SupervisorKind {
    /// systemd runs `pm2-runtime` in the foreground; PM2 runs the app in cluster mode on one port.
    Pm2,
    /// systemd runs node directly; several instances are one templated unit per port.
    Systemd,
}

/// Supervision: instances, ports, memory.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supervisor {
    /// `pm2` or `systemd`.
    pub kind: SupervisorKind,
    /// How many app processes. Under `pm2` they share one port (cluster mode); under
    /// `systemd` each has its own. Each release slot has its own ports: under `pm2`
    /// blue listens on `port` and green on `port + 1`; under `systemd` blue on
    /// `port … port + instances - 1` and green on the `instances` ports after those.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 64))]
    pub instances: u16,
    /// The first loopback port of the app (the blue slot's).
    #[serde(default = "default_port")]
    #[schemars(range(min = 1024, max = 65535))]
    pub port: u16,
    /// The address the app binds to (exported as `HOST`).
    #[serde(default = "default_bind")]
    pub bind: BindAddress,
    /// Per-process memory limit: PM2 `max_memory_restart` (required under `kind: pm2`:
    /// PM2 restarts a worker that grows past it), or systemd `MemoryMax=` per instance.
    #[serde(default)]
    pub memory_limit: Option<Size>,
    /// How long PM2 waits for a new worker to listen before it counts as online.
    #[serde(default = "default_listen_timeout")]
    pub listen_timeout: Duration,
    /// Under `pm2`: the `pm2-runtime` binary that the unit runs.
    #[serde(default = "default_pm2_runtime")]
    pub pm2_runtime: AbsPath,
    /// Under `pm2`: the `pm2` CLI the deploy script reloads with.
    #[serde(default = "default_pm2_cli")]
    pub pm2_cli: AbsPath,
    /// Under `pm2`: PM2's state directory (`PM2_HOME`: sockets, pid files). Defaults to
    /// `/var/lib/NAME/pm2`, a systemd `StateDirectory=` the sandbox keeps writable.
    #[serde(default)]
    pub pm2_home: Option<AbsPath>,
}

/// How strictly systemd sandboxes the app. Everything is on by default; each key here
/// is a documented relaxation, visible in the description.
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Hardening {
    /// Extra directories the app may write (`ReadWritePaths=`); the log directory and
    /// PM2's state directory are added automatically.
    #[serde(default)]
    pub writable_paths: Vec<AbsPath>,
    /// Let the app read home directories (`ProtectHome=read-only` instead of `yes`).
    #[serde(default)]
    pub read_home: bool,
    /// More system calls or `@groups` to allow beyond `@system-service`.
    #[serde(default)]
    pub allow_syscalls: Vec<Syscall>,
    /// More socket families beyond AF_UNIX, AF_INET and AF_INET6 (for example `AF_NETLINK`,
    /// which `os.networkInterfaces()` needs).
    #[serde(default)]
    pub address_families: Vec<AddressFamily>,
    /// Capabilities to grant (for example `CAP_NET_BIND_SERVICE` to bind below 1024).
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// When set, the only addresses the app exchanges IP packets with, in either
    /// direction: the databases and services it calls (`IPAddressDeny=any` plus
    /// `IPAddressAllow=localhost` and these). Not a list of clients: clients reach the
    /// app through nginx on loopback, which is always allowed. Leave empty for an app
    /// that calls services anywhere.
    #[serde(default)]
    pub network_peers: Vec<IpPrefix>,
    /// `MemoryDenyWriteExecute=yes`. V8's JIT needs writable+executable memory, so this
    /// is only allowed when `node.args` has `--jitless`.
    #[serde(default)]
    pub memory_deny_write_execute: bool,
    /// Let the app run as root. Refused unless set; never needed behind nginx.
    #[serde(default)]
    pub allow_root: bool,
    /// Confine the app with an AppArmor profile as well (`NAME.apparmor`, installed
    /// as /etc/apparmor.d/svcgen.NAME): read the release tree and node, write only
    /// what the unit's sandbox lets it write, the socket families it may use. The
    /// unit names it (`AppArmorProfile=svcgen-NAME`): on a host with AppArmor the
    /// unit does not start until the profile is loaded; without AppArmor, systemd
    /// ignores the setting.
    #[serde(default)]
    pub apparmor: bool,
}

/// Where the rendered files are installed on the server.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Install {
    /// Directory of the systemd unit.
    #[serde(default = "default_unit_dir")]
    pub unit_dir: AbsPath,
    /// Directory of the nginx site (`sites-available` or `conf.d`).
    #[serde(default = "default_nginx_dir")]
    pub nginx_dir: AbsPath,
    /// Directory of the sudoers file that lets the deploy script start and stop the
    /// app and reload nginx (check it with `visudo -c`).
    #[serde(default = "default_sudoers_dir")]
    pub sudoers_dir: AbsPath,
    /// Directory of `ecosystem.config.js` and `deploy.sh` (default: `app_dir`).
    #[serde(default)]
    pub app_files_dir: Option<AbsPath>,
}

impl Default for Install {
    fn default() -> Self {
        Self {
            unit_dir: default_unit_dir(),
            nginx_dir: default_nginx_dir(),
            sudoers_dir: default_sudoers_dir(),
            app_files_dir: None,
        }
    }
}

pub(super) fn default_node_path() -> AbsPath {
    AbsPath::known("/usr/bin/node")
}

pub(super) fn default_port() -> u16 {
    3000
}

pub(super) fn default_bind() -> BindAddress {
    BindAddress::known("127.0.0.1")
}

pub(super) fn default_listen_timeout() -> Duration {
    Duration::from_secs(8)
}

pub(super) fn default_pm2_runtime() -> AbsPath {
    AbsPath::known("/usr/bin/pm2-runtime")
}

pub(super) fn default_pm2_cli() -> AbsPath {
    AbsPath::known("/usr/bin/pm2")
}

pub(super) fn default_unit_dir() -> AbsPath {
    AbsPath::known("/etc/systemd/system")
}

pub(super) fn default_sudoers_dir() -> AbsPath {
    AbsPath::known("/etc/sudoers.d")
}

pub(super) fn default_nginx_dir() -> AbsPath {
    AbsPath::known("/etc/nginx/sites-available")
}
