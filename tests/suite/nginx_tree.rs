//! svcgen reads an nginx tree the way nginx reads it, checked against the real
//! nginx on a copy of `fixtures/nginx-tree` (Debian's /etc/nginx layout):
//! prefix-relative includes, glob(3) includes (no dotfiles, classes, directory
//! wildcards), `nginx -T` output, Latin-1 bytes, and every way a tree can be broken
//! (a syntax error in an included file, a misplaced block, an include loop, a FIFO,
//! empty input) is an error (exit 2) — never "no findings".

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

/// A copy of the tree with a test certificate, so the real nginx can load it.
fn tree() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("nginx");
    let out = run(Command::new("cp")
        .arg("-a")
        .arg(root().join("fixtures/nginx-tree"))
        .arg(&t));
    assert!(out.status.success(), "cp: {}", text(&out.stderr));
    self_signed("tree.test", &t.join("cert.pem"), &t.join("key.pem"));
    (tmp, t)
}

fn nginx(t: &Path, flag: &str) -> (bool, String, String) {
    let out = run(Command::new(require("nginx"))
        .arg(flag)
        .arg("-p")
        .arg(t)
        .arg("-c")
        .arg(t.join("nginx.conf")));
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// One diagnostic: code, file, line, column, message.
type Found = (String, String, u64, u64, String);

/// `svcgen lint --format json ARGS` in `dir`: (exit code, [(code, file, line, column, message)]).
fn lint_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, Vec<Found>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svcgen"))
        .arg("lint")
        .args(["--format", "json"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("svcgen lint {args:?} did not finish in 30s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), found)
}

fn short(found: &[Found]) -> Vec<String> {
    found
        .iter()
        .map(|(c, f, l, col, _)| format!("{c} {f}:{l}:{col}"))
        .collect()
}

#[test]
fn the_tree_lints_as_nginx_reads_it() {
    let (_tmp, t) = tree();
    let (ok, _, err) = nginx(&t, "-t");
    assert!(ok, "nginx -t refuses the tree: {err}");

    // The whole tree: the dotfiles (which do not parse) are never read, the class and
    // the directory wildcard are expanded, the snippets reach both sites, and the
    // Latin-1 comment moves no position.
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(
        short(&found),
        ["NG013 sites-enabled/cafe.conf:12:31"],
        "{found:?}"
    );
    assert_eq!(code, 1);

    // One site on its own: its includes are relative to the prefix (the directory
    // above it holding nginx.conf), not to sites-available/, and what nginx.conf
    // sets at http level (server_tokens off) is in force in it, as when nginx
    // reads it.
    let (code, found) = lint_in(&t.join("sites-available"), &["cafe.conf"], None);
    assert_eq!(short(&found), ["NG013 cafe.conf:12:31"], "{found:?}");
    assert_eq!(code, 1);
    let site = t.join("vhosts/shop/site.conf");
    let (_, found) = lint_in(
        Path::new("/"),
        &[
            site.to_str().unwrap(),
            "--prefix",
            t.to_str().unwrap(),
            "--select",
            "ng0",
        ],
        None,
    );
    // With the prefix given, its includes are found and nginx.conf's
    // `server_tokens off` applies: nothing to report (a wrong prefix would give
    // NG016 for the snippets and NG007).
    assert_eq!(short(&found), Vec::<String>::new(), "{found:?}");

    // `nginx -T` of the same tree: the same findings at the same places.
    let (ok, dump, err) = nginx(&t, "-T");
    assert!(ok, "nginx -T: {err}");
    assert!(dump.contains("# configuration file"), "{dump}");
    let (code, found) = lint_in(&t, &["--type", "nginx", "-"], Some(&dump));
    assert_eq!(
        short(&found),
        [format!(
            "NG013 {}:12:31",
            t.join("sites-enabled/cafe.conf").display()
        )],
        "{found:?}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_broken_tree_is_an_error_where_nginx_refuses_it() {
    // A syntax error in an included file: nginx -t refuses; svcgen exits 2 at the
    // included file's own line and column.
    let (_tmp, t) = tree();
    std::fs::write(
        t.join("snippets/tls.conf"),
        "ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_timeout 1d\n",
    )
    .unwrap();
    let (ok, _, err) = nginx(&t, "-t");
    assert!(!ok, "nginx -t should refuse: {err}");
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(code, 2, "{found:?}");
    let e = found
        .iter()
        .find(|f| f.0 == "NG000")
        .expect("an NG000 error");
    assert_eq!(
        (e.1.as_str(), e.2, e.3),
        ("snippets/tls.conf", 2, 1),
        "{found:?}"
    );
    assert!(e.4.contains("no terminating `;`"), "{}", e.4);

    // A location directly in http {}: "not allowed here" for nginx and svcgen alike.
    let (_tmp, t) = tree();
    let conf = read(&t.join("nginx.conf")).replace(
        "    include sites-enabled/*;",
        "    include sites-enabled/*;\n    location /x { return 404; }",
    );
    std::fs::write(t.join("nginx.conf"), conf).unwrap();
    let (ok, _, err) = nginx(&t, "-t");
    assert!(!ok && err.contains("not allowed here"), "nginx -t: {err}");
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(code, 2, "{found:?}");
    assert!(
        found.iter().any(|f| f.0 == "NG000"
            && f.4.contains("`location` is not allowed here (in `http`)")
            && (f.2, f.3) == (21, 5)),
        "{found:?}"
    );

    // An include loop, and a FIFO a glob matches: errors, promptly.
    let (_tmp, t) = tree();
    std::fs::write(
        t.join("snippets/headers.conf"),
        "include snippets/headers.conf;\n",
    )
    .unwrap();
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(code, 2, "{found:?}");
    assert!(
        found.iter().any(|f| f.4.contains("include loop")),
        "{found:?}"
    );
    let (_tmp, t) = tree();
    let out = run(Command::new("mkfifo").arg(t.join("conf.d/pipe.conf")));
    assert!(out.status.success());
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(code, 2, "{found:?}");
    assert!(
        found.iter().any(|f| f.4.contains("not a regular file")),
        "{found:?}"
    );

    // Empty standard input (a failed `nginx -T` in a pipe) is an error.
    let (code, found) = lint_in(&t, &["--type", "nginx", "-"], Some(""));
    assert_eq!(code, 2, "{found:?}");
    assert!(found[0].4.contains("standard input is empty"), "{found:?}");

    // A missing include stays NG016, a warning, and names where it looked.
    let (_tmp, t) = tree();
    std::fs::remove_file(t.join("snippets/headers.conf")).unwrap();
    let (code, found) = lint_in(&t, &["nginx.conf"], None);
    assert_eq!(code, 1, "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.0 == "NG016" && f.4.contains("looked for snippets/headers.conf")),
        "{found:?}"
    );
}

#[test]
fn the_rendered_sites_deploy_state_include_is_a_note_not_a_warning() {
    // A checkout of rendered files has no live/upstream.conf: deploy.sh writes it on
    // the server. The site marks that include, so linting the checkout stays clean
    // and says what it did not read.
    let dir = tempfile::tempdir().unwrap();
    render_out("fixtures/api-gateway.yaml", dir.path());
    let site = dir.path().join("api-gateway.conf");
    let out = svcgen(&["lint", site.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("include `/etc/nginx/sites-available/api-gateway.upstream` not read")
            && err.contains("a file deploy.sh writes on the server"),
        "{err}"
    );
    // The same include without the marker is NG016.
    let unmarked = read(&site).replace("# svcgen: deploy-state", "# deploy state");
    std::fs::write(&site, unmarked).unwrap();
    // Outside the checkout, this machine's /etc is not the server's: not read,
    // and a note names --root.
    let out = svcgen(&["lint", site.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("outside the files linted") && err.contains("--root DIR"),
        "{err}"
    );
    // Read beneath a copy of the server's files that lacks it: NG016.
    let copy = tempfile::tempdir().unwrap();
    let out = svcgen(&[
        "lint",
        "--root",
        copy.path().to_str().unwrap(),
        site.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("include `/etc/nginx/sites-available/api-gateway.upstream` not found"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_directory_with_link_loops_is_walked_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("sites");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(
        root().join("fixtures/lint/NG013/bad-http-host.conf"),
        d.join("site.conf"),
    )
    .unwrap();
    std::os::unix::fs::symlink("..", d.join("up")).unwrap();
    std::os::unix::fs::symlink("../sites", d.join("self")).unwrap();
    std::os::unix::fs::symlink("site.conf", d.join("again.conf")).unwrap();
    let (_, alone) = lint_in(&d, &["site.conf"], None);
    let (code, walked) = lint_in(tmp.path(), &["sites"], None);
    assert_eq!(code, 1);
    assert_eq!(walked.len(), alone.len(), "{walked:?}");
}

#[test]
fn huge_lines_and_files_stay_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("long.conf");
    let filler = "add_header X-A a; ".repeat(150_000);
    let text = format!(
        "server {{ listen 80; {filler}location / {{ proxy_set_header Host $http_host; }} }}\n"
    );
    std::fs::write(&f, &text).unwrap();
    let out = svcgen(&["lint", f.to_str().unwrap()]);
    let err = said(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &err[..err.len().min(2000)]
    );
    // A 2.7 MB line is shown as a window around each span, never whole.
    assert!(err.len() < 20_000, "{} bytes of report", err.len());
    let col = text.find("$http_host").unwrap() + 1;
    assert!(
        err.contains(&format!("long.conf:1:{col}]")),
        "{}",
        &err[..err.len().min(3000)]
    );
    // And a file over --max-file-size is an error, not read.
    let out = svcgen(&["lint", "--max-file-size", "1", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(said(&out).contains("over the limit of 1 MiB"));
}

/// svcgen under an address-space limit (`ulimit -v`) and a timeout, as a CI job or
/// a hook runs it: a huge include is refused by size, a raised limit ends in a clear
/// error rather than an abort, and a 42 MB configuration is linted within 1 GiB.
#[test]
fn large_inputs_under_an_address_space_limit() {
    let bash = require("bash");
    let timeout = require("timeout");
    let bin = env!("CARGO_BIN_EXE_svcgen");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let limited = |kib: u64, args: &str| {
        let out = std::process::Command::new(&bash)
            .arg("-c")
            .arg(format!(
                "ulimit -v {kib} && exec {} 120 {bin} lint {args}",
                timeout.display()
            ))
            .current_dir(d)
            .output()
            .unwrap();
        (out.status.code(), said(&out))
    };
    // A 1 GiB include (sparse: zeros): over the default limit, never read.
    std::fs::File::create(d.join("huge.conf"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    std::fs::write(
        d.join("nginx.conf"),
        "events {}\nhttp {\n    include huge.conf;\n}\n",
    )
    .unwrap();
    let (code, err) = limited(1 << 20, "nginx.conf");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("huge.conf cannot be read: it is 1073741824 bytes"),
        "{err}"
    );
    assert!(err.contains("raise it with --max-file-size"), "{err}");
    // Read anyway (limit raised) under 4 GiB of address space: a clear error at its
    // position (one 1 GiB token), not an allocation failure.
    let (code, err) = limited(4 << 20, "--max-file-size 2048 nginx.conf");
    assert_eq!(code, Some(2), "{}", &err[..err.len().min(2000)]);
    assert!(
        err.contains("huge.conf:1:1"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.len() < 20_000, "{} bytes of report", err.len());
    // A million-line configuration (42 MB) within 1 GiB of address space.
    let generated = std::process::Command::new("python3")
        .arg(root().join("scripts/gen-big-nginx.py"))
        .arg("1000000")
        .output()
        .unwrap();
    std::fs::write(d.join("big.conf"), &generated.stdout).unwrap();
    let (code, err) = limited(1 << 20, "--format json big.conf > /dev/null");
    assert_eq!(code, Some(1), "{}", &err[..err.len().min(2000)]);
}

/// A site file kept in a repository without its server's nginx.conf: the
/// relative include's file is not beside it and the prefix is unknown, so the
/// run says so (naming --prefix) instead of reporting NG016, and the rules
/// report what the include could set as info, never failing the run on it.
#[test]
fn an_unknown_prefix_is_a_note_naming_prefix() {
    let out = svcgen(&["lint", "fixtures/lint/NG016/good-unknown-prefix.conf"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("include `snippets/ssl-params.conf` was not found beside the file")
            && err.contains("give `--prefix DIR`"),
        "{err}"
    );
    assert!(!text(&out.stdout).contains("not found (looked for"));
    // Given the prefix (where nginx.conf is), the same include is NG016.
    let out = svcgen(&[
        "lint",
        "--prefix",
        "fixtures/nginx-tree",
        "fixtures/lint/NG016/good-unknown-prefix.conf",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("include `snippets/ssl-params.conf` not found (looked for"),
        "{}",
        text(&out.stdout)
    );
}
