//! Semantic checks: rules that need more than one value of the description.

use std::collections::HashMap;

use super::diag::ErrorSink;
use super::kinds::CidrOrAddress;
use super::model::{RouteKind, Service, SupervisorKind, TlsProfile};
use super::trust::{self, is_within};
use super::yaml::PositionIndex;

struct Checker<'a> {
    positions: &'a PositionIndex,
    sink: &'a mut ErrorSink,
}

impl Checker<'_> {
    /// `err` for a value that must not be shown: its snippet masks it.
    fn err_masked(&mut self, pointer: &str, message: String, label: &str, help: &str) {
        let pos = self.positions.get(pointer).map(|p| p.value);
        self.sink
            .push_masked(pos, pointer, message, label, Some(help.to_string()));
    }

    fn err(&mut self, pointer: &str, message: String, label: &str, help: &str) {
        let place = self.positions.nearest(pointer);
        // A value that was not written (a default) is reported at its parent's key.
        let pos = match self.positions.get(pointer) {
            Some(p) => p.value,
            None => place.key.unwrap_or(place.value),
        };
        self.sink
            .push(Some(pos), pointer, message, label, Some(help.to_string()));
    }
}

/// Parses `1.22.1` into a comparable triple.
pub fn parse_version(v: &str) -> (u32, u32, u32) {
    let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// Every semantic check of a loaded description, each reported at its YAML
/// position; one function per part of the description.
pub fn check(s: &Service, positions: &PositionIndex, sink: &mut ErrorSink) {
    let mut c = Checker { positions, sink };
    check_user(s, &mut c);
    check_paths(s, &mut c);
    check_environment(s, &mut c);
    check_supervisor(s, &mut c);
    check_addresses(s, &mut c);
    check_shutdown(s, &mut c);
    check_domains(s, &mut c);
    check_tls(s, &mut c);
    check_routes(s, &mut c);
    check_edge(s, &mut c);
    check_writes(s, &mut c);
    check_hardening(s, &mut c);
    check_kubernetes(s, &mut c);
    check_servers(s, &mut c);
    check_trust(s, &mut c);
}

/// Each server once: by inventory name, and by address and port.
fn check_servers(s: &Service, c: &mut Checker<'_>) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut addresses: HashMap<(&str, u16), usize> = HashMap::new();
    for (i, server) in s.servers.iter().enumerate() {
        if let Some(first) = names.insert(server.inventory_name(), i) {
            c.err(
                &format!("/servers/{i}"),
                format!(
                    "server `{}` is listed twice (first at servers[{first}])",
                    server.inventory_name()
                ),
                "duplicate",
                "give each server its own `name` (or list it once)",
            );
        } else if let Some(first) = addresses.insert((server.host.as_str(), server.port), i) {
            c.err(
                &format!("/servers/{i}/host"),
                format!(
                    "`{}:{}` is servers[{first}] too: the deploy would run twice on one machine",
                    server.host, server.port
                ),
                "duplicate",
                "list each machine once",
            );
        }
    }
}

/// What reaches files root installs or runs (see `trust.rs`).
fn check_trust(s: &Service, c: &mut Checker<'_>) {
    for (pointer, message, forms) in trust::sudo_command_errors(s) {
        c.err(
            &pointer,
            message,
            "not a command sudo may grant",
            &format!("the sudoers file grants exactly this command as root; accepted: {forms}"),
        );
    }
    for (pointer, message, help) in trust::install_dir_errors(s) {
        c.err(&pointer, message, "not where this file belongs", &help);
    }
    if let Some(why) = trust::system_name(&s.name) {
        c.err(
            "/name",
            format!("{why}: its unit, site or sudoers file would replace the system's"),
            "a system name",
            "name the service after the app, such as `shop-api`",
        );
    }
}

/// The user the app runs as.
fn check_user(s: &Service, c: &mut Checker<'_>) {
    if s.user == "root" && !s.host.hardening.allow_root {
        c.err(
            "/user",
            "the app must not run as root".into(),
            "root",
            "create a dedicated user (`useradd --system --home-dir /nonexistent app`) and name it here; \
             `host.hardening.allow_root: true` overrides this, but nginx in front makes root unnecessary",
        );
    }
}

/// Paths the service opens: reachable under the sandbox. (That every path is
/// written plainly is its kind's rule, `kinds::AbsPath`.)
fn check_paths(s: &Service, c: &mut Checker<'_>) {
    // The paths the service itself opens (nginx's are not hidden from nginx).
    let mut paths: Vec<(&str, &str)> = vec![
        ("/app_dir", s.app_dir.as_str()),
        ("/entry", s.entry.as_str()),
        ("/node/path", s.node.path.as_str()),
    ];
    for (key, value) in [
        ("/env_file", &s.env_file),
        ("/logs/dir", &s.logs.dir),
        ("/host/supervisor/pm2_home", &s.host.supervisor.pm2_home),
    ] {
        if let Some(v) = value {
            paths.push((key, v.as_str()));
        }
    }
    // ProtectHome=yes hides /home, /root and /run/user from the service: an app,
    // a node or a state directory there cannot be reached, and the unit fails.
    let under_home = |p: &str| {
        ["/home", "/root", "/run/user"]
            .iter()
            .any(|h| p == *h || p.starts_with(&format!("{h}/")))
    };
    if !s.host.hardening.read_home {
        for (pointer, path) in paths.iter().filter(|(_, path)| under_home(path)) {
            c.err(
                pointer,
                format!(
                    "`{path}` is under a home directory, which the unit hides (ProtectHome=yes): the service cannot start"
                ),
                "hidden from the service",
                "set `host.hardening.read_home: true` (ProtectHome=read-only; nvm installs of node live there), or install under /srv or /opt",
            );
        }
    }
    if s.app_dir.trim_end_matches('/').is_empty() {
        c.err(
            "/app_dir",
            "the application directory cannot be `/`".into(),
            "the root directory",
            "use a directory of its own such as `/srv/my-service`",
        );
    }
}

/// Environment variables svcgen sets itself.
fn check_environment(s: &Service, c: &mut Checker<'_>) {
    // Reserved environment variables.
    for key in s.environment.keys() {
        if matches!(
            key.as_str(),
            "PORT" | "HOST" | "PM2_HOME" | "NODE_APP_INSTANCE"
        ) {
            c.err(
                &format!("/environment/{key}"),
                format!("`{key}` is set by svcgen"),
                "reserved",
                "svcgen sets PORT and HOST from `host.supervisor.port` and `host.supervisor.bind`, and PM2_HOME from `host.supervisor.pm2_home`; remove it here",
            );
        }
    }
    // The env file's contract.
    if !s.env_required.is_empty() && s.env_file.is_none() {
        c.err(
            "/env_required",
            "`env_required` names variables of an env file, but `env_file` is not set".into(),
            "no env file",
            "set `env_file` to the file that holds them on the server (for example /etc/NAME/env, owned by root, mode 0640)",
        );
    }
    for key in s.env_required.keys() {
        if s.environment.contains_key(key) {
            c.err(
                &format!("/env_required/{key}"),
                format!("`{key}` is required from the env file and also set in `environment`"),
                "set twice",
                "a required variable comes from the env file only: remove it from `environment`",
            );
        }
        if matches!(
            key.as_str(),
            "PORT" | "HOST" | "PM2_HOME" | "NODE_APP_INSTANCE"
        ) {
            c.err(
                &format!("/env_required/{key}"),
                format!("`{key}` is set by svcgen"),
                "reserved",
                "svcgen sets PORT, HOST and PM2_HOME itself; remove it here",
            );
        }
    }
    // A secret written here lands in files anyone on the host (or with the
    // manifests) reads; lint fails it there (SD005, PM004, KS016), so it is
    // refused here, at its line.
    for (key, value) in &s.environment {
        if crate::lint::secrets::looks_secret(key, &value.as_text()) {
            c.err_masked(
                &format!("/environment/{key}"),
                format!("`environment.{key}` looks like a secret"),
                "a secret",
                "`environment` is written into the unit, the ecosystem file and the Kubernetes manifests, which others can read; put it in the file `env_file` names, which svcgen never reads",
            );
        }
    }
}

/// The supervisor: ports, instances, memory, what only PM2 reads.
fn check_supervisor(s: &Service, c: &mut Checker<'_>) {
    // Supervisor.
    let sup = &s.host.supervisor;
    let [blue, green] = s.slot_ports();
    let last_port = green.last().copied().unwrap_or(u32::from(sup.port));
    if last_port > 65535 {
        c.err(
            "/host/supervisor/instances",
            format!(
                "the blue and green slots need ports {} to {last_port}, past port 65535",
                sup.port
            ),
            "too many for this port",
            "lower `host.supervisor.port` or `host.supervisor.instances`",
        );
    }
    if sup.kind == SupervisorKind::Pm2 && sup.memory_limit.is_none() {
        c.err(
            "/host/supervisor/kind",
            "under `kind: pm2` the app needs `host.supervisor.memory_limit`".into(),
            "no memory limit",
            "PM2 restarts a worker that grows past it (`max_memory_restart`; svcgen lint's PM003): set it to what one worker may use, such as `512M`",
        );
    }
    if sup.kind == SupervisorKind::Systemd {
        for key in ["pm2_home", "pm2_runtime", "pm2_cli", "listen_timeout"] {
            let pointer = format!("/host/supervisor/{key}");
            if c.positions.get(&pointer).is_some() {
                c.err(
                    &pointer,
                    format!("`{key}` only applies under `kind: pm2`"),
                    "unused under systemd",
                    "remove it, or set `host.supervisor.kind: pm2`",
                );
            }
        }
    }
    let app_ports: Vec<u32> = blue.into_iter().chain(green).collect();
    let listen = &s.site.listen;
    if listen.http == listen.https {
        c.err(
            "/site/listen/https",
            format!(
                "nginx cannot serve HTTP and HTTPS on the same port {}",
                listen.https
            ),
            "same as `listen.http`",
            "give `site.listen.http` and `site.listen.https` different ports",
        );
    }
    for (key, port) in [("http", listen.http), ("https", listen.https)] {
        if app_ports.contains(&u32::from(port)) {
            c.err(
                &format!("/site/listen/{key}"),
                format!("nginx's {key} port {port} is also an app port"),
                "port collision",
                "the app's blue and green slots listen on `host.supervisor.port` and the ports after it; move one of them",
            );
        }
    }
}

/// Addresses nginx and Node are given.
fn check_addresses(s: &Service, c: &mut Checker<'_>) {
    let sup = &s.host.supervisor;
    if sup.memory_limit.is_some_and(|m| m.bytes() < 16 << 20) {
        c.err(
            "/host/supervisor/memory_limit",
            "a memory limit under 16M leaves node no room to start".into(),
            "too small",
            "give each process at least what it uses at rest, such as `256M`",
        );
    }
}

/// Shutdown timers, where they land.
fn check_shutdown(s: &Service, c: &mut Checker<'_>) {
    // Shutdown: every timer it sets must fit where it lands. PM2's kill_timeout is a
    // Node timer (at most 2^31 - 1 ms; longer ones fire at once) and the unit's
    // TimeoutStopSec waits one margin more.
    const NODE_TIMER_MAX_MS: u64 = (1 << 31) - 1;
    let stop_ms = s
        .shutdown
        .drain
        .millis()
        .saturating_add(s.shutdown.margin.millis().saturating_mul(2));
    if stop_ms > NODE_TIMER_MAX_MS {
        c.err(
            "/shutdown/drain",
            format!(
                "drain plus margins is {stop_ms} ms, more than a Node timer holds (2147483647 ms, about 24.8 days)"
            ),
            "too long",
            "PM2 would kill the app at once instead of after the drain; a drain is seconds or minutes, such as `30s`",
        );
    }
    if s.host.supervisor.listen_timeout.millis() > NODE_TIMER_MAX_MS {
        c.err(
            "/host/supervisor/listen_timeout",
            "longer than a Node timer holds (2147483647 ms)".into(),
            "too long",
            "a few seconds, such as `8s`",
        );
    }
    if s.shutdown.drain.millis() == 0 {
        c.err(
            "/shutdown/drain",
            "the drain time must be longer than zero".into(),
            "zero",
            "say how long the app takes to finish in-flight requests, such as `10s`",
        );
    }
    if s.shutdown.margin.millis() < 1000 {
        c.err(
            "/shutdown/margin",
            "the shutdown margin must be at least 1s".into(),
            "too small",
            "each supervisor layer waits drain + margin; a margin under a second is lost to scheduling",
        );
    }
}

/// The site's domains.
fn check_domains(s: &Service, c: &mut Checker<'_>) {
    // Domains.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, d) in s.site.domains.iter().enumerate() {
        if let Some(first) = seen.insert(d.as_str(), i) {
            c.err(
                &format!("/site/domains/{i}"),
                format!("domain `{d}` is listed twice (also at index {first})"),
                "duplicate",
                "list each domain once",
            );
        }
    }
}

