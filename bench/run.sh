#!/usr/bin/env bash
# Whole-process benchmarks for BENCHMARKS.md (issue 5): end-to-end throughput on a generated
# corpus with 1 and 2 threads, peak RSS, the one-small-file (pre-commit) run, the same corpus
# with --no-skip, and yamllint side by side. Installs hyperfine (Debian) and yamllint (PyPI, in
# a venv under target/) when missing. Usage: bench/run.sh [DOCS] [PER_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
per_file=${2:-8}
corpus=target/bench-corpus-$docs-$per_file
bin=target/release/kubectl-ippool

cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
if [ ! -d "$corpus" ]; then
  target/release/examples/gen_corpus "$corpus" --docs "$docs" --per-file "$per_file"
fi
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
if [ ! -x target/bench-venv/bin/yamllint ]; then
  python3 -m venv target/bench-venv && target/bench-venv/bin/pip install --quiet yamllint
fi

bytes=$(du -sb "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus, $files files, $bytes bytes"
cat /proc/cpuinfo | grep -m1 "model name" || true
echo "cores: $(nproc)"

# Warm the page cache once, then time.
cat $(find "$corpus" -type f) > /dev/null
for threads in 1 2; do
  echo "== lint, $threads thread(s)"
  RAYON_NUM_THREADS=$threads hyperfine --warmup 1 --runs 5 -i --export-json "target/bench-$threads.json" \
    "$bin lint $corpus -o json > /dev/null"
  mean=$(python3 -c "import json;print(json.load(open('target/bench-$threads.json'))['results'][0]['mean'])")
  python3 -c "b=$bytes; m=$mean; print(f'{b/m/1e6:.0f} MB/s end to end')"
done
echo "== peak RSS (2 threads)"
/usr/bin/time -f "%M KB peak RSS, %e s" "$bin" lint "$corpus" -o json > /dev/null || true
echo "== --no-skip, 2 threads"
hyperfine --warmup 1 --runs 3 -i "$bin lint $corpus -o json --no-skip > /dev/null"
echo "== one small file (pre-commit case)"
hyperfine --warmup 5 --runs 50 -N -i "$bin lint testdata/demo/calico/extra-ippool.yaml"
# yamllint takes minutes on the big corpus: side by side on a 10k-document one.
small=target/bench-corpus-10000-8
[ -d "$small" ] || target/release/examples/gen_corpus "$small" --docs 10000 --per-file 8
echo "== side by side with yamllint (relaxed config; single-threaded) on $small ($(du -sb "$small" | cut -f1) bytes)"
hyperfine --warmup 1 --runs 5 -i \
  "$bin lint $small -o json > /dev/null" \
  "RAYON_NUM_THREADS=1 $bin lint $small -o json > /dev/null" \
  "$bin lint $small -o json --no-skip > /dev/null"
hyperfine --runs 1 -i "target/bench-venv/bin/yamllint -d relaxed $small > /dev/null"
