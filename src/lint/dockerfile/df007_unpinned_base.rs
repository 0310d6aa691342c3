//! DF007: a base image without a pinned version.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF007",
    name: "unpinned-base-image",
    severity: Severity::Warning,
    summary: "`FROM` an image without a tag, or with `latest`",
    what: "Flags `FROM` lines whose image has no tag and no digest, or the tag `latest` (earlier stages, `scratch` and images built from `ARG`s are not flagged).",
    why: "The image changes under the same Dockerfile: a rebuild months later gets another Node.js major, another libc, other CVEs, and the release that worked yesterday does not build or run the same way. Pin a version tag (better, a digest).",
    example: "FROM node\nFROM node:latest",
    fix: "FROM node:22.11.0-bookworm-slim\nFROM node:22.11.0-bookworm-slim@sha256:…",
    references: &["hadolint: DL3006, DL3007"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (i, stage) in ctx.file.stages.iter().enumerate() {
        let image = stage.image.as_str();
        let earlier = ctx.file.stages[..i]
            .iter()
            .any(|s| s.name.as_deref() == Some(&*image.to_ascii_lowercase()));
        if earlier || image == "scratch" || image.contains('$') || image.contains('@') {
            continue;
        }
        // The tag follows the last `:` after the last `/` (a registry port is not one).
        let last_part = image.rsplit('/').next().unwrap_or(image);
        match last_part.split_once(':') {
            None => sink.report(
                stage.from.span,
                format!("`{image}` has no tag: every build may get another image"),
                "pin a version: `FROM node:22.11.0-bookworm-slim` (or a digest)",
            ),
            Some((_, "latest")) => sink.report(
                stage.from.span,
                format!("`{image}` follows `latest`: every build may get another image"),
                "pin a version: `FROM node:22.11.0-bookworm-slim` (or a digest)",
            ),
            Some(_) => {}
        }
    }
}
