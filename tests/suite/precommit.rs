//! The real `pre-commit` (from PyPI) runs this repository's hooks with `try-repo` in
//! a temporary git repository: a clean service passes, a hardening violation and a
//! drifted rendering fail, with svcgen's diagnostics in the output.
//!
//! The hooks are this repository's `.pre-commit-hooks.yaml` as written (ids, file
//! patterns, arguments), run by the svcgen this suite built: only `language: rust`
//! (pre-commit's `cargo install` of the repository) becomes `language: system`
//! with that binary first on PATH, so the crate is not built a second time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// A hook repository holding this one's hook definitions, run with the built binary.
fn hook_repo(dir: &Path) -> PathBuf {
    let hooks = read(&root().join(".pre-commit-hooks.yaml"));
    assert_eq!(
        hooks.matches("\n  language: rust\n").count(),
        2,
        "both hooks are installed by pre-commit's rust language:\n{hooks}"
    );
    let repo = dir.join("hooks");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join(".pre-commit-hooks.yaml"),
        hooks.replace("\n  language: rust\n", "\n  language: system\n"),
    )
    .unwrap();
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "hooks"]);
    repo
}

fn try_repo(pre_commit: &Path, hooks: &Path, repo: &Path, hook: &str) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_svcgen")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run(Command::new(pre_commit)
        .current_dir(repo)
        .args([
            "try-repo",
            hooks.to_str().unwrap(),
            hook,
            "--all-files",
            "--color",
            "never",
        ])
        .env(
            "PRE_COMMIT_HOME",
            repo.parent().unwrap().join("pre-commit-home"),
        )
        .env("PATH", path)
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
    let hooks = hook_repo(tmp.path());
    let repo = &tmp.path().join("project");
    std::fs::create_dir_all(repo).unwrap();
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
        let out = try_repo(&pre_commit, &hooks, repo, hook);
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
    let out = try_repo(&pre_commit, &hooks, repo, "svcgen-lint");
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
    let out = try_repo(&pre_commit, &hooks, repo, "svcgen-check");
    let log = both(&out);
    assert!(!out.status.success(), "drift must fail:\n{log}");
    assert!(
        log.contains("ecosystem.config.js: differs from what svcgen renders"),
        "{log}"
    );
}
