//! Every value the templates print, derived once from the description.

use serde::Serialize;

use crate::description::LoadedSpec;
use crate::description::kinds::*;
use crate::description::model::{
    AccessLogFormat, Balance, FrameOptions, Method, RouteKind, SLOTS, Service, SupervisorKind,
    TlsProfile,
};
use crate::description::units::Duration;

/// The ln that points nginx's upstream link (sudoers names it): coreutils', merged /usr.
pub const LN: &str = "/usr/bin/ln";
/// The systemctl the deploy script runs (and sudoers names): Debian's, merged /usr.
const SYSTEMCTL: &str = "/usr/bin/systemctl";
/// The tail that reads nginx's upstream failure log during the watch (sudoers
/// names it, with fixed arguments): coreutils', merged /usr.
pub const TAIL: &str = "/usr/bin/tail";
/// Lines of the failure log the watch reads each time (each holds a time, so
/// older lines are not counted twice; a full tail is already past any limit).
pub const FAILURE_LOG_TAIL: u32 = 2000;

/// The log where nginx writes, for the server of `site_owner`'s site, one line per
/// request whose upstream answered 5xx or failed (its time, the upstream
/// addresses tried and their statuses: no address, URI or header).
pub fn failure_log(site_owner: &str) -> String {
    format!("/var/log/nginx/{site_owner}.upstream-failures.log")
}

/// Mozilla server-side TLS 6.0 (`mozilla-server-side-tls-6.0.json`).
const INTERMEDIATE_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

#[derive(Debug, Serialize)]
pub struct Plan {
    /// The Kubernetes layout's objects and overlays, computed once for the files
    /// that read them (not part of what templates see).
    #[serde(skip)]
    pub(crate) kubernetes_layout: std::sync::OnceLock<super::files::kubernetes::kustomize::Layout>,
    pub name: ServiceName,
    /// `name` with `-` as `_`: safe in nginx variable, upstream and zone names.
    pub ident: String,
    pub description: Summary,
    pub source: String,
    pub user: Account,
    pub group: Account,
    pub app_dir: String,
    pub entry: RelPath,
    pub node_path: AbsPath,
    pub node_args: Vec<NodeArg>,
    pub env: Vec<(String, String)>,
    pub env_file: Option<AbsPath>,
    /// The variables the env file must hold (`env_required`), in name order.
    pub env_required: Vec<RequiredPlan>,
    /// The root-owned program that checks the env file against them (installed
    /// path), when any are required: the deploy runs it through sudo.
    pub env_check: Option<String>,
    pub pm2: bool,
    pub instances: u16,
    /// Under `pm2`: the one unit running `pm2-runtime`.
    pub unit_file: String,
    pub unit_name: String,
    /// The two release slots, blue then green.
    pub slots: Vec<SlotPlan>,
    /// Where the script keeps its state, under `app_dir`.
    pub layout: LayoutPlan,
    /// `systemctl`, by absolute path.
    pub systemctl: String,
    /// `ln`, by absolute path (the upstream switch; sudoers names the same).
    pub ln: String,
    /// `tail`, by absolute path (the watch reads nginx's failure log; sudoers names it).
    pub tail: String,
    /// Every command the deploy script runs as root (as argument vectors), exactly
    /// as sudoers lists them.
    pub sudo_commands: Vec<Vec<String>>,
    pub bind: BindAddress,
    pub health_host: String,
    pub memory_limit: Option<String>,
    pub listen_timeout_ms: u64,
    pub pm2_runtime: AbsPath,
    pub pm2_cli: AbsPath,
    pub pm2_home: String,
    pub pm2_kill_signal: String,
    pub drain: String,
    pub kill_timeout_ms: u64,
    pub timeout_stop_sec: u64,
    pub logs_dir: String,
    pub logs_directory_unit: Option<String>,
    pub state_directory_unit: Option<String>,
    pub writable_paths: Vec<String>,
    pub health: HealthPlan,
    pub site: SitePlan,
    pub routes: Vec<RoutePlan>,
    pub deploy: DeployPlan,
    pub hardening: HardeningPlan,
}

