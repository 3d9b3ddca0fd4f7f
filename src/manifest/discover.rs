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
    /// Text another tool made from the files (a Helm chart's templates, rendered).
    Rendered {
        display: String,
        text: Vec<u8>,
    },
}

impl Input {
    pub fn display(&self) -> &str {
        match self {
            Input::Stdin => "<stdin>",
            Input::File { display, .. } | Input::Rendered { display, .. } => display,
        }
    }
}

/// How Helm charts in the tree are treated. Their `templates/` are Go templates, not YAML: they
/// are never parsed as YAML. With helm on the PATH a chart is rendered (`helm template`) and each
/// rendered document linted under the template its `# Source:` line names.
#[derive(Debug, Clone, Default)]
pub struct Charts {
    /// `--helm-values`: values files passed to every `helm template`.
    pub values: Vec<String>,
    /// The helm binary [default: `helm` on the PATH].
    pub helm: Option<PathBuf>,
    /// `--kustomize`: a directory argument with a kustomization is built (`kubectl kustomize`)
    /// and the result linted instead of its files.
    pub kustomize: bool,
}

/// The kustomization file of a directory, as kustomize looks for it.
fn kustomization(dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// `kubectl kustomize DIR`, as one rendered input.
fn build_kustomization(arg: &str, dir: &Path, found: &mut Discovered) {
    let output = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .output();
    match output {
        Ok(output) if output.status.success() => found.inputs.push(Input::Rendered {
            display: format!("{arg} (kustomize build)"),
            text: output.stdout,
        }),
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            found.problems.push(Problem {
                path: arg.to_owned(),
                message: format!(
                    "kubectl kustomize failed: {}",
                    stderr
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("no message")
                ),
            });
        }
        Err(error) => found.problems.push(Problem {
            path: arg.to_owned(),
            message: format!("--kustomize needs kubectl on the PATH ({error})"),
        }),
    }
}

