//! The nginx site.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target, one};

/// The site and a mounted service's locations come from one template (its
/// `locations` part).
const TEMPLATE: Source = Source::Template(
    "nginx.conf.j2",
    include_str!("../../../templates/nginx.conf.j2"),
);

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::NginxSite,
    target: Target::Host,
    source: TEMPLATE,
    lint: Some("nginx"),
    mode: 0o644,
    scope: Scope::Service(|_, s| one(format!("{}.conf", s.name), &s.host.install.nginx_dir)),
};

/// A service mounted on another's site (`site.mounted_on`): its locations, which
/// the owner's HTTPS server includes. The site's template, its `locations` part.
pub static LOCATIONS: Descriptor = Descriptor {
    kind: ArtifactKind("nginx-locations"),
    target: Target::Host,
    source: TEMPLATE,
    lint: Some("nginx"),
    mode: 0o644,
    scope: Scope::Service(|_, s| {
        if s.site.mounted_on.is_none() {
            return Vec::new();
        }
        vec![Placement {
            file_name: format!("{}.locations", s.name),
            install_dir: Some(s.host.install.nginx_dir.to_string()),
            installed_as: None,
            context: Some(minijinja::context! { part => "locations" }),
        }]
    }),
};

/// Each release slot's upstream servers, installed by root beside the site: the
/// site includes `NAME.upstream`, a root-owned link deploy.sh points at the
/// serving slot's file (through sudo, with fixed arguments), so nginx's master
/// never reads a file the deploy user could replace.
pub static UPSTREAM_SLOTS: Descriptor = Descriptor {
    kind: ArtifactKind("nginx-upstream-slot"),
    target: Target::Host,
    source: Source::Template(
        "upstream.j2",
        include_str!("../../../templates/upstream.j2"),
    ),
    // A fragment (the inside of an `upstream {}`): the site's lint reads it.
    lint: None,
    mode: 0o644,
    scope: Scope::Service(|plan, s| {
        let ports = |colour: &str| {
            plan.slots
                .iter()
                .find(|slot| slot.colour == colour)
                .map(|slot| slot.ports.clone())
                .unwrap_or_default()
        };
        plan.layout
            .upstream_slots
            .iter()
            .map(|u| Placement {
                file_name: u.file.clone(),
                install_dir: Some(s.host.install.nginx_dir.to_string()),
                installed_as: None,
                context: Some(minijinja::context! {
                    slot => u.slot,
                    ports => ports(u.slot),
                    backup => u.backup,
                    backup_ports => u.backup.map(ports),
                }),
            })
            .collect()
    }),
};
