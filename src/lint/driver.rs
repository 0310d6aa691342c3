//! One lint run, the same loop for every format: find the inputs, read each,
//! recognise its format, hand it to that format's pass (and the files a
//! description renders to theirs), finish every pass, run the cross-file rules.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::cross::{self, Bundle};
use super::format::{Input, Linting, Run};
use super::input::{self, UNKNOWN_TYPE, UNREADABLE};
use super::registry::FORMATS;
use super::{Options, Report, engine};

/// Runs the linter over files and directories (`-` reads standard input).
pub fn lint(inputs: &[PathBuf], opts: &Options) -> Report {
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in inputs {
        if path.is_dir() {
            input::walk(FORMATS, path, &mut files, &mut seen);
        } else {
            files.push(path.clone());
        }
    }
    let forced = opts.file_type.as_deref().map(|name| {
        FORMATS
            .iter()
            .position(|f| f.name() == name || f.aliases().contains(&name))
    });
    let mut passes: Vec<Box<dyn Linting>> = FORMATS.iter().map(|f| f.start()).collect();
    let mut run = Run {
        report: Report::default(),
        opts,
        bundle: Bundle::default(),
        derived: None,
    };
    for path in files {
        let name = path.display().to_string();
        let text = match input::read(&path) {
            Ok(t) => t,
            Err(e) => {
                let id = run.report.sources.add(name.clone(), String::new());
                run.report.errors.push(engine::finding(
                    &UNREADABLE,
                    engine::file_start(id),
                    format!("cannot read {name}: {e}"),
                    None,
                ));
                continue;
            }
        };
        let format = match forced {
            Some(f) => f,
            None => input::detect(FORMATS, &path, &text),
        };
        // Held once: the source set keeps the text, the passes read it from there.
        let id = run.report.sources.add(name.clone(), text);
        let Some(format) = format else {
            let formats: Vec<&str> = FORMATS.iter().map(|f| f.name()).collect();
            let help = match opts.file_type.as_deref() {
                Some(t) => format!(
                    "--type {t} names no format; the formats are {}",
                    formats.join(", ")
                ),
                None => UNKNOWN_TYPE.fix.to_string(),
            };
            run.report.errors.push(engine::finding(
                &UNKNOWN_TYPE,
                engine::file_start(id),
                format!("cannot tell what kind of file {name} is"),
                Some(help),
            ));
            continue;
        };
        let text = run.report.sources.shared_text(id);
        let input = Input {
            id,
            path: &path,
            text,
            rendered: None,
            prepared: None,
        };
        passes[format].lint(&mut run, input);
        lint_derived(&mut run, &mut passes, &name);
    }
    for pass in passes {
        pass.finish(&mut run);
    }
    if opts.together {
        let ctx = run.bundle.ctx();
        let findings = engine::run_rules(opts, cross::RULES, |check: cross::Check, sink| {
            check(&ctx, sink)
        });
        engine::finish(
            &mut run.report,
            cross::rules(),
            findings,
            &mut [],
            None,
            opts,
        );
    }
    run.report.sort();
    run.report
}

/// Lints the files the last input produced (a description's rendered files), each
/// by the format its descriptor names.
fn lint_derived(run: &mut Run<'_>, passes: &mut [Box<dyn Linting>], from: &str) {
    let Some(files) = run.derived.take() else {
        return;
    };
    for d in files {
        let d = match d {
            Ok(d) => d,
            Err(stop) => {
                run.report.errors.push(stop);
                continue;
            }
        };
        let name = format!("{from} => {} (rendered)", d.file_name);
        let id = run.report.sources.add(name, d.content);
        let Some(format) = FORMATS.iter().position(|f| f.name() == d.format) else {
            run.report.errors.push(engine::finding(
                &UNKNOWN_TYPE,
                engine::file_start(id),
                format!(
                    "{} is rendered for the lint format `{}`, which is not registered",
                    d.file_name, d.format
                ),
                None,
            ));
            continue;
        };
        let input = Input {
            id,
            path: Path::new(&d.file_name),
            text: run.report.sources.shared_text(id),
            rendered: Some(&d.spec),
            prepared: d.prepared,
        };
        passes[format].lint(run, input);
    }
}
