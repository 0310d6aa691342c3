//! Drift and delivery: diff, render --check/--write/--root, init, completions, man.

use std::path::Path;

use crate::common::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn diff_shows_added_modified_and_stale_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = s(dir.path());
    // Nothing on disk: every file is wholly added.
    let out = svcgen(&["diff", "fixtures/realtime.yaml", "--out", d]);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains(&format!("--- on disk: {d}/live-dashboard.conf")),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("+++ rendered: {d}/live-dashboard.conf")),
        "{diff}"
    );
    assert!(
        diff.contains("+    http2 on;") || diff.contains("+    listen 443 ssl http2;"),
        "{diff}"
    );

    assert!(
        svcgen(&["render", "fixtures/realtime.yaml", "--out", d])
            .status
            .success()
    );
    let out = svcgen(&["diff", "fixtures/realtime.yaml", "--out", d]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(out.stdout.is_empty());

    // A hand edit shows as a hunk with context.
    let site = dir.path().join("live-dashboard.conf");
    let edited = read(&site).replace("proxy_buffering off;", "proxy_buffering on;");
    std::fs::write(&site, &edited).unwrap();
    let out = svcgen(&["diff", "fixtures/realtime.yaml", "--out", d]);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-        proxy_buffering on;\n+        proxy_buffering off;"),
        "{diff}"
    );
    assert!(diff.contains("@@ "), "{diff}");
    assert!(!diff.contains("\x1b["), "no colour when not on a terminal");

    // JSON summary.
    let out = svcgen(&[
        "diff",
        "fixtures/realtime.yaml",
        "--out",
        d,
        "--format",
        "json",
    ]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["drift"], true);
    let modified: Vec<_> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "modified")
        .collect();
    assert_eq!(modified.len(), 1);
    assert_eq!(modified[0]["added"], 2);
    assert_eq!(modified[0]["removed"], 2);
    assert_eq!(read(&site), edited, "diff never writes");
}

#[test]
fn files_no_longer_rendered_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = s(dir.path());
    let desc = dir.path().join("svc.yaml");
    let pm2 = read(&root().join("fixtures/api-gateway.yaml"));
    std::fs::write(&desc, &pm2).unwrap();
    let out_dir = dir.path().join("out");
    assert!(
        svcgen(&["render", s(&desc), "--out", s(&out_dir)])
            .status
            .success()
    );
    // Switch to systemd: the ecosystem file is no longer rendered, and four
    // instances become a templated unit, so the plain unit is stale too.
    std::fs::write(&desc, pm2.replace("kind: pm2", "kind: systemd")).unwrap();
    let out = svcgen(&["render", s(&desc), "--out", s(&out_dir), "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("ecosystem.config.js: is no longer rendered"),
        "{report}"
    );
    let out = svcgen(&["diff", s(&desc), "--out", s(&out_dir), "--format", "json"]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stale: Vec<_> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "stale")
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        stale,
        // The Ansible project's copies of each environment's host files too.
        [
            "",
            "/api-gateway.ansible/files/production",
            "/api-gateway.ansible/files/staging"
        ]
        .iter()
        .flat_map(|sub| {
            ["api-gateway.service", "ecosystem.config.js"]
                .map(|f| format!("{}{sub}/{f}", s(&out_dir)))
        })
        .collect::<Vec<_>>(),
        "{summary}"
    );
    let _ = d;
}

