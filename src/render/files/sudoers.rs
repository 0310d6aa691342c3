//! The sudoers rule that lets the deploy user run exactly the service's commands.

use super::{ArtifactKind, Descriptor, Scope, Source, Target, one};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::Sudoers,
    target: Target::Host,
    source: Source::Template("sudoers.j2", include_str!("../../../templates/sudoers.j2")),
    // visudo checks it (the real-tool tests); svcgen's sudoers rules lint it.
    lint: Some("sudoers"),
    // sudoers(5) skips files whose names contain a `.`; visudo wants mode 0440.
    mode: 0o440,
    // `NAME.sudoers` where it is kept, installed as `NAME`.
    scope: Scope::Service(|_, s| {
        let mut placed = one(format!("{}.sudoers", s.name), &s.host.install.sudoers_dir);
        placed[0].installed_as = Some(s.name.to_string());
        placed
    }),
};
