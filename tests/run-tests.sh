#!/usr/bin/env bash
# Runs every test (what CI runs) and ends with one line: "N passed, N failed, N skipped".
#  1. every xunit project of the solution (unit, service, deploy static checks, multi-replica behind nginx);
#  2. the quick hardening runs, each counted as one test: a 5-minute AFL++ fuzz of the image path, a 30-second
#     overload at 3x capacity, and a 1000-request soak (tests/hardening/README.md has the long versions);
#  3. the container test (tests/containers/run.sh), each scenario counted as one test: the cpu image built from the
#     Dockerfile and run read-only, then the compose stack behind nginx with a replica stopped under load.
# Usage: tests/run-tests.sh [extra dotnet test arguments, e.g. --filter "FullyQualifiedName~Tokenization"]
# SKIP_HARDENING=1 skips part 2 and SKIP_CONTAINERS=1 part 3 (both are skipped anyway when a --filter is given);
# FUZZ_SECONDS changes the fuzz time.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export FLORENCE2_ASSETS="${FLORENCE2_ASSETS:-$(cd "$root/.." && pwd)/shared/florence2-assets}"
if [ ! -f "$FLORENCE2_ASSETS/vocab.json" ]; then
  echo "error: the Florence-2 tokenizer/config assets are missing at $FLORENCE2_ASSETS (set FLORENCE2_ASSETS)." >&2
fi

dotnet build Florence2Service.sln -c Release -warnaserror
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "0 passed, 1 failed"
  exit $build_rc
fi

dotnet test Florence2Service.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@"
test_rc=$?

# Hardening quick runs: each script exits non-zero on a violation and prints its figures (counted with the
# container scenarios below as scripts_passed/scripts_failed).
scripts_passed=0
scripts_failed=0
if [ -z "${SKIP_HARDENING:-}" ] && [[ " $* " != *" --filter "* ]]; then
  for check in "fuzz.sh ${FUZZ_SECONDS:-300}" "overload.sh 30" "soak.sh 1000"; do
    echo "=== hardening: tests/hardening/$check"
    # shellcheck disable=SC2086
    if bash "tests/hardening/"$check 2>&1 | tee "$results/hardening-${check%%.sh*}.log"; then
      scripts_passed=$((scripts_passed + 1))
    else
      scripts_failed=$((scripts_failed + 1))
      test_rc=1
    fi
  done
fi

# Container scenarios: each exits non-zero on a violation; its last line ("containers: ...") has the figures.
if [ -z "${SKIP_CONTAINERS:-}" ] && [[ " $* " != *" --filter "* ]]; then
  for scenario in single compose; do
    echo "=== containers: tests/containers/run.sh $scenario"
    if bash tests/containers/run.sh "$scenario" 2>&1 | tee "$results/containers-$scenario.log"; then
      scripts_passed=$((scripts_passed + 1))
    else
      scripts_failed=$((scripts_failed + 1))
      test_rc=1
    fi
  done
fi

# Sum the counters of every TRX file (one per test project).
python3 - "$results" "$scripts_passed" "$scripts_failed" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed, failed, skipped = int(sys.argv[2]), int(sys.argv[3]), 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $test_rc
