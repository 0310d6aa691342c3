//! The service description: Rust types that the JSON Schema is generated from.
//!
//! Every string that lands in a generated file is of a kind (`kinds.rs`: an
//! absolute path, a host name, a command word…) whose pattern keeps out what its
//! target language cannot carry safely (newlines, quotes, `$`, `;`, `{`…), so a
//! hostile value is rejected at its YAML line before anything is rendered.
//! Rules across values (ports colliding, paths outside the app directory) live
//! in `validate.rs`. One file per section of the description.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::kinds::*;
use super::units::{Duration, Size};

mod deploy;
mod host;
mod kubernetes;
mod routes;
mod site;

pub use deploy::*;
pub use host::*;
pub use kubernetes::*;
pub use routes::*;
pub use site::*;

/// One Node.js web service: how it runs, how it is reached, how it is deployed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "svcgen service description")]
pub struct Service {
    /// Lower-case name; names the systemd unit, the PM2 app, the nginx upstream and the log files.
    pub name: ServiceName,
    /// One line saying what the service is (the unit's `Description=`).
    #[schemars(length(max = 200))]
    pub description: Summary,
    /// The non-root OS user the app runs as.
    pub user: Account,
    /// The app's OS group; defaults to the user's name.
    #[serde(default)]
    pub group: Option<Account>,
    /// The application's deploy root: releases are built in `releases/`, the two
    /// slots `blue` and `green` link to the releases they run, `current` to the one
    /// serving. Paths inside it (static route directories) name files of a release.
    pub app_dir: AbsPath,
    /// The entry script, relative to a release (for example `dist/server.js`).
    pub entry: RelPath,
    /// The Node.js interpreter.
    #[serde(default)]
    pub node: NodeRuntime,
    /// Plain (non-secret) environment variables. `PORT` and `HOST` are set by svcgen.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, EnvValue>",
        extend("propertyNames" = EnvName::KIND.schema())
    )]
    pub environment: BTreeMap<EnvName, EnvValue>,
    /// A file of `KEY=value` lines with the secrets (mode 0600, owned by root). It is
    /// referenced, never inlined, so secrets stay out of the unit and the ecosystem file.
    #[serde(default)]
    pub env_file: Option<AbsPath>,
    /// The variables the app requires from `env_file` (its contract): names only,
    /// never values. Before a deploy starts anything, a root-owned check (one fixed
    /// command in the sudoers rules) reads the file as systemd does and reports the
    /// names that are missing, empty or not of their form; `NAME.env.example`
    /// lists them for whoever sets the server up.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, Required>",
        extend("propertyNames" = EnvName::KIND.schema())
    )]
    pub env_required: BTreeMap<EnvName, Required>,
    /// How the app shuts down; every supervisor timeout is derived from it.
    #[serde(default)]
    pub shutdown: Shutdown,
    /// The app's health endpoint, polled by the deploy script.
    #[serde(default)]
    pub health: Health,
    /// The public nginx site in front of the app.
    pub site: Site,
    /// What nginx does with each URL prefix. Defaults to one proxy route for `/`.
    #[serde(default = "default_routes")]
    #[schemars(length(min = 1))]
    pub routes: Vec<Route>,
    /// Where logs go.
    #[serde(default)]
    pub logs: Logs,
    /// How a new release is fetched, built, migrated, reloaded and rolled back.
    pub deploy: Deploy,
    /// How one Linux host runs the app: its supervisor, the systemd sandbox and
    /// where the files are installed. (Descriptions written before the `host`
    /// section had these three keys at the top level; they still load.)
    pub host: Host,
    /// The servers the service runs on (usually set per environment): the
    /// rendered Ansible project (`NAME.ansible/`) sets them up and rolls a deploy
    /// over them one at a time. Empty: no Ansible project is rendered.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// How Kubernetes runs the app: the container image and the manifests. Absent:
    /// nothing is rendered for Kubernetes.
    #[serde(default)]
    pub kubernetes: Option<Kubernetes>,
    /// Environments (`staging`, `production`), each a mapping of this
    /// description's keys merged over it as a JSON Merge Patch (RFC 7386: mappings
    /// key by key, lists and values replaced, `null` removes). `render --env NAME`
    /// renders one; the Kubernetes target renders a kustomize base and an overlay
    /// for each. An environment keeps the service's `name`.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, serde_json::Map<String, serde_json::Value>>",
        extend("propertyNames" = DnsLabel::KIND.schema())
    )]
    pub environments: BTreeMap<DnsLabel, serde_json::Map<String, serde_json::Value>>,
    /// The environments merged over this description and checked, in name order
    /// (filled by the loader).
    #[serde(skip)]
    #[schemars(skip)]
    pub resolved_environments: Vec<(String, Service)>,
}

/// The two release slots: one serves while the other starts the next release.
pub const SLOTS: [&str; 2] = ["blue", "green"];

