//! The service description: Rust types that the JSON Schema is generated from.
//!
//! Every string that lands in a generated file has a schema pattern that keeps out
//! what its target language cannot carry safely (newlines, quotes, `$`, `;`, `{`…),
//! so a hostile value is rejected at its YAML line before anything is rendered.
//! Context-dependent rules (ports colliding, paths outside the app directory) live
//! in `validate.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::units::{Duration, Size};

/// A service name: names the unit, the PM2 app, the nginx upstream and files.
pub const NAME_PATTERN: &str = r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$";
/// A POSIX user or group name, as `useradd` accepts it by default.
pub const ACCOUNT_PATTERN: &str = r"^[a-z_][a-z0-9_-]{0,31}$";
/// An absolute path with no white space, quotes or shell/nginx/INI metacharacters.
pub const ABS_PATH_PATTERN: &str = r"^/[A-Za-z0-9._@+=,:~/-]*$";
/// A path relative to the application directory.
pub const REL_PATH_PATTERN: &str = r"^[A-Za-z0-9._@+][A-Za-z0-9._@+/-]*$";
/// A DNS name (lower case), optionally a leading wildcard label.
pub const HOSTNAME_PATTERN: &str =
    r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
/// One line of printable text without `\` or `$` (nginx would interpolate `$`);
/// no control characters (C0 or C1);
/// `"` is allowed and escaped.
pub const HEADER_VALUE_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f\\\\$]*$";
/// One line of printable text (a description, a shell command).
pub const ONE_LINE_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f]*$";
/// One line of text without a backslash (which systemd would read as an escape or
/// continuation), and without a space at either end (which systemd would trim).
pub const DESCRIPTION_PATTERN: &str = "^(?:[^ \\x00-\\x1f\\x7f-\\x9f\\\\](?:[^\\x00-\\x1f\\x7f-\\x9f\\\\]*[^ \\x00-\\x1f\\x7f-\\x9f\\\\])?)?$";
/// An environment variable name.
pub const ENV_NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";
/// A command-line argument for node: no white space, quotes or shell metacharacters.
pub const NODE_ARG_PATTERN: &str = r"^-[A-Za-z0-9._=:,/+@%-]*$";
/// An nginx location prefix.
pub const ROUTE_PATH_PATTERN: &str = r"^/[A-Za-z0-9._~/-]*$";
/// A git remote: a URL or scp-like address or a local path, no shell metacharacters.
pub const GIT_REMOTE_PATTERN: &str = r"^[A-Za-z0-9._@:/+~%=-]+$";
/// One word of a command run by the deploy script (and listed in sudoers).
pub const COMMAND_WORD_PATTERN: &str = r"^[A-Za-z0-9._@+=:/-]+$";
/// A git branch name.
pub const GIT_BRANCH_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$";
/// An nginx version `MAJOR.MINOR.PATCH`.
pub const VERSION_PATTERN: &str = r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$";
/// A resolver address for OCSP stapling: an IP address or a name, optional port.
pub const RESOLVER_PATTERN: &str = r"^[A-Za-z0-9.:\[\]-]+$";
/// An HTTP header name.
pub const HEADER_NAME_PATTERN: &str = r"^[A-Za-z0-9-]+$";
/// A Linux capability name.
pub const CAPABILITY_PATTERN: &str = r"^CAP_[A-Z_]+$";
/// A `SystemCallFilter=` entry: a syscall or `@group`.
pub const SYSCALL_PATTERN: &str = r"^@?[a-z0-9_-]+$";
/// An address family for `RestrictAddressFamilies=`.
pub const ADDRESS_FAMILY_PATTERN: &str = r"^AF_[A-Z0-9]+$";
/// An IP address or prefix for `IPAddressAllow=`, or one of systemd's names.
pub const IP_PREFIX_PATTERN: &str =
    r"^([0-9a-fA-F:.]+(/[0-9]{1,3})?|localhost|link-local|multicast|any)$";

/// One Node.js web service: how it runs, how it is reached, how it is deployed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "svcgen service description")]
pub struct Service {
    /// Lower-case name; names the systemd unit, the PM2 app, the nginx upstream and the log files.
    #[schemars(pattern(NAME_PATTERN))]
    pub name: String,
    /// One line saying what the service is (the unit's `Description=`).
    #[schemars(pattern(DESCRIPTION_PATTERN), length(max = 200))]
    pub description: String,
    /// The non-root OS user the app runs as.
    #[schemars(pattern(ACCOUNT_PATTERN))]
    pub user: String,
    /// The app's OS group; defaults to the user's name.
    #[serde(default)]
    #[schemars(pattern(ACCOUNT_PATTERN))]
    pub group: Option<String>,
    /// The application's deploy root: releases are built in `releases/`, the two
    /// slots `blue` and `green` link to the releases they run, `current` to the one
    /// serving. Paths inside it (static route directories) name files of a release.
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub app_dir: String,
    /// The entry script, relative to a release (for example `dist/server.js`).
    #[schemars(pattern(REL_PATH_PATTERN))]
    pub entry: String,
    /// The Node.js interpreter.
    #[serde(default)]
    pub node: NodeRuntime,
    /// Plain (non-secret) environment variables. `PORT` and `HOST` are set by svcgen.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"pattern": ENV_NAME_PATTERN}))]
    pub environment: BTreeMap<String, EnvValue>,
    /// A file of `KEY=value` lines with the secrets (mode 0600, owned by root). It is
    /// referenced, never inlined, so secrets stay out of the unit and the ecosystem file.
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub env_file: Option<String>,
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
    #[schemars(extend("propertyNames" = {"pattern": DNS_LABEL_PATTERN}))]
    pub environments: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    /// The environments merged over this description and checked, in name order
    /// (filled by the loader).
    #[serde(skip)]
    #[schemars(skip)]
    pub resolved_environments: Vec<(String, Service)>,
}