/// One variable the env file must hold.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredPlan {
    pub name: String,
    pub about: Option<String>,
    pub secret: bool,
    /// `nonempty`, `url`, `integer` or `key`.
    pub form: &'static str,
}

/// Where the env file's check is installed: a directory only root writes, which
/// sudoers accepts programs from.
pub const ENV_CHECK_DIR: &str = "/usr/local/sbin";

/// The installed name of a service's env file check.
pub fn env_check_name(service: &str) -> String {
    format!("svcgen-{service}-env-check")
}

/// One release slot: its own ports, its own PM2 app or systemd template unit.
#[derive(Debug, Clone, Serialize)]
pub struct SlotPlan {
    /// `blue` or `green`.
    pub colour: String,
    pub ports: Vec<u16>,
    /// Under `pm2`: the PM2 app (`NAME-blue`).
    pub app: String,
    /// Under `systemd`: the template unit (`NAME-blue@.service`) and its instances.
    pub unit_file: String,
    pub units: Vec<String>,
    /// The slot's link to the release it runs (`APP_DIR/blue`).
    pub dir: String,
}

/// One of the upstream files nginx's upstream link may name.
#[derive(Debug, Serialize)]
pub struct UpstreamSlot {
    /// What deploy.sh names it by: `blue`, or `blue-with-green` (blue serves,
    /// green's servers are its `backup`).
    pub key: String,
    pub file: String,
    pub path: String,
    pub slot: &'static str,
    pub backup: Option<&'static str>,
}

/// The deploy root's layout.
#[derive(Debug, Serialize)]
pub struct LayoutPlan {
    pub releases: String,
    pub repo: String,
    pub current: String,
    /// The serving slot's upstream servers, included by the nginx site: a link in
    /// nginx's directory, owned by root, to one of `upstream_slots` (deploy.sh
    /// points it through sudo, with fixed arguments). nginx's master (root) never
    /// reads a file the deploy user controls.
    pub upstream_file: String,
    /// The upstream files (rendered, root's) `upstream_file` may point at: each
    /// slot alone, and each slot with the other as `backup` servers (during the
    /// watch after a switch, while the previous slot stays warm).
    pub upstream_slots: Vec<UpstreamSlot>,
    /// The `live` link (to `live-blue` or `live-green`): read by the unit under
    /// `pm2`, as the app's user, to start the serving slot.
    pub live: String,
    pub lock: String,
}

#[derive(Debug, Serialize)]
pub struct HealthPlan {
    pub path: RoutePath,
    pub status: u16,
    pub timeout_sec: u64,
}

