//! The linter: every rule documented and proven by fixtures that must and must
//! not trigger it, output formats, suppression, exit codes.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The first diagnostic of a JSON report with this code.
fn diagnostic<'a>(report: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}
use serde_json::Value;

fn lint_json(args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = svcgen(&all);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code(), v)
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn rules() -> Vec<Value> {
    let out = svcgen(&["explain", "--all", "--format", "json"]);
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Every diagnostic of a fixture, one a line: code, span, message.
fn snapshot(v: &Value) -> String {
    let mut out = String::new();
    for d in v["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        let file = file.rsplit('/').next().unwrap_or(file);
        out.push_str(&format!(
            "{} {}:{}:{}-{}:{} {}\n",
            d["code"].as_str().unwrap(),
            file,
            d["start"]["line"],
            d["start"]["column"],
            d["end"]["line"],
            d["end"]["column"],
            d["message"].as_str().unwrap()
        ));
    }
    out
}

/// A fixture's findings — codes, spans and messages — must equal its `.expected`
/// file (read by hand; `SVCGEN_UPDATE_SNAPSHOTS=1` writes them anew).
fn check_snapshot(fixture: &Path, v: &Value) {
    let mut name = fixture.file_name().unwrap().to_os_string();
    name.push(".expected");
    let path = fixture.with_file_name(name);
    let got = snapshot(v);
    if std::env::var_os("SVCGEN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} has no snapshot: run `SVCGEN_UPDATE_SNAPSHOTS=1 cargo test --test suite lint_rules::` and read it",
            fixture.display()
        )
    });
    assert_eq!(
        got,
        want,
        "{}: findings differ from {}",
        fixture.display(),
        path.display()
    );
}

/// Every rule is documented and has fixtures both ways, each matching its
/// snapshot. Each rule is checked on its own: a failing rule is reported with
/// all the others that fail, never hiding them.
#[test]
fn every_rule_is_documented_and_has_fixtures_both_ways() {
    let rules = rules();
    assert!(rules.len() >= 18);
    let mut seen = std::collections::HashSet::new();
    let mut failed = Vec::new();
    for r in &rules {
        let code = r["code"].as_str().unwrap();
        assert!(seen.insert(code.to_string()), "duplicate code {code}");
        if std::panic::catch_unwind(|| check_rule(r)).is_err() {
            failed.push(code.to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} rule(s) failed (each one's message is above): {failed:?}",
        failed.len()
    );
}

/// One rule: its documentation, its fixtures (bad-* trigger it, good-* do not)
/// and their snapshots.
fn check_rule(r: &Value) {
    let code = r["code"].as_str().unwrap();
    for field in ["name", "summary", "what", "why", "example", "fix"] {
        assert!(
            r[field].as_str().is_some_and(|s| s.trim().len() > 3),
            "{code} has no `{field}`"
        );
    }
    let dir = root().join("fixtures/lint").join(code);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{code}: no fixtures in {}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|x| x != "expected"))
        .collect();
    let bad: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("bad-"))
        .collect();
    let good: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("good-")
        })
        .collect();
    assert!(
        !bad.is_empty() && !good.is_empty(),
        "{code} needs bad-* and good-* fixtures"
    );
    for f in files.iter() {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let extra: Vec<String> = (if f.is_dir() { String::new() } else { read(f) })
            .lines()
            .find_map(|l| l.strip_prefix("# lint-args:"))
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let mut args: Vec<&str> = extra.iter().map(String::as_str).collect();
        // A directory is one service's files, checked against each other.
        if f.is_dir() {
            args.push("--together");
        }
        args.push(&rel);
        let (_, v) = lint_json(&args);
        check_snapshot(f, &v);
        let found = codes(&v).contains(&code.to_string());
        let must = bad.contains(&f);
        assert_eq!(
            found,
            must,
            "{rel}: {code} {} but got {:?}",
            if must {
                "must trigger"
            } else {
                "must not trigger"
            },
            codes(&v)
        );
    }
}

#[test]
fn explain_prints_one_rule() {
    let out = svcgen(&["explain", "ng006"]);
    let t = text(&out.stdout);
    assert!(
        t.starts_with("NG006 header-inheritance-loss (error)\n"),
        "{t}"
    );
    assert!(t.contains("\nWhy is this bad?\n") && t.contains("\nUse instead\n"));
    assert_eq!(svcgen(&["explain", "NG999"]).status.code(), Some(2));
}

