//! The AppArmor profile (`host.hardening.apparmor`): the unit's sandbox again, as
//! mandatory access control.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind("apparmor-profile"),
    target: Target::Host,
    source: Source::Template(
        "apparmor.j2",
        include_str!("../../../templates/apparmor.j2"),
    ),
    // apparmor_parser compiles it (the real-tool tests).
    lint: None,
    mode: 0o644,
    // `NAME.apparmor` where it is kept, installed as /etc/apparmor.d/svcgen.NAME.
    scope: Scope::Service(|plan, _| {
        if plan.hardening.apparmor_profile.is_none() {
            return Vec::new();
        }
        // Every path the unit makes writable: ReadWritePaths=, LogsDirectory=,
        // StateDirectory=.
        let mut writable: Vec<String> = plan.writable_paths.clone();
        if let Some(d) = &plan.logs_directory_unit {
            writable.push(format!("/var/log/{d}"));
        }
        if let Some(d) = &plan.state_directory_unit {
            writable.push(format!("/var/lib/{d}"));
        }
        // AppArmor names a socket family as the kernel does, without `AF_`.
        let families: Vec<String> = plan
            .hardening
            .address_families
            .iter()
            .filter_map(|f| f.strip_prefix("AF_").map(str::to_ascii_lowercase))
            .collect();
        vec![Placement {
            file_name: format!("{}.apparmor", plan.name),
            install_dir: Some("/etc/apparmor.d".to_string()),
            installed_as: Some(format!("svcgen.{}", plan.name)),
            context: Some(minijinja::context! { writable, families }),
        }]
    }),
};