#[derive(Debug, Serialize)]
pub struct SitePlan {
    /// The nginx version the site targets (`site.nginx_version`), said in its header
    /// for `svcgen lint` of the file alone.
    pub nginx_version: Version,
    pub domains: Vec<HostName>,
    pub http_listens: Vec<String>,
    pub https_listens: Vec<String>,
    pub https_port: u16,
    /// Where port 80 redirects: the canonical (first) domain that is not a
    /// wildcard; `$host` only when every domain is one (the host's catch-all then
    /// leaves only names the site serves).
    pub redirect_host: String,
    pub http2_directive: bool,
    pub protocols: String,
    pub ciphers: Option<String>,
    pub curves: String,
    pub certificate: AbsPath,
    pub key: AbsPath,
    pub ocsp_stapling: bool,
    pub trusted_certificate: Option<AbsPath>,
    pub resolver: Vec<Resolver>,
    pub headers: Vec<(String, String)>,
    pub client_max_body_size: String,
    pub redirect_http: bool,
    pub acme_root: AbsPath,
    pub access_log: String,
    pub error_log: String,
    pub json_log: bool,
    /// The log of requests whose upstream answered 5xx or failed (read by the
    /// deploy's watch), its format and the variable that selects those requests.
    pub failure_log: String,
    pub failure_log_format: String,
    pub failure_var: String,
    pub upstream: String,
    pub upstream_file: String,
    pub keepalive: u16,
    pub connection_upgrade_var: String,
    pub log_format: String,
    pub ssl_cache: String,
    pub has_websocket: bool,
    pub has_csp: bool,
    /// `site.tls.hsts.enabled`: off, the TLS servers say so to `svcgen lint`.
    pub has_hsts: bool,
    /// Security headers the description turns off (`svcgen lint` is told why).
    pub headers_off: Vec<&'static str>,
    /// The other domains, sent to the canonical one on HTTPS too (`canonical_redirect`).
    pub redirected_domains: Vec<HostName>,
    pub gzip: bool,
    pub brotli: bool,
    pub compress_types: String,
    /// Trusted proxies (`set_real_ip_from`) and their header.
    pub real_ip_from: Vec<CidrOrAddress>,
    pub real_ip_header: Option<String>,
    pub least_conn: bool,
    /// The directory of `502.html`, `503.html`, `504.html` and the maintenance flag file.
    pub error_pages: Option<String>,
    pub maintenance_flag: Option<AbsPath>,
    /// `limit_req_zone`s: (zone, rate), one per rate-limited route.
    pub rate_zones: Vec<(String, String)>,
    /// The named location static routes pass misses to (`fallback: app`).
    pub app_location: String,
    pub has_app_fallback: bool,
    /// The certbot certificate name, when the certificate is certbot's
    /// (`/etc/letsencrypt/live/NAME/fullchain.pem` + `privkey.pem`) and every domain
    /// can be proven over HTTP (no wildcard).
    pub certbot_cert_name: Option<String>,
    /// The service whose site serves this one's locations (no server of its own).
    pub mounted_on: Option<ServiceName>,
    /// The locations files of the services mounted on this site: (name, path).
    pub mount_includes: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct RoutePlan {
    pub path: RoutePath,
    pub kind: &'static str,
    pub connect_timeout: u64,
    pub read_timeout: u64,
    pub send_timeout: u64,
    pub dir: Option<String>,
    pub cache_sec: u64,
    pub immutable: bool,
    pub gzip_static: bool,
    pub brotli_static: bool,
    /// `try_files` arguments after `$uri`.
    pub fallback: Option<String>,
    pub allow: Vec<CidrOrAddress>,
    /// (realm, htpasswd file).
    pub basic_auth: Option<(HeaderValue, AbsPath)>,
    /// (zone, burst).
    pub rate_limit: Option<(String, u32)>,
    /// `limit_except` methods; empty: any.
    pub methods: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct DeployPlan {
    pub repo: GitRemote,
    pub branch: GitBranch,
    pub install: OneLine,
    pub build: Option<OneLine>,
    pub prune: Option<OneLine>,
    pub migrate: Option<OneLine>,
    pub keep_releases: u8,
    pub nginx_test: Vec<CommandWord>,
    pub nginx_reload: Vec<CommandWord>,
    pub nginx_pid_file: AbsPath,
    pub health_retries: u16,
    pub health_interval_sec: u64,
    /// Each step's time limit in seconds: fetch, install, build, migrate.
    pub timeout_sec: TimeoutPlan,
    pub ecosystem: String,
    /// The watch after a switch: its length (0: none) and the 5xx answers allowed.
    pub watch_sec: u64,
    pub watch_errors: u32,
    /// nginx's failure log for the server that serves this service's routes
    /// (its own site's, or the site it is mounted on).
    pub failure_log: String,
    pub failure_log_tail: u32,
    /// The static routes' directories inside the release (relative to it): what
    /// asset bridging carries from the serving release into the new one.
    pub static_dirs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TimeoutPlan {
    pub fetch: u64,
    pub install: u64,
    pub build: u64,
    pub migrate: u64,
}

#[derive(Debug, Serialize)]
pub struct HardeningPlan {
    pub protect_home: &'static str,
    pub syscall_allow: Vec<Syscall>,
    pub address_families: Vec<String>,
    pub capabilities: Vec<Capability>,
    pub network_peers: Vec<IpPrefix>,
    pub memory_deny_write_execute: bool,
    pub private_users: bool,
    /// The AppArmor profile's name, when the description asks for one.
    pub apparmor_profile: Option<String>,
}

fn secs(d: Duration) -> u64 {
    d.secs_ceil()
}

impl Plan {
    pub fn new(spec: &LoadedSpec) -> Plan {
        let s: &Service = &spec.service;
        let sup = &s.host.supervisor;
        let pm2 = sup.kind == SupervisorKind::Pm2;
        let ident = s.name.replace('-', "_");
        let app_dir = s.app_dir.trim_end_matches('/').to_string();
        let unit_file = format!("{}.service", s.name);
        let slot_ports = s.slot_ports();
        let slots: Vec<SlotPlan> = SLOTS
            .iter()
            .zip(slot_ports.iter())
            .map(|(colour, ports)| {
                // Validation refuses ports past 65535 before anything is rendered.
                let ports: Vec<u16> = ports
                    .iter()
                    .filter_map(|p| u16::try_from(*p).ok())
                    .collect();
                SlotPlan {
                    colour: (*colour).to_string(),
                    app: format!("{}-{colour}", s.name),
                    unit_file: format!("{}-{colour}@.service", s.name),
                    units: ports
                        .iter()
                        .map(|p| format!("{}-{colour}@{p}.service", s.name))
                        .collect(),
                    dir: format!("{app_dir}/{colour}"),
                    ports,
                }
            })
            .collect();
        let nginx_dir = s.host.install.nginx_dir.trim_end_matches('/');
        let layout = LayoutPlan {
            releases: format!("{app_dir}/releases"),
            repo: format!("{app_dir}/repo.git"),
            current: format!("{app_dir}/current"),
            upstream_file: format!("{nginx_dir}/{}.upstream", s.name),
            upstream_slots: SLOTS
                .iter()
                .flat_map(|&slot| {
                    let other = SLOTS.iter().copied().find(|&o| o != slot);
                    [None, other].into_iter().map(move |backup| (slot, backup))
                })
                .map(|(slot, backup)| {
                    let key = match backup {
                        Some(b) => format!("{slot}-with-{b}"),
                        None => slot.to_string(),
                    };
                    let file = format!("{}.upstream-{key}", s.name);
                    UpstreamSlot {
                        path: format!("{nginx_dir}/{file}"),
                        key,
                        file,
                        slot,
                        backup,
                    }
                })
                .collect(),
            live: format!("{app_dir}/live"),
            lock: format!("{app_dir}/.deploy.lock"),
        };
        let default_logs = format!("/var/log/{}", s.name);
        let logs_dir = s
            .logs
            .dir
            .as_ref()
            .map_or_else(|| default_logs.clone(), |d| d.to_string());
        let default_pm2_home = format!("/var/lib/{}/pm2", s.name);
        let pm2_home = sup
            .pm2_home
            .as_ref()
            .map_or_else(|| default_pm2_home.clone(), |h| h.to_string());

        // Directories under the systemd-managed roots are created (and made writable)
        // by LogsDirectory=/StateDirectory=; others go to ReadWritePaths=.
        let mut writable_paths = Vec::new();
        let logs_directory_unit = if logs_dir == default_logs {
            Some(s.name.to_string())
        } else {
            writable_paths.push(logs_dir.clone());
            None
        };
        let state_directory_unit = if !pm2 {
            None
        } else if pm2_home == default_pm2_home {
            Some(format!("{}/pm2", s.name))
        } else {
            writable_paths.push(pm2_home.clone());
            None
        };
        writable_paths.extend(
            s.host
                .hardening
                .writable_paths
                .iter()
                .map(|p| p.to_string()),
        );

        let mut env: Vec<(String, String)> = Vec::new();
        if !s.environment.contains_key("NODE_ENV") {
            env.push(("NODE_ENV".into(), "production".into()));
        }
        env.extend(
            s.environment
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_text())),
        );

        let drain = s.shutdown.drain;
        let margin = s.shutdown.margin;
        let kill_timeout = drain.saturating_add(margin);
        let timeout_stop = if pm2 {
            kill_timeout.saturating_add(margin)
        } else {
            kill_timeout
        };

        let health_host = match sup.bind.as_str() {
            "0.0.0.0" | "::" | "[::]" => "127.0.0.1".to_string(),
            b if b.contains(':') && !b.starts_with('[') => format!("[{b}]"),
            b => b.to_string(),
        };

        let site = site_plan(s, &ident, &layout.upstream_file);
        let routes = s
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let long = matches!(r.kind, RouteKind::Streaming | RouteKind::Websocket);
                let default_read = if long { 3600 } else { 60 };
                RoutePlan {
                    path: r.path.clone(),
                    kind: match r.kind {
                        RouteKind::Proxy => "proxy",
                        RouteKind::Streaming => "streaming",
                        RouteKind::Websocket => "websocket",
                        RouteKind::Static => "static",
                    },
                    connect_timeout: r.connect_timeout.map_or(5, secs),
                    read_timeout: r.read_timeout.map_or(default_read, secs),
                    send_timeout: r.send_timeout.map_or(60, secs),
                    // A directory inside app_dir is one of the release's: nginx serves
                    // it from the serving release, through the `current` link.
                    dir: r.dir.as_ref().map(|d| {
                        let d = match d.strip_prefix(&format!("{app_dir}/")) {
                            Some(rel) => format!("{}/{rel}", layout.current),
                            None => d.to_string(),
                        };
                        if d.ends_with('/') { d } else { format!("{d}/") }
                    }),
                    cache_sec: r.cache.map_or(
                        if r.immutable {
                            365 * 86_400
                        } else {
                            7 * 86_400
                        },
                        secs,
                    ),
                    immutable: r.immutable,
                    gzip_static: r.precompressed,
                    brotli_static: r.precompressed && s.site.compression.brotli,
                    fallback: r.fallback.as_ref().map(|f| match f.as_str() {
                        "app" => site.app_location.clone(),
                        file => format!("{}{}", r.path, file.trim_start_matches('/')),
                    }),
                    allow: r.allow.clone(),
                    basic_auth: r
                        .basic_auth
                        .as_ref()
                        .map(|b| (b.realm.clone(), b.user_file.clone())),
                    rate_limit: r
                        .rate_limit
                        .as_ref()
                        .map(|l| (rate_zone(&ident, i), l.burst)),
                    methods: method_list(&r.methods),
                }
            })
            .collect();

