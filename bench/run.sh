#!/usr/bin/env bash
# Whole-process benchmarks for BENCHMARKS.md (issues 5 and 13), each measured side by side in one
# hyperfine run with its floor, so that the figures are ratios on the same machine in the same
# minute: the tree lint with 2 and 1 threads (-j) against `rg -j2` and `cat` reading the same
# files, `--no-skip`, peak RSS, and the one-small-file (pre-commit) run against `cat` of that
# file. The corpus is sized in bytes of file content. Installs hyperfine and ripgrep (Debian)
# when missing. Usage: bench/run.sh [DOCS] [PER_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-95000}
per_file=${2:-8}
corpus=target/bench-corpus-$docs-$per_file
bin=target/release/kubectl-ippool
out=target/bench-run
mkdir -p "$out"

cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
if [ ! -d "$corpus" ]; then
  target/release/examples/gen_corpus "$corpus" --docs "$docs" --per-file "$per_file"
fi
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep; }

find "$corpus" -type f -print0 | sort -z > "$out/files"
bytes=$(xargs -0 cat < "$out/files" | wc -c)
files=$(tr -cd '\0' < "$out/files" | wc -c)
echo "corpus: $corpus, $files files, $bytes bytes of file content"
grep -m1 "model name" /proc/cpuinfo || true
echo "cores: $(nproc), $("$bin" --version)"

# Medians and their ratio to the first command, from hyperfine's JSON.
ratios() {
  python3 - "$1" "$bytes" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2])
base = statistics.median(results[0]["times"])
for r in results:
    median = statistics.median(r["times"])
    print(f"  {median * 1000:8.1f} ms median  {median / base:5.2f}× the first  "
          f"{size / median / 1e6:7.0f} MB/s  {r['command']}")
PY
}

# Warm the page cache once, then time.
xargs -0 cat < "$out/files" > /dev/null
echo "== tree: lint (2 and 1 threads) beside rg -j2 and cat of the same files"
hyperfine --warmup 2 --runs 10 -i --export-json "$out/tree.json" --output=null \
  "$bin lint $corpus -o json -j 2" \
  "$bin lint $corpus -o json -j 1" \
  "rg -j2 -c somethingabsent $corpus" \
  "xargs -0 cat < $out/files" > /dev/null
ratios "$out/tree.json"
echo "== --no-skip (every document fully parsed), 2 threads, beside the default"
hyperfine --warmup 1 --runs 5 -i --export-json "$out/no-skip.json" --output=null \
  "$bin lint $corpus -o json --no-skip" \
  "$bin lint $corpus -o json" > /dev/null
ratios "$out/no-skip.json"
echo "== peak RSS, 2 threads"
for run in 1 2 3; do
  { /usr/bin/time -f "  %M KB peak RSS, %e s" "$bin" lint "$corpus" -o json 2>&1 >/dev/null || true; } | tail -1
done
echo "== one small file (pre-commit case) beside cat of it, interleaved (bench/startup.py)"
one=testdata/demo/calico/extra-ippool.yaml
bench/startup.py 1000 "$bin lint $one" "$bin --version" "cat $one"