/// TLS against the nginx version.
fn check_tls(s: &Service, c: &mut Checker<'_>) {
    // TLS against the nginx version.
    let version = parse_version(&s.site.nginx_version);
    if version < (1, 13, 0) {
        let pointer = "/site/nginx_version";
        c.err(
            pointer,
            format!(
                "nginx {} cannot serve the Mozilla {} profile",
                s.site.nginx_version,
                match s.site.tls.profile {
                    TlsProfile::Intermediate => "intermediate",
                    TlsProfile::Modern => "modern",
                }
            ),
            "too old",
            "TLS 1.3 (in both Mozilla 6.0 profiles) needs nginx 1.13.0 or later; upgrade nginx",
        );
    }
    let tls = &s.site.tls;
    if tls.ocsp_stapling {
        if tls.resolver.is_empty() {
            c.err(
                "/site/tls/ocsp_stapling",
                "OCSP stapling needs a resolver".into(),
                "no `resolver`",
                "add `site.tls.resolver: [127.0.0.53]` (or your DNS servers), or turn stapling off",
            );
        }
        if tls.trusted_certificate.is_none() {
            c.err(
                "/site/tls/ocsp_stapling",
                "OCSP stapling needs `trusted_certificate`".into(),
                "no CA chain",
                "point `site.tls.trusted_certificate` at the issuer chain (chain.pem)",
            );
        }
        if tls.certificate.contains("/letsencrypt/") {
            c.err(
                "/site/tls/ocsp_stapling",
                "Let's Encrypt certificates have no OCSP responder since 2025".into(),
                "stapling does nothing here",
                "set `ocsp_stapling: false` for Let's Encrypt certificates",
            );
        }
    } else {
        if !tls.resolver.is_empty() {
            c.err(
                "/site/tls/resolver",
                "`resolver` is only used with `ocsp_stapling: true`".into(),
                "unused",
                "remove it, or turn on `ocsp_stapling`",
            );
        }
    }
    let hsts = &tls.hsts;
    if hsts.enabled
        && hsts.preload
        && (!hsts.include_subdomains || hsts.max_age.secs_ceil() < crate::lint::HSTS_MIN_AGE)
    {
        c.err(
            "/site/tls/hsts/preload",
            "HSTS preload needs `include_subdomains: true` and a `max_age` of at least 1y".into(),
            "preload list would reject this",
            "set `include_subdomains: true` and `max_age: 2y`, or drop `preload`",
        );
    }
    if hsts.enabled && hsts.max_age.secs_ceil() < crate::lint::HSTS_MIN_AGE {
        c.err(
            "/site/tls/hsts/max_age",
            format!(
                "an HSTS max-age of {} is under a year: the site would fail `svcgen lint` (NG003)",
                hsts.max_age
            ),
            "too short",
            "Mozilla recommends `2y` (63072000 seconds); one year (`1y`) is the least browsers' preload lists accept. To try HSTS first, leave it off (`hsts.enabled: false`)",
        );
    }
}

