//! svcgen's exposure score against `systemd-analyze security --offline=true` on every
//! service unit of this machine and on the fixtures: they must agree to one decimal.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;
use svcgen::analysis::exposure;
use svcgen::syntax::FileId;
use svcgen::syntax::systemd;

fn systemd_score(path: &std::path::Path) -> Option<String> {
    let out = run(Command::new(require("systemd-analyze"))
        .args(["security", "--offline=true", "--no-pager"])
        .arg(path));
    let text = text(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level"))?;
    line.split(": ")
        .nth(1)?
        .split_whitespace()
        .next()
        .map(str::to_string)
}

#[test]
fn exposure_matches_systemd_analyze_on_every_unit() {
    let mut units: Vec<PathBuf> = std::fs::read_dir("/usr/lib/systemd/system")
        .expect("/usr/lib/systemd/system")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "service"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| !t.trim().is_empty()))
        .collect();
    units.sort();
    // Hand-written units with tricky settings, and the lint fixtures' units.
    for sub in ["fixtures/exposure", "fixtures/handwritten"] {
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "service") {
                units.push(p);
            }
        }
    }
    for e in std::fs::read_dir(root().join("fixtures/lint")).unwrap() {
        let d = e.unwrap().path();
        if d.file_name().unwrap().to_string_lossy().starts_with("SD") && !d.ends_with("SD000") {
            for f in std::fs::read_dir(&d).unwrap() {
                units.push(f.unwrap().path());
            }
        }
    }
    // The rendered fixtures' units too.
    let dir = tempfile::tempdir().unwrap();
    for f in valid_fixtures() {
        let out_dir = dir.path().join(f.replace('/', "_"));
        render_out(&f, &out_dir);
        for e in std::fs::read_dir(&out_dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "service") {
                units.push(p);
            }
        }
    }
    let mut agree = 0;
    let mut disagree = Vec::new();
    let mut skipped = Vec::new();
    for p in &units {
        let Some(expected) = systemd_score(p) else {
            skipped.push(p.display().to_string());
            continue;
        };
        let text = read(p);
        let unit = systemd::parse(&text, FileId(0))
            .unwrap_or_else(|e| panic!("{}: {}", p.display(), e.message));
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let got = exposure::assess(&unit, &name);
        let got = format!("{:.1}", got.score());
        if got == expected {
            agree += 1;
        } else {
            disagree.push(format!(
                "{}: svcgen {got}, systemd-analyze {expected}",
                p.display()
            ));
        }
    }
    eprintln!(
        "exposure: svcgen and systemd-analyze agree on {agree} of {} units ({} not scored by systemd-analyze)",
        agree + disagree.len(),
        skipped.len()
    );
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
    assert!(agree >= 50, "only {agree} units compared");
}

#[test]
fn json_reports_the_score_and_label() {
    let dir = tempfile::tempdir().unwrap();
    render_out("fixtures/api-gateway.yaml", dir.path());
    let unit = dir.path().join("api-gateway.service");
    let out = svcgen(&["lint", "--format", "json", unit.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["exposure"][0];
    assert_eq!(e["score"], 1.1);
    assert_eq!(e["label"], "OK");
    let failing: Vec<&str> = e["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(failing.contains(&"PrivateNetwork="), "{failing:?}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "1.1 is below the default 2.0: {v:#}"
    );
    let bad = svcgen(&[
        "lint",
        "--format",
        "json",
        "--select",
        "SD012",
        "fixtures/lint/SD012/bad-plain-sandbox.service",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["exposure"][0]["score"], 7.5);
    assert_eq!(v["diagnostics"][0]["code"], "SD012");
}
