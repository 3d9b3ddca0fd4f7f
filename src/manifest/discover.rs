//! Which files a run reads. Directories are walked recursively (hidden entries and
//! `.gitignore`d paths inside a git repository are skipped, symlinks followed with loop
//! detection), files named on the command line are always read, `-` is stdin. The order is
//! deterministic: arguments in the order given, files below a directory sorted by path.

use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

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
    exclude: Excludes,
    /// `--tracked-only`: below a directory, only what git tracks or has staged.
    pub tracked_only: bool,
}

/// The `--exclude` patterns, with which of them matched something (a pattern that matches
/// nothing is usually a typo, and is warned about).
#[derive(Clone)]
struct Excludes {
    set: GlobSet,
    /// For each glob of `set`, the pattern it came from.
    pattern_of: Vec<usize>,
    patterns: Vec<String>,
    hits: Arc<Vec<AtomicBool>>,
}

impl Excludes {
    fn is_match(&self, relative: &Path) -> bool {
        let matched = self.set.matches(relative);
        for glob in &matched {
            if let Some(hit) = self.pattern_of.get(*glob).and_then(|p| self.hits.get(*p)) {
                hit.store(true, Ordering::Relaxed);
            }
        }
        !matched.is_empty()
    }
}

impl Filter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, DiscoverError> {
        let include: Vec<&str> = if include.is_empty() {
            DEFAULT_INCLUDE.to_vec()
        } else {
            include.iter().map(String::as_str).collect()
        };
        // `pool.YAML` is a YAML file too.
        let include = glob_set(
            include.iter().map(|glob| (*glob, vec![(*glob).to_owned()])),
            true,
        )?;
        // gitignore semantics: a pattern without a `/` (but a trailing one) matches at any depth;
        // one with a `/` is anchored at the PATH argument. Either also covers what is below a
        // directory it names.
        let expanded: Vec<(&str, Vec<String>)> = exclude
            .iter()
            .map(|pattern| {
                let bare = pattern.trim_end_matches('/');
                let mut globs = vec![bare.to_owned(), format!("{bare}/**")];
                if !bare.contains('/') {
                    globs.push(format!("**/{bare}"));
                    globs.push(format!("**/{bare}/**"));
                }
                (pattern.as_str(), globs)
            })
            .collect();
        let pattern_of = expanded
            .iter()
            .enumerate()
            .flat_map(|(index, (_, globs))| std::iter::repeat_n(index, globs.len()))
            .collect();
        let set = glob_set(expanded.iter().map(|(p, g)| (*p, g.clone())), false)?;
        Ok(Self {
            include,
            exclude: Excludes {
                set,
                pattern_of,
                patterns: exclude.to_vec(),
                hits: Arc::new(exclude.iter().map(|_| AtomicBool::new(false)).collect()),
            },
            tracked_only: false,
        })
    }

    fn excluded(&self, relative: &Path) -> bool {
        !relative.as_os_str().is_empty() && self.exclude.is_match(relative)
    }

    fn included(&self, relative: &Path) -> bool {
        self.include.is_match(relative)
    }

    /// The `--exclude` patterns that matched nothing so far.
    pub fn unmatched_excludes(&self) -> Vec<&str> {
        self.exclude
            .patterns
            .iter()
            .zip(self.exclude.hits.iter())
            .filter(|(_, hit)| !hit.load(Ordering::Relaxed))
            .map(|(pattern, _)| pattern.as_str())
            .collect()
    }
}

/// One glob set from patterns, each written as the globs it stands for.
fn glob_set<'a>(
    patterns: impl IntoIterator<Item = (&'a str, Vec<String>)>,
    case_insensitive: bool,
) -> Result<GlobSet, DiscoverError> {
    let mut builder = GlobSetBuilder::new();
    for (pattern, globs) in patterns {
        for glob in globs {
            let compiled = GlobBuilder::new(&glob)
                .case_insensitive(case_insensitive)
                .build()
                .map_err(|e| DiscoverError::BadGlob {
                    glob: pattern.to_owned(),
                    message: e.kind().to_string(),
                })?;
            builder.add(compiled);
        }
    }
    builder.build().map_err(|e| DiscoverError::BadGlob {
        glob: String::new(),
        message: e.to_string(),
    })
}

/// Files already taken, by inode: a file reached twice (`lint dir ./dir/`, overlapping paths, a
/// symlink to a file also walked) is read once. Inodes are only a hint (another device may reuse
/// one); a collision is settled by the canonical paths.
#[derive(Default)]
struct Seen {
    by_inode: HashMap<u64, Vec<PathBuf>>,
}

impl Seen {
    fn first_time(&mut self, inode: Option<u64>, path: &Path) -> bool {
        let Some(inode) = inode else {
            return true;
        };
        let taken = self.by_inode.entry(inode).or_default();
        if !taken.is_empty() {
            let real = std::fs::canonicalize(path).ok();
            if taken
                .iter()
                .any(|other| real.is_some() && std::fs::canonicalize(other).ok() == real)
            {
                return false;
            }
        }
        taken.push(path.to_path_buf());
        true
    }
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
    let mut seen = Seen::default();
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
            if seen.first_time(Some(metadata.ino()), root) {
                inputs.push(Input::File {
                    display: arg.clone(),
                    path: root.to_path_buf(),
                });
            }
            continue;
        }
        let tracked = if filter.tracked_only {
            match git_files(root) {
                Ok(files) => Some(files),
                Err(why) => {
                    notes.push(Problem {
                        path: arg.clone(),
                        message: format!("--tracked-only: {why}; every file below it is read"),
                    });
                    None
                }
            }
        } else {
            None
        };
        let walked = Walk {
            arg,
            root,
            filter,
            tracked: tracked.as_ref(),
        };
        let skipped = walked.run(&mut seen, inputs, problems);
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

/// The files git tracks or has staged below `dir` (`git ls-files --cached`), relative to it.
fn git_files(dir: &Path) -> Result<std::collections::HashSet<PathBuf>, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "-z", "--cached"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|error| format!("git could not run ({error})"))?;
    if !output.status.success() {
        return Err("not inside a git work tree".to_owned());
    }
    Ok(output
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(p)))
        .collect())
}

/// One directory argument to walk.
struct Walk<'a> {
    arg: &'a str,
    root: &'a Path,
    filter: &'a Filter,
    /// With `--tracked-only` in a work tree: the files git knows, relative to `root`.
    tracked: Option<&'a std::collections::HashSet<PathBuf>>,
}

impl Walk<'_> {
    fn run(&self, seen: &mut Seen, inputs: &mut Vec<Input>, problems: &mut Vec<Problem>) -> usize {
        walk(self, seen, inputs, problems)
    }
}

/// Walks a directory; returns how many special files matching the filter it passed over (a
/// FIFO found in a tree has no writer to wait for).
fn walk(
    walked: &Walk<'_>,
    seen: &mut Seen,
    inputs: &mut Vec<Input>,
    problems: &mut Vec<Problem>,
) -> usize {
    let Walk {
        arg,
        root,
        filter,
        tracked,
    } = *walked;
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
        if tracked.is_some_and(|tracked| !tracked.contains(relative)) {
            continue;
        }
        if !file_type.is_file() {
            skipped += 1;
            continue;
        }
        // A symlink's own inode is not its target's: ask the target.
        let inode = if entry.path_is_symlink() {
            std::fs::metadata(entry.path()).ok().map(|m| m.ino())
        } else {
            entry.ino()
        };
        if !seen.first_time(inode, entry.path()) {
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