/// The `kubernetes` target: the same service as an image and manifests (Namespace,
/// Deployment, Service, HTTPRoute, PodDisruptionBudget, NetworkPolicy, and a
/// HorizontalPodAutoscaler when it scales itself).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// The namespace, labelled for the Pod Security Standard `restricted`.
    /// Default: the service's name.
    #[serde(default)]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub namespace: Option<String>,
    /// The app's image as the cluster pulls it, with a pinned tag or a digest
    /// (`registry.example.com/shop:1.4.2`; never `latest`).
    #[schemars(pattern(IMAGE_PATTERN))]
    pub image: String,
    /// The image the rendered Dockerfile builds from, pinned; it must hold node
    /// and tini (`/usr/bin/tini`).
    #[schemars(pattern(IMAGE_PATTERN))]
    pub base_image: String,
    /// Pods when it does not scale itself.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 1, max = 1000))]
    pub replicas: u16,
    /// Scale on CPU between `min` and `max` pods (then the Deployment has no
    /// `replicas`).
    #[serde(default)]
    pub autoscale: Option<Autoscale>,
    /// The numeric user and group the container runs as (10000 or more: no user
    /// of the node's, none a base image names).
    #[serde(default = "default_uid")]
    #[schemars(range(min = 10000, max = 2147483647))]
    pub uid: u32,
    /// The port the app listens on inside the container.
    #[serde(default = "default_container_port")]
    #[schemars(range(min = 1024, max = 65535))]
    pub port: u16,
    /// Memory requested and limited per pod. Default: `host.supervisor.memory_limit`, else 512M.
    #[serde(default)]
    pub memory: Option<Size>,
    /// CPU requested per pod, in millicores (no CPU limit: throttling stalls
    /// Node's event loop).
    #[serde(default = "default_cpu_millis")]
    #[schemars(range(min = 10, max = 64000))]
    pub cpu_millis: u32,
    /// The Gateway the HTTPRoutes attach to (the default way in: Gateway API).
    /// Give this or `ingress_nginx`.
    #[serde(default)]
    pub gateway: Option<GatewayRef>,
    /// Legacy, opt-in: an ingress-nginx Ingress instead of HTTPRoutes, and the
    /// controller ConfigMap settings it depends on. ingress-nginx is retired (best
    /// effort ended March 2026): prefer `gateway`.
    #[serde(default)]
    pub ingress_nginx: Option<IngressNginx>,
    /// What the app connects to besides DNS (databases, APIs): address ranges and ports.
    #[serde(default)]
    pub egress: Vec<Egress>,
}

/// Scaling bounds for the HorizontalPodAutoscaler.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    #[schemars(range(min = 1, max = 1000))]
    pub min: u16,
    #[schemars(range(min = 1, max = 1000))]
    pub max: u16,
    /// Target average CPU use, percent of the request.
    #[serde(default = "default_cpu_percent")]
    #[schemars(range(min = 10, max = 100))]
    pub cpu_percent: u8,
}

/// A Gateway API Gateway and its listeners.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayRef {
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub name: String,
    /// Its namespace (the NetworkPolicy admits traffic from there only).
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub namespace: String,
    /// The HTTPS listener the site's route attaches to.
    #[serde(default = "default_https_listener")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub https_listener: String,
    /// The HTTP listener the redirect to HTTPS attaches to.
    #[serde(default = "default_http_listener")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub http_listener: String,
}

/// The ingress-nginx controller the legacy Ingress is served by.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressNginx {
    /// The IngressClass (`spec.ingressClassName`).
    #[serde(default = "default_ingress_class")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub class: String,
    /// The controller's namespace: its ConfigMap goes there, and the
    /// NetworkPolicy admits traffic from there only.
    #[serde(default = "default_ingress_namespace")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub namespace: String,
    /// The controller's ConfigMap (`--configmap` of the controller).
    #[serde(default = "default_ingress_configmap")]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub configmap: String,
    /// The Secret holding the certificate for the domains (type kubernetes.io/tls).
    /// Default: `NAME-tls`.
    #[serde(default)]
    #[schemars(pattern(DNS_LABEL_PATTERN))]
    pub tls_secret: Option<String>,
}

