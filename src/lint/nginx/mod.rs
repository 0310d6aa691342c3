//! nginx rules and what they share: the walk over servers and locations with their
//! ancestors, and nginx's replace-not-merge inheritance.

pub mod cipher_string;
pub mod format;
pub mod ng001_weak_protocols;
pub mod ng002_weak_ciphers;
pub mod ng003_hsts;
pub mod ng004_security_headers;
pub mod ng005_header_always;
pub mod ng006_inheritance_loss;
pub mod ng007_server_tokens;
pub mod ng008_http2_syntax;
pub mod ng009_streaming_buffering;
pub mod ng010_websocket_upgrade;
pub mod ng011_upstream_keepalive;
pub mod ng012_alias_traversal;
pub mod ng013_host_header;
pub mod ng014_plain_http_content;
pub mod ng015_ocsp_stapling;
pub mod ng017_real_ip_from_anyone;
pub mod ng018_rate_limit_key;
pub mod ng019_basic_auth_plain_http;
pub mod ng020_server_cipher_preference;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use std::borrow::Cow;
use std::collections::HashMap;

use crate::syntax::Span;
use crate::syntax::nginx::{Block, Config, Directive, Level};

use super::Settings;

/// What a location is for, when the linter knows (from the description, or from a
/// `# svcgen: streaming` / `# svcgen: websocket` comment above the location).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Streaming,
    Websocket,
}

/// Everything an nginx rule reads.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub settings: &'a Settings,
    /// Location prefix → kind, from a description.
    pub routes: &'a HashMap<String, RouteKind>,
    /// The simple directives of each `http` block (by the block's id), so inheritance
    /// lookups from thousands of servers do not rescan a large http block each time.
    http_index: Vec<(u32, Vec<Directive<'a>>)>,
    /// Every server block, found once.
    servers: Vec<Server<'a>>,
    /// The ancestor chains of every `location` and `if` block (see
    /// [`Ctx::each_location`]), one after another; `chain_ends[i]` is where the
    /// `i`-th ends.
    chains: Vec<u32>,
    chain_ends: Vec<u32>,
    /// The `http` block of the main file above a linted site file (the
    /// `nginx.conf` at its conf prefix): what it sets is in force in the site.
    main_http: Option<Directive<'a>>,
}

/// A server block with the `http` block around it (absent in a conf.d file).
#[derive(Clone, Copy)]
pub struct Server<'a> {
    /// The main file's `http` block around a linted site file, when found.
    pub main_http: Option<Directive<'a>>,
    pub http: Option<Directive<'a>>,
    pub server: Directive<'a>,
}

/// The directives that set response headers (for what an include may add).
pub const HEADER_SETTERS: &[&str] = &["add_header", "more_set_headers", "security_headers"];

/// The headers nginx treats as security headers here.
pub const SECURITY_HEADERS: &[&str] = &[
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "referrer-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-embedder-policy",
    "cross-origin-resource-policy",
];

pub fn first<'a>(block: Block<'a>, name: &str) -> Option<Directive<'a>> {
    block.iter().find(|d| d.is(name))
}

pub fn each<'a>(block: Block<'a>, name: &'a str) -> impl Iterator<Item = Directive<'a>> + 'a {
    block.iter().filter(move |d| d.is(name))
}

impl<'a> Ctx<'a> {
    pub fn new(
        config: &'a Config,
        settings: &'a Settings,
        routes: &'a HashMap<String, RouteKind>,
    ) -> Self {
        Self::within(config, settings, routes, None)
    }

    /// A context for a site file read on its own, with the main file whose
    /// `http` block includes such files (`main`, when found): its settings are
    /// the outermost level of every chain.
    pub fn within(
        config: &'a Config,
        settings: &'a Settings,
        routes: &'a HashMap<String, RouteKind>,
        main: Option<&'a Config>,
    ) -> Self {
        let main_http = main
            .filter(|_| config.level == Level::Http)
            .and_then(|m| m.directives().iter().find(|d| d.is("http")));
        let http_index = config
            .directives()
            .iter()
            .filter(|d| d.is("http"))
            .map(|d| {
                (
                    d.id(),
                    d.children()
                        .iter()
                        .filter(|c| c.block().is_none())
                        .collect(),
                )
            })
            .collect();
        let mut ctx = Self {
            config,
            settings,
            routes,
            http_index,
            servers: Vec::new(),
            chains: Vec::new(),
            chain_ends: Vec::new(),
            main_http,
        };

        let mut servers = Vec::new();
        for (http, block) in ctx.http_blocks() {
            for d in block.iter().filter(|d| d.is("server")) {
                servers.push(Server {
                    main_http,
                    http,
                    server: d,
                });
            }
        }
        ctx.servers = servers;
        ctx.find_locations();
        ctx
    }

