//! svcgen reads env files as systemd does: every env-file fixture (and a few
//! cases of the grammar's corners) is given to a transient unit as its
//! `EnvironmentFile=` in the Debian 12 container, and the environment systemd 252
//! hands the process is compared with what svcgen's parser says, variable by
//! variable: the same names (an `export NAME` or `MY-NAME` dropped), the same
//! values (quotes, escapes, continued lines, `#` kept).

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::*;
use crate::e2e_deploy::Container;
use crate::{Kind, share};
use svcgen::syntax::FileId;
use svcgen::syntax::envfile::{parse, valid_name};

/// Corners of the grammar beside the fixtures'.
const CASES: &[&str] = &[
    "A=1\n  B = two words  \n;comment\n#comment\nC=\"q\\\"x\\$y\\\\z\\n\"\nD='s $x \\ y'\n",
    "A=one\\\ntwo\nB=x\\yz\nC=\"multi\nline\"\n",
    "NOEQUALS\nA=1\n# a comment \\\nB=continued-comment\nC=3",
    "A=\"ab\"cd 'ef'\nB=  lead\t\nC=\n",
    "export A=1\nB-C=2\n1X=3\nOK_1=4\n",
];

fn env0(out: &[u8]) -> BTreeMap<String, String> {
    out.split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let e = String::from_utf8_lossy(e);
            let (k, v) = e.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

#[test]
fn env_files_are_read_as_systemd_reads_them() {
    let _machine = share(Kind::Other);
    require("systemd-nspawn");
    let tmp = tempfile::Builder::new()
        .prefix("svcgen-envfile-")
        .tempdir()
        .unwrap();
    let d = tmp.path().to_path_buf();
    run(Command::new("chmod").arg("755").arg(&d));
    let mut cases: Vec<(String, String)> = CASES
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("case {i}"), t.to_string()))
        .collect();
    for dir in ["fixtures/lint"] {
        for f in files_below(&root().join(dir)) {
            if f.ends_with(".env") {
                cases.push((format!("{dir}/{f}"), read(&root().join(dir).join(&f))));
            }
        }
    }
    assert!(cases.len() >= 19, "{} env files", cases.len());
    let mut script =
        String::from("set -e\nsystemd-run --quiet --wait --pipe /usr/bin/env -0 >base.out\n");
    for (i, (_, text)) in cases.iter().enumerate() {
        std::fs::write(d.join(format!("{i}.env")), text).unwrap();
        script.push_str(&format!(
            "systemd-run --quiet --wait --pipe -p EnvironmentFile={dir}/{i}.env /usr/bin/env -0 >{i}.out\n",
            dir = d.display()
        ));
    }
    let c = Container::boot(&d);
    c.ok(&format!("cd {} && {script}", d.display()));
    let base = env0(&std::fs::read(d.join("base.out")).unwrap());
    let mut compared = 0;
    for (i, (name, text)) in cases.iter().enumerate() {
        let got = env0(&std::fs::read(d.join(format!("{i}.out"))).unwrap());
        let from_file: BTreeMap<String, String> = got
            .into_iter()
            .filter(|(k, v)| {
                base.get(k) != Some(v)
                    && !matches!(
                        k.as_str(),
                        "INVOCATION_ID" | "JOURNAL_STREAM" | "SYSTEMD_EXEC_PID"
                    )
            })
            .collect();
        let mut expected = BTreeMap::new();
        for a in parse(text, FileId(0)) {
            if valid_name(&a.key) {
                expected.insert(a.key, a.value);
            }
        }
        assert_eq!(
            from_file, expected,
            "{name}: systemd and svcgen read it differently:\n{text}"
        );
        compared += expected.len();
    }
    eprintln!(
        "{} env files read as systemd 252 reads them: {compared} variables, names and values",
        cases.len()
    );
}