/// Routes.
fn check_routes(s: &Service, c: &mut Checker<'_>) {
    // Routes.
    let mut route_paths: HashMap<&str, usize> = HashMap::new();
    for (i, r) in s.routes.iter().enumerate() {
        let at = |k: &str| format!("/routes/{i}/{k}");
        if let Some(first) = route_paths.insert(r.path.as_str(), i) {
            c.err(
                &at("path"),
                format!(
                    "route `{}` is declared twice (first at routes[{first}])",
                    r.path
                ),
                "duplicate location",
                "nginx refuses duplicate locations; merge the two routes",
            );
        }
        if r.path == "/.well-known/acme-challenge/" {
            c.err(
                &at("path"),
                "`/.well-known/acme-challenge/` is served by svcgen for certificate renewal".into(),
                "reserved",
                "use `site.acme_root` to choose its directory",
            );
        }
        match r.kind {
            RouteKind::Static => {
                if !r.path.ends_with('/') {
                    c.err(
                        &at("path"),
                        format!("static route `{}` must end with `/`", r.path),
                        "no trailing slash",
                        "with `alias`, a prefix without a trailing slash lets `/assets../` escape the directory; write `/assets/`",
                    );
                }
                match &r.dir {
                    None => c.err(
                        &format!("/routes/{i}"),
                        format!("static route `{}` needs `dir`", r.path),
                        "no `dir`",
                        "add `dir: /srv/app/public/`, the directory nginx serves",
                    ),
                    Some(dir) => {
                        if dir.trim_end_matches('/') == s.app_dir.trim_end_matches('/') {
                            c.err(
                                &at("dir"),
                                format!("static directory `{dir}` is the deploy root itself"),
                                "app_dir",
                                "name a directory of the release, such as `APP_DIR/public`: it is served from the serving release (`APP_DIR/current/public`)",
                            );
                        } else if !is_within(dir, &s.app_dir) {
                            c.err(
                                &at("dir"),
                                format!(
                                    "static directory `{dir}` is outside the application directory `{}`",
                                    s.app_dir
                                ),
                                "outside app_dir",
                                "serve files from inside `app_dir`, so a deploy and its rollback move them together",
                            );
                        }
                    }
                }
                for key in ["connect_timeout", "read_timeout", "send_timeout"] {
                    if c.positions.get(&at(key)).is_some() {
                        c.err(
                            &at(key),
                            format!("`{key}` does not apply to a static route"),
                            "unused",
                            "static files are served by nginx, not proxied; remove it",
                        );
                    }
                }
            }
            _ => {
                for key in ["dir", "cache", "immutable", "precompressed", "fallback"] {
                    if c.positions.get(&at(key)).is_some() {
                        c.err(
                            &at(key),
                            format!("`{key}` only applies to `kind: static` routes"),
                            "unused",
                            "remove it, or make the route static",
                        );
                    }
                }
            }
        }
        if matches!(r.kind, RouteKind::Streaming | RouteKind::Websocket)
            && r.read_timeout.is_some_and(|t| t.millis() < 300_000)
        {
            c.err(
                &at("read_timeout"),
                "a streaming or websocket route with a read timeout under 5m drops idle streams".into(),
                "too short",
                "use a long read timeout such as `1h`, and send keep-alive comments or pings more often than that",
            );
        }
    }
    if !s.routes.iter().any(|r| r.kind != RouteKind::Static) {
        c.err(
            "/routes",
            "no route reaches the app".into(),
            "only static routes",
            "add a `proxy` route, usually `{path: /, kind: proxy}`",
        );
    }
}

