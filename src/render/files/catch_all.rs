//! The host's catch-all site: the default server for every address the sites
//! listen on, which refuses a request whose Host names none of them (port 80:
//! the connection is closed without a response, `return 444`; port 443: the TLS
//! handshake is refused, `ssl_reject_handshake on`, nginx >= 1.19.4, so no
//! certificate is needed). One file for the host, from every service rendered
//! together.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind("nginx-catch-all"),
    target: Target::Host,
    source: Source::Template(
        "catch-all.conf.j2",
        include_str!("../../../templates/catch-all.conf.j2"),
    ),
    lint: Some("nginx"),
    mode: 0o644,
    scope: Scope::Host(place),
};

/// The listen addresses of all the sites, once each (by address and port), as
/// the default server.
fn defaults<'a>(listens: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for l in listens {
        let address = l.split_whitespace().next().unwrap_or("");
        if seen.contains(&address) {
            continue;
        }
        seen.push(address);
        out.push(format!("{l} default_server"));
    }
    out
}

fn place(services: &[(&super::Plan, &crate::description::Service)]) -> Vec<Placement> {
    let Some((_, first)) = services.first() else {
        return Vec::new();
    };
    let http = defaults(services.iter().flat_map(|(p, _)| &p.site.http_listens));
    let https = defaults(services.iter().flat_map(|(p, _)| &p.site.https_listens));
    // Every site on the host is served by one nginx; the oldest version any
    // description targets decides.
    let oldest = services
        .iter()
        .map(|(_, s)| crate::description::parse_version(&s.site.nginx_version))
        .min()
        .unwrap_or((0, 0, 0));
    let reject_handshake = oldest >= (1, 19, 4);
    // The default server's TLS settings are what a handshake without a known name
    // meets (and what scanners read): the sites' own, the most permissive one of
    // them when they differ (intermediate covers modern's TLS 1.3).
    let tls = services
        .iter()
        .map(|(p, _)| (p.site.protocols.clone(), p.site.ciphers.clone()))
        .max_by_key(|(protocols, _)| protocols.split_whitespace().count());
    let (protocols, ciphers) = tls.unwrap_or_default();
    let names: Vec<String> = services.iter().map(|(_, s)| s.name.to_string()).collect();
    let sources: Vec<String> = services.iter().map(|(p, _)| p.source.clone()).collect();
    vec![Placement {
        file_name: "svcgen-catch-all.conf".into(),
        install_dir: Some(first.host.install.nginx_dir.to_string()),
        installed_as: None,
        context: Some(minijinja::context! {
            services => names,
            sources => sources,
            http_listens => http,
            https_listens => https,
            reject_handshake => reject_handshake,
            protocols => protocols,
            ciphers => ciphers,
        }),
    }]
}
