//! The README and the guide in docs/ show a real description and what svcgen
//! renders from it. This test keeps those blocks true: run with
//! `SVCGEN_UPDATE_README=1` to refresh them.

use crate::common::*;

fn rendered(description: &str, file_name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    render_out(description, dir.path());
    read(&dir.path().join(file_name))
}

/// The rule catalogue as a Markdown table, from `svcgen explain --all --format json`.
fn rules_table() -> String {
    let out = svcgen(&["explain", "--all", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut t = String::from("| code | name | severity | finds |\n| --- | --- | --- | --- |\n");
    for r in rules.as_array().unwrap() {
        t.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r["code"].as_str().unwrap(),
            r["name"].as_str().unwrap(),
            r["severity"].as_str().unwrap(),
            r["summary"].as_str().unwrap().replace('|', "\\|")
        ));
    }
    t
}

/// Replaces the body of every `<!-- begin KIND ARGS -->` … `<!-- end -->` block.
fn refresh(readme: &str) -> String {
    let mut out = String::new();
    let mut rest = readme;
    while let Some(start) = rest.find("<!-- begin ") {
        let header_end = start + rest[start..].find("-->").expect("unterminated marker") + 3;
        out.push_str(&rest[..header_end]);
        let header = rest[start + 11..header_end - 3].trim().to_string();
        let end = header_end
            + rest[header_end..]
                .find("<!-- end -->")
                .expect("block without end");
        let body = &rest[header_end..end];
        let fence_lang = body
            .trim_start()
            .strip_prefix("```")
            .and_then(|s| s.lines().next())
            .unwrap_or("")
            .to_string();
        let words: Vec<&str> = header.split_whitespace().collect();
        let content = match words.as_slice() {
            ["file", path] => read(&root().join(path)),
            ["render", description, file_name] => rendered(description, file_name),
            ["rules"] => rules_table(),
            _ => panic!("unknown README block `{header}`"),
        };
        if words.first() == Some(&"rules") {
            out.push_str(&format!("\n{content}"));
        } else {
            out.push_str(&format!("\n```{fence_lang}\n{content}```\n"));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The README and every page of the guide.
pub fn documents() -> Vec<std::path::PathBuf> {
    let mut pages: Vec<_> = std::fs::read_dir(root().join("docs/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.insert(0, root().join("README.md"));
    pages
}

#[test]
fn readme_examples_are_current() {
    let mut stale = Vec::new();
    for path in documents() {
        let text = read(&path);
        let fresh = refresh(&text);
        if fresh == text {
            continue;
        }
        if std::env::var_os("SVCGEN_UPDATE_README").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} show stale output: run `SVCGEN_UPDATE_README=1 cargo test --test suite readme::`"
    );
}

/// The README's quick start, run exactly as written in a scratch git
/// repository with the built svcgen on PATH: every command succeeds.
#[test]
fn the_quick_start_runs_as_written() {
    let readme = read(&root().join("README.md"));
    let section = &readme[readme.find("## Quick start\n").expect("a quick start")..];
    let start = section.find("```sh\n").unwrap() + "```sh\n".len();
    let block = &section[start..start + section[start..].find("```\n").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "--quiet"]);
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_svcgen"))
        .parent()
        .unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let out = run(std::process::Command::new("bash")
            .args(["-c", line])
            .current_dir(dir.path())
            .env("PATH", &path));
        assert!(out.status.success(), "`{line}`:\n{}", said(&out));
        ran += 1;
    }
    assert_eq!(ran, 4, "{block}");
    assert!(dir.path().join("shop/shop.conf").is_file());
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme = read(&root().join("README.md"));
    let first_block: Vec<&str> = readme
        .split("```")
        .nth(1)
        .expect("a code block")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        first_block,
        [
            "cargo run --release -- render fixtures/api-gateway.yaml --out out/",
            "./scripts/test.sh"
        ]
    );
    let ci = read(&root().join(".ci/run"));
    assert!(
        ci.contains("./scripts/test.sh"),
        ".ci/run must call the README's test command"
    );
}