/// An address or a network (`192.0.2.0/24`, `2001:db8::/32`); `Err` says what is
/// wrong. A network that holds every address (`0.0.0.0/0`) is refused.
fn check_network(value: &str) -> Result<(), String> {
    match trust::parse_network(value)? {
        (_, 0) => Err(format!("`{value}` is every address")),
        _ => Ok(()),
    }
}

/// A list of networks that covers every address of a family between its entries
/// (`0.0.0.0/1` + `128.0.0.0/1`), reported at the list.
fn check_network_set(c: &mut Checker<'_>, pointer: &str, values: &[CidrOrAddress], what: &str) {
    if values.iter().any(|v| check_network(v).is_err()) {
        return;
    }
    if let Some(family) = trust::covers_everything(values) {
        c.err(
            pointer,
            format!("together these networks are every {family} address: {what}"),
            "every address",
            "list only the networks that should have it",
        );
    }
}

/// The edge keys: access control, rate limits, fallbacks, trusted proxies, error
/// pages, the canonical redirect.
fn check_edge(s: &Service, c: &mut Checker<'_>) {
    let site = &s.site;
    if let Some(owner) = &site.mounted_on {
        if owner == &s.name {
            c.err(
                "/site/mounted_on",
                "a service cannot be mounted on itself".into(),
                "its own name",
                "name the service whose site serves these routes",
            );
        }
        if !site.mounts.is_empty() {
            c.err(
                "/site/mounts",
                "a mounted service cannot mount others".into(),
                "mounted_on is set",
                "list every service under the domain in the owner's `mounts`",
            );
        }
        for key in ["canonical_redirect", "error_pages"] {
            let pointer = format!("/site/{key}");
            if c.positions.get(&pointer).is_some() {
                c.err(
                    &pointer,
                    format!("`{key}` belongs to the site that serves this one (`{owner}`)"),
                    "mounted",
                    "set it in the owner's description",
                );
            }
        }
    }
    for (i, m) in site.mounts.iter().enumerate() {
        if m == &s.name || site.mounts[..i].contains(m) {
            c.err(
                &format!("/site/mounts/{i}"),
                format!("`{m}` is this service or listed twice"),
                "not another service",
                "list each other service once",
            );
        }
    }
    if site.canonical_redirect {
        if site.domains.len() < 2 {
            c.err(
                "/site/canonical_redirect",
                "`canonical_redirect` needs a second domain to redirect".into(),
                "one domain",
                "add the other name (`www.example.com` beside `example.com`) to `domains`, or remove `canonical_redirect`",
            );
        } else if site.domains.iter().any(|d| d.starts_with('*')) {
            c.err(
                "/site/canonical_redirect",
                "`canonical_redirect` with a wildcard domain would send every subdomain to the first name".into(),
                "wildcard",
                "list the names one by one, the canonical one first",
            );
        }
    }
    if let Some(r) = &site.real_ip {
        for (i, f) in r.from.iter().enumerate() {
            if let Err(why) = check_network(f) {
                c.err(
                    &format!("/site/real_ip/from/{i}"),
                    format!("{why}: a trusted proxy must be a known address or network"),
                    "not a proxy's address",
                    "name the load balancer's or CDN's addresses; trusting everyone lets any client choose the address nginx logs, allows and rate-limits",
                );
            }
        }
        check_network_set(
            c,
            "/site/real_ip/from",
            &r.from,
            "trusting every address lets any client choose the address nginx logs, allows and rate-limits",
        );
    }
    let static_dirs: Vec<&str> = s.routes.iter().filter_map(|r| r.dir.as_deref()).collect();
    if let Some(e) = &site.error_pages
        && is_within(&e.dir, &s.app_dir)
    {
        c.err(
            "/site/error_pages/dir",
            format!("error pages `{}` are inside `app_dir`", e.dir),
            "inside app_dir",
            "keep them outside the releases (such as `/var/www/NAME-errors`): a failed deploy or a rollback must not take them away",
        );
    }
    for (i, r) in s.routes.iter().enumerate() {
        let at = |k: &str| format!("/routes/{i}/{k}");
        for (j, a) in r.allow.iter().enumerate() {
            if let Err(why) = check_network(a) {
                c.err(
                    &format!("/routes/{i}/allow/{j}"),
                    why,
                    "not an allow-list entry",
                    "list the addresses or networks that may use the route, such as `10.0.0.0/8`",
                );
            }
        }
        check_network_set(
            c,
            &at("allow"),
            &r.allow,
            "an allow list of every address allows everyone",
        );
        if let Some(b) = &r.basic_auth {
            let exposed = is_within(&b.user_file, &s.app_dir)
                || static_dirs.iter().any(|d| is_within(&b.user_file, d));
            if exposed {
                c.err(
                    &at("basic_auth/user_file"),
                    format!(
                        "the password file `{}` is inside the app or a served directory",
                        b.user_file
                    ),
                    "exposed",
                    "keep it where neither nginx's static routes nor the checkout reach, such as `/etc/nginx/htpasswd/NAME`",
                );
            }
        }
        if let Some(l) = &r.rate_limit
            && l.burst > 10_000
        {
            c.err(
                &at("rate_limit/burst"),
                format!("a burst of {} requests is no limit", l.burst),
                "too large",
                "allow a burst of a few requests over the rate, such as `10`",
            );
        }
        if r.precompressed && !site.compression.gzip && !site.compression.brotli {
            c.err(
                &at("precompressed"),
                "`precompressed` with gzip and brotli both off".into(),
                "nothing to serve",
                "turn `site.compression.gzip` on, or remove `precompressed`",
            );
        }
    }
}

