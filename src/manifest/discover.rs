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
/// What discovery found: the inputs, the paths that could not be used (exit 2), and notes about
/// what was passed over (FIFOs, sockets and devices met while walking a directory).
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub problems: Vec<Problem>,
    pub notes: Vec<Problem>,
}

/// Why a path that is neither a regular file nor a directory cannot be read as one, or `None`
/// for a FIFO, which [`read_input`] reads without blocking on a missing writer.
fn special_file(file_type: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() || file_type.is_dir() || file_type.is_fifo() {
        None
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else {
        Some("not a regular file")
    }
}

/// Reads at most `limit + 1` bytes of a file the user named. A FIFO is opened without waiting
/// for a writer (a plain `open` blocks until one comes, forever if none does), then read until
/// its writers close it: process substitution (`<(helm template .)`) works, a pipe nobody writes
/// to reads as empty.
pub fn read_input(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let is_fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
    let mut bytes = Vec::new();
    if !is_fifo {
        std::fs::File::open(path)?
            .take(limit + 1)
            .read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() as u64 > limit {
                    return Ok(bytes);
                }
            }
            // A writer is there but has written nothing yet.
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

pub fn discover(paths: &[String], filter: &Filter) -> Result<Discovered, DiscoverError> {
    let mut found = Discovered::default();
    let Discovered {
        inputs,
        problems,
        notes,
    } = &mut found;
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
        if let Some(what) = special_file(metadata.file_type()) {
            problems.push(Problem {
                path: arg.clone(),
                message: format!("{what}, not a file; not read"),
            });
            continue;
        }
        if !metadata.is_dir() {
            inputs.push(Input::File {
                display: arg.clone(),
                path: root.to_path_buf(),
            });
            continue;
        }
        let skipped = walk(arg, root, filter, inputs, problems);
        if skipped > 0 {
            notes.push(Problem {
                path: arg.clone(),
                message: format!(
                    "skipped {skipped} {} (FIFOs, sockets or devices) while walking it",
                    if skipped == 1 {
                        "special file"
                    } else {
                        "special files"
                    }
                ),
            });
        }
    }
    Ok(found)
}

/// Walks a directory; returns how many special files matching the filter it passed over (a
/// FIFO found in a tree has no writer to wait for).
fn walk(
    arg: &str,
    root: &Path,
    filter: &Filter,
    inputs: &mut Vec<Input>,
    problems: &mut Vec<Problem>,
) -> usize {
    let mut skipped = 0;
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
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if filter.excluded(relative) || !filter.included(relative) {
            continue;
        }
        if !file_type.is_file() {
            skipped += 1;
            continue;
        }
        inputs.push(Input::File {
            display: entry.path().to_string_lossy().into_owned(),
            path: entry.path().to_path_buf(),
        });
    }
    skipped
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
