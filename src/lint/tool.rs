//! Tools whose findings are joined into the report (shellcheck, hadolint): run
//! one on a file's text through its standard input, with a time limit, and tell
//! "not installed" (a note) from "ran and failed" (an error, never a clean result).

use std::path::Path;
use std::process::Command;

/// Why a tool gave no findings to report.
pub enum Failure {
    /// Not installed (the binary could not be started because it is absent).
    Missing,
    /// It ran and failed: crashed, timed out, or printed no report. An error,
    /// never a clean result.
    Failed(String),
}

/// How long a tool may take on one file.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `program args…` with `text` on its standard input; its standard output
/// when it exits with one of `ok_codes`.
pub fn run(
    program: &Path,
    args: &[&str],
    text: &str,
    ok_codes: &[i32],
) -> Result<Vec<u8>, Failure> {
    let mut child = match Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Failure::Missing),
        Err(e) => {
            return Err(Failure::Failed(format!(
                "{} could not start: {e}",
                program.display()
            )));
        }
    };
    // Feed and drain on other threads, so neither pipe can block the other.
    let input = text.as_bytes().to_vec();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut buf);
        }
        buf
    });
    let deadline = std::time::Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Failed(format!(
                    "{} did not finish within {} s",
                    program.display(),
                    TIMEOUT.as_secs()
                )));
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.code().is_some_and(|c| ok_codes.contains(&c)) {
        return Err(Failure::Failed(format!(
            "{} failed ({status})",
            program.display()
        )));
    }
    Ok(out)
}

/// How a joined tool is asked for, and what its absence means.
pub struct Joined<'a> {
    /// Its name (`shellcheck`).
    pub name: &'a str,
    /// The binary given with `--NAME PATH`, if any (then its absence is an error).
    pub given: Option<&'a Path>,
    /// The engine rule its failure is reported under (SH000, DF008).
    pub failed: &'static crate::lint::rule::Rule,
    /// What was checked without it, for the note when it is not installed.
    pub without: &'a str,
}

/// Runs a joined tool through `run` and adds what came of it: its findings, a
/// note when it is not installed (and none was named), an error (exit 2) when it
/// was named and is absent or when it failed. Never nothing.
pub fn join(
    report: &mut crate::lint::Report,
    findings: &mut Vec<crate::lint::Finding>,
    file: crate::syntax::FileId,
    tool: Joined<'_>,
    run: impl FnOnce(&crate::syntax::SourceSet, &Path) -> Result<Vec<crate::lint::Finding>, Failure>,
) {
    use crate::lint::engine;
    let program = tool
        .given
        .map_or_else(|| Path::new(tool.name).to_path_buf(), Path::to_path_buf);
    let failed = |why: String| {
        engine::finding(
            tool.failed,
            engine::file_start(file),
            why,
            Some(tool.failed.fix.into()),
        )
    };
    match run(&report.sources, &program) {
        Ok(found) => findings.extend(found),
        Err(Failure::Missing) if tool.given.is_none() => {
            let note = format!("{} is not installed: {}", tool.name, tool.without);
            if !report.notes.contains(&note) {
                report.notes.push(note);
            }
        }
        Err(Failure::Missing) => report.errors.push(failed(format!(
            "{} `{}` was asked for and is not there",
            tool.name,
            program.display()
        ))),
        Err(Failure::Failed(why)) => report.errors.push(failed(why)),
    }
}