impl Service {
    /// The ports of the blue and the green slot, in that order (as `u32`: the last
    /// one may lie past 65535 in a description that validation then refuses).
    pub fn slot_ports(&self) -> [Vec<u32>; 2] {
        let sup = &self.host.supervisor;
        let per_slot = match sup.kind {
            SupervisorKind::Pm2 => 1,
            SupervisorKind::Systemd => u32::from(sup.instances),
        };
        let first = u32::from(sup.port);
        [
            (first..first + per_slot).collect(),
            (first + per_slot..first + 2 * per_slot).collect(),
        ]
    }
}

/// One variable the app requires from its env file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Required {
    /// What it is for (a comment in `NAME.env.example`).
    #[serde(default)]
    pub about: Option<OneLine>,
    /// Whether it is a secret (default): the example file leaves its value empty and
    /// says where to get one. `false` marks a plain setting that must be per host.
    #[serde(default = "yes")]
    pub secret: bool,
    /// What its value must look like, checked before a deploy starts anything.
    #[serde(default)]
    pub form: ValueForm,
}

/// The accepted forms of a required variable's value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValueForm {
    /// Any value that is not empty.
    #[default]
    Nonempty,
    /// A URL: `scheme://…`.
    Url,
    /// A whole number (digits only).
    Integer,
    /// At least 32 characters (a key or a session secret).
    Key,
}

impl ValueForm {
    pub fn name(self) -> &'static str {
        match self {
            ValueForm::Nonempty => "nonempty",
            ValueForm::Url => "url",
            ValueForm::Integer => "integer",
            ValueForm::Key => "key",
        }
    }
}

/// An environment value: text, a number or a boolean (written out as text).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    Text(OneLine),
    Integer(i64),
    Bool(bool),
}

impl EnvValue {
    pub fn as_text(&self) -> String {
        match self {
            EnvValue::Text(s) => s.to_string(),
            EnvValue::Integer(i) => i.to_string(),
            EnvValue::Bool(b) => b.to_string(),
        }
    }
}

/// A signal the app handles to shut down gracefully.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Signal {
    #[serde(rename = "SIGTERM")]
    Term,
    #[serde(rename = "SIGINT")]
    Int,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Term => "SIGTERM",
            Signal::Int => "SIGINT",
        }
    }
}

/// Graceful shutdown. The app drains in-flight requests for at most `drain`; PM2's
/// `kill_timeout` is `drain + margin` and systemd's `TimeoutStopSec` is one margin more,
/// so no supervisor kills the app mid-drain.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shutdown {
    /// The longest the app takes to drain after its stop signal.
    #[serde(default = "default_drain")]
    pub drain: Duration,
    /// Slack added at each supervisor layer above the drain.
    #[serde(default = "default_margin")]
    pub margin: Duration,
    /// The stop signals the app handles. PM2 is told to send the first one.
    #[serde(default = "default_signals")]
    #[schemars(length(min = 1))]
    pub signals: Vec<Signal>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            drain: default_drain(),
            margin: default_margin(),
            signals: default_signals(),
        }
    }
}

/// The app's health endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// Path on the app's port, such as `/health`.
    #[serde(default = "default_health_path")]
    pub path: RoutePath,
    /// The HTTP status a healthy app answers with.
    #[serde(default = "default_status")]
    #[schemars(range(min = 200, max = 399))]
    pub status: u16,
    /// How long one health request may take.
    #[serde(default = "default_health_timeout")]
    pub timeout: Duration,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            path: default_health_path(),
            status: default_status(),
            timeout: default_health_timeout(),
        }
    }
}

/// Access-log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum AccessLogFormat {
    /// nginx's `combined` format.
    #[default]
    Combined,
    /// One JSON object a line, for log aggregators.
    Json,
}

/// Where logs go. The app's stdout/stderr go to the journal, once, under both
/// supervisors (under `pm2` through `pm2-runtime`; PM2 writes no files of its own).
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Logs {
    /// The app's log directory, writable by the app (default `/var/log/NAME`, a systemd
    /// `LogsDirectory=`).
    #[serde(default)]
    pub dir: Option<AbsPath>,
    /// nginx's access log for this site (default `/var/log/nginx/NAME.access.log`).
    #[serde(default)]
    pub access_log: Option<AbsPath>,
    /// nginx's error log for this site (default `/var/log/nginx/NAME.error.log`).
    #[serde(default)]
    pub error_log: Option<AbsPath>,
    /// `combined` or `json`.
    #[serde(default)]
    pub access_format: AccessLogFormat,
}

pub(super) fn yes() -> bool {
    true
}

pub(super) fn one() -> u16 {
    1
}

pub(super) fn default_drain() -> Duration {
    Duration::from_secs(10)
}

pub(super) fn default_margin() -> Duration {
    Duration::from_secs(5)
}

pub(super) fn default_signals() -> Vec<Signal> {
    vec![Signal::Term, Signal::Int]
}

pub(super) fn default_health_path() -> RoutePath {
    RoutePath::known("/health")
}

pub(super) fn default_status() -> u16 {
    200
}

pub(super) fn default_health_timeout() -> Duration {
    Duration::from_secs(3)
}
