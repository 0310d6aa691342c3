//! The release path, checked offline: the workflows pass actionlint (with
//! shellcheck over their `run:` scripts), the release refuses a tag or a
//! repository that disagrees with Cargo.toml, the workflows run the scripts and
//! tool versions the test set-up runs, and `cargo package` ships a clean crate.
//! (What the release publishes is built and installed by the system test
//! `package::`; uploads, Pages and tags cannot be exercised here.)

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn workflows() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(".github/workflows"))
        .expect(".github/workflows exists")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the ci and release workflows: {files:?}");
    files
}

fn actionlint(files: &[impl AsRef<Path>]) -> std::process::Output {
    let tool = require("actionlint");
    require("shellcheck");
    run(Command::new(tool)
        .arg("-oneline")
        .arg("-shellcheck")
        .arg(require("shellcheck"))
        .args(files.iter().map(|f| f.as_ref()))
        .current_dir(root()))
}

#[test]
fn the_workflows_pass_actionlint_and_a_broken_one_does_not() {
    let files = workflows();
    let out = actionlint(&files);
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "actionlint:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // The same checker finds what a careless edit would bring: an unquoted
    // variable in a `run:` script (shellcheck's SC2086) and an unknown job.
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("release.yml");
    let release = read(&root().join(".github/workflows/release.yml"));
    let edited = release
        .replace(
            r#"./scripts/release-check.sh "$GITHUB_REF_NAME""#,
            "./scripts/release-check.sh $GITHUB_REF_NAME",
        )
        .replace("needs: [dist, docs]", "needs: [dist, docs, sign]");
    assert_ne!(edited, release, "the edits apply to release.yml");
    std::fs::write(&broken, edited).unwrap();
    let out = actionlint(&[&broken]);
    let said = text(&out.stdout);
    assert!(
        !out.status.success(),
        "actionlint passed a broken workflow:\n{said}"
    );
    assert!(said.contains("SC2086"), "shellcheck's finding:\n{said}");
    assert!(said.contains("\"sign\""), "the unknown job:\n{said}");
}

