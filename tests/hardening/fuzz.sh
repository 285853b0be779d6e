#!/usr/bin/env bash
# AFL++ + SharpFuzz campaign on the image decode + preprocess path (tests/Florence2.Fuzz).
#   tests/hardening/fuzz.sh [seconds]      default 300 (CI); a nightly run uses 3600 or more
#   FUZZ_SEEDS=jpeg tests/hardening/fuzz.sh 600   seeds only from tests/jpeg-corpus (files under 4 KB): every exec
#                                                  goes to the JPEG marker walk and Skia's libjpeg-turbo
# Installs afl++ (Debian) and the SharpFuzz instrumenter when missing, builds Release, instruments ImageSharp and
# Florence2.Core, generates the seed corpus, runs afl-fuzz time-boxed on one core, prints the campaign figures and
# exits 1 when AFL saved any crash, or any hang that an uninstrumented replay confirms. AFL's hang timeout measures an
# instrumented run on a machine that may be slow or busy (instrumentation costs 3-5x), so a "hang" it saves is only a
# candidate: replayed uninstrumented, an input that still takes HANG_MS or more (or never finishes) is a hang.
# Replay a finding with an uninstrumented build:
#   dotnet run -c Release --project tests/Florence2.Fuzz -- replay FILE
set -euo pipefail

SECONDS_TO_RUN="${1:-300}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${FUZZ_WORK:-${TMPDIR:-/tmp}/florence2-fuzz}"
BUILD="$WORK/build"
FINDINGS="$WORK/findings"
TOOLS="$WORK/tools"
HANG_MS="${FUZZ_HANG_MS:-5000}"   # a decode slower than this is a hang: the service would hold a request that long

if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++"
  apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
fi
if [[ ! -x "$TOOLS/sharpfuzz" ]]; then
  echo "installing SharpFuzz.CommandLine 2.3.0"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$TOOLS" >/dev/null
fi

REPLAY="$WORK/replay"
rm -rf "$BUILD" "$REPLAY" "$FINDINGS" "$WORK/seeds"
dotnet publish "$ROOT/tests/Florence2.Fuzz" -c Release -o "$BUILD" --nologo -v quiet
cp -r "$BUILD" "$REPLAY"   # stays uninstrumented: confirms AFL's hang candidates
# Seeds first: instrumented assemblies only run under afl-fuzz (they write to AFL's shared coverage map).
if [[ "${FUZZ_SEEDS:-all}" == jpeg ]]; then
  mkdir -p "$WORK/seeds"
  find "$ROOT/tests/jpeg-corpus" -name '*.jpg' -size -4k -exec cp {} "$WORK/seeds/" \;
else
  dotnet "$BUILD/Florence2.Fuzz.dll" seeds "$WORK/seeds"
  # JPEG variants ImageSharp cannot encode (progressive, 4:4:0, restart markers, arithmetic, CMYK/YCCK): from the
  # committed parity corpus, the smallest file of each kind.
  for seed in progressive-gray-q85 size-5x3-422-progressive size-3x5-440 arithmetic-progressive-444 restart-2-440-photo \
              cmyk-baseline ycck-baseline unmatchable-progressive-scans-missing; do
    cp "$ROOT/tests/jpeg-corpus/$seed.jpg" "$WORK/seeds/corpus-$seed.jpg"
  done
fi
# Instrument what can misbehave on hostile bytes: the decoders, and our own header checks, JPEG marker walk and resizer.
# Skia's libjpeg-turbo (JPEG) is native and uninstrumented: AFL still reports its crashes and hangs, but its coverage
# guides nothing, so JPEG mutations are steered by the managed marker walk and admission only.
"$TOOLS/sharpfuzz" "$BUILD/SixLabors.ImageSharp.dll"
"$TOOLS/sharpfuzz" "$BUILD/Florence2.Core.dll"

echo "fuzzing for $SECONDS_TO_RUN s (hang timeout $HANG_MS ms)"
# SharpFuzz's target is 'dotnet', not an AFL-compiled binary (AFL_SKIP_BIN_CHECK). -V stops afl-fuzz by itself;
# the outer timeout is a backstop in case AFL stalls during calibration.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
  timeout --kill-after=30 $((SECONDS_TO_RUN + 120)) \
  afl-fuzz -V "$SECONDS_TO_RUN" -t "$HANG_MS" -m none -i "$WORK/seeds" -o "$FINDINGS" -- dotnet "$BUILD/Florence2.Fuzz.dll" \
  > "$WORK/afl.log" 2>&1 || { echo "afl-fuzz failed; last lines of $WORK/afl.log:"; tail -30 "$WORK/afl.log"; exit 2; }

STATS="$FINDINGS/default/fuzzer_stats"
stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$STATS"; }
CRASHES=$(find "$FINDINGS/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
CANDIDATES=$(find "$FINDINGS/default/hangs" -name 'id:*' 2>/dev/null | wc -l)
HANGS=0
if (( CANDIDATES > 0 )); then
  echo "replaying $CANDIDATES hang candidate(s) uninstrumented (hang: ${HANG_MS} ms or more)"
  # The outer timeout catches a decoder that never returns: each candidate gets ten times the hang limit.
  if ! timeout --kill-after=10 $(( CANDIDATES * HANG_MS * 10 / 1000 + 30 )) \
       dotnet "$REPLAY/Florence2.Fuzz.dll" replay --hang-ms "$HANG_MS" "$FINDINGS"/default/hangs/id:*; then
    HANGS=$CANDIDATES
  fi
fi
echo "run_time=$(stat run_time)s execs_done=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)"
echo "corpus_count=$(stat corpus_count) edges_found=$(stat edges_found) bitmap_cvg=$(stat bitmap_cvg)"
echo "crashes=$CRASHES hangs=$HANGS (afl candidates $CANDIDATES)   findings in $FINDINGS/default"
if (( CRASHES + HANGS > 0 )); then
  echo "FAIL: replay with: dotnet run -c Release --project tests/Florence2.Fuzz -- replay $FINDINGS/default/crashes/id:* $FINDINGS/default/hangs/id:*"
  exit 1
fi
