//! KS011: an image on `latest` or no tag.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS011",
    name: "image-not-pinned",
    severity: Severity::Error,
    summary: "a container image without a tag or digest, or on `latest`",
    what: "Flags `image:` values with no tag and no digest, or the tag `latest` (kube-score container-image-tag, kube-linter latest-tag).",
    why: "Every node that pulls may get another image: a rollback rolls back nothing and two replicas run different code.",
    example: "image: registry.example.com/api:latest",
    fix: "image: registry.example.com/api:1.4.2",
    references: &["kube-score: container-image-tag", "kube-linter: latest-tag"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            let Some(image) = c.value["image"].as_str() else {
                continue;
            };
            if image.contains("@sha256:") {
                continue;
            }
            let last = image.rsplit('/').next().unwrap_or(image);
            match last.split_once(':') {
                Some((_, tag)) if tag != "latest" => {}
                _ => sink.report(
                    ctx.span(pod.doc, &format!("{}/image", c.at)),
                    format!("{} runs `{image}`, which is not pinned", pod.what(&c)),
                    "pin a version tag or a digest",
                ),
            }
        }
    }
}