#[test]
fn every_rendered_fixture_lints_clean() {
    for file in valid_fixtures() {
        let (code, v) = lint_json(&[&file]);
        assert_eq!(code, Some(0), "{file}: {v:#}");
        assert!(codes(&v).is_empty(), "{file}: {v:#}");
    }
}

#[test]
fn a_description_finding_names_its_key() {
    let dir = tempfile::tempdir().unwrap();
    // A user template that forgets the headers in locations.
    let site = read(&root().join("templates/nginx.conf.j2")).replace(
        "{{ security_headers() | indent(4, true) | chomp }}",
        "        add_header Cache-Control no-store;",
    );
    std::fs::write(dir.path().join("nginx.conf.j2"), site).unwrap();
    let (code, v) = lint_json(&[
        "--templates",
        dir.path().to_str().unwrap(),
        "fixtures/api-gateway.yaml",
    ]);
    assert_eq!(code, Some(1));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "NG006")
        .expect("NG006");
    assert_eq!(d["origin"]["key"], "site.headers");
    assert_eq!(d["origin"]["description"], "fixtures/api-gateway.yaml");
    assert!(
        d["file"]
            .as_str()
            .unwrap()
            .contains("api-gateway.conf (rendered)")
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("Strict-Transport-Security"),
        "{d}"
    );
}

#[test]
fn json_diagnostics_have_positions_and_docs() {
    let (code, v) = lint_json(&["fixtures/lint/NG013/bad-http-host.conf"]);
    assert_eq!(code, Some(1));
    let d = diagnostic(&v, "NG013");
    assert_eq!(d["file"], "fixtures/lint/NG013/bad-http-host.conf");
    assert_eq!(d["start"]["line"], 4);
    assert_eq!(d["start"]["column"], 31);
    assert_eq!(d["end"]["column"], 41);
    let range = d["byte_range"].as_array().unwrap();
    let src = read(&root().join("fixtures/lint/NG013/bad-http-host.conf"));
    assert_eq!(
        &src[range[0].as_u64().unwrap() as usize..range[1].as_u64().unwrap() as usize],
        "$http_host"
    );
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["docs"],
        "https://svcgen.github.io/svcgen/rules/NG013.html"
    );
    assert_eq!(v["version"], 1);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema_path = root().join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&read(&schema_path)).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let out = svcgen(&[
        "lint",
        "--format",
        "sarif",
        "fixtures/lint/NG006",
        "fixtures/lint/NG013",
        "fixtures/api-gateway.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "svcgen");
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        for f in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[f]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{rule}"
            );
        }
        // Each rule links its page on the docs site (docs:: checks the page exists).
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://svcgen.github.io/svcgen/rules/{}.html",
                rule["id"].as_str().unwrap()
            ),
            "{rule}"
        );
    }
    assert_eq!(
        run["tool"]["driver"]["informationUri"],
        "https://svcgen.github.io/svcgen/"
    );
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(["note", "warning", "error"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && root().join(uri).is_file(),
            "uri {uri} must be a repository file"
        );
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().is_some_and(|n| n >= 1), "{r}");
        }
    }
}

#[test]
fn github_annotations_are_escaped() {
    let out = svcgen(&[
        "lint",
        "--format",
        "github",
        "fixtures/lint/NG013/bad-http-host.conf",
    ]);
    let t = text(&out.stdout);
    let line = t
        .lines()
        .find(|l| l.contains("title=svcgen NG013"))
        .expect("an NG013 annotation");
    assert!(line.starts_with("::warning file=fixtures/lint/NG013/bad-http-host.conf,line=4,endLine=4,col=31,endColumn=41,title=svcgen NG013::"), "{line}");
    assert!(
        line.contains("%0Ause `$host`"),
        "newlines in the message are escaped: {line}"
    );
}

