//! The nginx site.

use super::{ArtifactKind, Descriptor, Scope, Source, Target, one};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::NginxSite,
    target: Target::Host,
    source: Source::Template(
        "nginx.conf.j2",
        include_str!("../../../templates/nginx.conf.j2"),
    ),
    lint: Some("nginx"),
    mode: 0o644,
    scope: Scope::Service(|_, s| one(format!("{}.conf", s.name), &s.host.install.nginx_dir)),
};