fn default_ingress_class() -> String {
    "nginx".into()
}
fn default_ingress_namespace() -> String {
    "ingress-nginx".into()
}
fn default_ingress_configmap() -> String {
    "ingress-nginx-controller".into()
}

impl Kubernetes {
    /// The namespace the way in runs in (the Gateway's or the ingress controller's).
    pub fn ingress_namespace(&self) -> &str {
        match (&self.gateway, &self.ingress_nginx) {
            (Some(g), _) => &g.namespace,
            (None, Some(i)) => &i.namespace,
            (None, None) => "",
        }
    }
}

/// One destination the app may connect to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Egress {
    /// An IPv4 or IPv6 range (`10.0.3.0/24`).
    #[schemars(pattern(CIDR_PATTERN))]
    pub cidr: String,
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

/// A DNS label (a Kubernetes name).
pub const DNS_LABEL_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
/// An image reference: registry/path, then a tag or a digest.
pub const IMAGE_PATTERN: &str =
    r"^[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?$";
/// An IP range.
pub const CIDR_PATTERN: &str = r"^[0-9a-fA-F:.]+/[0-9]{1,3}$";

fn default_replicas() -> u16 {
    2
}
fn default_uid() -> u32 {
    10001
}
fn default_container_port() -> u16 {
    3000
}
fn default_cpu_millis() -> u32 {
    100
}
fn default_cpu_percent() -> u8 {
    70
}
fn default_https_listener() -> String {
    "https".into()
}
fn default_http_listener() -> String {
    "http".into()
}

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

/// An environment value: text, a number or a boolean (written out as text).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    Text(#[schemars(pattern(ONE_LINE_PATTERN))] String),
    Integer(i64),
    Bool(bool),
}

impl EnvValue {
    pub fn as_text(&self) -> String {
        match self {
            EnvValue::Text(s) => s.clone(),
            EnvValue::Integer(i) => i.to_string(),
            EnvValue::Bool(b) => b.to_string(),
        }
    }
}

/// The Node.js interpreter and its flags.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeRuntime {
    /// Absolute path of the `node` binary.
    #[serde(default = "default_node_path")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub path: String,
    /// Flags for node, such as `--enable-source-maps` or `--max-old-space-size=512`.
    #[serde(default)]
    #[schemars(inner(pattern(NODE_ARG_PATTERN)))]
    pub args: Vec<String>,
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
    #[schemars(pattern(RESOLVER_PATTERN))]
    pub bind: String,
    /// Per-process memory limit: PM2 `max_memory_restart`, or systemd `MemoryMax=` per instance.
    #[serde(default)]
    pub memory_limit: Option<Size>,
    /// How long PM2 waits for a new worker to listen before it counts as online.
    #[serde(default = "default_listen_timeout")]
    pub listen_timeout: Duration,
    /// Under `pm2`: the `pm2-runtime` binary that the unit runs.
    #[serde(default = "default_pm2_runtime")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub pm2_runtime: String,
    /// Under `pm2`: the `pm2` CLI the deploy script reloads with.
    #[serde(default = "default_pm2_cli")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub pm2_cli: String,
    /// Under `pm2`: PM2's state directory (`PM2_HOME`: sockets, pid files). Defaults to
    /// `/var/lib/NAME/pm2`, a systemd `StateDirectory=` the sandbox keeps writable.
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub pm2_home: Option<String>,
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
    #[schemars(pattern(ROUTE_PATH_PATTERN))]
    pub path: String,
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

/// The public nginx site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The names nginx answers to (`server_name`); the first is the canonical one.
    #[schemars(length(min = 1), inner(pattern(HOSTNAME_PATTERN)))]
    pub domains: Vec<String>,
    /// The nginx version the site targets: `http2 on;` from 1.25.1, `listen … http2` below.
    #[serde(default = "default_nginx_version")]
    #[schemars(pattern(VERSION_PATTERN))]
    pub nginx_version: String,
    /// Listening ports and address.
    #[serde(default)]
    pub listen: Listen,
    /// TLS termination.
    pub tls: Tls,
    /// Security headers, sent with `always` from every location.
    #[serde(default)]
    pub headers: SecurityHeaders,
    /// Largest request body nginx accepts (`client_max_body_size`).
    #[serde(default = "default_body_size")]
    pub client_max_body_size: Size,
    /// Redirect plain HTTP to HTTPS (an ACME challenge location stays on HTTP).
    #[serde(default = "yes")]
    pub redirect_http: bool,
    /// The directory served at `/.well-known/acme-challenge/` on port 80.
    #[serde(default = "default_acme_root")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub acme_root: String,
    /// Other services served under this site's domains by path: their routes are
    /// locations of this site's HTTPS server, included from `NAME.locations` (which
    /// each renders), each proxied to its own app. Each names this one in
    /// `site.mounted_on`.
    #[serde(default)]
    #[schemars(inner(pattern(NAME_PATTERN)))]
    pub mounts: Vec<String>,
    /// The service whose site serves this one's routes (listing it in its
    /// `site.mounts`): this service renders no server of its own, only its upstream
    /// and `NAME.locations`. `domains` and `tls` must be that site's.
    #[serde(default)]
    #[schemars(pattern(NAME_PATTERN))]
    pub mounted_on: Option<String>,
    /// Send requests for the other domains to the first one (`www` ↔ apex) with a
    /// 301, on HTTPS as on HTTP, so each page has one address.
    #[serde(default)]
    pub canonical_redirect: bool,
    /// Response compression.
    #[serde(default)]
    pub compression: Compression,
    /// The client's address as told by a load balancer or CDN in front of nginx
    /// (`set_real_ip_from` + `real_ip_header`). Without it nginx sees the proxy's address.
    #[serde(default)]
    pub real_ip: Option<RealIp>,
    /// How requests are spread over the app's instances.
    #[serde(default)]
    pub balance: Balance,
    /// Pages nginx serves when the app cannot answer, and a maintenance switch.
    #[serde(default)]
    pub error_pages: Option<ErrorPages>,
}

