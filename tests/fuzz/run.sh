#!/bin/sh
# Runs the libFuzzer targets (built by the Makefile in build/fuzz) and
# prints TAP, one test per target; exits non-zero when any target fails.
#
#   tests/fuzz/run.sh fuzz SECONDS TARGET...   fuzz each target for SECONDS,
#       starting from its seeds (tests/fuzz/corpus/TARGET) and what earlier
#       runs found (build/fuzz/corpus/TARGET); a crash, a leak, a hang over
#       10 s or more than 2 GB of memory fails it, and the input is saved
#       as build/fuzz/crashes/TARGET-*
#   tests/fuzz/run.sh replay TARGET...         run every seed and every
#       regression input (tests/fuzz/regressions/TARGET) through the target
#       once, without fuzzing
set -u
mode=$1
shift
if [ "$mode" = fuzz ]; then
    seconds=$1
    shift
fi
n=0
status=0
for t in "$@"; do
    n=$((n + 1))
    bin=build/fuzz/fuzz_$t
    log=build/fuzz/$t.$mode.log
    mkdir -p build/fuzz/corpus/$t build/fuzz/crashes
    if [ "$mode" = fuzz ]; then
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
            -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$t-" \
            "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        what="fuzz_$t: ${execs:-0} executions in $seconds s"
    else
        ls -d tests/fuzz/corpus/$t/* tests/fuzz/regressions/$t/* 2>/dev/null >build/fuzz/$t.inputs
        count=$(wc -l <build/fuzz/$t.inputs)
        if [ "$count" -eq 0 ]; then
            echo "no inputs" >"$log"   # never start the binary without files: it would fuzz
            rc=1
        else
            # shellcheck disable=SC2046
            "$bin" $(cat build/fuzz/$t.inputs) >"$log" 2>&1
            rc=$?
        fi
        what="fuzz_$t replays $count seed and regression inputs"
    fi
    if [ $rc -eq 0 ]; then
        echo "ok $n - $what"
    else
        status=1
        echo "not ok $n - $what: failed (exit $rc)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz|.*runtime error|artifact_prefix|Test unit written|Running:)' "$log" \
            | tail -n 8 | sed 's/^/#   /'
    fi
    echo "# $what: $( [ $rc -eq 0 ] && echo ok || echo "FAILED, see $log")"
done
echo "1..$n"
exit $status