/// Where things are written.
fn check_writes(s: &Service, c: &mut Checker<'_>) {
    // Where things are written.
    if let Some(e) = &s.env_file
        && is_within(e, &s.app_dir)
    {
        c.err(
            "/env_file",
            "the secrets file must live outside the application directory".into(),
            "inside the git checkout",
            "keep secrets out of the checkout, such as `/etc/NAME/secrets.env` with mode 0600",
        );
    }
}

/// The systemd sandbox's relaxations.
fn check_hardening(s: &Service, c: &mut Checker<'_>) {
    // Hardening.
    let jitless = s.node.args.iter().any(|a| a == "--jitless");
    if s.host.hardening.memory_deny_write_execute && !jitless {
        c.err(
            "/host/hardening/memory_deny_write_execute",
            "`MemoryDenyWriteExecute=yes` kills node: V8's JIT needs writable, executable memory"
                .into(),
            "node would crash with SIGTRAP",
            "remove it, or add `--jitless` to `node.args` (much slower JavaScript)",
        );
    }
}

/// The Kubernetes target: images pinned, scaling bounds in order.
fn check_kubernetes(s: &Service, c: &mut Checker<'_>) {
    let Some(k) = &s.kubernetes else {
        return;
    };
    for (key, image) in [("image", &k.image), ("base_image", &k.base_image)] {
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last
            .split('@')
            .next()
            .unwrap_or(last)
            .split_once(':')
            .map(|(_, t)| t);
        let pinned = image.contains("@sha256:") || tag.is_some_and(|t| t != "latest");
        if !pinned {
            c.err(
                &format!("/kubernetes/{key}"),
                format!("`{image}` is not pinned: every pull may get another image"),
                "no version",
                "give a version tag (`node:22.11.0-bookworm-slim`) or a digest (`@sha256:…`), never `latest`",
            );
        }
    }
    match (&k.gateway, &k.ingress_nginx) {
        (Some(_), Some(_)) => c.err(
            "/kubernetes/ingress_nginx",
            "both `gateway` and `ingress_nginx` are given: the site would be served twice".into(),
            "second way in",
            "keep `gateway` (Gateway API); `ingress_nginx` is the retired controller's legacy output",
        ),
        (None, None) => c.err(
            "/kubernetes",
            "no way in: give `gateway` (the Gateway the HTTPRoutes attach to) or, legacy, `ingress_nginx`".into(),
            "no gateway",
            "add `gateway: {name: NAME, namespace: NAMESPACE}`",
        ),
        _ => {}
    }
    // A route's protections nginx enforces on the host: neither the Gateway API
    // (core HTTPRoute) nor one shared Ingress can say them per route, so the
    // route would be open on the cluster.
    let way_in = if k.gateway.is_some() {
        "the Gateway API target (a core HTTPRoute has no allow list, password or rate limit, and a method match only routes)"
    } else {
        "the ingress-nginx target (its annotations apply to the whole Ingress, not one route)"
    };
    for (i, r) in s.routes.iter().enumerate() {
        let protections = [
            ("allow", !r.allow.is_empty()),
            ("basic_auth", r.basic_auth.is_some()),
            ("methods", !r.methods.is_empty()),
            ("rate_limit", r.rate_limit.is_some()),
        ];
        for (key, set) in protections {
            if set {
                c.err(
                    &format!("/routes/{i}/{key}"),
                    format!(
                        "route `{}`: `{key}` cannot be enforced by {way_in}: the route would be open on the cluster",
                        r.path
                    ),
                    "not enforced on Kubernetes",
                    "enforce it in the app or at the Gateway (a policy of your implementation), then remove the `kubernetes` section for this service, or serve the route from the host target only",
                );
            }
        }
    }
    if trust::SYSTEM_NAMESPACES.contains(&k.namespace.as_deref().unwrap_or(&s.name)) {
        c.err(
            "/kubernetes/namespace",
            format!(
                "`{}` is a namespace of the cluster's own: the rendered Namespace would relabel it `enforce: restricted` and break its pods",
                k.namespace.as_deref().unwrap_or(&s.name)
            ),
            "a system namespace",
            "give the service a namespace of its own, such as its name",
        );
    }
    for (j, d) in s.site.domains.iter().enumerate() {
        if d.parse::<std::net::IpAddr>().is_ok() {
            c.err(
                &format!("/site/domains/{j}"),
                format!(
                    "`{d}` is an IP address: an Ingress host and an HTTPRoute hostname must be DNS names (the API server refuses it)"
                ),
                "not a host name",
                "name the site by its DNS name",
            );
        }
    }
    for (j, e) in k.egress.iter().enumerate() {
        if let Err(why) = trust::parse_network(&e.cidr) {
            c.err(
                &format!("/kubernetes/egress/{j}/cidr"),
                why,
                "not a network",
                "write a network such as `10.0.3.0/24` or `2001:db8::/64`",
            );
        }
    }
    if let Some(a) = &k.autoscale
        && a.min > a.max
    {
        c.err(
            "/kubernetes/autoscale/min",
            format!("`min` ({}) is above `max` ({})", a.min, a.max),
            "above max",
            "make `min` at most `max`",
        );
    }
}