#[test]
fn select_ignore_fail_on_and_config_severity() {
    let f = "fixtures/lint/NG013/bad-http-host.conf";
    let (code, v) = lint_json(&["--select", "NG013", f]);
    assert_eq!((code, codes(&v)), (Some(1), vec!["NG013".to_string()]));
    let (code, v) = lint_json(&["--ignore", "NG", f]);
    assert_eq!((code, codes(&v).len()), (Some(0), 0));
    let (code, _) = lint_json(&["--select", "NG013", "--fail-on", "error", f]);
    assert_eq!(code, Some(0), "a warning below --fail-on error passes");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("lint.yaml");
    std::fs::write(
        &cfg,
        "lint:\n  select: [NG013]\n  severity:\n    NG013: error\n  fail_on: error\n",
    )
    .unwrap();
    let (code, v) = lint_json(&["--config", cfg.to_str().unwrap(), f]);
    assert_eq!(code, Some(1));
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    std::fs::write(&cfg, "lint:\n  selct: [NG013]\n").unwrap();
    let out = svcgen(&["lint", "--config", cfg.to_str().unwrap(), f]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        svcgen(&["lint", "--select", "XX9", f]).status.code(),
        Some(2)
    );
}

#[test]
fn parse_errors_exit_2_and_are_never_clean() {
    let (code, v) = lint_json(&["fixtures/lint/NG000/bad-syntax.conf"]);
    assert_eq!(code, Some(2));
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "NG000");
    assert_eq!(d["start"]["line"], 2);
    let (code, _) = lint_json(&["fixtures/invalid/unknown-key.yaml"]);
    assert_eq!(code, Some(2));
    let out = svcgen(&["lint", "fixtures/does-not-exist.conf"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn text_output_shows_the_snippet_code_and_help() {
    let out = svcgen(&["lint", "fixtures/lint/NG012/bad-alias.conf"]);
    // The findings are the output; the summary is said on standard error.
    assert_eq!(
        text(&out.stderr),
        "svcgen: 1 error(s), 2 warning(s), 0 info\n"
    );
    let t = text(&out.stdout);
    assert!(t.contains("NG012"), "{t}");
    assert!(
        t.contains("[fixtures/lint/NG012/bad-alias.conf:2:14]"),
        "{t}"
    );
    assert!(t.contains("location /assets {"), "{t}");
    assert!(t.contains("write `location /assets/`"), "{t}");
    assert!(!t.contains("\x1b["), "no colour off a terminal");
}

#[test]
fn nginx_dump_and_full_config_with_includes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("conf.d")).unwrap();
    std::fs::write(
        d.join("nginx.conf"),
        "events {}\nhttp {\n    server_tokens off;\n    include conf.d/*.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("conf.d/app.conf"),
        read(&root().join("fixtures/lint/NG013/bad-http-host.conf")),
    )
    .unwrap();
    let (code, v) = lint_json(&[
        d.join("nginx.conf").to_str().unwrap(),
        d.join("conf.d").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    let c = codes(&v);
    assert_eq!(
        c.iter().filter(|c| *c == "NG013").count(),
        1,
        "an included file is linted once: {c:?}"
    );
    assert!(
        !c.contains(&"NG007".to_string()),
        "server_tokens off from the http block is inherited: {c:?}"
    );
    let d13 = diagnostic(&v, "NG013");
    assert!(d13["file"].as_str().unwrap().ends_with("conf.d/app.conf"));

    let dump = format!(
        "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nevents {{}}\nhttp {{\n    server_tokens off;\n    include /etc/nginx/conf.d/*.conf;\n}}\n\n# configuration file /etc/nginx/conf.d/app.conf:\n{}",
        read(&root().join("fixtures/lint/NG013/bad-http-host.conf"))
    );
    let dump_file = d.join("dump.txt");
    std::fs::write(&dump_file, dump).unwrap();
    let (code, v) = lint_json(&["--type", "nginx", dump_file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    let d13 = diagnostic(&v, "NG013");
    assert_eq!(d13["file"], "/etc/nginx/conf.d/app.conf");
    assert_eq!(d13["start"]["line"], 4);
}

#[test]
fn shellcheck_findings_join_the_report() {
    require("shellcheck");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("deploy.sh");
    std::fs::write(
        &script,
        "#!/usr/bin/env bash\nset -Eeuo pipefail\ndir=$1\nls $dir\n# svcgen: ignore SC2086 -- the word splitting is wanted here\nls $dir\n",
    )
    .unwrap();
    let path = script.to_str().unwrap();
    let (_, v) = lint_json(&[path]);
    let sc: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SC2086")
        .collect();
    assert_eq!(
        sc.len(),
        1,
        "one SC2086 reported, the other suppressed: {v:#}"
    );
    assert_eq!(sc[0]["start"]["line"], 4);
    let (_, v) = lint_json(&["--no-shellcheck", path]);
    assert!(!codes(&v).iter().any(|c| c.starts_with("SC")), "{v:#}");
    let (_, v) = lint_json(&["--select", "SC2086", path]);
    assert!(codes(&v).iter().all(|c| c == "SC2086"), "{v:#}");
}

#[test]
fn hand_written_tutorial_files_show_the_expected_findings() {
    let (code, v) = lint_json(&["--together", "--no-shellcheck", "fixtures/handwritten"]);
    assert_eq!(code, Some(1));
    let got: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            format!(
                "{} {}:{}",
                d["code"].as_str().unwrap(),
                file,
                d["start"]["line"]
            )
        })
        .collect();
    let expected: Vec<String> = read(&root().join("fixtures/handwritten/expected.txt"))
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        got, expected,
        "fixtures/handwritten/expected.txt is the snapshot read by hand"
    );
}

/// What `render` writes lints clean when linted as a tree, as a user's CI does
/// with `svcgen lint --together` on the rendered directory: no finding above info
/// for any example.
#[test]
fn every_rendered_tree_lints_clean_together() {
    for file in valid_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        render_out(&file, dir.path());
        let (code, v) = lint_json(&["--together", dir.path().to_str().unwrap()]);
        let above_info: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] != "info")
            .map(|d| format!("{} {}: {}", d["code"], d["file"], d["message"]))
            .collect();
        assert!(above_info.is_empty(), "{file}: {above_info:#?}");
        assert_eq!(code, Some(0), "{file}");
    }
}

