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
            for (i, domain) in b.site.domains.iter().enumerate() {
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
    out
}
