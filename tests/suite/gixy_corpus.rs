//! svcgen against gixy-ng 0.2.59's own plugin test corpus: for the plugins whose
//! hazard an svcgen rule covers, every `tests/plugins/simply/PLUGIN/*.conf` must be
//! flagged and every `*_fp.conf` must not (each file linted as it is, the way
//! gixy's harness feeds it). scripts/test.sh fetches the sdist from PyPI into
//! `target/`, checked against its pinned sha256 (MPL-2.0: never committed). Disagreements must be exactly the ones
//! the README lists with their reasons (none today).

use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

const GIXY: &str = "gixy-ng==0.2.59";

/// gixy plugin → the svcgen codes that cover the same hazard.
const OVERLAP: &[(&str, &[&str])] = &[
    ("add_header_redefinition", &["NG006"]),
    ("alias_traversal", &["NG012"]),
    ("host_spoofing", &["NG013"]),
    ("version_disclosure", &["NG007"]),
    ("hsts_header", &["NG003"]),
    ("weak_ssl_tls", &["NG001", "NG002", "NG020"]),
    ("ssl_stapling_letsencrypt", &["NG015"]),
    ("ssl_stapling_without_resolver", &["NG015"]),
];

/// Cases where svcgen deliberately disagrees, each explained in the README.
const KNOWN_DISAGREEMENTS: &[&str] = &[];

/// The corpus, fetched and hash-checked by scripts/test.sh (nothing is
/// downloaded here: a missing corpus fails, naming the set-up that fetches it).
fn corpus() -> PathBuf {
    let cases = root().join("target/gixy-corpus/gixy_ng-0.2.59/tests/plugins/simply");
    assert!(
        cases.is_dir(),
        "gixy-ng 0.2.59's test corpus is not in {}: run ./scripts/test.sh (it fetches {GIXY}'s sdist from PyPI and checks its sha256)",
        cases.display()
    );
    cases
}

fn flagged(file: &Path, codes: &[&str]) -> Result<bool, String> {
    let out = svcgen(&[
        "lint",
        "--format",
        "json",
        "--type",
        "nginx",
        "--select",
        &codes.join(","),
        file.to_str().unwrap(),
    ]);
    let v: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("{e}: {}", text(&out.stderr)))?;
    let diags = v["diagnostics"].as_array().unwrap();
    if let Some(e) = diags.iter().find(|d| d["code"] == "NG000") {
        return Err(e["message"].as_str().unwrap_or("").to_string());
    }
    Ok(diags
        .iter()
        .any(|d| codes.contains(&d["code"].as_str().unwrap_or(""))))
}

#[test]
fn svcgen_agrees_with_gixy_ngs_own_test_cases() {
    let cases = corpus();
    let (mut total, mut agree) = (0, 0);
    let mut disagreements = Vec::new();
    for (plugin, codes) in OVERLAP {
        let dir = cases.join(plugin);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{plugin}: no cases");
        for f in files {
            let name = format!("{plugin}/{}", f.file_name().unwrap().to_string_lossy());
            let must = !name.ends_with("_fp.conf");
            total += 1;
            match flagged(&f, codes) {
                Ok(hit) if hit == must => agree += 1,
                Ok(_) => disagreements.push(format!(
                    "{name}: gixy {} it, svcgen ({}) does {}",
                    if must { "flags" } else { "does not flag" },
                    codes.join(","),
                    if must { "not" } else { "" }
                )),
                Err(e) => disagreements.push(format!("{name}: svcgen cannot read it: {e}")),
            }
        }
    }
    let percent = 100.0 * f64::from(agree) / f64::from(total);
    eprintln!(
        "gixy-ng 0.2.59 corpus, {} overlapping plugins: {agree}/{total} cases agree ({percent:.1}%)",
        OVERLAP.len()
    );
    for d in &disagreements {
        eprintln!("  {d}");
    }
    assert!(total >= 70, "only {total} cases: did the corpus change?");
    assert!(percent >= 95.0, "agreement {percent:.1}% is below 95%");
    let names: Vec<&str> = disagreements
        .iter()
        .map(|d| d.split(':').next().unwrap())
        .collect();
    assert_eq!(
        names, KNOWN_DISAGREEMENTS,
        "the disagreements must be exactly those the README explains"
    );
}