/// `--format concise`: one line a finding, `file:line:col: CODE message`, on
/// standard output; the summary on standard error.
#[test]
fn concise_output_is_one_line_a_finding() {
    let out = svcgen(&[
        "lint",
        "--format",
        "concise",
        "fixtures/lint/NG012/bad-alias.conf",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "fixtures/lint/NG012/bad-alias.conf:1:1: NG004 server is missing security headers: X-Content-Type-Options: nosniff, X-Frame-Options (or CSP frame-ancestors), Content-Security-Policy, Referrer-Policy\n\
         fixtures/lint/NG012/bad-alias.conf:1:1: NG007 no `server_tokens off;`: nginx discloses its version by default\n\
         fixtures/lint/NG012/bad-alias.conf:2:14: NG012 `location /assets` without a trailing slash serves an alias ending in `/`: `/assets../` escapes it\n"
    );
    assert_eq!(
        text(&out.stderr),
        "svcgen: 1 error(s), 2 warning(s), 0 info\n"
    );
}

/// `svcgen rules` lists every rule once; a rule's name works wherever its code does.
#[test]
fn rules_are_listed_and_named() {
    let out = svcgen(&["rules", "--format", "json"]);
    assert!(out.status.success());
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (codes, names): (Vec<&str>, Vec<&str>) = rules
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .unzip();
    assert_eq!(codes.len(), svcgen::lint::registry::all().len());
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "rule names are unique");
    let table = text(&svcgen(&["rules"]).stdout);
    assert_eq!(table.lines().count(), codes.len());
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()[..3]
                == ["NG012", "alias-traversal", "error"]),
        "{table}"
    );
    // explain and --select take the name.
    let by_name = svcgen(&["explain", "alias-traversal"]);
    assert_eq!(
        text(&by_name.stdout),
        text(&svcgen(&["explain", "NG012"]).stdout)
    );
    let out = svcgen(&[
        "lint",
        "--format",
        "concise",
        "--select",
        "Alias-Traversal",
        "fixtures/lint/NG012/bad-alias.conf",
    ]);
    assert_eq!(
        text(&out.stdout),
        "fixtures/lint/NG012/bad-alias.conf:2:14: NG012 `location /assets` without a trailing slash serves an alias ending in `/`: `/assets../` escapes it\n"
    );
    let out = svcgen(&[
        "lint",
        "--select",
        "no-such-rule",
        "fixtures/lint/NG012/bad-alias.conf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("matches no rule code or name; `svcgen rules` lists them"),
        "{}",
        text(&out.stderr)
    );
}

