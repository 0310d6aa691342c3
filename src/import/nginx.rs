//! An nginx site read into the description: servers by role (the plain-HTTP
//! server, the HTTPS server that serves the routes, HTTPS servers that only
//! redirect other names), locations into routes, every directive into one item
//! of the report. Signatures (role, location, directive and arguments) compare
//! the original with the site the description renders.

use serde_json::{Value, json};

use super::{Ctx, Fate, Item};
use crate::syntax::nginx::{Block, Directive};
use crate::syntax::{SourceSet, Span};

/// Separates a signature's role, location and directive (a regex location's
/// arguments may hold any printable character).
pub const SEP: char = '\u{1f}';

/// A directive as the report shows it: its name and arguments.
pub fn shown(d: Directive<'_>) -> String {
    format!("{} {}", d.name(), args_text(d))
        .trim_end()
        .to_string()
}

/// Each directive's signature, by its id in the tree.
type Sigs = std::collections::HashMap<u32, String>;

/// A server's role in the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Http,
    Https,
    /// An HTTPS server whose only answer is a redirect (other names).
    Redirect,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Http => "http",
            Role::Https => "https",
            Role::Redirect => "redirect",
        }
    }
}

fn args_text(d: Directive<'_>) -> String {
    d.args().map(|a| a.value).collect::<Vec<_>>().join(" ")
}

