#!/bin/sh
# Runs the C unit tests (built without sanitizers, build/valgrind/test_*)
# and the Lua specs (against build/quarry/core.so) under valgrind memcheck
# and prints TAP, one test per binary or suite: not ok on any memcheck
# error (invalid reads and writes, uninitialised values, definite leaks)
# or when the suite's own tests fail. The specs tagged #slow (the 50 MB
# line, the kill -9 during extract, exhaustive sweeps such as every code
# point through normalize) are left out: they take too long under valgrind,
# and the ASan run covers them.
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
#   tests/valgrind.sh LUA BUSTED
#
# QUARRY_NO_JIT=1: valgrind cannot follow code the PCRE2 JIT generates and
# reports false errors in it; the interpreter runs the same patterns.
set -u
lua=$1
busted=$2
out=build/valgrind
VG="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
if [ -f tests/valgrind.supp ]; then VG="$VG --suppressions=tests/valgrind.supp"; fi
export QUARRY_NO_JIT=1
n=0
status=0

# report NAME LOG RC SECONDS: one TAP line from valgrind's log and the exit code
report() {
    n=$((n + 1))
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$2" | tail -n 1)
    lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$2" | tail -n 1)
    what="valgrind $1: ${errors:-?} memcheck errors, ${lost:-0} bytes definitely lost, $4 s"
    if [ "${errors:-1}" = 0 ] && [ "$3" = 0 ]; then
        echo "ok $n - $what"
    else
        status=1
        if [ "${errors:-1}" != 0 ]; then why="memcheck errors, see $2"; else why="its tests failed (exit $3)"; fi
        echo "not ok $n - $what: $why"
        grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|[0-9,]+ bytes in .* definitely)' "$2" \
            | head -n 5 | sed 's/^/#   /'
    fi
}

for t in unicode token gaz vocab regex pool states; do
    args=""
    if [ $t = unicode ]; then args="/usr/share/unicode/CaseFolding.txt /usr/share/unicode/UnicodeData.txt"; fi
    start=$(date +%s)
    # shellcheck disable=SC2086
    $VG --log-file=$out/c-$t.log $out/test_$t $args >$out/c-$t.tap 2>&1
    rc=$?
    report "C test test_$t" $out/c-$t.log $rc $(($(date +%s) - start))
done

CHILD_SPECS="cli report_cli rules_cli manual sql apidoc"
excludes=""
for f in $CHILD_SPECS; do
    [ -f "tests/${f}_spec.lua" ] || { echo "tests/valgrind.sh: no tests/${f}_spec.lua (CHILD_SPECS)" >&2; exit 2; }
    excludes="$excludes --exclude-pattern=^${f}_spec%.lua$"
done

start=$(date +%s)
# shellcheck disable=SC2086
LUA_PATH='lua/?.lua;lua/?/init.lua;./?.lua;;' LUA_CPATH='build/?.so;;' \
    $VG --log-file=$out/lua.log "$lua" "$busted" -o TAP --exclude-tags=slow $excludes --cpath='build/?.so' tests \
    >$out/lua.tap 2>&1
rc=$?
report "Lua specs (all but #slow and the specs of child processes: $CHILD_SPECS;\
 $(grep -c '^ok' $out/lua.tap) passed, $(grep -c '^not ok' $out/lua.tap) failed)" \
    $out/lua.log $rc $(($(date +%s) - start))
grep '^not ok' $out/lua.tap | head -n 10 | sed 's/^/#   /'

echo "1..$n"
exit $status
