//! The `kubectl-ippool` binary: real stdio in, exit code out. Everything else is in the library.

use mimalloc::MiMalloc;

// Measured faster than the system allocator for the many small allocations of YAML parsing,
// and steadier with several threads (STYLE.md).
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() {
    let code = kubectl_ippool::app::run_with_stdio(std::env::args_os().collect());
    std::process::exit(code);
}
