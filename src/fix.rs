//! `lint --fix` and `--diff`: the edits findings carry, applied to the files they point into.
//! An edit replaces exactly one flagged span; every other byte of the file is written back as
//! it was read. A file is rewritten only when its bytes on disk are still the text that was
//! linted, so a fix never lands on the wrong bytes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::report::{Applicability, Finding};
use crate::source::{SourceId, SourceMap};

/// The fixes of one file, ready to write.
#[derive(Debug)]
pub struct FileFix {
    /// The name findings use (as given on the command line).
    pub display: String,
    /// The file to rewrite.
    pub path: PathBuf,
    pub before: Arc<str>,
    pub after: String,
    /// Findings this file's edits mend.
    pub fixed: usize,
}

#[derive(Debug, Default)]
pub struct Planned {
    pub files: Vec<FileFix>,
    /// Findings with a fix that needs `--unsafe-fixes`, left as they are.
    pub unsafe_left: usize,
    /// Fixes not applied, and why (stdin, a rendered chart, an edit that collides with another).
    pub skipped: Vec<String>,
}

impl Planned {
    pub fn fixed(&self) -> usize {
        self.files.iter().map(|file| file.fixed).sum()
    }
}

/// The edits of every applicable fix, file by file. `file_of` names the file behind a source:
/// `None` for stdin, rendered charts and live objects, which cannot be written back.
pub fn plan(
    findings: &[Finding],
    sources: &SourceMap,
    file_of: &dyn Fn(SourceId) -> Option<PathBuf>,
    unsafe_fixes: bool,
) -> Planned {
    let mut planned = Planned::default();
    let mut by_source: BTreeMap<SourceId, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        let Some(fix) = &finding.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            planned.unsafe_left += 1;
            continue;
        }
        let Some(first) = fix.edits.first() else {
            continue;
        };
        // A fix edits one file: the one its first edit is in.
        if fix
            .edits
            .iter()
            .any(|edit| edit.loc.source != first.loc.source)
        {
            continue;
        }
        by_source.entry(first.loc.source).or_default().push(finding);
    }
    for (source, fixes) in by_source {
        let Some(file) = sources.get(source) else {
            continue;
        };
        let Some(path) = file_of(source) else {
            planned.skipped.push(format!(
                "{}: not a file on disk; {} not applied",
                file.name,
                fixes_count(fixes.len())
            ));
            continue;
        };
        if file.is_changed() || file.text.is_empty() {
            planned.skipped.push(format!(
                "{}: changed while it was linted; {} not applied",
                file.name,
                fixes_count(fixes.len())
            ));
            continue;
        }
        let text = &file.text;
        let mut accepted: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        let mut fixed = 0;
        let mut ordered: Vec<_> = fixes
            .iter()
            .filter_map(|finding| {
                let fix = finding.fix.as_ref()?;
                let resolved: Option<Vec<_>> =
                    fix.edits.iter().map(|edit| edit.resolve(text)).collect();
                Some((*finding, resolved))
            })
            .collect();
        ordered.sort_by_key(|(_, resolved)| {
            resolved
                .as_ref()
                .and_then(|edits| edits.first().map(|(range, _)| range.start))
        });
        for (finding, resolved) in ordered {
            let Some(edits) = resolved else {
                planned.skipped.push(format!(
                    "{}: {} {}: the value is not one the fix can rewrite in place",
                    file.name,
                    finding.code,
                    finding.fix.as_ref().map_or("", |fix| fix.message.as_str())
                ));
                continue;
            };
            // Two findings of one value (an alias, say) mend it with one edit.
            let repeats = edits.iter().all(|edit| accepted.contains(edit));
            let collides = edits.iter().any(|(range, _)| {
                accepted
                    .iter()
                    .any(|(other, _)| range.start < other.end && other.start < range.end)
            });
            if repeats {
                fixed += 1;
            } else if collides {
                planned.skipped.push(format!(
                    "{}: {} overlaps another fix; run --fix again",
                    file.name, finding.code
                ));
            } else {
                accepted.extend(edits);
                fixed += 1;
            }
        }
        if accepted.is_empty() {
            continue;
        }
        accepted.sort_by_key(|(range, _)| range.start);
        let mut after = String::with_capacity(text.len() + 16);
        let mut at = 0;
        for (range, content) in &accepted {
            after.push_str(&text[at..range.start]);
            after.push_str(content);
            at = range.end;
        }
        after.push_str(&text[at..]);
        planned.files.push(FileFix {
            display: file.name.clone(),
            path,
            before: Arc::clone(text),
            after,
            fixed,
        });
    }
    planned
}

fn fixes_count(n: usize) -> String {
    if n == 1 {
        "1 fix".to_owned()
    } else {
        format!("{n} fixes")
    }
}

/// What writing the fixes did.
#[derive(Debug, Default)]
pub struct Applied {
    pub files: usize,
    pub fixed: usize,
    /// Files left alone, and why (changed on disk since they were read, not writable).
    pub failed: Vec<String>,
}

