//! Services rendered together run on one host: what one nginx, one set of
//! loopback ports and one log directory can hold only once is checked across
//! them, each clash reported at the line of the description that repeats it.

use super::LoadedSpec;
use super::kinds::HostName;
use super::model::Route;
use super::model::SLOTS;
use super::yaml::Pos;

/// One clash between two descriptions rendered together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// Which description (its index among those checked) and where in it.
    pub index: usize,
    pub pos: Pos,
    pub message: String,
}

fn pos(spec: &LoadedSpec, pointer: &str) -> Pos {
    let place = spec.positions.nearest(pointer);
    place
        .key
        .filter(|_| pointer.ends_with("/name"))
        .unwrap_or(place.value)
}

impl Clash {
    /// `file:line:col` of the value, in the description it names.
    pub fn at(&self, specs: &[&LoadedSpec]) -> String {
        format!(
            "{}:{}:{}",
            specs[self.index].file, self.pos.line, self.pos.column
        )
    }
}

fn at(spec: &LoadedSpec, pointer: &str) -> String {
    let p = pos(spec, pointer);
    format!("{}:{}:{}", spec.file, p.line, p.column)
}

/// Every clash among the services, in the order the descriptions are given.
pub fn clashes(specs: &[&LoadedSpec]) -> Vec<Clash> {
    let mut out = Vec::new();
    for (j, later) in specs.iter().enumerate() {
        let b = &later.service;
        for earlier in &specs[..j] {
            let a = &earlier.service;
            if a.name == b.name {
                out.push(Clash {
                    index: j,
                    pos: pos(later, "/name"),
                    message: format!(
                        "`{}` is also the name of the service in {} ({}): the unit, the upstream, the log files and the deploy lock would be shared",
                        b.name,
                        earlier.file,
                        at(earlier, "/name")
                    ),
                });
                continue;
            }
            // A service mounted on another shares its server by design.
            let mounted = |x: &super::Service, y: &super::Service| {
                x.site.mounted_on.as_deref() == Some(y.name.as_str())
            };
            let shared = mounted(a, b)
                || mounted(b, a)
                || (a.site.mounted_on.is_some() && a.site.mounted_on == b.site.mounted_on);
            for (i, domain) in b.site.domains.iter().enumerate().filter(|_| !shared) {
                let same_port = a.site.listen.https == b.site.listen.https
                    || a.site.listen.http == b.site.listen.http;
                if same_port
                    && a.site
                        .domains
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(domain))
                {
                    let pointer = format!("/site/domains/{i}");
                    out.push(Clash {
                        index: j,
                        pos: pos(later, &pointer),
                        message: format!(
                            "`{domain}` is also served by `{}` ({}) on the same ports: nginx warns \"conflicting server name\" and answers it with one of them only",
                            a.name,
                            earlier.file
                        ),
                    });
                }
            }
            let ports_a: Vec<u32> = a.slot_ports().concat();
            let ports_b: Vec<u32> = b.slot_ports().concat();
            if let Some(p) = ports_b.iter().find(|p| ports_a.contains(p)) {
                out.push(Clash {
                    index: j,
                    pos: pos(later, "/host/supervisor/port"),
                    message: format!(
                        "port {p} is also a port of `{}` ({}): each service takes {} ports from `host.supervisor.port` ({} slots), which must not overlap",
                        a.name,
                        earlier.file,
                        ports_b.len(),
                        SLOTS.join(" and ")
                    ),
                });
            }
        }
    }
    out.extend(mount_clashes(specs));
    out.extend(protected_prefix_clashes(specs));
    out.extend(reload_clashes(specs));
    out
}

/// What nginx enforces on a route: an allow list, a password, methods, a rate.
fn protection(r: &Route) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if !r.allow.is_empty() {
        keys.push("allow");
    }
    if r.basic_auth.is_some() {
        keys.push("basic_auth");
    }
    if !r.methods.is_empty() {
        keys.push("methods");
    }
    if r.rate_limit.is_some() {
        keys.push("rate_limit");
    }
    keys
}

/// The protections of `outer` that `inner` does not carry the same.
fn missing_protection(outer: &Route, inner: &Route) -> Vec<&'static str> {
    let mut allow_o = outer.allow.clone();
    let mut allow_i = inner.allow.clone();
    allow_o.sort();
    allow_i.sort();
    let mut methods_o = outer.methods.clone();
    let mut methods_i = inner.methods.clone();
    methods_o.sort();
    methods_i.sort();
    protection(outer)
        .into_iter()
        .filter(|k| match *k {
            "allow" => allow_o != allow_i,
            "basic_auth" => outer.basic_auth != inner.basic_auth,
            "methods" => methods_o != methods_i,
            _ => outer.rate_limit != inner.rate_limit,
        })
        .collect()
}