        let d = &s.deploy;
        let app_files = s
            .host
            .install
            .app_files_dir
            .clone()
            .unwrap_or_else(|| s.app_dir.clone());
        let deploy = DeployPlan {
            repo: d.repo.clone(),
            branch: d.branch.clone(),
            install: d.install.clone(),
            build: d.build.clone(),
            prune: d.prune.clone(),
            migrate: d.migrate.clone(),
            keep_releases: d.keep_releases,
            nginx_test: d.nginx_test.clone(),
            nginx_reload: d.nginx_reload.clone(),
            nginx_pid_file: d.nginx_pid_file.clone(),
            health_retries: d.health_retries,
            health_interval_sec: secs(d.health_interval).max(1),
            timeout_sec: TimeoutPlan {
                fetch: secs(d.timeouts.fetch).max(1),
                install: secs(d.timeouts.install).max(1),
                build: secs(d.timeouts.build).max(1),
                migrate: secs(d.timeouts.migrate).max(1),
            },
            ecosystem: format!("{}/ecosystem.config.js", app_files.trim_end_matches('/')),
            watch_sec: secs(d.watch.window),
            watch_errors: d.watch.errors,
            failure_log: failure_log(s.site.mounted_on.as_deref().unwrap_or(&s.name)),
            failure_log_tail: FAILURE_LOG_TAIL,
            static_dirs: {
                let mut dirs: Vec<String> = s
                    .routes
                    .iter()
                    .filter(|r| r.kind == RouteKind::Static)
                    .filter_map(|r| r.dir.as_deref())
                    .filter_map(|d| {
                        d.strip_prefix(&format!("{}/", s.app_dir.trim_end_matches('/')))
                    })
                    .map(|d| d.trim_end_matches('/').to_string())
                    .filter(|d| !d.is_empty())
                    .collect();
                dirs.sort();
                dirs.dedup();
                dirs
            },
        };

