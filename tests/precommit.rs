//! The real `pre-commit` (from PyPI) runs this repository's hooks with `try-repo` in
//! a temporary git repository: a clean service passes, a hardening violation and a
//! drifted rendering fail, with svcgen's diagnostics in the output.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn try_repo(pre_commit: &Path, repo: &Path, hook: &str) -> Output {
    let cache = root().join("target/pre-commit-cache");
    run(Command::new(pre_commit)
        .current_dir(repo)
        .args([
            "try-repo",
            root().to_str().unwrap(),
            hook,
            "--all-files",
            "--color",
            "never",
        ])
        .env("PRE_COMMIT_HOME", &cache)
        // pre-commit builds the hook with `cargo install`: share a target directory
        // and build quickly (no LTO, light optimisation) so the test stays short.
        .env("CARGO_TARGET_DIR", root().join("target/pre-commit-build"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("NO_COLOR", "1"))
}

fn both(o: &Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

#[test]
fn pre_commit_hooks_pass_clean_and_fail_violations_and_drift() {
    let pre_commit = require("pre-commit");
    require("git");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    std::fs::copy(
        root().join("fixtures/api-gateway.yaml"),
        repo.join("deploy/api.svcgen.yaml"),
    )
    .unwrap();
    let out = svcgen(&[
        "render",
        repo.join("deploy/api.svcgen.yaml").to_str().unwrap(),
        "--out",
        "{dir}/{name}",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(repo.join("deploy/api-gateway/api-gateway.conf").is_file());
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "clean service"]);

    // 1. A clean service passes both hooks.
    for hook in ["svcgen-lint", "svcgen-check"] {
        let out = try_repo(&pre_commit, repo, hook);
        assert!(
            out.status.success(),
            "{hook} on a clean service:\n{}",
            both(&out)
        );
    }

    // 2. A hardening violation in a hand-written site fails the lint hook.
    std::fs::write(
        repo.join("deploy/legacy.conf"),
        "server {\n    listen 80;\n    server_tokens off;\n    location / {\n        proxy_pass http://127.0.0.1:4000;\n        proxy_set_header Host $http_host;\n    }\n}\n",
    )
    .unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "legacy site"]);
    let out = try_repo(&pre_commit, repo, "svcgen-lint");
    let log = both(&out);
    assert!(!out.status.success(), "a violation must fail:\n{log}");
    assert!(
        log.contains("NG013") && log.contains("deploy/legacy.conf"),
        "diagnostics visible:\n{log}"
    );
    std::fs::remove_file(repo.join("deploy/legacy.conf")).unwrap();
    git(repo, &["commit", "--quiet", "-am", "drop legacy site"]);

    // 3. Drift: the description changes, the rendered files do not.
    let desc = repo.join("deploy/api.svcgen.yaml");
    std::fs::write(&desc, read(&desc).replace("instances: 4", "instances: 6")).unwrap();
    git(repo, &["commit", "--quiet", "-am", "more workers"]);
    let out = try_repo(&pre_commit, repo, "svcgen-check");
    let log = both(&out);
    assert!(!out.status.success(), "drift must fail:\n{log}");
    assert!(
        log.contains("ecosystem.config.js: differs from what svcgen renders"),
        "{log}"
    );
}
