//! The PM2 ecosystem file, when PM2 supervises the app.

use super::{ArtifactKind, Descriptor, Scope, Source, Target, app_files_dir, one};

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind::Pm2Ecosystem,
    target: Target::Host,
    source: Source::Template(
        "ecosystem.config.js.j2",
        include_str!("../../../templates/ecosystem.config.js.j2"),
    ),
    lint: Some("pm2"),
    mode: 0o644,
    scope: Scope::Service(|plan, s| {
        if !plan.pm2 {
            return Vec::new();
        }
        one("ecosystem.config.js".into(), &app_files_dir(s))
    }),
};