        let h = &s.host.hardening;
        let mut address_families: Vec<String> =
            vec!["AF_UNIX".into(), "AF_INET".into(), "AF_INET6".into()];
        for f in &h.address_families {
            if !address_families.iter().any(|a| f == a.as_str()) {
                address_families.push(f.to_string());
            }
        }
        let hardening = HardeningPlan {
            protect_home: if h.read_home { "read-only" } else { "yes" },
            syscall_allow: h.allow_syscalls.clone(),
            address_families,
            capabilities: h.capabilities.clone(),
            network_peers: h.network_peers.clone(),
            memory_deny_write_execute: h.memory_deny_write_execute,
            // A user namespace would hide the capabilities asked for.
            private_users: h.capabilities.is_empty(),
            apparmor_profile: h.apparmor.then(|| format!("svcgen-{}", s.name)),
        };

        // Exactly what the script runs through `sudo -n`, so sudoers allows nothing else.
        let mut sudo_commands = Vec::new();
        if pm2 {
            for verb in ["start", "stop"] {
                sudo_commands.push(vec![SYSTEMCTL.into(), verb.into(), unit_file.clone()]);
            }
        } else {
            for slot in &slots {
                for unit in &slot.units {
                    for verb in ["start", "stop", "enable", "disable"] {
                        sudo_commands.push(vec![SYSTEMCTL.into(), verb.into(), unit.clone()]);
                    }
                }
            }
        }
        // The switch of nginx's upstream: the root-owned link to one slot's file.
        for u in &layout.upstream_slots {
            sudo_commands.push(vec![
                LN.into(),
                "-sfnT".into(),
                u.file.clone(),
                layout.upstream_file.clone(),
            ]);
        }
        for cmd in [&deploy.nginx_test, &deploy.nginx_reload] {
            sudo_commands.push(cmd.iter().map(|w| w.to_string()).collect());
        }
        let env_required: Vec<RequiredPlan> = s
            .env_required
            .iter()
            .map(|(name, r)| RequiredPlan {
                name: name.to_string(),
                about: r.about.as_ref().map(|a| a.to_string()),
                secret: r.secret,
                form: r.form.name(),
            })
            .collect();
        let env_check = (!env_required.is_empty() && s.env_file.is_some())
            .then(|| format!("{ENV_CHECK_DIR}/{}", env_check_name(&s.name)));
        if let Some(check) = &env_check {
            // The pre-flight check of the env file: no arguments.
            sudo_commands.push(vec![check.clone()]);
        }
        if deploy.watch_sec > 0 {
            // The watch reads nginx's failure log (root's): these arguments only.
            sudo_commands.push(vec![
                TAIL.into(),
                "-n".into(),
                FAILURE_LOG_TAIL.to_string(),
                deploy.failure_log.clone(),
            ]);
        }

