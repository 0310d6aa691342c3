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
        command.extend(plan.node_args.iter().cloned());
        command.push(s.entry.clone());
        vec![Placement {
            file_name: "Dockerfile".into(),
            install_dir: None,
            context: Some(minijinja::context! {
                base_image => k.base_image.clone(),
                uid => k.uid,
                port => k.port,
                command => command,
            }),
        }]
    }),
};