/// Services that share one server (an owner and the services mounted on it): a
/// route of one of them below another's protected prefix wins by nginx's longest
/// prefix, so it must carry the same protection, or the prefix is open through it.
fn protected_prefix_clashes(specs: &[&LoadedSpec]) -> Vec<Clash> {
    let mut out = Vec::new();
    let server_of =
        |s: &super::Service| s.site.mounted_on.clone().unwrap_or_else(|| s.name.clone());
    for (j, inner_spec) in specs.iter().enumerate() {
        let b = &inner_spec.service;
        for (k, outer_spec) in specs.iter().enumerate() {
            let a = &outer_spec.service;
            if k == j || server_of(a) != server_of(b) {
                continue;
            }
            // Only services that really share a server (the owner lists them).
            if a.site.mounted_on.is_none() && b.site.mounted_on.is_none() {
                continue;
            }
            for (i, inner) in b.routes.iter().enumerate() {
                for outer in &a.routes {
                    let below = outer.path.ends_with('/')
                        && inner.path.len() > outer.path.len()
                        && inner.path.starts_with(outer.path.as_str());
                    let missing = missing_protection(outer, inner);
                    if below && !missing.is_empty() {
                        out.push(Clash {
                            index: j,
                            pos: pos(inner_spec, &format!("/routes/{i}/path")),
                            message: format!(
                                "`{}` is below `{}` of `{}` ({}), which has {}: nginx answers `{}` from this route, without that protection",
                                inner.path,
                                outer.path,
                                a.name,
                                outer_spec.file,
                                missing
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                inner.path
                            ),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Services on one host reload one nginx: they must test and reload it the same
/// way (the host's certbot hook runs that command, whichever description comes first).
fn reload_clashes(specs: &[&LoadedSpec]) -> Vec<Clash> {
    let mut out = Vec::new();
    let Some(first) = specs.first() else {
        return out;
    };
    let f = &first.service.deploy;
    for (j, spec) in specs.iter().enumerate().skip(1) {
        let d = &spec.service.deploy;
        for (key, mine, theirs) in [
            ("nginx_test", &d.nginx_test, &f.nginx_test),
            ("nginx_reload", &d.nginx_reload, &f.nginx_reload),
        ] {
            if mine != theirs {
                out.push(Clash {
                    index: j,
                    pos: pos(spec, &format!("/deploy/{key}")),
                    message: format!(
                        "`deploy.{key}` is `{}` here but `{}` in {} ({}): services on one host test and reload one nginx the same way",
                        mine.join(" "),
                        theirs.join(" "),
                        first.file,
                        at(first, &format!("/deploy/{key}"))
                    ),
                });
            }
        }
    }
    out
}

/// The same names, in any order and case.
fn same_domains(a: &[HostName], b: &[HostName]) -> bool {
    let set = |d: &[HostName]| {
        let mut v: Vec<String> = d.iter().map(|x| x.to_ascii_lowercase()).collect();
        v.sort();
        v
    };
    set(a) == set(b)
}

/// Services mounted on another's site: the owner lists them, they share its
/// domains, certificate and ports, and no two of them declare the same location.
fn mount_clashes(specs: &[&LoadedSpec]) -> Vec<Clash> {
    let mut out = Vec::new();
    let named = |name: &str| specs.iter().position(|s| s.service.name == name);
    for (j, spec) in specs.iter().enumerate() {
        let b = &spec.service;
        for (i, m) in b.site.mounts.iter().enumerate() {
            if let Some(k) = named(m)
                && specs[k].service.site.mounted_on.as_deref() != Some(b.name.as_str())
            {
                out.push(Clash {
                    index: j,
                    pos: pos(spec, &format!("/site/mounts/{i}")),
                    message: format!(
                        "`{m}` ({}) is listed in `site.mounts` but does not say `mounted_on: {}`: it would serve its own site as well",
                        specs[k].file, b.name
                    ),
                });
            }
        }
        let Some(owner) = b.site.mounted_on.as_deref() else {
            continue;
        };
        let Some(k) = named(owner) else {
            continue;
        };
        let o = &specs[k].service;
        let mut clash = |pointer: &str, message: String| {
            out.push(Clash {
                index: j,
                pos: pos(spec, pointer),
                message,
            });
        };
        if !o.site.mounts.iter().any(|m| m == &b.name) {
            clash(
                "/site/mounted_on",
                format!(
                    "`{owner}` ({}) does not list `{}` in `site.mounts`: its site would not include these routes",
                    specs[k].file, b.name
                ),
            );
            continue;
        }
        if !same_domains(&b.site.domains, &o.site.domains) {
            clash(
                "/site/domains",
                format!(
                    "a service mounted on `{owner}` serves its domains: {}",
                    o.site.domains.join(", ")
                ),
            );
        }
        if b.site.tls.certificate != o.site.tls.certificate
            || b.site.listen.http != o.site.listen.http
            || b.site.listen.https != o.site.listen.https
        {
            clash(
                "/site/tls/certificate",
                format!(
                    "a service mounted on `{owner}` is served with its certificate ({}) and ports ({}, {})",
                    o.site.tls.certificate, o.site.listen.http, o.site.listen.https
                ),
            );
        }
        // The owner's site includes `NAME.locations` from its own nginx directory.
        let dir = |x: &super::Service| x.host.install.nginx_dir.trim_end_matches('/').to_string();
        if dir(b) != dir(o) {
            clash(
                "/host/install/nginx_dir",
                format!(
                    "`{owner}`'s site includes {}/{}.locations: a service mounted on it installs its files in the same nginx directory, not {}",
                    dir(o),
                    b.name,
                    dir(b)
                ),
            );
        }
        // Its locations join the owner's server: none may be declared twice.
        for (i, r) in b.routes.iter().enumerate() {
            let other = specs.iter().enumerate().find(|(n, s)| {
                (s.service.name == owner
                    || (*n < j && s.service.site.mounted_on.as_deref() == Some(owner)))
                    && s.service.routes.iter().any(|x| x.path == r.path)
            });
            if let Some((_, s)) = other {
                clash(
                    &format!("/routes/{i}/path"),
                    format!(
                        "`{}` is also a route of `{}` ({}), in the same server: nginx refuses a duplicate location",
                        r.path, s.service.name, s.file
                    ),
                );
            }
        }
    }
    out
}
