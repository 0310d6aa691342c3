//! The env file's contract (`env_required`): the root-owned check the deploy runs
//! before anything starts, and the example file for whoever sets the server up.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target};
use crate::render::plan::{ENV_CHECK_DIR, env_check_name};

pub static CHECK: Descriptor = Descriptor {
    kind: ArtifactKind("env-check"),
    target: Target::Host,
    source: Source::Template(
        "env-check.sh.j2",
        include_str!("../../../templates/env-check.sh.j2"),
    ),
    // shellcheck checks it (the real-tool tests); it is no deploy script.
    lint: None,
    mode: 0o755,
    // `NAME.env-check` where it is kept, installed as root's
    // /usr/local/sbin/svcgen-NAME-env-check (sudoers grants it by that path).
    scope: Scope::Service(|plan, _| match &plan.env_check {
        Some(_) => vec![Placement {
            file_name: format!("{}.env-check", plan.name),
            install_dir: Some(ENV_CHECK_DIR.to_string()),
            installed_as: Some(env_check_name(&plan.name)),
            context: None,
        }],
        None => Vec::new(),
    }),
};

pub static EXAMPLE: Descriptor = Descriptor {
    kind: ArtifactKind("env-example"),
    target: Target::Host,
    source: Source::Template(
        "env.example.j2",
        include_str!("../../../templates/env.example.j2"),
    ),
    lint: Some("env-file"),
    mode: 0o644,
    // Kept beside the other files, never installed: it holds no values.
    scope: Scope::Service(|plan, _| {
        if plan.env_required.is_empty() {
            return Vec::new();
        }
        vec![Placement {
            file_name: format!("{}.env.example", plan.name),
            install_dir: None,
            installed_as: None,
            context: None,
        }]
    }),
};
