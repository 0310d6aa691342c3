//! Services rendered together run on one host: what one nginx, one set of
//! loopback ports and one log directory can hold only once is checked across
//! them, each clash reported at the line of the description that repeats it.

use super::LoadedSpec;
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
    out
}

/// The same names, in any order and case.
fn same_domains(a: &[String], b: &[String]) -> bool {
    let set = |d: &[String]| {
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
