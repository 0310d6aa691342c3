//! DF001: the image runs as root.

use super::{Ctx, last};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF001",
    name: "image-runs-as-root",
    severity: Severity::Error,
    summary: "the final stage runs its process as root",
    what: "Finds the `USER` in force at the end of the final stage: none (the official `node` images and Debian start as root), or `root`, `0`, `root:…`, `0:…`. A `USER` set in an earlier stage the final one is built `FROM` counts; so does a base image known to run as a non-root user (`nginxinc/nginx-unprivileged`, `bitnami/*`, distroless `nonroot`, Chainguard, Red Hat UBI's Node.js images). An image that starts as root only to drop privileges is passed over: its `ENTRYPOINT`/`CMD` runs `gosu`, `su-exec`, `setpriv`, `runuser` or `s6-setuidgid`, its entrypoint script in the build context does, or it installs gosu/su-exec and starts through an entrypoint script (the official images' shape). A final stage with no `CMD` or `ENTRYPOINT` of its own is a base image and is passed over.",
    why: "A compromised Node.js process that is root in the container can write the image's files, install tools and use every capability the runtime grants; Kubernetes' `runAsNonRoot` refuses to start it.",
    example: "FROM node:22-bookworm-slim\nCOPY --chown=node . /app\nCMD [\"node\", \"/app/server.js\"]",
    fix: "FROM node:22-bookworm-slim\nCOPY . /app\nUSER 10001:10001\nCMD [\"node\", \"/app/server.js\"]",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "hadolint: DL3002",
    ],
    description_key: None,
};

/// Programs that run a command as another user: an entrypoint that uses one
/// starts as root to drop to it (as the official postgres and redis images do).
const DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "chpst",
];

/// Base images that run as a non-root user unless told otherwise.
fn non_root_base(image: &str) -> bool {
    let image = image.trim_start_matches("docker.io/");
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, ""),
    };
    let name = name.split('@').next().unwrap_or(name);
    name.ends_with("nginxinc/nginx-unprivileged")
        || name.starts_with("bitnami/")
        || (name.contains("distroless") && tag.contains("nonroot"))
        || name.starts_with("cgr.dev/chainguard/")
        || (name.starts_with("registry.access.redhat.com/ubi") && name.contains("nodejs"))
}

/// Whether the stage's `ENTRYPOINT`/`CMD`, or the entrypoint script it names in
/// the build context, drops privileges.
fn drops_privileges(ctx: &Ctx<'_>, stage: &crate::syntax::dockerfile::Stage) -> bool {
    let starts: Vec<&crate::syntax::dockerfile::Instruction> =
        [last(stage, "ENTRYPOINT"), last(stage, "CMD")]
            .into_iter()
            .flatten()
            .collect();
    let words: Vec<String> = starts.iter().flat_map(|i| i.words()).collect();
    if words.iter().any(|w| DROPPERS.contains(&super::program(w))) {
        return true;
    }
    let runs_script = |w: &String| w.ends_with(".sh") || w.contains("entrypoint");
    // The image installs a dropper and starts through an entrypoint script
    // (the official images' shape: the script ends in `exec gosu user "$@"`).
    let installs_dropper = stage.instructions.iter().any(|i| {
        (i.is("RUN") || i.is("COPY") || i.is("ADD"))
            && i.args
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .any(|tok| matches!(tok, "gosu" | "su-exec"))
    });
    if installs_dropper
        && last(stage, "ENTRYPOINT").is_some_and(|e| e.words().iter().any(runs_script))
    {
        return true;
    }
    // The script the entrypoint runs, as copied from the build context.
    let Some(dir) = ctx.context else {
        return false;
    };
    words.iter().filter(|w| runs_script(w)).any(|w| {
        let name = super::program(w);
        stage
            .instructions
            .iter()
            .filter(|i| i.is("COPY") || i.is("ADD"))
            .flat_map(|i| i.words())
            .filter(|src| super::program(src) == name)
            .any(|src| {
                std::fs::read_to_string(dir.join(&src)).is_ok_and(|t| {
                    t.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                        .any(|tok| DROPPERS.contains(&tok))
                })
            })
    })
}

/// The `USER` in force at the end of a stage: its own last one, else the one
/// in force in the stage it is built `FROM`.
fn user_in_force<'a>(
    ctx: &Ctx<'a>,
    stage: &'a crate::syntax::dockerfile::Stage,
    depth: usize,
) -> Option<&'a crate::syntax::dockerfile::Instruction> {
    if let Some(u) = last(stage, "USER") {
        return Some(u);
    }
    let parent = ctx.file.stages.iter().find(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&stage.image))
    })?;
    if depth > 16 || std::ptr::eq(parent, stage) {
        return None;
    }
    user_in_force(ctx, parent, depth + 1)
}

/// The image a stage starts from in the end (through other stages).
fn base_image<'a>(ctx: &Ctx<'a>, stage: &'a crate::syntax::dockerfile::Stage) -> &'a str {
    let mut image = stage.image.as_str();
    for _ in 0..16 {
        match ctx.file.stages.iter().find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(image))
        }) {
            Some(s) => image = s.image.as_str(),
            None => break,
        }
    }
    image
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    // A base image (no `CMD` or `ENTRYPOINT` of its own) runs nothing: the
    // user is the images built from it to decide.
    if last(stage, "CMD").is_none() && last(stage, "ENTRYPOINT").is_none() {
        return;
    }
    match user_in_force(ctx, stage, 0) {
        None if non_root_base(base_image(ctx, stage)) || drops_privileges(ctx, stage) => {}
        None => sink.report(
            stage.from.span,
            "the final stage sets no `USER`: the process runs as root",
            "add `USER 10001:10001` (a numeric user that owns nothing in the image) before `CMD`",
        ),
        Some(user) => {
            let who = user.args.split(':').next().unwrap_or("").trim();
            if (who == "root" || who == "0") && !drops_privileges(ctx, stage) {
                sink.report(
                    user.span,
                    format!("`USER {}` runs the process as root", user.args),
                    "use a numeric non-root user: `USER 10001:10001`",
                );
            }
        }
    }
}
