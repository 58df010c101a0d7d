#!/bin/sh
# The quarry demo, in one go: a corpus from the articles in examples/
# (their dates and sources from examples/articles.meta.jsonl), the news
# pack's annotations, a Markdown summary on standard output and the HTML
# report (examples of every report in one page) in a file.
#
#   sh examples/demo.sh [OUTDIR]          (default: build/demo)
#
# QUARRY is the command to run (default: this checkout's bin/quarry with
# its build); QUARRY_RULES the rule pack (default: news).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/demo}
rules=${QUARRY_RULES:-news}
if [ -z "${QUARRY:-}" ]; then
    LUA_PATH="$root/lua/?.lua;$root/lua/?/init.lua;${LUA_PATH:-;}"
    LUA_CPATH="$root/build/?.so;${LUA_CPATH:-;}"
    export LUA_PATH LUA_CPATH
    QUARRY="lua5.4 $root/bin/quarry"
fi

mkdir -p "$out"
db="$out/news.db"
rm -f "$db" "$db-wal" "$db-shm"

# standard output carries the summary alone: the steps report on stderr
$QUARRY ingest "$db" "$root/examples/articles" --meta "$root/examples/articles.meta.jsonl" >&2
$QUARRY extract --db "$db" --rules "$rules"
$QUARRY report "$db" summary
$QUARRY report "$db" digest --format html --output "$out/report.html"
echo "demo: corpus in $db; HTML report written to $out/report.html (open it in a browser)" >&2