/// `explain` reads as text in a terminal (no Markdown fences or `#` headings);
/// `--format markdown` is the Markdown the guide's rule pages are made from.
#[test]
fn explain_is_text_or_markdown() {
    let plain = text(&svcgen(&["explain", "NG012"]).stdout);
    assert!(
        plain.starts_with("NG012 alias-traversal (error)\n"),
        "{plain}"
    );
    assert!(!plain.contains("```") && !plain.contains("\n#"), "{plain}");
    assert!(plain.contains("\n    location /assets {\n"), "{plain}");
    let markdown = text(&svcgen(&["explain", "NG012", "--format", "markdown"]).stdout);
    assert_eq!(
        markdown,
        svcgen::lint::registry::markdown(svcgen::lint::registry::find("NG012").unwrap())
    );
}

/// What a description chooses on purpose is said in the file it renders, so
/// svcgen never renders what its own lint then fails: HSTS off (NG003) and the
/// app allowed to run as root (SD004) render with a suppression naming the key,
/// and lint clean.
#[test]
fn explicit_choices_render_what_lint_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = read(&root().join("fixtures/minimal.yaml"));
    for (name, from, to, code) in [
        (
            "hsts-off",
            "  tls:\n",
            "  tls:\n    hsts: {enabled: false}\n",
            "NG003",
        ),
        (
            "root",
            "    kind: systemd\n",
            "    kind: systemd\n  hardening: {allow_root: true}\n",
            "SD004",
        ),
    ] {
        let mut text = minimal.replacen(from, to, 1);
        if name == "root" {
            text = text.replacen("user: hello\n", "user: root\n", 1);
        }
        let file = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let out = svcgen(&["lint", "--format", "concise", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", said(&out));
        assert!(out.stdout.is_empty(), "{name}: {}", said(&out));
        let out_dir = dir.path().join(name);
        render_out(file.to_str().unwrap(), &out_dir);
        let rendered: String = files_below(&out_dir)
            .iter()
            .map(|f| read(&out_dir.join(f)))
            .collect();
        assert!(
            rendered.contains(&format!("# svcgen: ignore {code} -- ")),
            "{name}: the rendered files say why {code} does not apply"
        );
    }
}

/// Every switch of the description — each boolean key and each key with a fixed
/// set of values, found in the schema — set to each of its values over two
/// examples: svcgen either refuses the description (at its line, exit 2) or
/// renders files its own lint accepts (exit 0), never files `svcgen lint` then
/// fails. Each variant is an environment of the example (a JSON merge patch),
/// which `svcgen lint` renders and lints with the base.
#[test]
fn every_switch_renders_what_lint_accepts() {
    fn resolve<'a>(
        root: &'a serde_json::Value,
        node: &'a serde_json::Value,
    ) -> &'a serde_json::Value {
        if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
            return resolve(root, root.pointer(r.trim_start_matches('#')).unwrap());
        }
        match node
            .get("allOf")
            .and_then(|a| a.as_array())
            .map(Vec::as_slice)
        {
            Some([only]) => resolve(root, only),
            _ => node,
        }
    }
    /// (path, values) for every switch below `node`.
    fn switches(
        root: &serde_json::Value,
        node: &serde_json::Value,
        path: &[String],
        out: &mut Vec<(Vec<String>, Vec<serde_json::Value>)>,
    ) {
        let node = resolve(root, node);
        let Some(props) = node.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        for (name, prop) in props {
            if path.is_empty() && matches!(name.as_str(), "environments" | "kubernetes") {
                continue;
            }
            let mut at = path.to_vec();
            at.push(name.clone());
            let p = resolve(root, prop);
            let types = p.get("type").cloned().unwrap_or_default();
            let boolean = types == "boolean"
                || types
                    .as_array()
                    .is_some_and(|t| t.contains(&"boolean".into()));
            let branches = p
                .get("oneOf")
                .or_else(|| p.get("anyOf"))
                .and_then(|b| b.as_array())
                .map(|b| {
                    b.iter()
                        .map(|b| resolve(root, b))
                        .filter(|b| b.get("type") != Some(&"null".into()))
                        .collect::<Vec<_>>()
                });
            if boolean {
                out.push((at, vec![true.into(), false.into()]));
            } else if let Some(branches) = &branches
                && !branches.is_empty()
                && branches.iter().all(|b| b.get("const").is_some())
            {
                out.push((at, branches.iter().map(|b| b["const"].clone()).collect()));
            } else if let Some(branches) = &branches
                && let [only] = branches.as_slice()
            {
                switches(root, only, &at, out);
            } else if let Some(values) = p.get("enum").and_then(|e| e.as_array()) {
                out.push((at, values.clone()));
            } else {
                switches(root, prop, &at, out);
            }
        }
    }
    let schema = svcgen::description::schema();
    let mut found = Vec::new();
    switches(schema, schema, &[], &mut found);
    let names: Vec<String> = found.iter().map(|(p, _)| p.join(".")).collect();
    assert!(found.len() >= 20, "{} switches: {names:?}", found.len());
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut variants = 0;
    for example in ["fixtures/minimal.yaml", "fixtures/api-gateway.yaml"] {
        let base = read(&root().join(example));
        let base = match base.find("\nkubernetes:") {
            Some(i) => base[..i + 1].to_string(),
            None => base,
        };
        assert!(!base.contains("\nenvironments:"), "{example}");
        for (path, values) in &found {
            for value in values {
                let mut patch = value.clone();
                for key in path.iter().rev() {
                    patch = serde_json::json!({ key: patch });
                }
                let file = dir.path().join(format!("variant-{variants}.yaml"));
                variants += 1;
                std::fs::write(&file, format!("{base}environments: {{v: {patch}}}\n")).unwrap();
                let out = svcgen(&["lint", "--format", "concise", file.to_str().unwrap()]);
                if out.status.code() == Some(1)
                    || !out.stdout.is_empty() && out.status.code() != Some(2)
                {
                    failures.push(format!(
                        "{example} with {} = {value}: {}",
                        path.join("."),
                        text(&out.stdout)
                    ));
                }
            }
        }
    }
    eprintln!("{variants} variants of {} switches", found.len());
    assert!(
        failures.is_empty(),
        "rendered, then failed lint:\n{}",
        failures.join("\n")
    );
}