    fn find_locations(&mut self) {
        fn rec(chain: &mut Vec<u32>, block: Block<'_>, out: &mut Vec<u32>, ends: &mut Vec<u32>) {
            for d in block {
                if d.is("location") || d.is("if") {
                    chain.push(d.id());
                    out.extend_from_slice(chain);
                    ends.push(out.len() as u32);
                    rec(chain, d.children(), out, ends);
                    chain.pop();
                }
            }
        }
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        match self.config.level {
            Level::Server => {
                // The fragment's own top level is the first link of every chain.
                for top in self.config.directives() {
                    rec(&mut vec![top.id()], top.children(), &mut out, &mut ends);
                }
            }
            _ => {
                for s in &self.servers {
                    let mut chain: Vec<u32> = s.http.iter().map(|h| h.id()).collect();
                    chain.push(s.server.id());
                    rec(&mut chain, s.server.children(), &mut out, &mut ends);
                }
            }
        }
        self.chains = out;
        self.chain_ends = ends;
    }

    /// [`headers_in_force`] at `server`.
    pub fn server_headers(&self, server: &Server<'a>) -> Headers<'a> {
        headers_in_force(self, &server_chain(server))
    }

    /// The simple directives of `level` when it is an indexed `http` block.
    fn http_simple(&self, level: Directive<'a>) -> Option<&[Directive<'a>]> {
        self.http_index
            .iter()
            .find(|(id, _)| *id == level.id())
            .map(|(_, ds)| ds.as_slice())
    }

    /// The directives named `name` directly in `level`'s block (empty: no allocation).
    fn at_level(&self, level: Directive<'a>, name: &str) -> Vec<Directive<'a>> {
        match self.http_simple(level) {
            Some(ds) => ds.iter().copied().filter(|d| d.is(name)).collect(),
            None => level.children().iter().filter(|d| d.is(name)).collect(),
        }
    }

    /// nginx's inheritance for array directives (`add_header`, `proxy_set_header`…):
    /// the nearest level of `chain` that has any, and its directives.
    pub fn effective_list(
        &self,
        chain: &[Directive<'a>],
        name: &str,
    ) -> Option<(usize, Vec<Directive<'a>>)> {
        for (i, level) in chain.iter().enumerate().rev() {
            let here = self.at_level(*level, name);
            if !here.is_empty() {
                return Some((i, here));
            }
        }
        None
    }

    /// The nearest value of a single-valued directive along `chain`.
    pub fn effective(&self, chain: &[Directive<'a>], name: &str) -> Option<Directive<'a>> {
        chain
            .iter()
            .rev()
            .find_map(|level| match self.http_simple(*level) {
                Some(ds) => ds.iter().copied().find(|d| d.is(name)),
                None => first(level.children(), name),
            })
    }

    /// The first `include` directly in a level of `chain` that was not read (its
    /// file absent, outside the tree, or the prefix unknown) and that could set
    /// one of `settings`: whatever it holds is in force along the chain, and
    /// cannot be seen. Files whose content is known ([`KNOWN_INCLUDES`]) count
    /// only for what they set.
    pub fn unread_include(
        &self,
        chain: &[Directive<'a>],
        settings: &[&str],
    ) -> Option<Directive<'a>> {
        chain.iter().find_map(|level| {
            self.at_level(*level, "include")
                .into_iter()
                .find(|inc| could_set(inc.arg(0).unwrap_or(""), settings))
        })
    }

    /// Reports a setting found absent along `chain` (`settings`: the directives
    /// that would change the finding). When an include along the chain that was
    /// not read could set one of them, the finding is reported as info and
    /// names the include.
    pub fn report_absent(
        &self,
        chain: &[Directive<'a>],
        settings: &[&str],
        sink: &mut Sink<'_>,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        match self.unread_include(chain, settings) {
            None => sink.report(span, message, help),
            Some(inc) => sink.report_uncertain(
                span,
                format!(
                    "{} — unless the include `{}`, which was not read, sets it",
                    message.into(),
                    inc.arg(0).unwrap_or("?")
                ),
                help,
            ),
        }
    }

    /// The blocks at http level: the `http {}` blocks of a main file, or the synthetic
    /// one around a conf.d file.
    pub fn http_blocks(&self) -> Vec<(Option<Directive<'a>>, Block<'a>)> {
        match self.config.level {
            Level::Main | Level::Http => self
                .config
                .directives()
                .iter()
                .filter(|d| d.is("http"))
                .map(|d| (Some(d), d.children()))
                .collect(),
            Level::Server => Vec::new(),
        }
    }

    /// The servers that serve content (see [`serves_nothing`]).
    pub fn serving_servers(&self) -> Vec<Server<'a>> {
        self.servers
            .iter()
            .filter(|s| !serves_nothing(s.server))
            .copied()
            .collect()
    }

    /// Every server block (found once, in `new`).
    pub fn servers(&self) -> &[Server<'a>] {
        &self.servers
    }

    /// Every directive named `name`, depth first (the order of [`Ctx::every`]).
    pub fn named(&self, name: &str, mut f: impl FnMut(Directive<'a>)) {
        self.every(|d| {
            if d.is(name) {
                f(d);
            }
        });
    }

    /// Every directive in the configuration, depth first.
    pub fn every(&self, f: impl FnMut(Directive<'a>)) {
        self.config.each_directive(f);
    }

    /// Calls `f` with the ancestor chain of every `location` and `if` block, outermost
    /// first (`[http?, server?, location…, this]`). A bare fragment's chains start
    /// at its synthetic `fragment` block (what the file sets at its top level).
    pub fn each_location(&self, mut f: impl FnMut(&[Directive<'a>])) {
        let tree = &self.config.tree;
        let mut chain = Vec::new();
        let mut from = 0;
        for &end in &self.chain_ends {
            chain.clear();
            chain.extend(self.main_http);
            chain.extend(
                self.chains[from..end as usize]
                    .iter()
                    .map(|&id| tree.directive(id)),
            );
            f(&chain);
            from = end as usize;
        }
    }

    /// The kind of a location, from the description or a marker comment.
    pub fn route_kind(&self, location: Directive<'_>) -> Option<RouteKind> {
        for (c, _) in location.comments() {
            let c = c.trim();
            if c == "svcgen: streaming" {
                return Some(RouteKind::Streaming);
            }
            if c == "svcgen: websocket" {
                return Some(RouteKind::Websocket);
            }
        }
        // A route's path names the location that proxies it: a location of the
        // same path that does not proxy (port 80's redirect, a file location)
        // carries no stream or WebSocket.
        if !location.children().iter().any(|d| d.is("proxy_pass")) {
            return None;
        }
        location
            .args()
            .next_back()
            .and_then(|a| self.routes.get(a.value))
            .copied()
    }
}

/// Include files whose content is fixed by the package that ships them, by file
/// name, and the directives they set (prefixes: `ssl_` is every `ssl_*`):
/// Debian's and nginx's own, and certbot's TLS options.
pub const KNOWN_INCLUDES: &[(&str, &[&str])] = &[
    ("mime.types", &["types"]),
    ("fastcgi_params", &["fastcgi_param"]),
    ("fastcgi.conf", &["fastcgi_param"]),
    ("scgi_params", &["scgi_param"]),
    ("uwsgi_params", &["uwsgi_param"]),
    ("proxy_params", &["proxy_set_header"]),
    ("fastcgi-php.conf", &["fastcgi_", "try_files", "include"]),
    ("options-ssl-nginx.conf", &["ssl_"]),
];

/// Whether an include of `path` could set one of `settings`: unknown files
/// could set anything.
fn could_set(path: &str, settings: &[&str]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match KNOWN_INCLUDES.iter().find(|(n, _)| *n == name) {
        Some((_, sets)) => settings
            .iter()
            .any(|s| sets.iter().any(|p| s.starts_with(p))),
        None => true,
    }
}

/// Whether a block answers with an error status (`return 403;`, `return 444;`):
/// it serves no content, and headers without `always` never go with it.
pub fn answers_error(block: Block<'_>) -> bool {
    first(block, "return").is_some_and(|r| {
        r.arg(0)
            .and_then(|c| c.parse::<u16>().ok())
            .is_some_and(|c| (400..600).contains(&c))
    })
}

/// Whether a location's path (a prefix or a regex: `/\.well-known/…`) is
/// the ACME HTTP-01 challenge's.
pub fn is_acme_path(path: &str) -> bool {
    path.replace('\\', "")
        .contains("/.well-known/acme-challenge")
}

/// The block contents of a chain element (the http block of a main file, a server…).
pub fn body(d: Directive<'_>) -> Block<'_> {
    d.children()
}

pub fn is_tls(server: Directive<'_>) -> bool {
    server.children().iter().any(|d| {
        (d.is("listen") && d.args().any(|a| a.value == "ssl"))
            || (d.is("ssl") && d.arg(0) == Some("on"))
    })
}

/// A server's names in lower case (copied only when written otherwise).
pub fn server_names(server: Directive<'_>) -> Vec<Cow<'_, str>> {
    each(server.children(), "server_name")
        .flat_map(|d| d.args())
        .map(|a| a.value)
        .filter(|n| !n.is_empty() && *n != "_")
        .map(|n| {
            if n.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(n.to_ascii_lowercase())
            } else {
                Cow::Borrowed(n)
            }
        })
        .collect()
}

/// The chain for a server: `[http?, server]`.
pub fn server_chain<'a>(s: &Server<'a>) -> Vec<Directive<'a>> {
    s.main_http
        .into_iter()
        .chain(s.http)
        .chain(std::iter::once(s.server))
        .collect()
}

/// A header name → its `add_header` directive, in a set of `add_header`s.
pub fn header_map<'a>(headers: &[Directive<'a>]) -> HashMap<String, Directive<'a>> {
    headers
        .iter()
        .filter_map(|d| d.arg(0).map(|n| (n.to_ascii_lowercase(), *d)))
        .collect()
}

/// One response header in force at a level, and where it was set.
pub struct SetHeader<'a> {
    /// The header's name as written.
    pub name: &'a str,
    /// The value, when it is written (`security_headers on;` sets its own).
    pub value: Option<&'a str>,
    pub directive: Directive<'a>,
    /// The value's span (the directive's when there is no value argument).
    pub value_span: crate::syntax::Span,
}

/// The response headers in force at a level (a handful: a list, looked up by name
/// without regard to case).
#[derive(Default)]
pub struct Headers<'a>(Vec<SetHeader<'a>>);

impl<'a> Headers<'a> {
    /// The header named `name` (any case); the last one set wins, as in a response.
    pub fn get(&self, name: &str) -> Option<&SetHeader<'a>> {
        self.0
            .iter()
            .rev()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn insert(&mut self, h: SetHeader<'a>) {
        self.0.push(h);
    }

    /// Adds `h` unless a header of its name is set already.
    fn insert_missing(&mut self, h: SetHeader<'a>) {
        if !self.contains_key(h.name) {
            self.0.push(h);
        }
    }
}

/// The response headers in force at the end of `chain`, by name: nginx's
/// `add_header`, headers-more's `more_set_headers "Name: value"`, and the set that
/// `security_headers on;` (the security-headers module) sends.
pub fn headers_in_force<'a>(ctx: &Ctx<'a>, chain: &[Directive<'a>]) -> Headers<'a> {
    let mut out = Headers::default();
    if let Some((_, hs)) = ctx.effective_list(chain, "add_header") {
        for &d in hs.iter() {
            let mut args = d.args();
            if let Some(n) = args.next() {
                let v = args.next();
                out.insert(SetHeader {
                    name: n.value,
                    value: v.as_ref().map(|a| a.value),
                    directive: d,
                    value_span: v.map_or(d.span(), |a| a.span),
                });
            }
        }
    }
    if let Some((_, hs)) = ctx.effective_list(chain, "more_set_headers") {
        for &d in hs.iter() {
            for a in d.args().filter(|a| !a.value.starts_with('-')) {
                if let Some((n, v)) = a.value.split_once(':') {
                    out.insert_missing(SetHeader {
                        name: n.trim(),
                        value: Some(v.trim()),
                        directive: d,
                        value_span: a.span,
                    });
                }
            }
        }
    }
    if let Some(d) = ctx
        .effective(chain, "security_headers")
        .filter(|d| d.arg(0) == Some("on"))
    {
        for n in [
            "strict-transport-security",
            "x-content-type-options",
            "x-frame-options",
            "referrer-policy",
        ] {
            out.insert_missing(SetHeader {
                name: n,
                value: (n == "x-content-type-options").then_some("nosniff"),
                directive: d,
                value_span: d.span(),
            });
        }
    }
    out
}

/// True for a server that never serves content: a catch-all that rejects the TLS
/// handshake (`ssl_reject_handshake on;`) or closes every connection at server
/// level (`return 444;`). Headers, server tokens and protocols do not apply to it.
pub fn serves_nothing(server: Directive<'_>) -> bool {
    let block = server.children();
    first(block, "ssl_reject_handshake").is_some_and(|d| d.arg(0) == Some("on"))
        || first(block, "return").is_some_and(|r| r.arg(0) == Some("444"))
}

/// True when the server serves no content of its own: every location only
/// redirects (`return 3xx`, or a `rewrite` of every path to an absolute URL with
/// `permanent`/`redirect`), refuses (an error status) or answers ACME challenges,
/// or the server itself returns a redirect or an error status (certbot's port-80 server:
/// `if ($host = …) { return 301 …; }` then `return 404;`).
pub fn serves_no_content(server: Directive<'_>) -> bool {
    // `return 301 …`, `return https://…`, or a catch-all `rewrite ^ https://… permanent`.
    let returns = |block: Block<'_>| {
        first(block, "return").is_some_and(|r| {
            matches!(r.arg(0), Some("301" | "302" | "303" | "307" | "308"))
                || r.arg(0).is_some_and(|a| a.starts_with("http"))
        }) || each(block, "rewrite").any(|r| {
            let args: Vec<&str> = r.args().map(|a| a.value).collect();
            matches!(args.as_slice(), [from, to, "permanent" | "redirect"]
                if matches!(*from, "^" | "^(.*)$" | "^(.*)" | "^/(.*)$" | "^/(.*)" | "^.*$" | "(.*)")
                    && (to.starts_with("http") || to.starts_with("$scheme")))
        })
    };
    if returns(server.children()) || answers_error(server.children()) {
        return true;
    }
    let locations: Vec<Directive<'_>> = each(server.children(), "location").collect();
    !locations.is_empty()
        && locations.iter().all(|l| {
            returns(l.children())
                || answers_error(l.children())
                || l.args().next_back().is_some_and(|a| is_acme_path(a.value))
        })
}

/// The check type of nginx rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The nginx rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(&ng001_weak_protocols::RULE, ng001_weak_protocols::check),
    Entry::Checked(&ng002_weak_ciphers::RULE, ng002_weak_ciphers::check),
    Entry::Checked(&ng003_hsts::RULE, ng003_hsts::check),
    Entry::Checked(&ng004_security_headers::RULE, ng004_security_headers::check),
    Entry::Checked(&ng005_header_always::RULE, ng005_header_always::check),
    Entry::Checked(&ng006_inheritance_loss::RULE, ng006_inheritance_loss::check),
    Entry::Checked(&ng007_server_tokens::RULE, ng007_server_tokens::check),
    Entry::Checked(&ng008_http2_syntax::RULE, ng008_http2_syntax::check),
    Entry::Checked(
        &ng009_streaming_buffering::RULE,
        ng009_streaming_buffering::check,
    ),
    Entry::Checked(
        &ng010_websocket_upgrade::RULE,
        ng010_websocket_upgrade::check,
    ),
    Entry::Checked(
        &ng011_upstream_keepalive::RULE,
        ng011_upstream_keepalive::check,
    ),
    Entry::Checked(&ng012_alias_traversal::RULE, ng012_alias_traversal::check),
    Entry::Checked(&ng013_host_header::RULE, ng013_host_header::check),
    Entry::Checked(
        &ng014_plain_http_content::RULE,
        ng014_plain_http_content::check,
    ),
    Entry::Checked(&ng015_ocsp_stapling::RULE, ng015_ocsp_stapling::check),
    Entry::Reported(&format::MISSING_INCLUDE),
    Entry::Checked(
        &ng017_real_ip_from_anyone::RULE,
        ng017_real_ip_from_anyone::check,
    ),
    Entry::Checked(&ng018_rate_limit_key::RULE, ng018_rate_limit_key::check),
    Entry::Checked(
        &ng019_basic_auth_plain_http::RULE,
        ng019_basic_auth_plain_http::check,
    ),
    Entry::Checked(
        &ng020_server_cipher_preference::RULE,
        ng020_server_cipher_preference::check,
    ),
];
