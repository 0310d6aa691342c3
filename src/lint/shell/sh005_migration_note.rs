//! SH005: migrations before the reload, with no word that a rollback keeps them.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH005",
    name: "migration-rollback-note",
    severity: Severity::Warning,
    summary: "migrations run, but nothing says a rollback leaves them applied",
    what: "Flags a migration command (`npm run migrate`, `knex migrate`, `prisma migrate deploy`, `sequelize db:migrate`, `typeorm migration:run`…) in a script that never says (in a comment or a message) that rolling back the code does not undo migrations.",
    why: "Migrations are usually not reversible: after a rollback the old code runs against the new schema. Whoever runs or reviews the deploy must know, so migrations stay backward compatible.",
    example: "npm run migrate\npm2 reload app",
    fix: "echo \"migrate: a later rollback will NOT undo these migrations\" >&2\nnpm run migrate",
    references: &[],
    description_key: Some("deploy.migrate"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let s = ctx.script;
    let migrate = s.first(|l| {
        let c = &l.commands();
        c.contains("npm run migrate")
            || c.contains("migrate deploy")
            || c.contains("migrate:latest")
            || c.contains("db:migrate")
            || c.contains("migration:run")
            || c.contains("knex migrate")
    });
    let Some(m) = migrate else { return };
    let noted = s.mentions(&["migrat", "not"])
        && (s.mentions(&["rollback"])
            || s.mentions(&["roll back"])
            || s.mentions(&["rolled back"])
            || s.mentions(&["undo"]));
    if !noted {
        sink.report(
            m.span_of(m.code.trim()),
            "migrations run here, and nothing says a rollback leaves them applied",
            "say so in the script's output (and keep migrations backward compatible)",
        );
    }
}