/// The arguments as a signature compares them: times in seconds (`30d`,
/// `2592000s` and `2592000` are one), sizes in upper case.
fn sig_args(d: Directive<'_>) -> String {
    let name = d.name();
    let time = name == "expires" || name.ends_with("_timeout");
    d.args()
        .map(|a| {
            if time {
                crate::description::units::Duration::parse(&nginx_time(a.value))
                    .map(|t| format!("{}s", t.secs_ceil()))
                    .unwrap_or_else(|_| a.value.to_string())
            } else if name == "client_max_body_size" {
                a.value.to_ascii_uppercase()
            } else {
                a.value.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_tls(server: Block<'_>) -> bool {
    server.iter().any(|d| {
        (d.is("listen") && d.args().skip(1).any(|a| a.value == "ssl")) || d.is("ssl_certificate")
    })
}

/// The roles of a site's servers, in order.
pub fn roles(servers: &[Block<'_>]) -> Vec<Role> {
    servers
        .iter()
        .map(|s| {
            if !is_tls(*s) {
                Role::Http
            } else if s.iter().any(|d| d.is("location")) || !s.iter().any(|d| d.is("return")) {
                Role::Https
            } else {
                Role::Redirect
            }
        })
        .collect()
}

/// Every directive of a site, as `role|location path|name args` lines: what
/// "the same directive in the same place" means between two sites.
pub fn signatures(top: Block<'_>) -> Vec<(Directive<'_>, String)> {
    let mut out = Vec::new();
    let servers: Vec<Block<'_>> = top
        .iter()
        .filter(|d| d.is("server"))
        .filter_map(|d| d.block())
        .collect();
    let roles = roles(&servers);
    let mut si = 0;
    for d in top {
        if d.is("server")
            && let Some(b) = d.block()
        {
            let role = roles[si].name();
            si += 1;
            out.push((d, format!("{role}{SEP}{SEP}server")));
            walk(b, role, "", &mut out);
        } else {
            out.push((d, format!("http{SEP}{SEP}{} {}", d.name(), sig_args(d))));
            if let Some(b) = d.block() {
                walk(
                    b,
                    &format!("http {} {}", d.name(), sig_args(d)),
                    "",
                    &mut out,
                );
            }
        }
    }
    out
}

/// The signatures of a block read as a server of `role`.
pub fn walk_pub<'a>(
    block: Block<'a>,
    role: &str,
    loc: &str,
    out: &mut Vec<(Directive<'a>, String)>,
) {
    walk(block, role, loc, out);
}

fn walk<'a>(block: Block<'a>, role: &str, loc: &str, out: &mut Vec<(Directive<'a>, String)>) {
    for d in block {
        out.push((
            d,
            format!("{role}{SEP}{loc}{SEP}{} {}", d.name(), sig_args(d)),
        ));
        if let Some(b) = d.block() {
            let inner = if d.is("location") {
                format!("{loc}>{}", args_text(d))
            } else {
                format!("{loc}>{} {}", d.name(), args_text(d))
            };
            walk(b, role, &inner, out);
        }
    }
}

/// `host:port`'s port, for addresses on this host (`127.0.0.1:3000`, `localhost:3000`, `[::1]:3000`).
fn loopback_port(addr: &str) -> Option<u16> {
    let addr = addr.trim_start_matches("http://");
    let addr = addr.split('/').next()?;
    let (host, port) = addr.rsplit_once(':')?;
    matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "0.0.0.0")
        .then(|| port.parse().ok())
        .flatten()
}

/// What the site says about the app's ports and upstreams, for the checks
/// across files.
#[derive(Debug, Default)]
pub struct Seen {
    /// Upstream name -> the loopback ports of its servers.
    pub upstreams: Vec<(String, Vec<u16>)>,
    /// Ports proxied to directly (`proxy_pass http://127.0.0.1:3000`).
    pub direct_ports: Vec<u16>,
    /// The svcgen upstream (`svcgen_NAME`) and its include, when the site is svcgen's.
    pub svcgen_upstream: Option<String>,
    pub name_hint: Option<String>,
}

pub struct Site<'a> {
    pub ctx: &'a mut Ctx,
    pub sources: &'a SourceSet,
    pub seen: Seen,
    /// A locations file: its routes' headers are the site's.
    locations_only: bool,
    /// In a whole configuration: the site's file; the rest is the host's.
    only: Option<crate::syntax::FileId>,
    /// The proxy timeouts the server sets for its locations: (directive, value).
    inherited: Vec<(String, String)>,
    /// Names of the `map`s and `log_format`s svcgen writes (to recognise them).
    domains: Vec<String>,
    redirected: Vec<String>,
}

impl<'a> Site<'a> {
    pub fn new(ctx: &'a mut Ctx, sources: &'a SourceSet) -> Self {
        Site {
            ctx,
            sources,
            seen: Seen::default(),
            locations_only: false,
            only: None,
            inherited: Vec::new(),
            domains: Vec::new(),
            redirected: Vec::new(),
        }
    }

    fn item(&mut self, d: Directive<'_>, sig: &str, fate: Fate) {
        self.item_span(d.span(), d, sig, fate);
    }

    fn item_span(&mut self, span: Span, d: Directive<'_>, sig: &str, fate: Fate) {
        let (line, column) = self.sources.get(span.file).line_col(span.start);
        let text = if d.block().is_some() || d.raw_block().is_some() {
            format!("{} {} {{ … }}", d.name(), args_text(d)).replace("  {", " {")
        } else {
            format!("{} {};", d.name(), args_text(d)).replace(" ;", ";")
        };
        self.ctx.items.push(Item {
            file: self.sources.name(span.file).to_string(),
            line,
            column,
            text,
            sig: format!("nginx|{sig}"),
            fate,
        });
    }

    /// Reads the site of one file of a whole configuration: the directives
    /// of the http block that file holds (with what they include).
    pub fn read_file(&mut self, top: Block<'_>, file: crate::syntax::FileId) {
        self.only = Some(file);
        self.read(top);
    }

    /// Reads the whole site.
    pub fn read(&mut self, top: Block<'_>) {
        let sigs: Sigs = signatures(top)
            .into_iter()
            .map(|(d, s)| (d.id(), s))
            .collect();
        let only = self.only;
        let mine: Vec<Directive<'_>> = top
            .iter()
            .filter(|d| only.is_none_or(|f| d.span().file == f))
            .collect();
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        // The svcgen version marker, for the http2 form.
        if let Some(v) = self
            .sources
            .text(
                mine.first()
                    .map_or(crate::syntax::FileId(0), |d| d.span().file),
            )
            .lines()
            .take(8)
            .find_map(|l| l.strip_prefix("# svcgen: nginx="))
        {
            self.ctx
                .draft
                .set("site.nginx_version", Value::String(v.trim().to_string()));
        }
        // Zones first: routes name them.
        for d in mine.iter().copied() {
            if d.is("limit_req_zone")
                && let (Some(zone), Some(rate)) = (
                    d.args().find_map(|a| a.value.strip_prefix("zone=")),
                    d.args().find_map(|a| a.value.strip_prefix("rate=")),
                )
            {
                let zone = zone.split(':').next().unwrap_or(zone);
                self.ctx.zones.push((zone.to_string(), rate.to_string()));
            }
        }
        let servers: Vec<Directive<'_>> = mine.iter().copied().filter(|d| d.is("server")).collect();
        let blocks: Vec<Block<'_>> = servers.iter().filter_map(|d| d.block()).collect();
        let roles = roles(&blocks);
        // The names first: the HTTPS server's, then the redirected ones.
        for (b, role) in blocks.iter().zip(&roles) {
            for d in b.iter().filter(|d| d.is("server_name")) {
                for a in d.args() {
                    let list = if *role == Role::Redirect {
                        &mut self.redirected
                    } else {
                        &mut self.domains
                    };
                    if a.value != "_" && a.value != "\"\"" && !list.iter().any(|x| x == a.value) {
                        list.push(a.value.to_string());
                    }
                }
            }
        }
        let mut domains = self.domains.clone();
        for r in &self.redirected {
            if !domains.contains(r) {
                domains.push(r.clone());
            }
        }
        if !domains.is_empty() {
            self.ctx.draft.set("site.domains", json!(domains));
        }
        if !self.redirected.is_empty() {
            self.ctx.draft.set("site.canonical_redirect", json!(true));
        }
        for d in mine.iter().copied() {
            let sig = sig_of(d);
            if d.is("server") {
                continue;
            }
            self.http_level(d, &sig, &sigs);
        }
        let has_https = roles.contains(&Role::Https);
        for ((d, b), role) in servers.iter().zip(&blocks).zip(&roles) {
            let sig = sig_of(*d);
            self.item(*d, &sig, Fate::Svcgen);
            self.server(*b, *role, has_https, &sigs);
        }
    }

    /// A locations file: the routes of a service mounted on another's site.
    pub fn read_locations(&mut self, top: Block<'_>) {
        self.locations_only = true;
        let mut list = Vec::new();
        walk(top, "https", "", &mut list);
        let sigs: Sigs = list.into_iter().map(|(d, s)| (d.id(), s)).collect();
        for d in top {
            let sig = sigs.get(&d.id()).cloned().unwrap_or_default();
            if d.is("location") {
                self.location(d, Role::Https, true, None, &sigs);
            } else {
                self.item(
                    d,
                    &sig,
                    Fate::Unmodelled(format!(
                        "`{}` outside a location of a locations file",
                        d.name()
                    )),
                );
            }
        }
    }

    fn http_level(&mut self, d: Directive<'_>, sig: &str, sigs: &Sigs) {
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        match d.name() {
            "upstream" => {
                let name = d.arg(0).unwrap_or("").to_string();
                if let Some(ident) = name.strip_prefix("svcgen_") {
                    self.seen.svcgen_upstream = Some(name.clone());
                    self.seen.name_hint = Some(ident.to_string());
                }
                self.item(d, sig, Fate::read("host.supervisor"));
                let mut ports = Vec::new();
                for c in d.children() {
                    let csig = sig_of(c);
                    match c.name() {
                        "server" => {
                            let port = c.arg(0).and_then(loopback_port);
                            let extra: Vec<&str> = c.args().skip(1).map(|a| a.value).collect();
                            if let Some(p) = port {
                                ports.push(p);
                            }
                            let fate = match (port, extra.is_empty()) {
                                (Some(_), true) => Fate::Changed(
                                    "host.supervisor.port".into(),
                                    "svcgen lists the serving slot's servers in the file its upstream includes (NAME.upstream-*, which deploy.sh switches)".into(),
                                ),
                                (Some(_), false) => Fate::Changed(
                                    "host.supervisor.port".into(),
                                    format!("svcgen lists each instance plainly (its deploy decides which slot serves); `{}` is not carried", extra.join(" ")),
                                ),
                                (None, _) => Fate::Unmodelled(
                                    "an upstream server that is not on this host: svcgen proxies only to the app it runs".into(),
                                ),
                            };
                            self.item(c, &csig, fate);
                        }
                        "include" if c.comments().any(|(t, _)| t.contains("svcgen: deploy-state")) => {
                            self.item(c, &csig, Fate::read("host.supervisor.port"));
                        }
                        "keepalive" | "keepalive_timeout" => self.item(c, &csig, Fate::Svcgen),
                        "least_conn" => {
                            self.ctx.draft.set("site.balance", json!("least_conn"));
                            self.item(c, &csig, Fate::read("site.balance"));
                        }
                        _ => self.item(
                            c,
                            &csig,
                            Fate::Unmodelled(format!(
                                "`{}` in an upstream: svcgen balances round-robin or least_conn (site.balance)",
                                c.name()
                            )),
                        ),
                    }
                }
                self.ctx.upstreams.push((name.clone(), ports.clone()));
                self.seen.upstreams.push((name, ports));
            }
            "map" => {
                let to = d.arg(1).unwrap_or("");
                let fate = if d.arg(0) == Some("$http_upgrade") {
                    Fate::read("routes (kind: websocket)")
                } else if to.starts_with("$svcgen_") && d.arg(0) == Some("$upstream_status") {
                    Fate::Svcgen
                } else {
                    Fate::Unmodelled(
                        "a `map`: svcgen has no key for variables of the site's own (see `svcgen import` in the README)".into(),
                    )
                };
                let entries = match &fate {
                    Fate::Unmodelled(_) => {
                        Fate::Unmodelled("an entry of a `map` svcgen cannot express".into())
                    }
                    other => other.clone(),
                };
                self.item(d, sig, fate);
                for c in d.children() {
                    let csig = sig_of(c);
                    self.item(c, &csig, entries.clone());
                }
            }
            "log_format" => {
                let name = d.arg(0).unwrap_or("");
                let fate = if name.starts_with("svcgen_") && name.ends_with("_failures") {
                    Fate::Svcgen
                } else if name.starts_with("svcgen_") && name.ends_with("_json") {
                    self.ctx.draft.set("logs.access_format", json!("json"));
                    Fate::read("logs.access_format")
                } else {
                    Fate::Unmodelled(format!(
                        "a log format of its own ({name}): svcgen writes nginx's `combined` or one JSON object a line (logs.access_format)"
                    ))
                };
                self.item(d, sig, fate);
            }
            "limit_req_zone" => self.item(d, sig, Fate::read("routes[].rate_limit.rate")),
            _ => self.item(
                d,
                sig,
                Fate::Unmodelled(format!(
                    "`{}` at the http level of the site: svcgen has no key for it",
                    d.name()
                )),
            ),
        }
    }

    fn server(&mut self, b: Block<'_>, role: Role, has_https: bool, sigs: &Sigs) {
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        // The server's root, for locations that serve files without their own.
        let root = b
            .iter()
            .find(|d| d.is("root"))
            .and_then(|d| d.arg(0))
            .map(str::to_string);
        let main = role == Role::Https || (role == Role::Http && !has_https);
        // Proxy timeouts set for the whole server: each location that proxies
        // and sets none of its own inherits them (nginx's rule).
        self.inherited = b
            .iter()
            .filter(|d| {
                matches!(
                    d.name(),
                    "proxy_read_timeout" | "proxy_send_timeout" | "proxy_connect_timeout"
                )
            })
            .filter_map(|d| Some((d.name().to_string(), d.arg(0)?.to_string())))
            .collect();
        for d in b {
            let sig = sig_of(d);
            let fate = match d.name() {
                "listen" => self.listen(d, role),
                "http2" => {
                    if !self.ctx.draft.has("site.nginx_version") {
                        self.ctx
                            .draft
                            .set_noted("site.nginx_version", json!("1.25.1"), "`http2 on` needs nginx 1.25.1 or later");
                    }
                    Fate::read("site.nginx_version")
                }
                "server_name" => match role {
                    Role::Redirect => Fate::read("site.domains, site.canonical_redirect"),
                    _ => Fate::read("site.domains"),
                },
                "server_tokens" => Fate::Svcgen,
                "ssl_certificate" if main => {
                    self.set_str("site.tls.certificate", d);
                    Fate::read("site.tls.certificate")
                }
                "ssl_certificate_key" if main => {
                    self.set_str("site.tls.key", d);
                    Fate::read("site.tls.key")
                }
                "ssl_protocols" if main => {
                    let modern = d.args().all(|a| a.value == "TLSv1.3");
                    self.ctx.draft.set(
                        "site.tls.profile",
                        json!(if modern { "modern" } else { "intermediate" }),
                    );
                    Fate::Changed(
                        "site.tls.profile".into(),
                        "svcgen writes Mozilla's intermediate (TLS 1.2 and 1.3) or modern (TLS 1.3) profile".into(),
                    )
                }
                "ssl_ecdh_curve" if main => {
                    if d.arg(0).is_some_and(|c| c.contains("MLKEM")) {
                        self.ctx.draft.set("site.tls.post_quantum", json!(true));
                    }
                    Fate::read("site.tls.post_quantum")
                }
                "ssl_stapling" if main => {
                    self.ctx
                        .draft
                        .set("site.tls.ocsp_stapling", json!(d.arg(0) == Some("on")));
                    Fate::read("site.tls.ocsp_stapling")
                }
                "ssl_trusted_certificate" if main => {
                    self.set_str("site.tls.trusted_certificate", d);
                    Fate::read("site.tls.trusted_certificate")
                }
                "resolver" if main => {
                    let r: Vec<&str> = d
                        .args()
                        .map(|a| a.value)
                        .filter(|a| !a.starts_with("valid=") && !a.starts_with("ipv6=") && !a.starts_with("status_zone="))
                        .collect();
                    self.ctx.draft.set("site.tls.resolver", json!(r));
                    Fate::read("site.tls.resolver")
                }
                "ssl_dhparam" => Fate::Dropped(
                    "svcgen's TLS profiles use ECDHE key exchange only: no DH parameters are read".into(),
                ),
                n if n.starts_with("ssl_") || n == "resolver_timeout" || n == "resolver" => {
                    Fate::Svcgen
                }
                "access_log" => self.access_log(d),
                "error_log" => {
                    if main {
                        self.set_str("logs.error_log", d);
                    }
                    match d.arg(1) {
                        Some(level) if level != "error" => Fate::Changed(
                            "logs.error_log".into(),
                            format!("svcgen logs at nginx's default level (error), not `{level}`"),
                        ),
                        _ => Fate::read("logs.error_log"),
                    }
                }
                "client_max_body_size" => {
                    if main && let Some(v) = d.arg(0) {
                        self.ctx
                            .draft
                            .set("site.client_max_body_size", json!(v.to_ascii_uppercase()));
                    }
                    Fate::read("site.client_max_body_size")
                }
                "add_header" => self.header(d, main),
                "gzip" => {
                    if main {
                        self.ctx
                            .draft
                            .set("site.compression.gzip", json!(d.arg(0) == Some("on")));
                    }
                    Fate::read("site.compression.gzip")
                }
                "gzip_types" | "brotli_types" => {
                    if main {
                        let t: Vec<&str> = d.args().map(|a| a.value).filter(|t| *t != "text/html").collect();
                        self.ctx.draft.set("site.compression.types", json!(t));
                    }
                    Fate::read("site.compression.types")
                }
                "brotli" => {
                    if main {
                        self.ctx
                            .draft
                            .set("site.compression.brotli", json!(d.arg(0) == Some("on")));
                    }
                    Fate::read("site.compression.brotli")
                }
                n if n.starts_with("gzip_") || n.starts_with("brotli_") => Fate::Svcgen,
                "set_real_ip_from" => {
                    if main {
                        self.push_str("site.real_ip.from", d);
                    }
                    Fate::read("site.real_ip.from")
                }
                "real_ip_header" => {
                    if main {
                        self.set_str("site.real_ip.header", d);
                    }
                    Fate::read("site.real_ip.header")
                }
                "real_ip_recursive" => Fate::read("site.real_ip.header"),
                "proxy_read_timeout" | "proxy_send_timeout" | "proxy_connect_timeout" => {
                    Fate::Changed(
                        format!("routes[].{}", d.name().trim_start_matches("proxy_")),
                        "svcgen sets it on each proxied route that inherited it".into(),
                    )
                }
                "error_page" if main => self.error_page(d),
                "if" if main => self.maintenance(d, &sig),
                "if" if role == Role::Http && self.certbot_redirect(d) => {
                    self.ctx.draft.set("site.redirect_http", json!(true));
                    let inner = d.children().first();
                    self.item(d, &sig, Fate::Changed(
                        "site.redirect_http".into(),
                        "svcgen's port-80 server sends every name of the site to HTTPS (301) without an `if` per name".into(),
                    ));
                    if let Some(c) = inner {
                        let csig = sig_of(c);
                        self.item(c, &csig, Fate::Changed("site.redirect_http".into(), "the same redirect, for every name".into()));
                    }
                    continue;
                }
                "return" => self.server_return(d, role),
                "root" => Fate::Changed(
                    "routes[].dir".into(),
                    "svcgen names each static route's directory in its own location (`alias`)".into(),
                ),
                "index" => Fate::Dropped(
                    "svcgen's routes proxy to the app or serve files by name; `index` applies to neither".into(),
                ),
                "location" => {
                    self.location(d, role, main, root.as_deref(), sigs);
                    continue;
                }
                "include" => self.include(d),
                _ => Fate::Unmodelled(format!("`{}` in a server: svcgen has no key for it", d.name())),
            };
            let unmodelled = matches!(fate, Fate::Unmodelled(_));
            self.item(d, &sig, fate);
            if unmodelled && let Some(b) = d.block() {
                self.unmodelled_children(
                    b,
                    sigs,
                    &format!("inside `{} {}`", d.name(), args_text(d)),
                );
            }
        }
    }

    /// certbot's `if ($host = NAME) { return 301 https://$host$request_uri; }`.
    fn certbot_redirect(&self, d: Directive<'_>) -> bool {
        let cond: Vec<&str> = d.args().map(|a| a.value).collect();
        let c: Vec<Directive<'_>> = d.children().iter().collect();
        cond.len() == 3
            && cond[0].trim_start_matches('(') == "$host"
            && cond[1] == "="
            && c.len() == 1
            && c[0].is("return")
            && c[0].arg(0) == Some("301")
            && c[0].arg(1).is_some_and(|t| t.starts_with("https://"))
    }

    /// A directory of the serving release (`APP_DIR/current/x`) as the
    /// description names it (`APP_DIR/x`).
    fn release_dir(&self, dir: &str) -> String {
        match self.ctx.draft.get("app_dir").and_then(Value::as_str) {
            Some(app) => match dir.strip_prefix(&format!("{}/current/", app.trim_end_matches('/')))
            {
                Some(rest) => format!("{}/{rest}", app.trim_end_matches('/')),
                None => dir.to_string(),
            },
            None => dir.to_string(),
        }
    }

    fn set_str(&mut self, path: &str, d: Directive<'_>) {
        if let Some(v) = d.arg(0) {
            self.ctx.draft.set(path, Value::String(v.to_string()));
        }
    }

    fn push_str(&mut self, path: &str, d: Directive<'_>) {
        let mut list: Vec<Value> = self
            .ctx
            .draft
            .get(path)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for a in d.args() {
            let v = Value::String(a.value.to_string());
            if !list.contains(&v) {
                list.push(v);
            }
        }
        self.ctx.draft.set(path, Value::Array(list));
    }

    fn include(&mut self, d: Directive<'_>) -> Fate {
        let path = d.arg(0).unwrap_or("");
        if d.comments().any(|(t, _)| t.contains("svcgen: mounted")) {
            let name = path
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".locations");
            let mut mounts: Vec<Value> = self
                .ctx
                .draft
                .get("site.mounts")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            mounts.push(json!(name));
            self.ctx.draft.set("site.mounts", Value::Array(mounts));
            return Fate::read("site.mounts");
        }
        if path == "/etc/letsencrypt/options-ssl-nginx.conf" {
            return Fate::Changed(
                "site.tls.profile".into(),
                "certbot's TLS settings (its session cache, protocols and ciphers): svcgen writes Mozilla's intermediate profile in the site itself".into(),
            );
        }
        self.ctx.unread_includes.push(path.to_string());
        Fate::Unmodelled(format!(
            "an include whose file was not read ({path}): give the server's tree with --prefix, or `nginx -T` output, to import what it holds"
        ))
    }

    fn listen(&mut self, d: Directive<'_>, role: Role) -> Fate {
        let addr = d.arg(0).unwrap_or("");
        let flags: Vec<&str> = d.args().skip(1).map(|a| a.value).collect();
        let (host, port) = match addr.rsplit_once(':') {
            Some((h, p)) if !addr.ends_with(']') => (Some(h), p),
            _ => (None, addr),
        };
        let Ok(port) = port.parse::<u16>() else {
            return Fate::Unmodelled(format!("`listen {addr}`: svcgen listens on TCP ports"));
        };
        let tls = flags.contains(&"ssl");
        if role != Role::Redirect {
            let key = if tls || role == Role::Https {
                "site.listen.https"
            } else {
                "site.listen.http"
            };
            if role != Role::Https || tls {
                self.ctx.draft.set(key, json!(port));
            }
        }
        match host {
            Some("[::]") => {
                self.ctx.draft.set("site.listen.ipv6", json!(true));
            }
            Some(h) if h != "*" && h != "0.0.0.0" => {
                let h = h.trim_start_matches('[').trim_end_matches(']');
                self.ctx.draft.set("site.listen.address", json!(h));
            }
            _ => {}
        }
        if flags.contains(&"http2") && !self.ctx.draft.has("site.nginx_version") {
            self.ctx.draft.set_noted(
                "site.nginx_version",
                json!("1.24.0"),
                "`listen … http2` is the form nginx before 1.25.1 reads",
            );
        }
        if role == Role::Https && !tls {
            return Fate::Changed(
                "site.listen".into(),
                "svcgen serves plain HTTP from a server of its own that redirects to HTTPS and answers ACME challenges".into(),
            );
        }
        let other: Vec<&str> = flags
            .iter()
            .copied()
            .filter(|f| !matches!(*f, "ssl" | "http2"))
            .collect();
        if other.is_empty() {
            Fate::read("site.listen")
        } else {
            Fate::Changed(
                "site.listen".into(),
                format!(
                    "`{}` is not carried: svcgen's catch-all server is the default",
                    other.join(" ")
                ),
            )
        }
    }

    fn access_log(&mut self, d: Directive<'_>) -> Fate {
        let path = d.arg(0).unwrap_or("");
        if path == "off" {
            return Fate::Changed(
                "logs.access_log".into(),
                "svcgen logs every request of the site (static files excepted)".into(),
            );
        }
        if d.args().any(|a| a.value.starts_with("if=$svcgen_")) {
            return Fate::Svcgen;
        }
        if !self.ctx.draft.has("logs.access_log") {
            self.ctx.draft.set("logs.access_log", json!(path));
        }
        match d.arg(1) {
            None | Some("combined") => Fate::read("logs.access_log"),
            Some(f) if f.starts_with("svcgen_") => {
                Fate::read("logs.access_log, logs.access_format")
            }
            Some(f) => Fate::Changed(
                "logs.access_log".into(),
                format!(
                    "the log format `{f}` is not carried: svcgen writes `combined` or JSON (logs.access_format)"
                ),
            ),
        }
    }

    fn header(&mut self, d: Directive<'_>, main: bool) -> Fate {
        let (Some(name), Some(value)) = (d.arg(0), d.arg(1)) else {
            return Fate::Unmodelled("an `add_header` without a value".into());
        };
        let always = d.arg(2) == Some("always");
        if main {
            self.set_header(name, value);
        }
        let key = header_key(name);
        if always {
            Fate::read(key)
        } else {
            Fate::Changed(
                key.into(),
                "svcgen sends it with `always`, so error responses carry it too".into(),
            )
        }
    }

    fn set_header(&mut self, name: &str, value: &str) {
        let draft = &mut self.ctx.draft;
        match name.to_ascii_lowercase().as_str() {
            "strict-transport-security" => {
                let mut max_age = None;
                let (mut sub, mut preload) = (false, false);
                for part in value.split(';').map(str::trim) {
                    if let Some(a) = part.strip_prefix("max-age=") {
                        max_age = a.parse::<u64>().ok();
                    } else if part.eq_ignore_ascii_case("includeSubDomains") {
                        sub = true;
                    } else if part.eq_ignore_ascii_case("preload") {
                        preload = true;
                    }
                }
                draft.set("site.tls.hsts.enabled", json!(true));
                if let Some(a) = max_age {
                    draft.set("site.tls.hsts.max_age", json!(seconds(a)));
                }
                draft.set("site.tls.hsts.include_subdomains", json!(sub));
                draft.set("site.tls.hsts.preload", json!(preload));
            }
            "x-content-type-options" => draft.set("site.headers.nosniff", json!(true)),
            "x-frame-options" => {
                let v = if value.eq_ignore_ascii_case("sameorigin") {
                    "SAMEORIGIN"
                } else {
                    "DENY"
                };
                draft.set("site.headers.frame_options", json!(v));
            }
            "content-security-policy" => {
                draft.set("site.headers.content_security_policy", json!(value));
            }
            "referrer-policy" => draft.set("site.headers.referrer_policy", json!(value)),
            "permissions-policy" => draft.set("site.headers.permissions_policy", json!(value)),
            "cache-control" => {}
            _ => draft.set(&format!("site.headers.extra.{name}"), json!(value)),
        }
    }

    fn error_page(&mut self, d: Directive<'_>) -> Fate {
        let target = d.args().next_back().map(|a| a.value).unwrap_or("");
        if target.starts_with("@svcgen_") {
            return Fate::read("site.error_pages");
        }
        Fate::Unmodelled(format!(
            "`error_page` to {target}: svcgen's error pages are 502.html, 503.html and 504.html of one directory (site.error_pages)"
        ))
    }

    fn maintenance(&mut self, d: Directive<'_>, _sig: &str) -> Fate {
        let cond: Vec<&str> = d.args().map(|a| a.value).collect();
        let returns_503 = d
            .children()
            .iter()
            .any(|c| c.is("return") && c.arg(0) == Some("503"));
        if cond.len() == 2 && cond[0].trim_start_matches('(') == "-f" && returns_503 {
            let flag = cond[1].trim_end_matches(')');
            self.ctx
                .draft
                .set("site.error_pages.maintenance_flag", json!(flag));
            return Fate::read("site.error_pages.maintenance_flag");
        }
        Fate::Unmodelled("an `if` block: svcgen has no key for conditions of the site's own".into())
    }

    fn server_return(&mut self, d: Directive<'_>, role: Role) -> Fate {
        let code = d.arg(0).unwrap_or("");
        let to = d.arg(1).unwrap_or("");
        match role {
            Role::Redirect => Fate::read("site.canonical_redirect"),
            Role::Http if code == "404" && to.is_empty() => Fate::Dropped(
                "a name the site does not serve: svcgen's catch-all server answers it (444)".into(),
            ),
            Role::Http if matches!(code, "301" | "302" | "308") && to.starts_with("https://") => {
                self.ctx.draft.set("site.redirect_http", json!(true));
                if code == "301" {
                    Fate::read("site.redirect_http")
                } else {
                    Fate::Changed(
                        "site.redirect_http".into(),
                        "svcgen redirects with 301".into(),
                    )
                }
            }
            _ => Fate::Unmodelled(format!(
                "`return {code}` for the whole server: svcgen has no key for it"
            )),
        }
    }

    /// A location: an ACME challenge, svcgen's named locations, or a route.
    fn location(
        &mut self,
        d: Directive<'_>,
        role: Role,
        main: bool,
        root: Option<&str>,
        sigs: &Sigs,
    ) {
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        let args: Vec<&str> = d.args().map(|a| a.value).collect();
        let (modifier, path) = match args.as_slice() {
            [p] => ("", *p),
            [m, p] => (*m, *p),
            _ => ("?", ""),
        };
        let sig = sig_of(d);
        let children = d.children();
        if path == "/.well-known/acme-challenge/" || path == "/.well-known/acme-challenge" {
            let fate = if modifier == "^~" {
                Fate::read("site.acme_root")
            } else {
                Fate::Changed(
                    "site.acme_root".into(),
                    "svcgen's ACME location is `^~ /.well-known/acme-challenge/`: no regex location can take the challenge".into(),
                )
            };
            self.item(d, &sig, fate);
            for c in children {
                // Compared as if the location were svcgen's `^~` one.
                let csig = sig_of(c).replacen(
                    &format!(">{}{SEP}", args_text(d)),
                    &format!(">^~ /.well-known/acme-challenge/{SEP}"),
                    1,
                );
                let fate = if c.is("root") {
                    if role == Role::Http {
                        self.set_str("site.acme_root", c);
                    }
                    Fate::read("site.acme_root")
                } else if c.is("default_type") {
                    Fate::Svcgen
                } else {
                    Fate::Unmodelled(format!("`{}` for ACME challenges", c.name()))
                };
                self.item(c, &csig, fate);
            }
            return;
        }
        if role == Role::Http && self.http_redirect_location(d, &sig, sigs) {
            return;
        }
        if let Some(named) = path.strip_prefix('@') {
            if named.starts_with("svcgen_") {
                self.item(d, &sig, Fate::Svcgen);
                for c in children {
                    let csig = sig_of(c);
                    if c.is("root") && named.ends_with("_502") {
                        self.set_str("site.error_pages.dir", c);
                    }
                    self.item_children(c, &csig, sigs);
                }
                return;
            }
            self.item(
                d,
                &sig,
                Fate::Unmodelled(format!("a named location (@{named}) of the site's own")),
            );
            self.unmodelled_children(children, sigs, "inside a location svcgen cannot express");
            return;
        }
        if !main || !matches!(modifier, "" | "^~" | "=") {
            let why = if main {
                format!("a `{modifier}` location: svcgen's routes are URL prefixes")
            } else {
                "a location of a server that only redirects".into()
            };
            self.item(d, &sig, Fate::Unmodelled(why));
            self.unmodelled_children(children, sigs, "inside a location svcgen cannot express");
            return;
        }
        let serves = d
            .children()
            .iter()
            .any(|c| matches!(c.name(), "proxy_pass" | "alias" | "root" | "try_files"))
            || (root.is_some()
                && d.children().iter().all(|c| {
                    matches!(
                        c.name(),
                        "expires"
                            | "add_header"
                            | "access_log"
                            | "log_not_found"
                            | "gzip_static"
                            | "brotli_static"
                    )
                }));
        if !serves {
            self.item(
                d,
                &sig,
                Fate::Unmodelled(
                    "a location that neither proxies nor serves files (a redirect, a rewrite, a fixed answer): svcgen's routes do one of the two".into(),
                ),
            );
            self.unmodelled_children(children, sigs, "inside a location svcgen cannot express");
            return;
        }
        self.route(d, path, modifier, root, sigs);
    }

    fn http_redirect_location(&mut self, d: Directive<'_>, sig: &str, sigs: &Sigs) -> bool {
        let c: Vec<Directive<'_>> = d.children().iter().collect();
        if d.arg(0) != Some("/") || c.len() != 1 || !c[0].is("return") {
            return false;
        }
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        let code = c[0].arg(0).unwrap_or("");
        let to = c[0].arg(1).unwrap_or("");
        self.item(d, sig, Fate::read("site.redirect_http"));
        let fate = if to.starts_with("https://") {
            self.ctx.draft.set("site.redirect_http", json!(true));
            if code == "301" {
                Fate::read("site.redirect_http")
            } else {
                Fate::Changed(
                    "site.redirect_http".into(),
                    "svcgen redirects with 301".into(),
                )
            }
        } else if code == "404" {
            self.ctx.draft.set("site.redirect_http", json!(false));
            Fate::read("site.redirect_http")
        } else {
            Fate::Unmodelled(format!("`return {code}` on plain HTTP"))
        };
        let csig = sig_of(c[0]);
        self.item(c[0], &csig, fate);
        true
    }

    fn item_children(&mut self, d: Directive<'_>, sig: &str, sigs: &Sigs) {
        self.item(d, sig, Fate::Svcgen);
        if let Some(b) = d.block() {
            for c in b {
                let csig = sigs.get(&c.id()).cloned().unwrap_or_default();
                self.item_children(c, &csig, sigs);
            }
        }
    }

    fn unmodelled_children(&mut self, b: Block<'_>, sigs: &Sigs, why: &str) {
        for c in b {
            let csig = sigs.get(&c.id()).cloned().unwrap_or_default();
            self.item(c, &csig, Fate::Unmodelled(why.to_string()));
            if let Some(inner) = c.block() {
                self.unmodelled_children(inner, sigs, why);
            }
        }
    }

    /// A location that becomes a route.
    fn route(
        &mut self,
        d: Directive<'_>,
        path: &str,
        modifier: &str,
        root: Option<&str>,
        sigs: &Sigs,
    ) {
        let sig_of = |d: Directive<'_>| sigs.get(&d.id()).cloned().unwrap_or_default();
        let i = self.ctx.draft.route_count();
        let at = format!("routes[{i}]");
        let children: Vec<Directive<'_>> = d.children().iter().collect();
        let has = |n: &str| children.iter().any(|c| c.is(n));

        let upgrade = children.iter().any(|c| {
            c.is("proxy_set_header") && c.arg(0).is_some_and(|h| h.eq_ignore_ascii_case("upgrade"))
        });
        let proxied = has("proxy_pass");
        let immutable_header = children.iter().any(|c| {
            c.is("add_header")
                && c.arg(0)
                    .is_some_and(|h| h.eq_ignore_ascii_case("cache-control"))
                && c.arg(1).is_some_and(|v| v.contains("immutable"))
        });
        let kind = if proxied {
            if upgrade {
                "websocket"
            } else if children
                .iter()
                .any(|c| c.is("proxy_buffering") && c.arg(0) == Some("off"))
            {
                "streaming"
            } else {
                "proxy"
            }
        } else {
            "static"
        };
        let mut keys: Vec<(String, Value)> =
            vec![("path".into(), json!(path)), ("kind".into(), json!(kind))];
        let mut comment = None;
        if modifier == "=" {
            comment = Some(format!(
                "`location = {path}` matched one URL; a route is a prefix"
            ));
        }
        self.item(
            d,
            &sig_of(d),
            if modifier == "=" {
                Fate::Changed(
                    format!("{at}.path"),
                    "a route matches the URL prefix, not one URL".into(),
                )
            } else {
                Fate::read(&format!("{at}.path"))
            },
        );
        let secs = |v: &str| crate::description::units::Duration::parse(&nginx_time(v)).ok();
        let mut fallback = None;
        let mut cache: Option<u64> = None;
        let mut immutable = false;
        let mut dir = None;
        let mut allow: Vec<Value> = Vec::new();
        for c in &children {
            let csig = sig_of(*c);
            let fate = match c.name() {
                "proxy_pass" => {
                    let target = c.arg(0).unwrap_or("");
                    let host = target.trim_start_matches("http://").trim_start_matches("https://");
                    let host = host.split('/').next().unwrap_or("");
                    if let Some(p) = loopback_port(target) {
                        self.seen.direct_ports.push(p);
                        Fate::Changed(
                            "host.supervisor.port".into(),
                            format!("proxied to the upstream svcgen_NAME instead of {host}: the serving release slot's ports, switched by deploy.sh"),
                        )
                    } else if self.ctx.upstreams.iter().any(|(n, _)| n == host) {
                        if host.starts_with("svcgen_") {
                            Fate::read(&format!("{at}.kind"))
                        } else {
                            Fate::Changed(
                                "host.supervisor.port".into(),
                                format!("proxied to the upstream svcgen_NAME instead of `{host}`: the serving release slot's ports"),
                            )
                        }
                    } else if target.contains('$') || target.starts_with("https://") {
                        Fate::Unmodelled(format!("`proxy_pass {target}`: svcgen proxies to the app it runs"))
                    } else {
                        Fate::Unmodelled(format!("`proxy_pass {target}`: not an app on this host"))
                    }
                }
                "proxy_read_timeout" | "proxy_send_timeout" | "proxy_connect_timeout" => {
                    let k = match c.name() {
                        "proxy_read_timeout" => "read_timeout",
                        "proxy_send_timeout" => "send_timeout",
                        _ => "connect_timeout",
                    };
                    if let Some(v) = c.arg(0).and_then(secs) {
                        keys.push((k.into(), json!(v.to_string())));
                    }
                    Fate::read(&format!("{at}.{k}"))
                }
                "proxy_set_header" => {
                    let h = c.arg(0).unwrap_or("").to_ascii_lowercase();
                    match h.as_str() {
                        "host" | "x-real-ip" | "x-forwarded-for" | "x-forwarded-proto" | "x-forwarded-host" | "connection" | "upgrade" => {
                            Fate::Svcgen
                        }
                        _ => Fate::Unmodelled(format!(
                            "`proxy_set_header {}`: svcgen sets Host, X-Real-IP, X-Forwarded-For, -Proto and -Host",
                            c.arg(0).unwrap_or("")
                        )),
                    }
                }
                "proxy_cache" if c.arg(0) != Some("off") => Fate::Unmodelled(
                    "nginx's cache of the app's responses: svcgen does not cache proxied responses (the app's Cache-Control tells browsers and CDNs)".into(),
                ),
                "proxy_http_version" | "proxy_hide_header" | "proxy_cache" => Fate::Svcgen,
                "proxy_buffering" => Fate::read(&format!("{at}.kind")),
                "proxy_redirect" if c.arg(0) == Some("off") => Fate::Dropped(
                    "`proxy_redirect off` keeps the app's Location headers as they are; svcgen's default rewrites only the upstream's own address, which apps behind svcgen do not send".into(),
                ),
                "proxy_cache_bypass" => Fate::Dropped("svcgen does not cache proxied responses, so there is no cache to bypass".into()),
                "alias" | "root" => {
                    let v = c.arg(0).unwrap_or("");
                    let full = if c.is("root") {
                        format!("{}{}", v.trim_end_matches('/'), path)
                    } else {
                        v.to_string()
                    };
                    dir = Some(self.release_dir(&full));
                    if c.is("root") {
                        Fate::Changed(format!("{at}.dir"), "svcgen serves the directory with `alias`".into())
                    } else {
                        Fate::read(&format!("{at}.dir"))
                    }
                }
                "expires" if immutable_header => Fate::Changed(
                    format!("{at}.cache"),
                    "svcgen sends `Cache-Control: public, max-age=…, immutable` alone for hashed files; `expires` would send a second Cache-Control".into(),
                ),
                "expires" => {
                    match c.arg(0).and_then(secs) {
                        Some(v) => {
                            cache = Some(v.secs_ceil());
                            Fate::read(&format!("{at}.cache"))
                        }
                        None => Fate::Changed(format!("{at}.cache"), format!("`expires {}`: svcgen writes a lifetime", c.arg(0).unwrap_or(""))),
                    }
                }
                "add_header" if c.arg(0).is_some_and(|h| h.eq_ignore_ascii_case("cache-control")) => {
                    let v = c.arg(1).unwrap_or("");
                    immutable = v.contains("immutable");
                    if let Some(age) = v.split([',', ' ']).find_map(|p| p.trim().strip_prefix("max-age=")) {
                        cache = age.parse().ok();
                    }
                    if immutable {
                        Fate::read(&format!("{at}.cache, {at}.immutable"))
                    } else {
                        Fate::Changed(
                            format!("{at}.cache"),
                            "svcgen sets the lifetime with `expires` (Cache-Control: max-age), which also keeps the security headers of the location".into(),
                        )
                    }
                }
                "add_header" => {
                    let first = self.locations_only && self.ctx.draft.route_count() == 0;
                    self.header(*c, first)
                }
                "gzip_static" => {
                    keys.push(("precompressed".into(), json!(c.arg(0) == Some("on"))));
                    Fate::read(&format!("{at}.precompressed"))
                }
                "brotli_static" => Fate::read(&format!("{at}.precompressed")),
                "try_files" => {
                    let a: Vec<&str> = c.args().map(|a| a.value).collect();
                    let last = a.last().copied().unwrap_or("");
                    if last.starts_with("@svcgen_") && last.ends_with("_app") {
                        fallback = Some("app".to_string());
                        Fate::read(&format!("{at}.fallback"))
                    } else if last.starts_with('/') && a.len() >= 2 {
                        let f = last.strip_prefix(path).unwrap_or(last);
                        fallback = Some(format!("/{}", f.trim_start_matches('/')));
                        Fate::Changed(format!("{at}.fallback"), "svcgen tries `$uri` then the fallback".into())
                    } else if last == "=404" {
                        Fate::Dropped("a file that is not there is a 404 anyway".into())
                    } else {
                        Fate::Unmodelled(format!("`try_files {}`", a.join(" ")))
                    }
                }
                "allow" => {
                    if let Some(a) = c.arg(0)
                        && a != "all"
                    {
                        allow.push(json!(a));
                    }
                    Fate::read(&format!("{at}.allow"))
                }
                "deny" if c.arg(0) == Some("all") => Fate::read(&format!("{at}.allow")),
                "auth_basic" => {
                    if let Some(r) = c.arg(0) {
                        keys.push(("basic_auth".into(), json!({"realm": r})));
                    }
                    Fate::read(&format!("{at}.basic_auth"))
                }
                "auth_basic_user_file" => {
                    if let Some(f) = c.arg(0) {
                        match keys.iter_mut().find(|(k, _)| k == "basic_auth") {
                            Some((_, v)) => v["user_file"] = json!(f),
                            None => keys.push(("basic_auth".into(), json!({"user_file": f}))),
                        }
                    }
                    Fate::read(&format!("{at}.basic_auth"))
                }
                "limit_req" => {
                    let zone = c.args().find_map(|a| a.value.strip_prefix("zone=")).unwrap_or("");
                    let burst = c
                        .args()
                        .find_map(|a| a.value.strip_prefix("burst="))
                        .and_then(|b| b.parse::<u32>().ok())
                        .unwrap_or(0);
                    match self.ctx.zones.clone().iter().find(|(z, _)| z == zone) {
                        Some((_, rate)) => {
                            keys.push(("rate_limit".into(), json!({"rate": rate, "burst": burst})));
                            Fate::read(&format!("{at}.rate_limit"))
                        }
                        None => Fate::Unmodelled(format!("`limit_req` with a zone this site does not define ({zone})")),
                    }
                }
                "limit_req_status" => Fate::Svcgen,
                "limit_except" => {
                    let m: Vec<&str> = c.args().map(|a| a.value).collect();
                    keys.push(("methods".into(), json!(m)));
                    for inner in c.children() {
                        let isig = sig_of(inner);
                        let f = if inner.is("deny") && inner.arg(0) == Some("all") {
                            Fate::read(&format!("{at}.methods"))
                        } else {
                            Fate::Unmodelled("inside `limit_except`: svcgen denies the other methods to everyone".into())
                        };
                        self.item(inner, &isig, f);
                    }
                    Fate::read(&format!("{at}.methods"))
                }
                "access_log" | "log_not_found" | "disable_symlinks" | "open_file_cache" | "open_file_cache_valid" => Fate::Svcgen,
                "location" if c.args().any(|a| a.value.contains("/\\.")) => {
                    self.item_children(*c, &csig, sigs);
                    continue;
                }
                "location" => {
                    self.item(*c, &csig, Fate::Unmodelled("a location inside a route: svcgen's routes do not nest".into()));
                    self.unmodelled_children(c.children(), sigs, "inside a nested location");
                    continue;
                }
                "include" => self.include(*c),
                _ => Fate::Unmodelled(format!("`{}` in a route: svcgen has no key for it", c.name())),
            };
            self.item(*c, &csig, fate);
        }
        if kind == "static"
            && dir.is_none()
            && let Some(r) = root
        {
            dir = Some(self.release_dir(&format!("{}{}", r.trim_end_matches('/'), path)));
        }
        if let Some(dir) = dir {
            keys.insert(2, ("dir".into(), json!(dir)));
        }
        if proxied {
            for (name, value) in self.inherited.clone() {
                let k = name.trim_start_matches("proxy_").to_string();
                if !keys.iter().any(|(key, _)| *key == k)
                    && let Some(v) = secs(&value)
                {
                    keys.push((k, json!(v.to_string())));
                }
            }
        }
        // svcgen's defaults are left out here, route by route (a value the
        // description need not say): the lifetime of a static route, the
        // proxy timeouts of each kind.
        let default_cache = if immutable { 365 * 86_400 } else { 7 * 86_400 };
        if let Some(c) = cache
            && c != default_cache
        {
            keys.push(("cache".into(), json!(seconds(c))));
        }
        let long = matches!(kind, "streaming" | "websocket");
        keys.retain(|(k, v)| {
            let secs = v
                .as_str()
                .and_then(|t| crate::description::units::Duration::parse(t).ok())
                .map(|d| d.secs_ceil());
            let default = match k.as_str() {
                "connect_timeout" => Some(5),
                "send_timeout" => Some(60),
                "read_timeout" => Some(if long { 3600 } else { 60 }),
                _ => None,
            };
            default.is_none() || secs != default
        });
        if immutable {
            keys.push(("immutable".into(), json!(true)));
        }
        if let Some(f) = fallback {
            keys.push(("fallback".into(), json!(f)));
        }
        if !allow.is_empty() {
            keys.push(("allow".into(), Value::Array(allow)));
        }
        self.ctx.draft.push_route(keys, comment);
    }
}

/// The description key an `add_header` is read into.
fn header_key(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "strict-transport-security" => "site.tls.hsts",
        "x-content-type-options" => "site.headers.nosniff",
        "x-frame-options" => "site.headers.frame_options",
        "content-security-policy" => "site.headers.content_security_policy",
        "referrer-policy" => "site.headers.referrer_policy",
        "permissions-policy" => "site.headers.permissions_policy",
        _ => "site.headers.extra",
    }
}

/// nginx's time (`30s`, `5m`, `1h`, `60`: seconds) as a description duration.
pub fn nginx_time(v: &str) -> String {
    if v.chars().all(|c| c.is_ascii_digit()) {
        format!("{v}s")
    } else {
        v.to_string()
    }
}

/// Seconds as the shortest exact duration (`2592000` -> `30d`).
pub fn seconds(s: u64) -> String {
    crate::description::units::Duration::parse(&format!("{s}s"))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("{s}s"))
}

/// Milliseconds as the shortest exact duration.
pub fn seconds_ms(ms: u64) -> String {
    crate::description::units::Duration::parse(&format!("{ms}ms"))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("{ms}ms"))
}
