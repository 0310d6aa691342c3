//! Certificates from day one: the first-stage site (port 80, the ACME challenge
//! only, loadable before any certificate exists) and the certbot deploy hook that
//! reloads nginx after each renewal (one for the host).

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target};

pub static FIRST_STAGE: Descriptor = Descriptor {
    kind: ArtifactKind("nginx-acme-site"),
    target: Target::Host,
    source: Source::Template(
        "acme.conf.j2",
        include_str!("../../../templates/acme.conf.j2"),
    ),
    lint: Some("nginx"),
    mode: 0o644,
    scope: Scope::Service(|_, s| {
        // A mounted service's domains are its owner's, whose first stage serves them.
        if s.site.mounted_on.is_some() {
            return Vec::new();
        }
        vec![Placement {
            file_name: format!("{}.acme.conf", s.name),
            install_dir: Some(s.host.install.nginx_dir.to_string()),
            installed_as: None,
            context: Some(minijinja::context! { install_dir => s.host.install.nginx_dir.as_str() }),
        }]
    }),
};

/// Where certbot looks for deploy hooks.
const HOOK_DIR: &str = "/etc/letsencrypt/renewal-hooks/deploy";

pub static RENEWAL_HOOK: Descriptor = Descriptor {
    kind: ArtifactKind("certbot-renewal-hook"),
    target: Target::Host,
    source: Source::Template(
        "renewal-hook.j2",
        include_str!("../../../templates/renewal-hook.j2"),
    ),
    lint: None,
    mode: 0o755,
    scope: Scope::Host(hook),
};

/// One hook for the host, when any service's certificate is certbot's.
fn hook(services: &[(&super::Plan, &crate::description::Service)]) -> Vec<Placement> {
    let certbot: Vec<_> = services
        .iter()
        .filter(|(p, _)| p.site.certbot_cert_name.is_some())
        .collect();
    let Some((first, _)) = certbot.first() else {
        return Vec::new();
    };
    vec![Placement {
        file_name: "svcgen-reload-nginx".into(),
        install_dir: Some(HOOK_DIR.into()),
        installed_as: None,
        context: Some(minijinja::context! {
            services => certbot.iter().map(|(_, s)| s.name.to_string()).collect::<Vec<_>>(),
            sources => certbot.iter().map(|(p, _)| p.source.clone()).collect::<Vec<_>>(),
            install_dir => HOOK_DIR,
            nginx_test => first.deploy.nginx_test.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
            nginx_reload => first.deploy.nginx_reload.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        }),
    }]
}