/// Response compression by nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compression {
    /// gzip text responses (`gzip on`, `gzip_vary`, proxied responses too).
    #[serde(default = "yes")]
    pub gzip: bool,
    /// Brotli as well, preferred by browsers that accept it. Needs nginx's brotli
    /// module (Debian: `libnginx-mod-http-brotli-filter`; `-static` for precompressed files).
    #[serde(default)]
    pub brotli: bool,
    /// The MIME types compressed besides `text/html` (always compressed).
    #[serde(default = "default_compress_types")]
    #[schemars(inner(pattern(MIME_TYPE_PATTERN)))]
    pub types: Vec<String>,
}

impl Default for Compression {
    fn default() -> Self {
        Self {
            gzip: true,
            brotli: false,
            types: default_compress_types(),
        }
    }
}

/// A MIME type such as `application/json`.
pub const MIME_TYPE_PATTERN: &str = r"^[a-z0-9.+-]+/[a-z0-9.+-]+$";

fn default_compress_types() -> Vec<String> {
    [
        "text/css",
        "text/plain",
        "text/xml",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    ]
    .map(String::from)
    .to_vec()
}

/// The header a trusted proxy puts the client's address in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
pub enum RealIpHeader {
    /// `X-Forwarded-For`: the last address not in `from` is the client
    /// (`real_ip_recursive on`).
    #[default]
    #[serde(rename = "X-Forwarded-For")]
    XForwardedFor,
    /// `X-Real-IP`: one address, set by the proxy.
    #[serde(rename = "X-Real-IP")]
    XRealIp,
    /// `CF-Connecting-IP`: Cloudflare's.
    #[serde(rename = "CF-Connecting-IP")]
    CfConnectingIp,
}

impl RealIpHeader {
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "X-Forwarded-For",
            Self::XRealIp => "X-Real-IP",
            Self::CfConnectingIp => "CF-Connecting-IP",
        }
    }
}

/// Trusted proxies in front of nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealIp {
    /// The proxies' addresses or networks (CIDR). Only a request from one of them
    /// may say who the client is; anyone else's header is ignored.
    #[schemars(length(min = 1), inner(pattern(CIDR_OR_ADDRESS_PATTERN)))]
    pub from: Vec<String>,
    /// The header they put the client's address in.
    #[serde(default)]
    pub header: RealIpHeader,
}

/// An address (`192.0.2.7`, `2001:db8::1`) or a network (`192.0.2.0/24`).
pub const CIDR_OR_ADDRESS_PATTERN: &str = r"^[0-9a-fA-F:.]+(/[0-9]{1,3})?$";

/// How nginx picks an app instance for each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    /// In turn.
    #[default]
    RoundRobin,
    /// The instance with the fewest open connections: long-lived streams and
    /// WebSockets spread evenly.
    LeastConn,
}

/// Custom error pages.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorPages {
    /// A directory holding `502.html`, `503.html` and `504.html`, served when the app
    /// is down, in maintenance or too slow (outside the release, so every release and
    /// a failed deploy show the same pages).
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub dir: String,
    /// While this file exists, every route answers 503 with `503.html` (the ACME
    /// challenge still works): `touch` it to start maintenance, remove it to end.
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub maintenance_flag: Option<String>,
}

/// Where nginx listens.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    /// The plain-HTTP port.
    #[serde(default = "default_http_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub http: u16,
    /// The HTTPS port.
    #[serde(default = "default_https_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub https: u16,
    /// Bind to one address instead of all: IPv4 (`127.0.0.1`) or IPv6 (`2001:db8::10`).
    #[serde(default)]
    #[schemars(pattern(r"^[0-9a-fA-F.:]+$"))]
    pub address: Option<String>,
    /// Also listen on IPv6 (`[::]`). Ignored when `address` is set.
    #[serde(default = "yes")]
    pub ipv6: bool,
}