#[test]
fn write_only_touches_changed_files_and_check_is_then_clean() {
    let dir = tempfile::tempdir().unwrap();
    let d = s(dir.path());
    let out = svcgen(&["render", "fixtures/orders-systemd.yaml", "--root", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let unit = dir.path().join("etc/systemd/system/orders-green@.service");
    let site = dir.path().join("etc/nginx/sites-available/orders.conf");
    let script = dir.path().join("srv/orders/deploy.sh");
    for p in [&unit, &site, &script] {
        assert!(p.is_file(), "{} not installed", p.display());
    }
    let before = std::fs::metadata(&unit).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = svcgen(&["render", "fixtures/orders-systemd.yaml", "--root", d]);
    assert!(
        text(&out.stdout)
            .lines()
            .all(|l| l.starts_with("unchanged ")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::metadata(&unit).unwrap().modified().unwrap(),
        before
    );
    let out = svcgen(&[
        "render",
        "fixtures/orders-systemd.yaml",
        "--root",
        d,
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // No temporary files left behind.
    for p in [&unit, &site, &script] {
        let names: Vec<String> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    }
}

#[test]
fn out_pattern_names_each_service() {
    let dir = tempfile::tempdir().unwrap();
    let pattern = format!("{}/{{name}}", s(dir.path()));
    let out = svcgen(&[
        "render",
        "fixtures/minimal.yaml",
        "fixtures/realtime.yaml",
        "--out",
        &pattern,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("hello/hello-blue@.service").is_file());
    assert!(dir.path().join("live-dashboard/deploy.sh").is_file());
    let out = svcgen(&[
        "render",
        "fixtures/minimal.yaml",
        "fixtures/realtime.yaml",
        "--out",
        &pattern,
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn init_writes_a_starter_that_renders_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.svcgen.yaml");
    let out = svcgen(&[
        "init",
        "--name",
        "shop",
        "--domain",
        "shop.example.com",
        "--port",
        "3300",
        "--supervisor",
        "systemd",
        "--output",
        s(&file),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = read(&file);
    assert!(
        body.starts_with("# yaml-language-server: $schema=./svcgen.schema.json\n"),
        "{body}"
    );
    assert!(dir.path().join("svcgen.schema.json").is_file());
    assert!(body.contains("kind: systemd") && body.contains("port: 3300"));
    let out = svcgen(&["render", s(&file), "--out", s(&dir.path().join("build"))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = svcgen(&["lint", s(&file)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the starter lints clean: {}",
        text(&out.stderr)
    );
    refused(
        &["init", "--name", "shop", "--output", s(&file)],
        "never overwrites",
    );
    assert_eq!(read(&file), body);
    let out = svcgen(&[
        "init",
        "--name",
        "Bad Name",
        "--output",
        s(&dir.path().join("x.yaml")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("x.yaml").exists());
}

#[test]
fn completions_man_and_help_with_examples() {
    for shell in ["bash", "zsh", "fish"] {
        let out = svcgen(&["completions", shell]);
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("render"), "{shell} completions");
    }
    let out = svcgen(&["man"]);
    assert!(text(&out.stdout).contains(".TH svcgen"));
    for sub in [
        "render",
        "diff",
        "lint",
        "explain",
        "init",
        "schema",
        "completions",
        "man",
    ] {
        let out = svcgen(&[sub, "--help"]);
        assert!(out.status.success());
        assert!(
            text(&out.stdout).contains("Example"),
            "`svcgen {sub} --help` has no example"
        );
    }
}

#[test]
fn writes_are_confined_locked_and_never_collide() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two services into one flat directory: refused before anything is written.
    let flat = d.join("flat");
    let out = svcgen(&[
        "render",
        "fixtures/api-gateway.yaml",
        "fixtures/realtime.yaml",
        "--out",
        s(&flat),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "would be written from both fixtures/api-gateway.yaml and fixtures/realtime.yaml"
        ),
        "{err}"
    );
    assert!(!flat.exists() || std::fs::read_dir(&flat).unwrap().count() == 0);
    // With {name} each gets its own directory.
    let named = d.join("named/{name}");
    let out = svcgen(&[
        "render",
        "fixtures/api-gateway.yaml",
        "fixtures/realtime.yaml",
        "--out",
        s(&named),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A link committed in the output directory that leads out of it.
    let outdir = d.join("out");
    std::fs::create_dir_all(&outdir).unwrap();
    let victim = d.join("bashrc");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::os::unix::fs::symlink("../bashrc", outdir.join("deploy.sh")).unwrap();
    refused(
        &["render", "fixtures/api-gateway.yaml", "--out", s(&outdir)],
        "refusing to follow it",
    );
    assert_eq!(read(&victim), "keep me\n");
    assert_eq!(
        std::fs::read_dir(&outdir).unwrap().count(),
        1,
        "nothing was written"
    );

    // Two renders at once into one directory: each file is one whole render's.
    let shared = d.join("shared");
    let renders: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_svcgen"))
                .args(["render", "fixtures/api-gateway.yaml", "--out", s(&shared)])
                .current_dir(root())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in renders {
        assert!(c.wait().unwrap().success());
    }
    let check = svcgen(&[
        "render",
        "fixtures/api-gateway.yaml",
        "--out",
        s(&shared),
        "--check",
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let leftovers: Vec<String> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The Kubernetes files have no install path: `--out` writes them, `--check` and
/// `diff` compare them there, and a changed manifest is drift — the one stream,
/// and under environments the kustomize overlays.
#[test]
fn kubernetes_files_are_written_and_checked_under_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = s(&out);
    let fixture = "fixtures/realtime.yaml";
    assert!(svcgen(&["render", fixture, "--out", o]).status.success());
    let manifests = out.join("live-dashboard.k8s.yaml");
    assert!(out.join("Dockerfile").is_file() && manifests.is_file());
    let check = svcgen(&["render", fixture, "--out", o, "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let edited = read(&manifests).replace("  replicas: 3\n", "  replicas: 30\n");
    std::fs::write(&manifests, &edited).unwrap();
    let check = svcgen(&["render", fixture, "--out", o, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("live-dashboard.k8s.yaml: differs"),
        "{}",
        text(&check.stdout)
    );
    let diff = svcgen(&["diff", fixture, "--out", o]);
    assert!(
        text(&diff.stdout).contains("-  replicas: 30\n+  replicas: 3\n"),
        "{}",
        text(&diff.stdout)
    );
    assert_eq!(read(&manifests), edited, "--check and diff never write");

    // Environments: the layout is checked file by file, and each environment's
    // files under --env.
    let out = dir.path().join("envs");
    let o = s(&out);
    let fixture = "fixtures/api-gateway.yaml";
    assert!(svcgen(&["render", fixture, "--out", o]).status.success());
    let overlay = out.join("api-gateway.k8s/overlays/production/kustomization.yaml");
    let edited = read(&overlay).replace("value: 20", "value: 200");
    assert_ne!(edited, read(&overlay), "the overlay sets maxReplicas");
    std::fs::write(&overlay, &edited).unwrap();
    let check = svcgen(&["render", fixture, "--out", o, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout)
            .contains("api-gateway.k8s/overlays/production/kustomization.yaml: differs"),
        "{}",
        text(&check.stdout)
    );
    assert_eq!(read(&overlay), edited, "--check never writes");
    let staging = dir.path().join("staging");
    let st = s(&staging);
    let args = ["render", fixture, "--env", "staging", "--out", st];
    assert!(svcgen(&args).status.success());
    assert!(
        read(&staging.join("api-gateway.conf")).contains("server_name api.staging.example.com;")
    );
    let check = svcgen(&[
        "render", fixture, "--env", "staging", "--out", st, "--check",
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let check = svcgen(&["render", fixture, "--out", st, "--check"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "the base differs from staging's files"
    );
}

/// Links planted in the trees svcgen writes: a linked directory inside `--out`
/// or `--root`, a link at `--out DIR/{name}`, a dangling link at `init -o`. Each is
/// refused before anything is written, and nothing outside changes.
#[test]
fn planted_links_are_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let elsewhere = d.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let untouched = |what: &str| {
        assert_eq!(
            std::fs::read_dir(&elsewhere).unwrap().count(),
            0,
            "{what}: something was written outside"
        );
    };

    // --root r with r/etc -> ../elsewhere
    let root = d.join("r");
    std::fs::create_dir(&root).unwrap();
    std::os::unix::fs::symlink("../elsewhere", root.join("etc")).unwrap();
    let out = svcgen(&["render", "fixtures/minimal.yaml", "--root", s(&root)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing was written"));
    assert!(text(&out.stderr).contains("refusing to follow it"));
    untouched("--root");

    // --out o with o/api-gateway.k8s -> ../elsewhere (the kustomize tree's directory)
    let o = d.join("o");
    std::fs::create_dir(&o).unwrap();
    std::os::unix::fs::symlink("../elsewhere", o.join("api-gateway.k8s")).unwrap();
    refused(
        &["render", "fixtures/api-gateway.yaml", "--out", s(&o)],
        "leads out",
    );
    untouched("--out, linked directory");
    assert_eq!(std::fs::read_dir(&o).unwrap().count(), 1, "nothing written");

    // --out 'p/{name}' with p/hello -> ../elsewhere
    let p = d.join("p");
    std::fs::create_dir(&p).unwrap();
    std::os::unix::fs::symlink("../elsewhere", p.join("hello")).unwrap();
    let pattern = format!("{}/{{name}}", s(&p));
    let out = svcgen(&["render", "fixtures/minimal.yaml", "--out", &pattern]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    untouched("--out {name}");

    // init -o with a dangling link
    let victim = elsewhere.join("victim.yaml");
    let link = d.join("shop.svcgen.yaml");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    refused(
        &[
            "init",
            "--name",
            "shop",
            "--domain",
            "shop.example.com",
            "--port",
            "3000",
            "--supervisor",
            "pm2",
            "-o",
            s(&link),
        ],
        "already exists",
    );
    assert!(!victim.exists());
    untouched("init -o");
}

/// Where an example's reviewed rendered tree is kept.
fn golden_dir(fixture: &str) -> std::path::PathBuf {
    let name = fixture
        .trim_start_matches("fixtures/")
        .trim_end_matches(".yaml")
        .replace('/', "-");
    root().join("tests/golden").join(name)
}

/// Every file under `dir`, as (path relative to it, content), sorted.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.push((rel, read(&p)));
            }
        }
    }
    files.sort();
    files
}

/// Every example's rendered tree is the reviewed one in tests/golden/, byte for
/// byte: a change that moves a rendered line fails here with that line.
/// `SVCGEN_UPDATE_SNAPSHOTS=1` writes the trees anew (then read the git diff).
#[test]
fn every_example_renders_its_reviewed_tree() {
    let update = std::env::var_os("SVCGEN_UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for fixture in valid_fixtures() {
        let out_dir = tempfile::tempdir().unwrap();
        let out = svcgen(&["render", &fixture, "--out", s(out_dir.path())]);
        assert!(out.status.success(), "{fixture}: {}", text(&out.stderr));
        let rendered = tree(out_dir.path());
        let golden = golden_dir(&fixture);
        if update {
            let _ = std::fs::remove_dir_all(&golden);
            for (rel, content) in &rendered {
                let path = golden.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
            continue;
        }
        let kept = tree(&golden);
        let names = |t: &[(String, String)]| t.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        if names(&kept) != names(&rendered) {
            failures.push(format!(
                "{fixture}: renders {:?}; tests/golden holds {:?}",
                names(&rendered),
                names(&kept)
            ));
            continue;
        }
        for ((rel, want), (_, got)) in kept.iter().zip(&rendered) {
            if want == got {
                continue;
            }
            let (line, was, now) = want
                .lines()
                .map(Some)
                .chain(std::iter::repeat(None))
                .zip(got.lines().map(Some).chain(std::iter::repeat(None)))
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| {
                    (
                        i + 1,
                        a.unwrap_or("(end of file)"),
                        b.unwrap_or("(end of file)"),
                    )
                })
                .unwrap_or((0, "(a final newline)", "(none)"));
            failures.push(format!(
                "{}:{line}: the reviewed tree has\n    {was}\n  {fixture} now renders\n    {now}",
                golden.join(rel).strip_prefix(root()).unwrap().display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "rendered files differ from the reviewed trees (if the change is meant, run `SVCGEN_UPDATE_SNAPSHOTS=1 cargo test --test suite drift::` and review the git diff):\n{}",
        failures
            .iter()
            .take(20)
            .cloned()
            .chain((failures.len() > 20).then(|| format!("… and {} more", failures.len() - 20)))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `svcgen diff` without --out or --root never compares with this host's install
/// paths unasked: it uses the layout `svcgen init` suggests when every
/// description has it, and is refused otherwise; the text diff ends with a
/// summary line on standard error.
#[test]
fn diff_needs_a_target_or_the_init_layout_and_sums_up() {
    let dir = tempfile::tempdir().unwrap();
    let desc = dir.path().join("api.svcgen.yaml");
    std::fs::copy(root().join("fixtures/minimal.yaml"), &desc).unwrap();
    refused(&["diff", s(&desc)], "diff needs --out DIR");
    render_out(s(&desc), dir.path().join("hello"));
    let out = svcgen(&["diff", s(&desc)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("comparing with {dir}/{name}/"), "{said}");
    let files = files_below(&dir.path().join("hello")).len();
    assert!(
        said.ends_with(&format!(
            "svcgen: 0 differ, 0 missing, 0 no longer rendered, {files} unchanged\n"
        )),
        "{said}"
    );
    std::fs::remove_file(dir.path().join("hello/deploy.sh")).unwrap();
    let out = svcgen(&["diff", s(&desc)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).ends_with(&format!(
            "svcgen: 0 differ, 1 missing, 0 no longer rendered, {} unchanged\n",
            files - 1
        )),
        "{}",
        text(&out.stderr)
    );
}

/// The starter's commented examples say what svcgen does with them, and do it
/// when uncommented: its own CSP replaces the strict default, and a static
/// directory inside app_dir is served from the serving release (`current/`).
#[test]
fn the_starters_commented_examples_do_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.svcgen.yaml");
    let out = svcgen(&["init", "--name", "shop", "--output", s(&file)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let starter = read(&file);
    assert!(starter.contains("strict Content-Security-Policy by default"));
    assert!(starter.contains("from the serving release (this one from /srv/shop/current/public/)"));
    let uncommented = starter
        .replace("  # headers:", "  headers:")
        .replace(
            "  #   content_security_policy",
            "    content_security_policy",
        )
        .replace("  # - path: /assets/", "  - path: /assets/")
        .replace("  #   kind: static", "    kind: static")
        .replace("  #   dir: /srv/shop/public/", "    dir: /srv/shop/public/");
    std::fs::write(&file, uncommented).unwrap();
    render_out(s(&file), dir.path().join("out"));
    let site = read(&dir.path().join("out/shop.conf"));
    assert!(
        site.contains("img-src 'self' https://cdn.example.com"),
        "{site}"
    );
    assert!(site.contains("alias /srv/shop/current/public/;"), "{site}");
}

/// A directory stands for the descriptions below it when files are kept
/// (`--out`) or compared, never when they are installed: whoever can write
/// below the directory must not choose what root installs.
#[test]
fn a_directory_never_installs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/minimal.yaml"),
        dir.path().join("hello.svcgen.yaml"),
    )
    .unwrap();
    let d = s(dir.path());
    let root_dir = dir.path().join("root");
    refused(
        &["render", d, "--root", s(&root_dir)],
        "is a directory: name each description to install",
    );
    refused(
        &["render", d, "--write"],
        "is a directory: name each description to install",
    );
    assert!(!root_dir.exists(), "nothing was written");
    render_out(d, dir.path().join("{name}"));
    assert!(dir.path().join("hello/hello.conf").is_file());
}
