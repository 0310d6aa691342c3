//! The deploy script (executable).

use super::{ArtifactKind, Descriptor, Scope, Source, Target, app_files_dir, one};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::DeployScript,
    target: Target::Host,
    source: Source::Template(
        "deploy.sh.j2",
        include_str!("../../../templates/deploy.sh.j2"),
    ),
    lint: Some("shell"),
    mode: 0o755,
    scope: Scope::Service(|_, s| one("deploy.sh".into(), &app_files_dir(s))),
};