impl Default for Listen {
    fn default() -> Self {
        Self {
            http: default_http_port(),
            https: default_https_port(),
            address: None,
            ipv6: true,
        }
    }
}

/// The Mozilla server-side TLS 6.0 configuration to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsProfile {
    /// TLS 1.2 and 1.3, six ECDHE AEAD ciphers: general-purpose servers.
    #[default]
    Intermediate,
    /// TLS 1.3 only: modern clients.
    Modern,
}

/// TLS termination in nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// `intermediate` (default) or `modern`.
    #[serde(default)]
    pub profile: TlsProfile,
    /// The certificate chain (PEM).
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub certificate: String,
    /// The private key (PEM).
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub key: String,
    /// Strict-Transport-Security.
    #[serde(default)]
    pub hsts: Hsts,
    /// OCSP stapling. Off by default: Let's Encrypt ended OCSP in 2025.
    #[serde(default)]
    pub ocsp_stapling: bool,
    /// The CA chain used to verify stapled OCSP responses (needed with `ocsp_stapling`).
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub trusted_certificate: Option<String>,
    /// DNS resolvers nginx uses to reach the OCSP responder (needed with `ocsp_stapling`).
    #[serde(default)]
    #[schemars(inner(pattern(RESOLVER_PATTERN)))]
    pub resolver: Vec<String>,
    /// Add the post-quantum hybrid group `X25519MLKEM768` (needs nginx built with OpenSSL ≥ 3.5).
    #[serde(default)]
    pub post_quantum: bool,
}

/// Strict-Transport-Security.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hsts {
    /// Send the header at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `max-age`; Mozilla recommends two years.
    #[serde(default = "default_hsts_age")]
    pub max_age: Duration,
    /// `includeSubDomains`.
    #[serde(default = "yes")]
    pub include_subdomains: bool,
    /// `preload` (only once you have submitted the domain to the preload list).
    #[serde(default)]
    pub preload: bool,
}

impl Default for Hsts {
    fn default() -> Self {
        Self {
            enabled: true,
            max_age: default_hsts_age(),
            include_subdomains: true,
            preload: false,
        }
    }
}

/// `X-Frame-Options` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum FrameOptions {
    #[serde(rename = "DENY")]
    Deny,
    #[serde(rename = "SAMEORIGIN")]
    SameOrigin,
}

/// `Referrer-Policy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferrerPolicy {
    NoReferrer,
    NoReferrerWhenDowngrade,
    Origin,
    OriginWhenCrossOrigin,
    SameOrigin,
    StrictOrigin,
    StrictOriginWhenCrossOrigin,
    UnsafeUrl,
}

impl ReferrerPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferrerPolicy::NoReferrer => "no-referrer",
            ReferrerPolicy::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            ReferrerPolicy::Origin => "origin",
            ReferrerPolicy::OriginWhenCrossOrigin => "origin-when-cross-origin",
            ReferrerPolicy::SameOrigin => "same-origin",
            ReferrerPolicy::StrictOrigin => "strict-origin",
            ReferrerPolicy::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            ReferrerPolicy::UnsafeUrl => "unsafe-url",
        }
    }
}

/// Security headers. Each is sent with `always` from the server and repeated in every
/// location, so nginx's replace-not-merge inheritance never drops one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityHeaders {
    /// `Content-Security-Policy`; `null` leaves it out (the app sets its own).
    #[serde(default = "default_csp")]
    #[schemars(pattern(HEADER_VALUE_PATTERN))]
    pub content_security_policy: Option<String>,
    /// `X-Frame-Options`: `DENY` or `SAMEORIGIN`.
    #[serde(default = "default_frame_options")]
    pub frame_options: FrameOptions,
    /// `X-Content-Type-Options: nosniff`.
    #[serde(default = "yes")]
    pub nosniff: bool,
    /// `Referrer-Policy`.
    #[serde(default = "default_referrer_policy")]
    pub referrer_policy: ReferrerPolicy,
    /// `Permissions-Policy`; `null` leaves it out.
    #[serde(default = "default_permissions_policy")]
    #[schemars(pattern(HEADER_VALUE_PATTERN))]
    pub permissions_policy: Option<String>,
    /// More headers, sent the same way.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"pattern": HEADER_NAME_PATTERN}))]
    pub extra: BTreeMap<String, HeaderValue>,
}

/// A header value: one line without `\` or `$`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct HeaderValue(#[schemars(pattern(HEADER_VALUE_PATTERN))] pub String);

impl Default for SecurityHeaders {
    fn default() -> Self {
        Self {
            content_security_policy: default_csp(),
            frame_options: default_frame_options(),
            nosniff: true,
            referrer_policy: default_referrer_policy(),
            permissions_policy: default_permissions_policy(),
            extra: BTreeMap::new(),
        }
    }
}

/// What nginx does with a URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// Proxied to the app, buffered.
    Proxy,
    /// Proxied unbuffered with a long read timeout: Server-Sent Events, long responses.
    Streaming,
    /// Proxied with the WebSocket upgrade headers.
    Websocket,
    /// Files served by nginx from `dir`, with a cache lifetime and no access log.
    Static,
}