/// Writes each file's fixed text in place of the old one: a sibling file renamed over it, with
/// the old file's permissions, so a reader never sees half a file. A symlink's target is what
/// gets rewritten.
pub fn apply(planned: &Planned) -> Applied {
    let mut applied = Applied::default();
    for file in &planned.files {
        match write_fixed(file) {
            Ok(()) => {
                applied.files += 1;
                applied.fixed += file.fixed;
            }
            Err(reason) => applied.failed.push(format!("{}: {reason}", file.display)),
        }
    }
    applied
}

fn write_fixed(file: &FileFix) -> Result<(), String> {
    let target = std::fs::canonicalize(&file.path).map_err(|error| error.to_string())?;
    let now = std::fs::read(&target).map_err(|error| error.to_string())?;
    if now != file.before.as_bytes() {
        return Err("not fixed: the file changed since it was linted, or is not UTF-8".to_owned());
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|error| error.to_string())?
        .permissions();
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = target.with_file_name(format!(".{name}.ippool-fix-{}", std::process::id()));
    let written = std::fs::write(&staging, file.after.as_bytes())
        .and_then(|()| std::fs::set_permissions(&staging, permissions))
        .and_then(|()| std::fs::rename(&staging, &target));
    written.map_err(|error| {
        let _ = std::fs::remove_file(&staging);
        format!("not fixed: {error}")
    })
}

/// A unified diff per file, as `git diff` prints one (`a/` and `b/` paths).
pub fn diff(planned: &Planned) -> String {
    let mut out = String::new();
    for file in &planned.files {
        let diff = similar::TextDiff::from_lines(file.before.as_ref(), file.after.as_str());
        let name = crate::report::escape_controls(&file.display, &[]);
        // `git diff` names `./a.yaml` as `a/a.yaml`.
        let name = name.strip_prefix("./").unwrap_or(&name);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Fix, Location, Severity};
    use crate::source::{Loc, SourceFile, Span};

    fn finding(start: usize, end: usize, content: &str, applicability: Applicability) -> Finding {
        let loc = Loc::new(0, Span { start, end });
        Finding {
            code: "IPP006",
            rule: "invalid-encapsulation-mode",
            severity: Severity::Error,
            message: String::new(),
            location: Location::at(loc, None),
            label: None,
            related: Vec::new(),
            help: None,
            fix: Some(Fix::scalar(applicability, "fix", loc, content)),
        }
    }

    fn planned(text: &str, findings: &[Finding], unsafe_fixes: bool) -> Planned {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("pool.yaml", text));
        plan(
            findings,
            &sources,
            &|_| Some(PathBuf::from("pool.yaml")),
            unsafe_fixes,
        )
    }

    #[test]
    fn an_edit_keeps_quotes_and_every_other_byte() {
        let text = "spec:\n  vxlanMode: 'always'  # keep\n  ipipMode: never\n";
        let quoted = text.find("'always'").unwrap();
        let plain = text.find("never").unwrap();
        let findings = [
            finding(quoted, quoted + 8, "Always", Applicability::Safe),
            finding(plain, plain + 5, "Never", Applicability::Safe),
        ];
        let planned = planned(text, &findings, false);
        assert_eq!(
            planned.files[0].after,
            "spec:\n  vxlanMode: 'Always'  # keep\n  ipipMode: Never\n"
        );
        assert_eq!(planned.fixed(), 2);
    }

    #[test]
    fn unsafe_fixes_wait_for_the_opt_in() {
        let text = "cidr: 10.0.0.5/16\n";
        let findings = [finding(6, 17, "10.0.0.0/16", Applicability::Unsafe)];
        let without = planned(text, &findings, false);
        assert!(without.files.is_empty());
        assert_eq!(without.unsafe_left, 1);
        let with = planned(text, &findings, true);
        assert_eq!(with.files[0].after, "cidr: 10.0.0.0/16\n");
    }

    #[test]
    fn overlapping_edits_apply_once_and_repeats_count_as_fixed() {
        let text = "mode: always\n";
        let findings = [
            finding(6, 12, "Always", Applicability::Safe),
            finding(6, 12, "Always", Applicability::Safe),
            finding(6, 10, "Alwa", Applicability::Safe),
        ];
        let planned = planned(text, &findings, false);
        assert_eq!(planned.files[0].after, "mode: Always\n");
        assert_eq!(planned.fixed(), 2);
        assert_eq!(planned.skipped.len(), 1);
    }

    #[test]
    fn a_multi_line_or_out_of_range_span_is_not_edited() {
        let text = "mode: |\n  always\n";
        let findings = [
            finding(6, 16, "Always", Applicability::Safe),
            finding(6, 400, "Always", Applicability::Safe),
        ];
        let planned = planned(text, &findings, false);
        assert!(planned.files.is_empty());
        assert_eq!(planned.skipped.len(), 2);
    }
}
