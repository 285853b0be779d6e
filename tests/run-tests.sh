#!/usr/bin/env bash
# Runs every test of the solution (what CI runs) and ends with one line: "N passed, N failed, N skipped".
# Usage: tests/run-tests.sh [extra dotnet test arguments, e.g. --filter "FullyQualifiedName~Tokenization"]
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

# Sum the counters of every TRX file (one per test project).
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
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