/// One nginx location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The URL prefix (an nginx prefix location). Static routes end with `/`.
    #[schemars(pattern(ROUTE_PATH_PATTERN))]
    pub path: String,
    /// `proxy`, `streaming`, `websocket` or `static`.
    pub kind: RouteKind,
    /// Proxy routes: time to connect to the app (default 5s).
    #[serde(default)]
    pub connect_timeout: Option<Duration>,
    /// Proxy routes: longest silence while reading the response (default 60s; 1h for
    /// streaming and websocket routes).
    #[serde(default)]
    pub read_timeout: Option<Duration>,
    /// Proxy routes: longest silence while sending the request (default 60s).
    #[serde(default)]
    pub send_timeout: Option<Duration>,
    /// Static routes: the directory served (inside `app_dir` unless `hardening` allows otherwise).
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub dir: Option<String>,
    /// Static routes: how long browsers may cache the files (default 7d; 365d with `immutable`).
    #[serde(default)]
    pub cache: Option<Duration>,
    /// Static routes: the file names carry a content hash and never change
    /// (`Cache-Control: public, max-age=…, immutable`): browsers never revalidate.
    #[serde(default)]
    pub immutable: bool,
    /// Static routes: serve the prebuilt `FILE.gz` (and `FILE.br` with brotli) beside
    /// FILE to clients that accept it (`gzip_static`).
    #[serde(default)]
    pub precompressed: bool,
    /// Static routes: what a missing file gets. `app` passes the request to the app
    /// (Next.js `public/` at `/`); a path such as `/index.html` serves that file of
    /// the route instead (single-page apps). Without it, a 404.
    #[serde(default)]
    #[schemars(pattern(FALLBACK_PATTERN))]
    pub fallback: Option<String>,
    /// Only these client addresses or networks may use the route; anyone else gets 403.
    #[serde(default)]
    #[schemars(inner(pattern(CIDR_OR_ADDRESS_PATTERN)))]
    pub allow: Vec<String>,
    /// HTTP basic authentication (over HTTPS only: the site redirects port 80).
    #[serde(default)]
    pub basic_auth: Option<BasicAuth>,
    /// Requests per client address; a client over the rate and burst gets 429.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// The HTTP methods the route accepts (`GET` also allows `HEAD`); others get 403.
    /// Empty: any method.
    #[serde(default)]
    pub methods: Vec<Method>,
}

/// `app`, or a path of the route such as `/index.html`.
pub const FALLBACK_PATTERN: &str = r"^(app|/[A-Za-z0-9._~/-]+)$";

/// HTTP basic authentication.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    /// The name browsers show in the login prompt.
    #[serde(default = "default_realm")]
    #[schemars(pattern(HEADER_VALUE_PATTERN), length(max = 200))]
    pub realm: String,
    /// The htpasswd file (`htpasswd -B` or `openssl passwd -6`), outside every
    /// served directory and the app's.
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub user_file: String,
}

fn default_realm() -> String {
    "Restricted".into()
}

/// A request rate limit per client address (`limit_req`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests per second (`10r/s`) or per minute (`30r/m`).
    #[schemars(pattern(RATE_PATTERN))]
    pub rate: String,
    /// Requests over the rate answered at once before 429s start.
    #[serde(default)]
    pub burst: u32,
}

/// `10r/s`, `30r/m`.
pub const RATE_PATTERN: &str = r"^[1-9][0-9]{0,5}r/[sm]$";

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
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
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub dir: Option<String>,
    /// nginx's access log for this site (default `/var/log/nginx/NAME.access.log`).
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub access_log: Option<String>,
    /// nginx's error log for this site (default `/var/log/nginx/NAME.error.log`).
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub error_log: Option<String>,
    /// `combined` or `json`.
    #[serde(default)]
    pub access_format: AccessLogFormat,
}

