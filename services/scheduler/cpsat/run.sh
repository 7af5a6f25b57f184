#!/usr/bin/env bash
# CP-SAT reference figures for roster-bench, on the same instances, time limit and two workers:
#   bash services/scheduler/cpsat/run.sh [SECONDS] [INSTANCE_FILE...]
# Installs OR-Tools into a virtual environment under target/ (once), solves every instance,
# then re-scores each CP-SAT roster with the project's exact evaluator (roster-bench --score).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
benchmark="$root/../shared/benchmarks/shift-scheduling"
seconds="${1:-60}"
shift || true
if [ "$#" -eq 0 ]; then
  set -- $(ls "$benchmark"/instances/Instance*.txt | sort -V)
fi
venv="$root/target/cpsat-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
rosters="$root/target/cpsat-rosters"
rm -rf "$rosters"
echo "== CP-SAT, $seconds s, 2 workers"
"$venv/bin/python" "$here/cq_cpsat.py" --time-limit "$seconds" --workers 2 \
  --best-known "$benchmark/best-known.tsv" --solutions "$rosters" "$@"
echo "== the same rosters scored by the exact evaluator"
cargo build -q --release -p allmenn-scheduler --bin roster-bench
solved=()
for instance in "$@"; do
  name="$(basename "$instance" .txt)"
  [ -f "$rosters/$name.tsv" ] && solved+=("$instance")
done
if [ "${#solved[@]}" -gt 0 ]; then
  "$root/target/release/roster-bench" --score "$rosters" --best-known "$benchmark/best-known.tsv" "${solved[@]}"
fi
