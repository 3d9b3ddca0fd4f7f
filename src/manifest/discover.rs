//! Which files a run reads. Directories are walked recursively (hidden entries and
//! `.gitignore`d paths inside a git repository are skipped, symlinks followed with loop
//! detection), files named on the command line are always read, `-` is stdin. The order is
//! deterministic: arguments in the order given, files below a directory sorted by path.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// File patterns read from directories when no `--include` is given.
pub const DEFAULT_INCLUDE: [&str; 3] = ["*.yaml", "*.yml", "*.json"];

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File {
        /// As the user should see it: the argument joined with the path below it.
        display: String,
        path: PathBuf,
    },
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::Stdin => "<stdin>",
            Input::File { display, .. } => display,
        }
    }
}

/// Something that could not be walked: reported on stderr, and the run exits 2 at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// A fatal usage problem (CONTRACT §3: exit 2 before linting).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DiscoverError {
    #[error("{path}: no such file or directory")]
    #[diagnostic(
        code(ippool::path),
        help("check the path; lint takes files, directories, or - for stdin")
    )]
    NotFound { path: String },
    #[error("invalid glob {glob:?}: {message}")]
    #[diagnostic(code(ippool::glob))]
    BadGlob { glob: String, message: String },
}

pub struct Filter {
    include: GlobSet,
    exclude: GlobSet,
}

impl Filter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, DiscoverError> {
        let include: Vec<&str> = if include.is_empty() {
            DEFAULT_INCLUDE.to_vec()
        } else {
            include.iter().map(String::as_str).collect()
        };
        Ok(Self {
            include: glob_set(include)?,
            exclude: glob_set(exclude.iter().map(String::as_str))?,
        })
    }

    fn excluded(&self, relative: &Path) -> bool {
        !relative.as_os_str().is_empty() && self.exclude.is_match(relative)
    }

    fn included(&self, relative: &Path) -> bool {
        self.include.is_match(relative)
    }
}

fn glob_set<'a>(globs: impl IntoIterator<Item = &'a str>) -> Result<GlobSet, DiscoverError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let pattern = Glob::new(glob).map_err(|e| DiscoverError::BadGlob {
            glob: glob.to_owned(),
            message: e.kind().to_string(),
        })?;
        builder.add(pattern);
        // A pattern naming a directory (`vendor`, `vendor/`) also excludes what is below it.
        let below = format!("{}/**", glob.trim_end_matches('/'));
        if let Ok(pattern) = Glob::new(&below) {
            builder.add(pattern);
        }
    }
    builder.build().map_err(|e| DiscoverError::BadGlob {
        glob: String::new(),
        message: e.to_string(),
    })
}

/// Expands the command-line paths into the files to read.
pub fn discover(
    paths: &[String],
    filter: &Filter,
) -> Result<(Vec<Input>, Vec<Problem>), DiscoverError> {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for arg in paths {
        if arg == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let root = Path::new(arg);
        let metadata = match std::fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink exists but cannot be followed: say so rather than "not found".
                if std::fs::symlink_metadata(root).is_ok() {
                    problems.push(Problem {
                        path: arg.clone(),
                        message: "broken symbolic link".to_owned(),
                    });
                    continue;
                }
                return Err(DiscoverError::NotFound { path: arg.clone() });
            }
            Err(error) => {
                problems.push(Problem {
                    path: arg.clone(),
                    message: error.to_string(),
                });
                continue;
            }
        };
        if !metadata.is_dir() {
            inputs.push(Input::File {
                display: arg.clone(),
                path: root.to_path_buf(),
            });
            continue;
        }
        walk(arg, root, filter, &mut inputs, &mut problems);
    }
    Ok((inputs, problems))
}

fn walk(
    arg: &str,
    root: &Path,
    filter: &Filter,
    inputs: &mut Vec<Input>,
    problems: &mut Vec<Problem>,
) {
    let exclude_root = root.to_path_buf();
    let exclude = filter.exclude.clone();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .sort_by_file_path(Path::cmp)
        .filter_entry(move |entry| {
            let relative = entry
                .path()
                .strip_prefix(&exclude_root)
                .unwrap_or(entry.path());
            relative.as_os_str().is_empty() || !exclude.is_match(relative)
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(problem_from(arg, &error));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if filter.excluded(relative) || !filter.included(relative) {
            continue;
        }
        inputs.push(Input::File {
            display: entry.path().to_string_lossy().into_owned(),
            path: entry.path().to_path_buf(),
        });
    }
}

fn problem_from(arg: &str, error: &ignore::Error) -> Problem {
    let mut path = None;
    let mut current = error;
    let message = loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.to_string_lossy().into_owned());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert_with(|| child.to_string_lossy().into_owned());
                break format!(
                    "symbolic link loop: points back to {}",
                    ancestor.to_string_lossy()
                );
            }
            other => break other.to_string(),
        }
    };
    Problem {
        path: path.unwrap_or_else(|| arg.to_owned()),
        message,
    }
}