/// The deploy script's steps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// The git remote the app is fetched from.
    #[schemars(pattern(GIT_REMOTE_PATTERN))]
    pub repo: String,
    /// The branch deployed (fast-forward only).
    #[serde(default = "default_branch")]
    #[schemars(pattern(GIT_BRANCH_PATTERN))]
    pub branch: String,
    /// Installs dependencies, devDependencies included (the build needs them).
    #[serde(default = "default_install")]
    #[schemars(pattern(ONE_LINE_PATTERN))]
    pub install: String,
    /// Builds the app; `null` when there is nothing to build.
    #[serde(default = "default_build")]
    #[schemars(pattern(ONE_LINE_PATTERN))]
    pub build: Option<String>,
    /// Drops devDependencies after the build; `null` keeps them.
    #[serde(default = "default_prune")]
    #[schemars(pattern(ONE_LINE_PATTERN))]
    pub prune: Option<String>,
    /// Runs database migrations with the new release's code, before it starts and
    /// before it takes traffic. A rollback does not undo them.
    #[serde(default)]
    #[schemars(pattern(ONE_LINE_PATTERN))]
    pub migrate: Option<String>,
    /// How many built releases to keep under `app_dir/releases/` (the serving one and
    /// the previous one are always kept, so a rollback never needs a rebuild).
    #[serde(default = "default_keep_releases")]
    #[schemars(range(min = 2, max = 100))]
    pub keep_releases: u8,
    /// The command that checks nginx's configuration before a switch (run through
    /// `sudo -n` unless the script runs as root; the rendered sudoers file allows exactly it).
    #[serde(default = "default_nginx_test")]
    #[schemars(length(min = 1), inner(pattern(COMMAND_WORD_PATTERN)))]
    pub nginx_test: Vec<String>,
    /// The command that makes nginx reload its configuration gracefully.
    #[serde(default = "default_nginx_reload")]
    #[schemars(length(min = 1), inner(pattern(COMMAND_WORD_PATTERN)))]
    pub nginx_reload: Vec<String>,
    /// nginx's pid file: the script watches the master's workers to know when a
    /// reload has taken effect before it stops the previous release.
    #[serde(default = "default_nginx_pid_file")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub nginx_pid_file: String,
    /// Health checks of the new release (on its own ports, before it takes traffic)
    /// before it counts as failed.
    #[serde(default = "default_health_retries")]
    #[schemars(range(min = 1, max = 1000))]
    pub health_retries: u16,
    /// Pause between health checks.
    #[serde(default = "default_health_interval")]
    pub health_interval: Duration,
    /// How long each build step may run before the deploy stops it and fails
    /// (exit 1, naming the step): a registry that never answers cannot hold a
    /// deploy, and its lock, for ever.
    #[serde(default)]
    pub timeouts: DeployTimeouts,
    /// After the switch, the previous slot stays up while the new release is
    /// watched; a release that fails in that window is switched back at once.
    #[serde(default)]
    pub watch: DeployWatch,
}

/// The watch after a switch: for `window`, the previous slot keeps running (nginx
/// sends it the connections the new slot refuses, as `backup` servers) while the
/// new release's processes, its health and the 5xx answers nginx logs for it are
/// watched. Any process exiting, a failed health check, or more than `errors`
/// 5xx answers (or failed connections) switches nginx back to the previous slot,
/// and the deploy exits 1 saying what it saw.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployWatch {
    /// How long the new release is watched, the previous slot warm beside it;
    /// `0s` stops the previous slot at once (no watch).
    #[serde(default = "default_watch_window")]
    pub window: Duration,
    /// 5xx answers (and failed connections) from the new release that nginx may
    /// log within the window before the deploy switches back.
    #[serde(default = "default_watch_errors")]
    #[schemars(range(max = 1000000))]
    pub errors: u32,
}

impl Default for DeployWatch {
    fn default() -> Self {
        DeployWatch {
            window: default_watch_window(),
            errors: default_watch_errors(),
        }
    }
}

fn default_watch_window() -> Duration {
    Duration::from_secs(30)
}
fn default_watch_errors() -> u32 {
    10
}

/// Time limits of the deploy's steps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployTimeouts {
    /// `git clone` / `git fetch` of the branch.
    #[serde(default = "default_fetch_timeout")]
    pub fetch: Duration,
    /// The install command.
    #[serde(default = "default_step_timeout")]
    pub install: Duration,
    /// The build command (and the prune after it).
    #[serde(default = "default_step_timeout")]
    pub build: Duration,
    /// The migration command.
    #[serde(default = "default_step_timeout")]
    pub migrate: Duration,
}

impl Default for DeployTimeouts {
    fn default() -> Self {
        DeployTimeouts {
            fetch: default_fetch_timeout(),
            install: default_step_timeout(),
            build: default_step_timeout(),
            migrate: default_step_timeout(),
        }
    }
}

fn default_fetch_timeout() -> Duration {
    Duration::from_secs(120)
}
fn default_step_timeout() -> Duration {
    Duration::from_secs(900)
}

/// How strictly systemd sandboxes the app. Everything is on by default; each key here
/// is a documented relaxation, visible in the description.
#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Hardening {
    /// Extra directories the app may write (`ReadWritePaths=`); the log directory and
    /// PM2's state directory are added automatically.
    #[serde(default)]
    #[schemars(inner(pattern(ABS_PATH_PATTERN)))]
    pub writable_paths: Vec<String>,
    /// Let the app read home directories (`ProtectHome=read-only` instead of `yes`).
    #[serde(default)]
    pub read_home: bool,
    /// More system calls or `@groups` to allow beyond `@system-service`.
    #[serde(default)]
    #[schemars(inner(pattern(SYSCALL_PATTERN)))]
    pub allow_syscalls: Vec<String>,
    /// More socket families beyond AF_UNIX, AF_INET and AF_INET6 (for example `AF_NETLINK`,
    /// which `os.networkInterfaces()` needs).
    #[serde(default)]
    #[schemars(inner(pattern(ADDRESS_FAMILY_PATTERN)))]
    pub address_families: Vec<String>,
    /// Capabilities to grant (for example `CAP_NET_BIND_SERVICE` to bind below 1024).
    #[serde(default)]
    #[schemars(inner(pattern(CAPABILITY_PATTERN)))]
    pub capabilities: Vec<String>,
    /// When set, the app may only talk to these addresses (`IPAddressDeny=any` plus
    /// `IPAddressAllow=`). Leave empty for an app that calls outside services.
    #[serde(default)]
    #[schemars(inner(pattern(IP_PREFIX_PATTERN)))]
    pub ip_allow: Vec<String>,
    /// `MemoryDenyWriteExecute=yes`. V8's JIT needs writable+executable memory, so this
    /// is only allowed when `node.args` has `--jitless`.
    #[serde(default)]
    pub memory_deny_write_execute: bool,
    /// Let the app run as root. Refused unless set; never needed behind nginx.
    #[serde(default)]
    pub allow_root: bool,
}

