#!/bin/sh
# Installs the Debian packages quarry needs to build, test and run, and only
# those that are missing. Prints what it does; changes nothing when all are
# present. Used by `make test`, `make demo` and .ci/run.
#
#   tools/setup-debian.sh [extra-package...]
set -eu

PACKAGES="lua5.4 liblua5.4-dev libpcre2-dev libsqlite3-dev pkg-config gcc make
luarocks lua-busted lua-cjson lua-argparse lua-filesystem lua-check unicode-data
chromium clang libclang-rt-14-dev valgrind sqlite3 lua-http lua-cqueues lua-posix"

missing=""
for p in $PACKAGES "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "quarry setup: missing packages:$missing (no apt-get here: install them by hand)" >&2
        exit 1
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "quarry setup: missing packages:$missing" >&2
        echo "quarry setup: run as root, or: sudo apt-get install$missing" >&2
        exit 1
    fi
    echo "quarry setup: installing missing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    echo "quarry setup: installed:$missing"
fi

# Debian's lua-cjson, lua-argparse, lua-filesystem and lua-http are not in
# LuaRocks' own tree; declare them as provided so `luarocks make` resolves
# the rockspec's dependencies offline instead of trying to download them.
# One line a rock, each added when missing. (Debian packages lua-http for
# Lua 5.1 to 5.3; it is plain Lua and runs on 5.4: quarry.serve finds it.)
conf_dir="${HOME:-/root}/.luarocks"
conf="$conf_dir/config-5.4.lua"
provide() {    # provide ROCK VERSION
    if ! grep -q "^rocks_provided\[\"$1\"\]" "$conf" 2>/dev/null \
        && ! grep -q "^rocks_provided = {.*[\" ]$1\"\{0,1\} = " "$conf" 2>/dev/null; then
        mkdir -p "$conf_dir"
        printf 'rocks_provided = rocks_provided or {}\nrocks_provided["%s"] = "%s" -- quarry: a Debian package provides it\n' \
            "$1" "$2" >>"$conf"
        echo "quarry setup: told LuaRocks that Debian provides $1 ($conf)"
    fi
}
provide lua-cjson 2.1.0-1
provide argparse 0.7.1-1
provide luafilesystem 1.8.0-1
provide http 0.4-0