        Plan {
            kubernetes_layout: std::sync::OnceLock::new(),
            name: s.name.clone(),
            ident,
            description: s.description.clone(),
            source: spec.file_name().to_string(),
            user: s.user.clone(),
            group: s.group.clone().unwrap_or_else(|| s.user.clone()),
            app_dir,
            entry: s.entry.clone(),
            node_path: s.node.path.clone(),
            node_args: s.node.args.clone(),
            env,
            env_file: s.env_file.clone(),
            env_required,
            env_check,
            pm2,
            instances: sup.instances,
            unit_name: unit_file.trim_end_matches(".service").to_string(),
            unit_file,
            slots,
            layout,
            systemctl: SYSTEMCTL.to_string(),
            ln: LN.to_string(),
            tail: TAIL.to_string(),
            sudo_commands,
            bind: sup.bind.clone(),
            health_host,
            memory_limit: sup.memory_limit.map(|m| m.to_string()),
            listen_timeout_ms: sup.listen_timeout.millis(),
            pm2_runtime: sup.pm2_runtime.clone(),
            pm2_cli: sup.pm2_cli.clone(),
            pm2_home,
            pm2_kill_signal: s.shutdown.signals[0].name().to_string(),
            drain: drain.to_string(),
            kill_timeout_ms: kill_timeout.millis(),
            timeout_stop_sec: secs(timeout_stop),
            logs_dir,
            logs_directory_unit,
            state_directory_unit,
            writable_paths,
            health: HealthPlan {
                path: s.health.path.clone(),
                status: s.health.status,
                timeout_sec: secs(s.health.timeout).max(1),
            },
            site,
            routes,
            deploy,
            hardening,
        }
    }
}

