#!/usr/bin/env bash
# Builds osprey-fuzz with libFuzzer (release, its own scratch folder) and runs harnesses for a
# given time each, two at a time, starting from and adding to their committed corpus.
#
#   Scripts/fuzz.sh [-t seconds] [-j parallel] [harness ...]   (default: 600 s each, 2 at a time, all harnesses)
#   Scripts/fuzz.sh -m [harness ...]                           (merge: add what the runs found to the committed corpus)
#
# Crashes land in .build-fuzz/crashes/<harness>/, logs in .build-fuzz/logs/<harness>.log (neither is
# committed). Reproduce one with `.build-fuzz/release/osprey-fuzz <harness> <crash file>`, or in a
# normal build with `swift run osprey-fuzz <harness> <crash file>`; once fixed, copy it into
# Tests/OspreyFuzzingTests/Corpus/<harness>/ so the tests replay it from then on.
set -euo pipefail
shopt -s extglob
cd "$(dirname "$0")/.."

seconds=600
parallel=2
merge=false
while getopts "t:j:m" option; do
    case "$option" in
        t) seconds="$OPTARG" ;;
        j) parallel="$OPTARG" ;;
        m) merge=true ;;
        *) echo "usage: $0 [-t seconds] [-j parallel] [-m] [harness ...]" >&2; exit 1 ;;
    esac
done
shift $((OPTIND - 1))

scratch=.build-fuzz
corpus=Tests/OspreyFuzzingTests/Corpus
dictionaries=Tests/OspreyFuzzingTests/Dictionaries
mkdir -p "$scratch"
# SwiftPM renames an executable's main and defines `main` with --defsym; gold then also pulls
# libFuzzer's own main and dies with an internal error, lld links it as meant.
cat > "$scratch/toolset.json" <<'JSON'
{"schemaVersion": "1.0", "swiftCompiler": {"extraCLIOptions": ["-use-ld=lld"]}}
JSON
swift build -c release --scratch-path "$scratch" --product osprey-fuzz --toolset "$PWD/$scratch/toolset.json" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
binary="$scratch/release/osprey-fuzz"

if (($# == 0)); then
    set -- $(ls "$corpus")
fi

# Swift's own backtracer would catch the trap first; without it libFuzzer saves the crashing input.
export SWIFT_BACKTRACE=enable=no

run() {
    local harness="$1"
    local found="$scratch/crashes/$harness"
    local work="$scratch/corpus/$harness"
    local dictionary=()
    local words="$dictionaries/${harness/%-@(parse|eval)/}.dict"  # promql-parse and promql-eval share promql.dict
    [[ -f "$words" ]] && dictionary=("-dict=$words")
    mkdir -p "$found" "$work" "$scratch/logs"
    if $merge; then
        # Adds to the committed corpus the inputs of the work folder that cover something it does
        # not; committed inputs (seeds, crash regressions) all stay.
        local before
        before=$(ls "$corpus/$harness" | wc -l)
        "$binary" "$harness" -merge=1 -rss_limit_mb=2048 -timeout=20 "$corpus/$harness" "$work" \
            > "$scratch/logs/$harness.merge.log" 2>&1
        echo "$harness: $before inputs, $(ls "$corpus/$harness" | wc -l) after merge"
        return
    fi
    # New inputs go to the work folder; the committed corpus is read only (merge with -m).
    # One worker in fork mode keeps fuzzing after a crash, so one run finds more than one bug.
    "$binary" "$harness" "$work" "$corpus/$harness" "${dictionary[@]}" \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$found/" > "$scratch/logs/$harness.log" 2>&1 || true
    local last
    last=$(grep -E "^#[0-9]+" "$scratch/logs/$harness.log" | tail -1 || true)
    echo "$harness: $last; crashes: $(ls "$found" | wc -l)"
}

running=0
for harness in "$@"; do
    run "$harness" &
    running=$((running + 1))
    if ((running >= parallel)); then
        wait -n
        running=$((running - 1))
    fi
done
wait