/// Something that could not be walked: reported on stderr, and the run exits 2 at the end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
    include: Include,
    exclude: Excludes,
    /// `--tracked-only`: below a directory, only what git tracks or has staged.
    pub tracked_only: bool,
    pub charts: Charts,
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
        // `pool.YAML` is a YAML file too.
        let include = if include.is_empty() {
            Include::Default
        } else {
            Include::Globs(glob_set(
                include
                    .iter()
                    .map(|glob| (glob.as_str(), vec![glob.clone()])),
                true,
            )?)
        };
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
            charts: Charts::default(),
        })
    }

    fn excluded(&self, relative: &Path) -> bool {
        !relative.as_os_str().is_empty() && self.exclude.is_match(relative)
    }

    fn included(&self, relative: &Path) -> bool {
        match &self.include {
            Include::Default => has_default_extension(relative),
            Include::Globs(set) => set.is_match(relative),
        }
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

/// Which files a directory walk takes.
enum Include {
    /// [`DEFAULT_INCLUDE`], matched by extension: compiling the three case-insensitive globs
    /// into a regex was 8 % of a one-file run's instructions (callgrind), and a one-file run
    /// walks no directory.
    Default,
    Globs(GlobSet),
}

/// What the case-insensitive globs `*.yaml`, `*.yml` and `*.json` match (their `*` crosses `/`).
fn has_default_extension(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    DEFAULT_INCLUDE.iter().any(|glob| {
        let suffix = glob.trim_start_matches('*').as_bytes();
        bytes.len() >= suffix.len()
            && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    })
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
    let mut bytes = Vec::new();
    read_input_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read_input`] into a buffer the caller keeps from file to file (its old content is
/// replaced). Returns the file's metadata as it was when opened, before the read. One open and
/// one fstat per file: the path is walked once.
pub fn read_input_into(
    path: &Path,
    limit: u64,
    bytes: &mut Vec<u8>,
) -> std::io::Result<std::fs::Metadata> {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    bytes.clear();
    // Non-blocking, so that opening a FIFO does not wait for a writer; a regular file ignores
    // the flag.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let metadata = file.metadata()?;
    if !metadata.file_type().is_fifo() {
        bytes.reserve(usize::try_from(metadata.len().min(limit)).unwrap_or(0) + 1);
        (&mut file).take(limit + 1).read_to_end(bytes)?;
        return Ok(metadata);
    }
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(metadata),
            Ok(n) => {
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() as u64 > limit {
                    return Ok(metadata);
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
    let mut inputs = Vec::new();
    let mut found = discover_each(paths, filter, &mut |input| inputs.push(input))?;
    found.inputs = inputs;
    Ok(found)
}

/// Where discovery hands each input as soon as it is found: a list, or a channel to the
/// workers that read the files while the walk goes on.
pub struct Sink<'s>(&'s mut dyn FnMut(Input));

impl Sink<'_> {
    fn push(&mut self, input: Input) {
        (self.0)(input);
    }

    fn extend(&mut self, inputs: impl IntoIterator<Item = Input>) {
        for input in inputs {
            self.push(input);
        }
    }
}

/// [`discover`], handing the inputs to `each` in the order [`discover`] lists them; the
/// returned [`Discovered`] holds the problems and notes (its `inputs` is empty).
pub fn discover_each(
    paths: &[String],
    filter: &Filter,
    each: &mut dyn FnMut(Input),
) -> Result<Discovered, DiscoverError> {
    let mut found = Discovered::default();
    let mut sink = Sink(each);
    let inputs = &mut sink;
    let Discovered {
        problems, notes, ..
    } = &mut found;
    let mut seen = Seen::default();
    let mut charts = Vec::new();
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
                if let Some(message) = broken_link(root) {
                    problems.push(Problem {
                        path: arg.clone(),
                        message,
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
        if filter.charts.kustomize && kustomization(root).is_some() {
            let mut built = Discovered::default();
            build_kustomization(arg, root, &mut built);
            inputs.extend(built.inputs);
            problems.extend(built.problems);
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
        let skipped = walked.run(&mut seen, inputs, problems, &mut charts);
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
    // A subchart (below another chart's charts/) is rendered with its parent.
    charts.sort();
    let mut outer: Vec<PathBuf> = Vec::new();
    for chart in charts {
        if !outer.iter().any(|parent| chart.starts_with(parent)) {
            outer.push(chart);
        }
    }
    for chart in &outer {
        render_chart(chart, &filter.charts, &mut found);
    }
    sink.extend(std::mem::take(&mut found.inputs));
    Ok(found)
}

/// A `templates` directory of a chart (its parent has a Chart.yaml).
fn is_chart_templates(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
        && entry.file_name() == "templates"
        && entry
            .path()
            .parent()
            .is_some_and(|chart| chart.join("Chart.yaml").is_file())
}

/// Renders a chart with `helm template` into one input per template; without helm, says once
/// that the chart's templates were not linted.
fn render_chart(chart: &Path, options: &Charts, found: &mut Discovered) {
    let display = chart.to_string_lossy().into_owned();
    let helm = options
        .helm
        .clone()
        .unwrap_or_else(|| PathBuf::from("helm"));
    let mut command = std::process::Command::new(&helm);
    command.arg("template").arg(chart);
    for values in &options.values {
        command.arg("--values").arg(values);
    }
    let output = command.stdin(std::process::Stdio::null()).output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            let why = if error.kind() == std::io::ErrorKind::NotFound {
                "helm is not on the PATH".to_owned()
            } else {
                format!("helm could not run ({error})")
            };
            found.notes.push(Problem {
                path: display.clone(),
                message: format!(
                    "a Helm chart, not rendered: {why}, so its templates were not linted (install helm, or lint `helm template {display} | kubectl ippool lint -`)"
                ),
            });
            return;
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        found.problems.push(Problem {
            path: display,
            message: format!(
                "helm template failed: {}",
                stderr
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("no message")
            ),
        });
        return;
    }
    for (template, text) in split_rendered(&output.stdout) {
        found.inputs.push(Input::Rendered {
            display: format!("{} (helm template)", chart.join(template).to_string_lossy()),
            text,
        });
    }
}

/// `helm template` output, documents grouped by the template their `# Source: CHART/PATH` line
/// names, in first-seen order; PATH is relative to the chart directory.
fn split_rendered(output: &[u8]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut groups: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut document: Vec<u8> = Vec::new();
    let flush = |document: &mut Vec<u8>, groups: &mut Vec<(PathBuf, Vec<u8>)>| {
        if document.iter().all(u8::is_ascii_whitespace) {
            document.clear();
            return;
        }
        let template = document
            .split(|b| *b == b'\n')
            .find_map(|line| line.strip_prefix(b"# Source: "))
            .map(|source| {
                let source = String::from_utf8_lossy(source).trim().to_owned();
                // The chart's own name comes first; the rest is the path in the chart.
                source
                    .split_once('/')
                    .map_or(source.clone(), |(_, rest)| rest.to_owned())
            })
            .unwrap_or_else(|| "rendered.yaml".to_owned());
        let template = PathBuf::from(template);
        match groups.iter_mut().find(|(t, _)| *t == template) {
            Some((_, text)) => {
                text.extend_from_slice(b"---\n");
                text.append(document);
            }
            None => groups.push((template, std::mem::take(document))),
        }
        document.clear();
    };
    for line in output.split_inclusive(|b| *b == b'\n') {
        if line.strip_suffix(b"\n").unwrap_or(line).trim_ascii_end() == b"---" {
            flush(&mut document, &mut groups);
            continue;
        }
        document.extend_from_slice(line);
    }
    flush(&mut document, &mut groups);
    groups
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
    fn run(
        &self,
        seen: &mut Seen,
        inputs: &mut Sink<'_>,
        problems: &mut Vec<Problem>,
        charts: &mut Vec<PathBuf>,
    ) -> usize {
        walk(self, seen, inputs, problems, charts)
    }
}

/// Walks a directory; returns how many special files matching the filter it passed over (a
/// FIFO found in a tree has no writer to wait for).
fn walk(
    walked: &Walk<'_>,
    seen: &mut Seen,
    inputs: &mut Sink<'_>,
    problems: &mut Vec<Problem>,
    charts: &mut Vec<PathBuf>,
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
            if relative.as_os_str().is_empty() {
                return true;
            }
            !exclude.is_match(relative) && !is_chart_templates(entry)
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
        if entry.file_name() == "Chart.yaml"
            && let Some(chart) = entry.path().parent()
        {
            charts.push(chart.to_path_buf());
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

/// What to say of a symlink whose target does not exist; `None` for anything else.
fn broken_link(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    match std::fs::metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some(format!(
            "broken symbolic link: its target {} does not exist; not read",
            target.to_string_lossy()
        )),
        _ => None,
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
            ignore::Error::Io(io) => {
                let dangling = path.as_deref().and_then(|p| broken_link(Path::new(p)));
                break dangling.unwrap_or_else(|| io.to_string());
            }
            other => break other.to_string(),
        }
    };
    Problem {
        path: path.unwrap_or_else(|| arg.to_owned()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extension test takes exactly what the default globs, compiled as `--include` would
    /// compile them, take.
    #[test]
    fn the_default_include_is_the_default_globs() {
        let globs = glob_set(
            DEFAULT_INCLUDE
                .iter()
                .map(|glob| (*glob, vec![(*glob).to_owned()])),
            true,
        )
        .expect("the default globs compile");
        for path in [
            "pool.yaml",
            "pool.YAML",
            "a/b/pool.Yml",
            "x.json",
            ".yaml",
            "dir.yaml/file",
            "pool.yaml.bak",
            "poolyaml",
            "a/b.yml/c.JSON",
            "values.yaml~",
            "README.md",
            "",
        ] {
            let path = Path::new(path);
            assert_eq!(
                has_default_extension(path),
                globs.is_match(path),
                "{}",
                path.display()
            );
        }
    }
}
