//! The Dockerfile of the Kubernetes target's image.

use super::{ArtifactKind, Descriptor, Placement, Scope, Source, Target};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind("dockerfile"),
    target: Target::Kubernetes,
    source: Source::Template(
        "Dockerfile.j2",
        include_str!("../../../templates/Dockerfile.j2"),
    ),
    lint: Some("dockerfile"),
    mode: 0o644,
    scope: Scope::Service(|plan, s| {
        let Some(k) = &s.kubernetes else {
            return Vec::new();
        };
        // node, its arguments and the entry script, as the exec form's words.
        let mut command = vec!["node".to_string()];
        command.extend(plan.node_args.iter().map(|a| a.to_string()));
        command.push(s.entry.to_string());
        vec![Placement {
            file_name: "Dockerfile".into(),
            install_dir: None,
            installed_as: None,
            context: Some(minijinja::context! {
                base_image => k.base_image.as_str(),
                uid => k.uid,
                port => k.port,
                command => command,
                node_env => node_env(plan),
            }),
        }]
    }),
};

/// What `COPY . .` leaves out of the build context: secrets (`.env`, keys), the
/// repository's history, local dependencies and logs.
pub static DOCKERIGNORE: Descriptor = Descriptor {
    kind: ArtifactKind("dockerignore"),
    target: Target::Kubernetes,
    source: Source::Template(
        "dockerignore.j2",
        include_str!("../../../templates/dockerignore.j2"),
    ),
    lint: None,
    mode: 0o644,
    scope: Scope::Service(|_, s| {
        if s.kubernetes.is_none() {
            return Vec::new();
        }
        vec![Placement {
            file_name: ".dockerignore".into(),
            install_dir: None,
            installed_as: None,
            context: None,
        }]
    }),
};

/// `NODE_ENV` as the description sets it (svcgen's default is `production`): the
/// image and the Deployment say the same as the host's unit.
pub fn node_env(plan: &super::Plan) -> String {
    plan.env
        .iter()
        .find(|(k, _)| k == "NODE_ENV")
        .map_or_else(|| "production".into(), |(_, v)| v.clone())
}