/// `NAME` of `/etc/letsencrypt/live/NAME/fullchain.pem` with its `privkey.pem`.
fn certbot_name(certificate: &str, key: &str) -> Option<String> {
    let name = certificate
        .strip_prefix("/etc/letsencrypt/live/")?
        .strip_suffix("/fullchain.pem")?;
    (!name.contains('/') && key == format!("/etc/letsencrypt/live/{name}/privkey.pem"))
        .then(|| name.to_string())
}

/// The `limit_req_zone` of a service's `i`th route.
fn rate_zone(ident: &str, i: usize) -> String {
    format!("svcgen_{ident}_route{i}")
}

/// `limit_except` arguments: GET lets HEAD through by itself; written once each, in order.
fn method_list(methods: &[Method]) -> Vec<&'static str> {
    let mut m: Vec<Method> = methods.to_vec();
    m.sort();
    m.dedup();
    m.into_iter().map(Method::name).collect()
}

fn site_plan(s: &Service, ident: &str, upstream_file: &str) -> SitePlan {
    let site = &s.site;
    let tls = &site.tls;
    let version = crate::description::parse_version(&site.nginx_version);
    let http2_directive = version >= (1, 25, 1);
    let listens = |port: u16, tls: bool| -> Vec<String> {
        let suffix = match (tls, http2_directive) {
            (true, true) => " ssl",
            (true, false) => " ssl http2",
            (false, _) => "",
        };
        match &site.listen.address {
            Some(a) if a.contains(':') => vec![format!("[{a}]:{port}{suffix}")],
            Some(a) => vec![format!("{a}:{port}{suffix}")],
            None if site.listen.ipv6 => {
                vec![format!("{port}{suffix}"), format!("[::]:{port}{suffix}")]
            }
            None => vec![format!("{port}{suffix}")],
        }
    };

    let mut headers: Vec<(String, String)> = Vec::new();
    if tls.hsts.enabled {
        let mut v = format!("max-age={}", tls.hsts.max_age.secs_ceil());
        if tls.hsts.include_subdomains {
            v.push_str("; includeSubDomains");
        }
        if tls.hsts.preload {
            v.push_str("; preload");
        }
        headers.push(("Strict-Transport-Security".into(), v));
    }
    let h = &site.headers;
    if h.nosniff {
        headers.push(("X-Content-Type-Options".into(), "nosniff".into()));
    }
    headers.push((
        "X-Frame-Options".into(),
        match h.frame_options {
            FrameOptions::Deny => "DENY",
            FrameOptions::SameOrigin => "SAMEORIGIN",
        }
        .into(),
    ));
    if let Some(csp) = &h.content_security_policy {
        headers.push(("Content-Security-Policy".into(), csp.to_string()));
    }
    headers.push(("Referrer-Policy".into(), h.referrer_policy.as_str().into()));
    if let Some(pp) = &h.permissions_policy {
        headers.push(("Permissions-Policy".into(), pp.to_string()));
    }
    for (k, v) in &h.extra {
        headers.push((k.to_string(), v.to_string()));
    }

    let mut curves = vec!["X25519", "prime256v1", "secp384r1"];
    if tls.post_quantum {
        curves.insert(0, "X25519MLKEM768");
    }
    let logs = &s.logs;
    SitePlan {
        domains: site.domains.clone(),
        http_listens: listens(site.listen.http, false),
        https_listens: listens(site.listen.https, true),
        https_port: site.listen.https,
        redirect_host: site
            .domains
            .iter()
            .find(|d| !d.starts_with('*'))
            .map_or_else(|| "$host".into(), |d| d.to_string()),
        http2_directive,
        protocols: match tls.profile {
            TlsProfile::Intermediate => "TLSv1.2 TLSv1.3".into(),
            TlsProfile::Modern => "TLSv1.3".into(),
        },
        ciphers: match tls.profile {
            TlsProfile::Intermediate => Some(INTERMEDIATE_CIPHERS.into()),
            TlsProfile::Modern => None,
        },
        curves: curves.join(":"),
        certificate: tls.certificate.clone(),
        key: tls.key.clone(),
        ocsp_stapling: tls.ocsp_stapling,
        trusted_certificate: tls.trusted_certificate.clone(),
        resolver: tls.resolver.clone(),
        headers,
        client_max_body_size: site.client_max_body_size.to_string(),
        redirect_http: site.redirect_http,
        acme_root: site.acme_root.clone(),
        access_log: logs.access_log.as_ref().map_or_else(
            || format!("/var/log/nginx/{}.access.log", s.name),
            |l| l.to_string(),
        ),
        error_log: logs.error_log.as_ref().map_or_else(
            || format!("/var/log/nginx/{}.error.log", s.name),
            |l| l.to_string(),
        ),
        json_log: logs.access_format == AccessLogFormat::Json,
        failure_log: failure_log(&s.name),
        failure_log_format: format!("svcgen_{ident}_failures"),
        failure_var: format!("$svcgen_{ident}_upstream_failed"),
        nginx_version: site.nginx_version.clone(),
        upstream: format!("svcgen_{ident}"),
        upstream_file: upstream_file.to_string(),
        keepalive: 16,
        connection_upgrade_var: format!("svcgen_{ident}_connection_upgrade"),
        log_format: format!("svcgen_{ident}_json"),
        ssl_cache: format!("svcgen_{ident}"),
        has_websocket: s.routes.iter().any(|r| r.kind == RouteKind::Websocket),
        has_csp: h.content_security_policy.is_some(),
        has_hsts: tls.hsts.enabled,
        headers_off: [
            (h.content_security_policy.is_none(), "Content-Security-Policy is left to the app (site.headers.content_security_policy: null)"),
            (!h.nosniff, "X-Content-Type-Options is off in the description (site.headers.nosniff: false)"),
        ]
        .into_iter()
        .filter_map(|(off, why)| off.then_some(why))
        .collect(),
        redirected_domains: if site.canonical_redirect {
            site.domains.iter().skip(1).cloned().collect()
        } else {
            Vec::new()
        },
        gzip: site.compression.gzip,
        brotli: site.compression.brotli,
        compress_types: site.compression.types.join(" "),
        real_ip_from: site
            .real_ip
            .as_ref()
            .map(|r| r.from.clone())
            .unwrap_or_default(),
        real_ip_header: site.real_ip.as_ref().map(|r| r.header.name().to_string()),
        least_conn: site.balance == Balance::LeastConn,
        error_pages: site
            .error_pages
            .as_ref()
            .map(|e| e.dir.trim_end_matches('/').to_string()),
        maintenance_flag: site
            .error_pages
            .as_ref()
            .and_then(|e| e.maintenance_flag.clone()),
        rate_zones: s
            .routes
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.rate_limit
                    .as_ref()
                    .map(|l| (rate_zone(ident, i), l.rate.to_string()))
            })
            .collect(),
        app_location: format!("@svcgen_{ident}_app"),
        has_app_fallback: s
            .routes
            .iter()
            .any(|r| r.fallback.as_deref() == Some("app")),
        mounted_on: site.mounted_on.clone(),
        mount_includes: site
            .mounts
            .iter()
            .map(|m| {
                let dir = s.host.install.nginx_dir.trim_end_matches('/');
                (m.to_string(), format!("{dir}/{m}.locations"))
            })
            .collect(),
        certbot_cert_name: certbot_name(&tls.certificate, &tls.key)
            .filter(|_| !site.domains.iter().any(|d| d.starts_with('*'))),
    }
}