/// Free-form values (secrets in `environment`, capabilities, system-call groups,
/// shell commands, timeouts, sizes, header values…) over the API gateway example:
/// `svcgen render` either refuses the description (exit 2, nothing written) or
/// writes files `svcgen lint` accepts. Three were rendered and then failed lint
/// before render ran lint itself: a secret in `environment` (PM004, now refused
/// at its line), every dangerous system-call group allowed (SD012) and a build
/// command with `rm -rf $DIR` (SH007).
#[test]
fn free_form_values_render_what_lint_accepts() {
    let base = read(&root().join("fixtures/api-gateway.yaml"));
    let base = base[..base.find("\nkubernetes:").unwrap() + 1].to_string();
    let variants: &[(&str, Option<&str>)] = &[
        (
            r#"{"environment": {"API_TOKEN": "s3cr3t-value-123456"}}"#,
            Some("`environment.API_TOKEN` looks like a secret"),
        ),
        (
            r#"{"environment": {"DATABASE_URL": "postgres://u:hunter2@db/x"}}"#,
            Some("`environment.DATABASE_URL` looks like a secret"),
        ),
        (
            r#"{"environment": {"TOKEN_TTL": "3600", "LOG_LEVEL": "debug"}}"#,
            None,
        ),
        (
            r#"{"host": {"hardening": {"allow_syscalls": ["@privileged", "@mount", "@debug", "@raw-io", "@module", "@reboot", "@swap", "@cpu-emulation", "@obsolete", "@clock"]}}}"#,
            Some("SD012"),
        ),
        (
            r#"{"host": {"hardening": {"allow_syscalls": ["@timer"]}}}"#,
            None,
        ),
        (
            r#"{"deploy": {"build": "npm run build && rm -rf $DIR"}}"#,
            Some("SH007"),
        ),
        (r#"{"deploy": {"build": "npm run build"}}"#, None),
        (
            r#"{"host": {"hardening": {"capabilities": ["CAP_NET_BIND_SERVICE"]}}}"#,
            None,
        ),
        (
            r#"{"host": {"hardening": {"address_families": ["AF_NETLINK"]}}}"#,
            None,
        ),
        (
            r#"{"host": {"hardening": {"network_peers": ["10.0.0.0/8"]}}}"#,
            None,
        ),
        (
            r#"{"host": {"hardening": {"writable_paths": ["/var/lib/api"]}}}"#,
            None,
        ),
        (r#"{"node": {"args": ["--max-old-space-size=512"]}}"#, None),
        (r#"{"shutdown": {"drain": "10m"}}"#, None),
        (r#"{"shutdown": {"drain": "1s"}}"#, None),
        (r#"{"health": {"timeout": "30s"}}"#, None),
        (r#"{"site": {"client_max_body_size": "1G"}}"#, None),
        (r#"{"deploy": {"install": "npm install"}}"#, None),
        (r#"{"deploy": {"health_retries": 1000}}"#, None),
        (
            r#"{"site": {"headers": {"referrer_policy": "unsafe-url"}}}"#,
            None,
        ),
        (
            r#"{"site": {"tls": {"hsts": {"max_age": "2y", "preload": true}}}}"#,
            None,
        ),
        (r#"{"logs": {"dir": "/var/log/api-gateway"}}"#, None),
        (r#"{"user": "nobody"}"#, None),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (patch, refused)) in variants.iter().enumerate() {
        let file = dir.path().join(format!("v{i}.yaml"));
        std::fs::write(&file, format!("{base}environments: {{v: {patch}}}\n")).unwrap();
        let out_dir = dir.path().join(format!("out{i}"));
        let out = svcgen(&[
            "render",
            file.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let stderr = text(&out.stderr);
        match refused {
            Some(why) => {
                assert_eq!(out.status.code(), Some(2), "{patch} is refused:\n{stderr}");
                assert!(stderr.contains(why), "{patch}: {why}\n{stderr}");
                assert!(!out_dir.exists(), "{patch}: nothing is written");
                // A refused secret is not shown: its snippet masks it, in render's
                // error and in lint's report.
                let reported = said(&svcgen(&["lint", file.to_str().unwrap()]));
                for secret in ["s3cr3t-value-123456", "hunter2"] {
                    assert!(
                        !stderr.contains(secret),
                        "{patch}: the error shows the secret:\n{stderr}"
                    );
                    assert!(
                        !reported.contains(secret),
                        "{patch}: lint shows the secret:\n{reported}"
                    );
                }
            }
            None => {
                assert_eq!(out.status.code(), Some(0), "{patch} renders:\n{stderr}");
                let lint = svcgen(&["lint", "--format", "concise", file.to_str().unwrap()]);
                assert_eq!(
                    lint.status.code(),
                    Some(0),
                    "{patch}: lint of what rendered:\n{}",
                    said(&lint)
                );
            }
        }
    }
}

/// Each edit to svcgen's own rendered manifests that once linted clean is
/// caught now, by the rule named beside it. The untouched manifests lint clean
/// (`rendered_trees_lint_clean` shows it for every example), so the finding is
/// the edit's.
#[test]
fn edits_that_weaken_rendered_manifests_are_caught() {
    const HELLO: &str = "tests/golden/minimal/hello.k8s.yaml";
    const GATEWAY: &str = "tests/golden/api-gateway/api-gateway.k8s/base/api-gateway.yaml";
    const CHAT: &str = "tests/golden/legacy-ingress/chat.k8s.yaml";
    // (file, what is replaced, by what, the code that must report it)
    let edits: &[(&str, &str, &str, &str)] = &[
        (
            HELLO,
            "readOnlyRootFilesystem: true",
            "readOnlyRootFilesystem: false",
            "KS021",
        ),
        (
            HELLO,
            "      automountServiceAccountToken: false\n",
            "",
            "KS023",
        ),
        (
            HELLO,
            "kind: NetworkPolicy",
            "kind: NetworkPolicyRemoved",
            "KS024",
        ),
        (
            HELLO,
            "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: hello\n  policyTypes",
            "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: hello-old\n  policyTypes",
            "KS024",
        ),
        (
            HELLO,
            "        readinessProbe:\n          failureThreshold: 2\n          httpGet:\n            path: /health\n            port: http\n          periodSeconds: 5\n          timeoutSeconds: 2\n",
            "",
            "KS025",
        ),
        (
            HELLO,
            "        lifecycle:\n          preStop:\n            sleep:\n              seconds: 5\n",
            "",
            "KS026",
        ),
        (
            HELLO,
            "pod-security.kubernetes.io/enforce: restricted",
            "pod-security.kubernetes.io/enforce: privileged",
            "KS027",
        ),
        (
            HELLO,
            "    pod-security.kubernetes.io/enforce: restricted\n",
            "",
            "KS027",
        ),
        (
            HELLO,
            "  selector:\n    matchLabels:\n      app.kubernetes.io/name: hello\n  strategy",
            "  selector:\n    matchLabels:\n      app: hello\n  strategy",
            "KS028",
        ),
        (
            HELLO,
            "          tcpSocket:\n            port: http",
            "          tcpSocket:\n            port: web",
            "KS029",
        ),
        (
            HELLO,
            "    targetPort: http",
            "    targetPort: web",
            "KS029",
        ),
        (
            GATEWAY,
            "    kind: Deployment\n    name: api-gateway",
            "    kind: Deployment\n    name: api-gateway-v2",
            "KS030",
        ),
        (
            HELLO,
            "apiVersion: policy/v1\n",
            "apiVersion: policy/v1beta1\n",
            "KS022",
        ),
        (
            CHAT,
            "      - backend:\n          service:\n            name: chat\n            port:\n              name: http\n        path: /\n",
            "      - backend:\n          serviceName: chat\n          servicePort: http\n        path: /\n",
            "KS031",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut missed = Vec::new();
    for (i, (file, from, to, code)) in edits.iter().enumerate() {
        let original = read(&root().join(file));
        assert!(
            original.contains(from),
            "edit {i}: `{from}` is not in {file} (the rendered output changed: update the edit)"
        );
        let edited = original.replacen(from, to, 1);
        let path = dir.path().join(format!("edit-{i}.k8s.yaml"));
        std::fs::write(&path, edited).unwrap();
        let (_, v) = lint_json(&[path.to_str().unwrap()]);
        if !codes(&v).iter().any(|c| c == code) {
            missed.push(format!(
                "edit {i} ({from:?} → {to:?}): no {code} in {:?}",
                codes(&v)
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// Pod Security Admission's own v1.37 test pods (restricted): every pod it
/// refuses is flagged by the svcgen rule of the control the pod breaks (named
/// by the upstream file's name), and no pod it admits is flagged by any Pod
/// Security rule.
#[test]
fn pod_security_rules_agree_with_admission_v1_37() {
    const PSS_RULES: [&str; 9] = [
        "KS001", "KS002", "KS003", "KS004", "KS005", "KS006", "KS007", "KS008", "KS017",
    ];
    // Upstream check (the fixture's name without its number) → svcgen rule.
    const CONTROL: [(&str, &str); 20] = [
        ("allowprivilegeescalation", "KS005"),
        ("apparmorprofile", "KS017"),
        ("capabilities_baseline", "KS008"),
        ("capabilities_restricted", "KS008"),
        ("hostnamespaces", "KS002"),
        ("hostpathvolumes", "KS003"),
        ("hostports", "KS004"),
        ("hostprobesandhostlifecycle", "KS017"),
        ("privileged", "KS001"),
        ("procmount", "KS017"),
        ("procmount_restricted", "KS017"),
        ("restrictedvolumes", "KS003"),
        ("runasnonroot", "KS006"),
        ("runasuser", "KS006"),
        ("seccompprofile_baseline", "KS007"),
        ("seccompprofile_restricted", "KS007"),
        ("selinuxoptions", "KS017"),
        ("sysctls", "KS017"),
        ("windowshostprocess", "KS002"),
        ("base", ""),
    ];
    let dir = root().join("fixtures/psa/v1.37");
    let mut wrong = Vec::new();
    let mut counted = [0usize; 2];
    for (k, refused) in [("fail", true), ("pass", false)] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(k))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_str().unwrap();
            let control = stem.trim_end_matches(|c: char| c.is_ascii_digit());
            let (_, v) = lint_json(&["--type", "kubernetes", f.to_str().unwrap()]);
            let found: Vec<String> = codes(&v)
                .into_iter()
                .filter(|c| PSS_RULES.contains(&c.as_str()))
                .collect();
            counted[usize::from(!refused)] += 1;
            if refused {
                let want = CONTROL
                    .iter()
                    .find(|(c, _)| *c == control)
                    .unwrap_or_else(|| panic!("{stem}: no rule named for control `{control}`"))
                    .1;
                if !found.iter().any(|c| c == want) {
                    wrong.push(format!(
                        "{k}/{stem}: refused upstream, no {want} (got {found:?})"
                    ));
                }
            } else if !found.is_empty() {
                wrong.push(format!("{k}/{stem}: admitted upstream, flagged {found:?}"));
            }
        }
    }
    assert_eq!(counted, [76, 23], "the upstream set changed size");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