fn release_check(tag: &str, url: &str) -> (bool, String) {
    let out = run(Command::new(root().join("scripts/release-check.sh"))
        .args([tag, url])
        .current_dir(root()));
    (
        out.status.success(),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

#[test]
fn a_release_refuses_a_tag_or_repository_cargo_toml_does_not_name() {
    let manifest = read(&root().join("Cargo.toml"));
    let field = |key: &str| -> String {
        let line = manifest
            .lines()
            .find(|l| l.starts_with(&format!("{key} = \"")))
            .unwrap_or_else(|| panic!("Cargo.toml has no {key}"));
        line.split('"').nth(1).unwrap().to_string()
    };
    let (version, repository, homepage) =
        (field("version"), field("repository"), field("homepage"));
    assert_eq!(version, env!("CARGO_PKG_VERSION"));

    let tag = format!("v{version}");
    let (ok, said) = release_check(&tag, &repository);
    assert!(ok, "the release of {tag} from {repository}:\n{said}");
    assert!(said.contains(&format!("docs at {homepage}")), "{said}");

    let (ok, said) = release_check("v99.0.0", &repository);
    assert!(!ok, "{said}");
    assert!(
        said.contains(&format!(
            "the tag is v99.0.0, but Cargo.toml's version is {version} (tag v{version})"
        )),
        "{said}"
    );

    let (ok, said) = release_check(&tag, "https://github.com/Someone/fork");
    assert!(!ok, "{said}");
    assert!(
        said.contains(&format!(
            "this repository is https://github.com/Someone/fork, but Cargo.toml's repository is {repository}"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "the docs are published at https://someone.github.io/fork/, but Cargo.toml's homepage (the rule pages lint links to) is {homepage}"
        )),
        "{said}"
    );
}

/// `readonly NAME=VALUE` in scripts/test.sh.
fn pinned(name: &str) -> String {
    let setup = read(&root().join("scripts/test.sh"));
    setup
        .lines()
        .find_map(|l| l.strip_prefix(&format!("readonly {name}=")))
        .unwrap_or_else(|| panic!("scripts/test.sh pins no {name}"))
        .to_string()
}

#[test]
fn the_workflows_run_what_the_tests_run() {
    let release = read(&root().join(".github/workflows/release.yml"));
    let ci = read(&root().join(".github/workflows/ci.yml"));
    for script in ["./scripts/release-check.sh", "./scripts/dist.sh"] {
        assert!(
            release.contains(&format!("run: {script}")),
            "release.yml runs {script}"
        );
        assert!(root().join(script).is_file(), "{script} exists");
    }
    assert!(ci.contains("./.ci/run"), "ci.yml runs .ci/run");
    for (var, pin) in [
        ("CARGO_DEB_VERSION", "CARGO_DEB_VERSION"),
        ("MDBOOK_VERSION", "MDBOOK_VERSION"),
    ] {
        let want = format!("{var}: \"{}\"", pinned(pin));
        assert!(
            release.contains(&want),
            "release.yml pins {want} like scripts/test.sh"
        );
    }
    // The toolchain the workflows install is the one Cargo.toml's rust-version allows.
    let manifest = read(&root().join("Cargo.toml"));
    let msrv = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("Cargo.toml has a rust-version");
    for (name, workflow) in [("release.yml", &release), ("ci.yml", &ci)] {
        let toolchain = workflow
            .lines()
            .find_map(|l| l.trim().strip_prefix("RUST_TOOLCHAIN: \""))
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{name} pins RUST_TOOLCHAIN"));
        let parts = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
        assert!(
            parts(toolchain) >= parts(msrv),
            "{name}'s toolchain {toolchain} is older than rust-version {msrv}"
        );
    }
}

#[test]
fn cargo_package_lists_a_clean_crate() {
    let out = run(Command::new(env!("CARGO"))
        .args(["package", "--locked", "--allow-dirty", "--list"])
        .current_dir(root()));
    let listed = text(&out.stdout);
    let said = text(&out.stderr);
    assert!(out.status.success(), "cargo package --list:\n{said}");
    assert!(!said.contains("warning"), "cargo package warns:\n{said}");
    // What the sources include at build time ships with them.
    for f in [
        "src/main.rs",
        "templates/nginx.conf.j2",
        "data/openssl-ciphers.tsv",
        "LICENSE",
        "README.md",
    ] {
        assert!(
            listed.lines().any(|l| l == f),
            "the crate holds no {f}:\n{listed}"
        );
    }
    for f in [".ci/run", ".github/workflows/release.yml"] {
        assert!(!listed.lines().any(|l| l == f), "the crate ships {f}");
    }
}

/// Every workflow the docs show (a YAML block with a top-level `jobs:`) passes
/// actionlint and installs the version this is.
#[test]
fn the_workflows_the_docs_show_pass_actionlint() {
    let mut pages = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs/src")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            pages.push(p);
        }
    }
    pages.sort();
    let tmp = tempfile::tempdir().unwrap();
    let mut shown = Vec::new();
    for page in &pages {
        let text = read(page);
        let mut block: Option<String> = None;
        for line in text.lines() {
            match (&mut block, line) {
                (None, "```yaml") => block = Some(String::new()),
                (Some(b), "```") => {
                    if b.lines().any(|l| l == "jobs:") {
                        let file = tmp.path().join(format!("workflow-{}.yml", shown.len()));
                        std::fs::write(&file, &*b).unwrap();
                        shown.push((page.clone(), file, b.clone()));
                    }
                    block = None;
                }
                (Some(b), l) => {
                    b.push_str(l);
                    b.push('\n');
                }
                (None, _) => {}
            }
        }
    }
    assert!(!shown.is_empty(), "the docs show a GitHub Actions workflow");
    for (page, file, body) in &shown {
        let out = actionlint(&[file]);
        assert!(
            out.status.success(),
            "{}: the workflow it shows fails actionlint:\n{}{}",
            page.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
        if let Some(v) = body
            .lines()
            .find_map(|l| l.trim().strip_prefix("SVCGEN_VERSION: \""))
        {
            assert_eq!(
                v.trim_end_matches('"'),
                env!("CARGO_PKG_VERSION"),
                "{}: the workflow installs another version",
                page.display()
            );
        }
    }
}
