//! The systemd unit: one for pm2-runtime, or one template unit per release slot
//! (`NAME-blue@.service`, `NAME-green@.service`) when systemd supervises the app.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target, one};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::SystemdUnit,
    target: Target::Host,
    source: Source::Template(
        "unit.service.j2",
        include_str!("../../../templates/unit.service.j2"),
    ),
    lint: Some("systemd"),
    mode: 0o644,
    scope: Scope::Service(|plan, s| {
        if plan.pm2 {
            return one(plan.unit_file.clone(), &s.host.install.unit_dir);
        }
        plan.slots
            .iter()
            .map(|slot| Placement {
                file_name: slot.unit_file.clone(),
                install_dir: Some(s.host.install.unit_dir.to_string()),
                installed_as: None,
                context: Some(minijinja::context! { slot => minijinja::value::Serde(slot) }),
            })
            .collect()
    }),
};
