//! Ctrl-C during a runbook: the API call under way finishes, and the run stops before the next
//! one, saying how to resume. Every step reads the cluster before it writes, so the same command
//! run again continues where this one stopped. At a confirmation prompt nothing is under way, so
//! the process ends at once; a second Ctrl-C ends it at once anywhere.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::live::client::LiveError;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static AT_PROMPT: AtomicBool = AtomicBool::new(false);

/// Takes over SIGINT for the rest of the process (once; later calls do nothing).
pub(super) fn install() {
    let _ = ctrlc::set_handler(|| {
        let again = INTERRUPTED.swap(true, Ordering::SeqCst);
        let mut stderr = std::io::stderr();
        if again || AT_PROMPT.load(Ordering::SeqCst) {
            let _ = writeln!(
                stderr,
                "\nkubectl-ippool: interrupted; nothing of the step in hand was written: run the same command again to resume"
            );
            std::process::exit(super::EXIT_INTERRUPTED);
        }
        let _ = writeln!(
            stderr,
            "\nkubectl-ippool: stopping after the API call under way (Ctrl-C again to stop at once)"
        );
    });
}

/// Fails with how to resume when Ctrl-C was pressed; `next` names what would have come next.
pub(super) fn check(next: &str) -> Result<(), LiveError> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Err(LiveError::Interrupted(format!(
            "interrupted (Ctrl-C) before {next}; every step before it is done and recorded in the cluster: run the same command again to resume, or with --abort to roll back"
        )));
    }
    Ok(())
}

/// Marks the time spent waiting for an answer at a prompt.
pub(super) struct Prompt;

impl Prompt {
    pub(super) fn start() -> Prompt {
        AT_PROMPT.store(true, Ordering::SeqCst);
        Prompt
    }
}

impl Drop for Prompt {
    fn drop(&mut self) {
        AT_PROMPT.store(false, Ordering::SeqCst);
    }
}
