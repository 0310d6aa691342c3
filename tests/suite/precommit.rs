//! The real `pre-commit` (from PyPI) with the svcgen this suite built first on
//! PATH, as an installed svcgen would be:
//! - the README's `.pre-commit-config.yaml`, pasted exactly as written into a
//!   scratch repository and installed as its git hook: real `git commit`s of a
//!   clean service pass; a rendered file edited by hand, a description edited
//!   without re-rendering and a hand-written site with a hardening violation are
//!   refused, with svcgen's diagnostics in the output;
//! - this repository's `.pre-commit-hooks.yaml` as written (the remote form),
//!   run with `try-repo`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// PATH with the built svcgen first.
fn path_with_svcgen() -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_svcgen")).parent().unwrap();
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A command run in `repo` with the built svcgen on PATH and pre-commit's
/// cache beside the repository.
fn in_repo(program: &Path, repo: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(repo)
        .env("PATH", path_with_svcgen())
        .env(
            "PRE_COMMIT_HOME",
            repo.parent().unwrap().join("pre-commit-home"),
        )
        .env("PRE_COMMIT_COLOR", "never")
        .env("NO_COLOR", "1");
    cmd
}

fn both(o: &Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

/// The YAML block of the README's pre-commit section, exactly as written.
fn readme_snippet() -> String {
    let readme = read(&root().join("README.md"));
    let section = &readme[readme
        .find("### pre-commit\n")
        .expect("a pre-commit section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + section[start..].find("```\n").unwrap();
    section[start..end].to_string()
}

/// A scratch project with one described service rendered where the hooks expect
/// it, committed.
fn project(dir: &Path) -> PathBuf {
    let repo = dir.join("project");
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
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
    repo
}

/// `git commit -am MESSAGE` after `git add .`, through the installed hook.
fn commit(repo: &Path, message: &str) -> Output {
    git(repo, &["add", "."]);
    run(in_repo(&require("git"), repo).args(["commit", "--quiet", "-m", message]))
}

const LEGACY_SITE: &str = "server {\n    listen 80;\n    server_tokens off;\n    location / {\n        proxy_pass http://127.0.0.1:4000;\n        proxy_set_header Host $http_host;\n    }\n}\n";

#[test]
fn the_readme_snippet_guards_commits_as_pasted() {
    let pre_commit = require("pre-commit");
    let tmp = tempfile::tempdir().unwrap();
    let repo = &project(tmp.path());
    std::fs::write(repo.join(".pre-commit-config.yaml"), readme_snippet()).unwrap();
    let out = run(in_repo(&pre_commit, repo).arg("install"));
    assert!(out.status.success(), "pre-commit install: {}", both(&out));

    // 1. A clean service commits (both hooks ran and passed).
    let out = commit(repo, "clean service");
    let log = both(&out);
    assert!(out.status.success(), "a clean service must commit:\n{log}");
    assert!(
        log.contains("svcgen lint") && log.contains("svcgen render --check"),
        "both hooks ran:\n{log}"
    );

    // 2. A rendered file edited by hand: refused, naming the file.
    let site = repo.join("deploy/api-gateway/api-gateway.conf");
    let rendered = read(&site);
    std::fs::write(
        &site,
        rendered.replace("server_tokens off;", "server_tokens on;"),
    )
    .unwrap();
    let out = commit(repo, "hand edit");
    let log = both(&out);
    assert!(!out.status.success(), "a hand edit must be refused:\n{log}");
    assert!(
        log.contains("api-gateway.conf: differs from what svcgen renders"),
        "{log}"
    );
    assert!(
        log.contains("svcgen render DESCRIPTIONS --out '{dir}/{name}'"),
        "the hint names the same layout:\n{log}"
    );
    std::fs::write(&site, &rendered).unwrap();

    // 3. A description edited without re-rendering: refused.
    let desc = repo.join("deploy/api.svcgen.yaml");
    std::fs::write(&desc, read(&desc).replace("instances: 4", "instances: 6")).unwrap();
    let out = commit(repo, "more workers");
    let log = both(&out);
    assert!(!out.status.success(), "drift must be refused:\n{log}");
    assert!(
        log.contains("ecosystem.config.js: differs from what svcgen renders"),
        "{log}"
    );
    // Re-rendered, it commits.
    render_out(desc.to_str().unwrap(), "{dir}/{name}");
    let out = commit(repo, "more workers, rendered");
    assert!(out.status.success(), "{}", both(&out));

    // 4. A hardening violation in a hand-written site: refused by the lint hook.
    std::fs::write(repo.join("deploy/legacy.conf"), LEGACY_SITE).unwrap();
    let out = commit(repo, "legacy site");
    let log = both(&out);
    assert!(!out.status.success(), "a violation must be refused:\n{log}");
    assert!(
        log.contains("NG013") && log.contains("deploy/legacy.conf"),
        "diagnostics visible:\n{log}"
    );
}

#[test]
fn the_remote_hook_definitions_run_as_written() {
    let pre_commit = require("pre-commit");
    let tmp = tempfile::tempdir().unwrap();
    // The hook repository: this one's definitions, committed.
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &["init", "--quiet", "--initial-branch=main"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "--quiet", "-m", "hooks"]);
    let repo = &project(tmp.path());
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "clean service"]);
    let try_repo = |hook: &str| {
        run(in_repo(&pre_commit, repo).args([
            "try-repo",
            hooks.to_str().unwrap(),
            hook,
            "--all-files",
            "--color",
            "never",
        ]))
    };
    for hook in ["svcgen-lint", "svcgen-check"] {
        let out = try_repo(hook);
        assert!(
            out.status.success(),
            "{hook} on a clean service:\n{}",
            both(&out)
        );
    }
    // A rendered file edited (committed, so --all-files sees the tree as it is).
    let site = repo.join("deploy/api-gateway/api-gateway.conf");
    std::fs::write(&site, read(&site) + "# edited\n").unwrap();
    git(repo, &["commit", "--quiet", "-am", "edit"]);
    let out = try_repo("svcgen-check");
    let log = both(&out);
    assert!(
        !out.status.success(),
        "an edited rendered file must fail:\n{log}"
    );
    assert!(log.contains("api-gateway.conf: differs"), "{log}");
    std::fs::write(repo.join("deploy/legacy.conf"), LEGACY_SITE).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "legacy"]);
    let out = try_repo("svcgen-lint");
    let log = both(&out);
    assert!(!out.status.success(), "a violation must fail:\n{log}");
    assert!(log.contains("NG013"), "{log}");
}
