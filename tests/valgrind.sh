#!/bin/sh
# Runs the C unit tests (built without sanitizers, build/valgrind/test_*)
# and the Lua specs (against build/quarry/core.so) under valgrind memcheck,
# one job at a time: each C test is a job, and so is each spec file (a
# busted process of its own, so that a memcheck error names its spec file).
# The Makefile runs the jobs side by side (make valgrind: as many at a time
# as there are cores) and joins their TAP (tests/tap_join.lua).
#
#   tests/valgrind.sh jobs                   the job names, one a line:
#       c-NAME for build/valgrind/test_NAME, spec-NAME for tests/NAME_spec.lua
#       (spec-news/ranks for tests/news/ranks_spec.lua)
#   tests/valgrind.sh run LUA BUSTED JOB     runs one job and prints TAP, one
#       test (plan 1..1): not ok on any memcheck error (invalid reads and
#       writes, uninitialised values, definite leaks) or when the job's own
#       tests fail. Its logs: build/valgrind/JOB.log (valgrind's) and
#       build/valgrind/JOB.out (the test's own output). The TAP also says
#       the job's CPU seconds ("# cpu JOB SECONDS"), which tests/valgrind.costs
#       keeps to schedule the longest jobs first (make valgrind-costs).
#
# The specs tagged #slow (the 50 MB line, the kill -9 during extract,
# exhaustive sweeps such as every code point through normalize) are left
# out: they take too long under valgrind, and the ASan run covers them.
#
# So are the spec files of programs run as child processes (CHILD_SPECS
# below): what they test runs in `quarry ...`, the sqlite3 shell or ldoc,
# which valgrind does not follow (no --trace-children), while the ASan run
# of make test does check them (the children load the ASan core through
# support.CPATH and inherit LD_PRELOAD). The little C they reach in the
# busted process itself (a fixture corpus, a store opened to read back what
# a child wrote) is what the in-process specs run. A spec file that also
# tests the core in process (io_security, ingest, scale) stays.
#
# QUARRY_NO_JIT=1: valgrind cannot follow code the PCRE2 JIT generates and
# reports false errors in it; the interpreter runs the same patterns.
set -u
out=build/valgrind
C_TESTS="unicode token gaz vocab regex pool states"
CHILD_SPECS="cli report_cli rules_cli manual sql apidoc"

if [ "${1:-}" = jobs ]; then
    for t in $C_TESTS; do echo "c-$t"; done
    for f in $CHILD_SPECS; do
        [ -f "tests/${f}_spec.lua" ] || { echo "tests/valgrind.sh: no tests/${f}_spec.lua (CHILD_SPECS)" >&2; exit 2; }
    done
    # every spec file busted finds (tests/news/... included), in sorted order
    find tests -name '*_spec.lua' | LC_ALL=C sort | while read -r path; do
        name=${path#tests/}
        name=${name%_spec.lua}
        case " $CHILD_SPECS " in *" $name "*) continue ;; esac
        echo "spec-$name"
    done
    exit 0
fi
if [ "${1:-}" != run ] || [ $# -ne 4 ]; then
    echo "usage: tests/valgrind.sh jobs | tests/valgrind.sh run LUA BUSTED JOB" >&2
    exit 2
fi
lua=$2
busted=$3
job=$4
VG="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
if [ -f tests/valgrind.supp ]; then VG="$VG --suppressions=tests/valgrind.supp"; fi
export QUARRY_NO_JIT=1
log=$out/$job.log
mkdir -p "$(dirname "$log")"
start=$(date +%s)
case $job in
    c-*)
        t=${job#c-}
        what="valgrind C test test_$t"
        args=""
        if [ "$t" = unicode ]; then args="/usr/share/unicode/CaseFolding.txt /usr/share/unicode/UnicodeData.txt"; fi
        # shellcheck disable=SC2086
        $VG --log-file="$log" "$out/test_$t" $args >"$out/$job.out" 2>&1
        rc=$?
        ;;
    spec-*)
        spec=tests/${job#spec-}_spec.lua
        [ -f "$spec" ] || { echo "not ok 1 - valgrind $spec: no such spec file"; echo "1..1"; exit 1; }
        LUA_PATH='lua/?.lua;lua/?/init.lua;./?.lua;;' LUA_CPATH='build/?.so;;' \
            $VG --log-file="$log" "$lua" "$busted" -o TAP --exclude-tags=slow --cpath='build/?.so' "$spec" \
            >"$out/$job.out" 2>&1
        rc=$?
        what="valgrind $spec ($(grep -c '^ok' "$out/$job.out") passed, $(grep -c '^not ok' "$out/$job.out") failed)"
        ;;
    *)
        echo "tests/valgrind.sh: no job $job (tests/valgrind.sh jobs lists them)" >&2
        exit 2
        ;;
esac
seconds=$(($(date +%s) - start))
# The CPU time of the children this shell waited for (valgrind, and the
# little sed and grep above): the second line of `times`, "user system".
# (`times` itself, not in a $(...) subshell, which has no children of its own.)
times >"$out/$job.times"
cpu=$(sed -n '2{s/m/ /g;s/s//g;p;}' "$out/$job.times" | awk '{printf "%.0f", $1 * 60 + $2 + $3 * 60 + $4}')

errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1)
what="$what: ${errors:-?} memcheck errors, ${lost:-0} bytes definitely lost, $seconds s ($cpu s CPU)"
status=0
if [ "${errors:-1}" = 0 ] && [ "$rc" = 0 ]; then
    echo "ok 1 - $what"
else
    status=1
    if [ "${errors:-1}" != 0 ]; then why="memcheck errors, see $log"; else why="its tests failed (exit $rc), see $out/$job.out"; fi
    echo "not ok 1 - $what: $why"
    grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|[0-9,]+ bytes in .* definitely)' "$log" \
        | head -n 5 | sed 's/^/#   /'
    grep '^not ok' "$out/$job.out" | head -n 10 | sed 's/^/#   /'
fi
echo "# cpu $job $cpu"
echo "1..1"
exit $status
