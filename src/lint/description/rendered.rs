//! A description's rendered files as the linter takes them: the description's
//! own, then each environment's that differ from them. Environments are rendered
//! (and their files prepared) a chunk at a time on every core, a few chunks
//! ahead of the driver linting them, and their files handed out in order: the
//! report is the one a render at a time gives, and what is held at once is
//! bounded by the chunks in flight.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use rayon::prelude::*;

use super::INVALID;
use crate::description::LoadedSpec;
use crate::lint::format::{Derived, Prepared};
use crate::lint::registry::FORMATS;
use crate::lint::{Finding, engine};
use crate::render;
use crate::syntax::FileId;

/// One rendered file a lint format reads: the format, its name, its text and
/// what the format prepared from it.
type File = (&'static str, String, String, Option<Prepared>);

/// An environment's files, or why it did not render.
type Rendered = Result<(Arc<LoadedSpec>, Vec<File>), String>;

/// What every render reads.
struct Shared {
    spec: Arc<LoadedSpec>,
    templates: Result<minijinja::Environment<'static>, String>,
}

/// How many chunks are rendered ahead of the one being linted (the first of
/// them while the description's own files render).
const AHEAD: usize = 4;

pub struct Files {
    file: FileId,
    shared: Arc<Shared>,
    /// The description's own files, by name: an environment's identical file
    /// is not linted again.
    base: HashMap<String, String>,
    /// The environments not yet rendered.
    waiting: VecDeque<String>,
    /// The chunks being rendered, in order, with their environments' names.
    rendering: VecDeque<(Vec<String>, Receiver<Vec<Rendered>>)>,
    ready: VecDeque<Result<Derived, Finding>>,
}

impl Files {
    pub fn new(
        file: FileId,
        spec: Arc<LoadedSpec>,
        templates: Result<minijinja::Environment<'static>, String>,
    ) -> Files {
        let waiting = (spec.service.resolved_environments.iter())
            .map(|(name, _)| name.clone())
            .collect();
        let mut files = Files {
            file,
            shared: Arc::new(Shared { spec, templates }),
            base: HashMap::new(),
            waiting,
            rendering: VecDeque::new(),
            ready: VecDeque::new(),
        };
        // The first environments render while the description's own files do
        // (its Kubernetes overlays are made on every core inside its render).
        for _ in 0..AHEAD {
            files.start_next();
        }
        let shared = files.shared.clone();
        match render_one(&shared, &shared.spec) {
            Ok(own) => {
                for (format, file_name, content, prepared) in own {
                    files.base.insert(file_name.clone(), content.clone());
                    files.ready.push_back(Ok(Derived {
                        format,
                        file_name,
                        content,
                        spec: shared.spec.clone(),
                        prepared,
                    }));
                }
            }
            Err(e) => files.stop(e),
        }
        files
    }

    /// Ends the files with a finding at the description's start.
    fn stop(&mut self, message: String) {
        self.ready.push_back(Err(engine::finding(
            &INVALID,
            engine::file_start(self.file),
            message,
            None,
        )));
        self.waiting.clear();
        self.rendering.clear();
    }

    /// Starts rendering the next chunk of environments in the background.
    fn start_next(&mut self) {
        let size = (rayon::current_num_threads() * 16).max(1);
        let names: Vec<String> = self.waiting.drain(..size.min(self.waiting.len())).collect();
        if names.is_empty() {
            return;
        }
        let (tx, rx) = sync_channel(1);
        let shared = self.shared.clone();
        let chunk = names.clone();
        rayon::spawn(move || {
            let rendered: Vec<Rendered> = chunk
                .par_iter()
                .map(|name| {
                    let Some(spec) = shared.spec.environment(name) else {
                        return Ok((shared.spec.clone(), Vec::new()));
                    };
                    let files = render_one(&shared, &spec)?;
                    Ok((Arc::new(spec), files))
                })
                .collect();
            // The receiver is gone when an earlier render failed.
            let _ = tx.send(rendered);
        });
        self.rendering.push_back((names, rx));
    }
}

/// The files of one render that a lint format reads, each prepared by its format.
fn render_one(shared: &Shared, spec: &LoadedSpec) -> Result<Vec<File>, String> {
    let templates = shared.templates.as_ref().map_err(Clone::clone)?;
    let rendered = render::render(spec, templates).map_err(|e| e.to_string())?;
    Ok(rendered
        .into_iter()
        .filter_map(|a| {
            let format = a.lint_format?;
            let prepared = FORMATS
                .iter()
                .find(|f| f.name() == format)
                .and_then(|f| f.prepare(&a.content));
            Some((format, a.file_name, a.content, prepared))
        })
        .collect())
}

impl Iterator for Files {
    type Item = Result<Derived, Finding>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.ready.is_empty() {
            let (names, rx) = self.rendering.pop_front()?;
            let Ok(chunk) = rx.recv() else {
                self.stop("the environments' render stopped".into());
                break;
            };
            self.start_next();
            for (env, rendered) in names.into_iter().zip(chunk) {
                let (spec, files) = match rendered {
                    Ok(r) => r,
                    Err(e) => {
                        self.stop(format!("in environment `{env}`: {e}"));
                        break;
                    }
                };
                for (format, file_name, content, prepared) in files {
                    if self.base.get(&file_name) == Some(&content) {
                        continue;
                    }
                    self.ready.push_back(Ok(Derived {
                        format,
                        file_name: format!("environments/{env}/{file_name}"),
                        content,
                        spec: spec.clone(),
                        prepared,
                    }));
                }
            }
        }
        self.ready.pop_front()
    }
}
