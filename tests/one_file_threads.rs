//! A one-file lint (the pre-commit case) runs on the calling thread and never starts rayon's
//! pool: two thread spawns and a cgroup read were a tenth of its start-up. A test binary of its
//! own, because rayon's global pool is per process and any other test could start it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;

use kubectl_ippool::app::{Io, run};

#[test]
fn a_one_file_lint_starts_no_thread_pool() {
    let args: Vec<OsString> = [
        "kubectl-ippool",
        "lint",
        "testdata/demo/calico/extra-ippool.yaml",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut std::io::empty(),
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdout_is_terminal: false,
        stderr_is_terminal: false,
        stdin_is_terminal: false,
    };
    let code = run(args, &mut io);
    assert_eq!(code, 1, "{}", String::from_utf8_lossy(&stderr));
    // Building the global pool fails once anything has started it.
    assert!(
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build_global()
            .is_ok(),
        "the one-file lint started rayon's global pool"
    );
}
