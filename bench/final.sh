#!/usr/bin/env bash
# The figures issue 19 asks for, from one run, one after the other on a quiet machine (about an hour and a half on
# two cores): the daily pages beside the minimal view at size large on SQLite and PostgreSQL (bench/pages.py), the
# served load at 32, 64 and 128 users (bench/load.py --matrix), the faults (bench/faults.py, as root), and the
# import and indicator figures on the partitioned absence table (bench/schooldata.py on PostgreSQL).
#
#   bash bench/final.sh [DIRECTORY]        # the logs, one per bench, in DIRECTORY (default var/bench/final)
#
# Each log begins and ends with the machine's load average, so that a figure taken beside other work shows it.
# Nothing else should run meanwhile: the figures are wall-clock times.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-var/bench/final}"
mkdir -p "$out"
postgres="${KRING_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
python=.venv/bin/python

run() {  # name, command...
  local name="$1"; shift
  {
    echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $*"
    "$@"
    echo "# $(date -u +%FT%TZ) done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  } 2>&1 | tee "$out/$name.log"
}

run pages "$python" bench/pages.py --postgresql-url "$postgres/kring_bench_pages"
run load "$python" bench/load.py --matrix --postgres-url "$postgres/kring_bench_load"
run faults "$python" bench/faults.py
run schooldata "$python" bench/schooldata.py --size medium --absences 200000 --requests 20 --wait 0 \
  --postgres "$postgres/kring_bench_schooldata"
echo "The logs are in $out/."