/// Where the rendered files are installed on the server.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Install {
    /// Directory of the systemd unit.
    #[serde(default = "default_unit_dir")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub unit_dir: String,
    /// Directory of the nginx site (`sites-available` or `conf.d`).
    #[serde(default = "default_nginx_dir")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub nginx_dir: String,
    /// Directory of the sudoers file that lets the deploy script start and stop the
    /// app and reload nginx (check it with `visudo -c`).
    #[serde(default = "default_sudoers_dir")]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub sudoers_dir: String,
    /// Directory of `ecosystem.config.js` and `deploy.sh` (default: `app_dir`).
    #[serde(default)]
    #[schemars(pattern(ABS_PATH_PATTERN))]
    pub app_files_dir: Option<String>,
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

fn yes() -> bool {
    true
}
fn one() -> u16 {
    1
}
fn default_node_path() -> String {
    "/usr/bin/node".into()
}
fn default_port() -> u16 {
    3000
}
fn default_bind() -> String {
    "127.0.0.1".into()
}
fn default_listen_timeout() -> Duration {
    Duration::from_secs(8)
}
fn default_pm2_runtime() -> String {
    "/usr/bin/pm2-runtime".into()
}
fn default_pm2_cli() -> String {
    "/usr/bin/pm2".into()
}
fn default_drain() -> Duration {
    Duration::from_secs(10)
}
fn default_margin() -> Duration {
    Duration::from_secs(5)
}
fn default_signals() -> Vec<Signal> {
    vec![Signal::Term, Signal::Int]
}
fn default_health_path() -> String {
    "/health".into()
}
fn default_status() -> u16 {
    200
}
fn default_health_timeout() -> Duration {
    Duration::from_secs(3)
}
fn default_nginx_version() -> String {
    "1.22.1".into()
}
fn default_body_size() -> Size {
    Size::from_bytes(1 << 20)
}
fn default_acme_root() -> String {
    "/var/www/_letsencrypt".into()
}
fn default_http_port() -> u16 {
    80
}
fn default_https_port() -> u16 {
    443
}
fn default_hsts_age() -> Duration {
    Duration::from_secs(63_072_000)
}
fn default_csp() -> Option<String> {
    Some("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'".into())
}
fn default_frame_options() -> FrameOptions {
    FrameOptions::Deny
}
fn default_referrer_policy() -> ReferrerPolicy {
    ReferrerPolicy::StrictOriginWhenCrossOrigin
}
fn default_permissions_policy() -> Option<String> {
    Some("camera=(), microphone=(), geolocation=()".into())
}
fn default_routes() -> Vec<Route> {
    vec![Route {
        path: "/".into(),
        kind: RouteKind::Proxy,
        connect_timeout: None,
        read_timeout: None,
        send_timeout: None,
        dir: None,
        cache: None,
        immutable: false,
        precompressed: false,
        fallback: None,
        allow: Vec::new(),
        basic_auth: None,
        rate_limit: None,
        methods: Vec::new(),
    }]
}
fn default_branch() -> String {
    "main".into()
}
fn default_install() -> String {
    "npm ci --include=dev".into()
}
fn default_build() -> Option<String> {
    Some("npm run build".into())
}
fn default_prune() -> Option<String> {
    Some("npm prune --omit=dev".into())
}
fn default_keep_releases() -> u8 {
    5
}
fn default_nginx_test() -> Vec<String> {
    vec!["/usr/sbin/nginx".into(), "-t".into(), "-q".into()]
}
fn default_nginx_reload() -> Vec<String> {
    vec![
        "/usr/bin/systemctl".into(),
        "reload".into(),
        "nginx.service".into(),
    ]
}
fn default_nginx_pid_file() -> String {
    "/run/nginx.pid".into()
}
fn default_health_retries() -> u16 {
    15
}
fn default_health_interval() -> Duration {
    Duration::from_secs(2)
}
fn default_unit_dir() -> String {
    "/etc/systemd/system".into()
}
fn default_sudoers_dir() -> String {
    "/etc/sudoers.d".into()
}
fn default_nginx_dir() -> String {
    "/etc/nginx/sites-available".into()
}
