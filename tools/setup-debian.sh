#!/bin/sh
# Installs the Debian packages quarry needs to build, test and run, and only
# those that are missing. Prints what it does; changes nothing when all are
# present. Used by `make test`, `make demo` and .ci/run.
#
#   tools/setup-debian.sh [extra-package...]
set -eu

PACKAGES="lua5.4 liblua5.4-dev libpcre2-dev libsqlite3-dev pkg-config gcc make
luarocks lua-busted lua-cjson lua-argparse lua-filesystem lua-expat lua-luv lua-check lua-ldoc lua-markdown unicode-data jq
chromium clang libclang-rt-14-dev valgrind parallel sqlite3 lua-http lua-cqueues"

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

# Debian's lua-cjson, lua-argparse, lua-filesystem and lua-expat are not in
# LuaRocks' own tree; declare them as provided so `luarocks make` resolves
# the rockspec's dependencies offline instead of trying to download them.
conf_dir="${HOME:-/root}/.luarocks"
conf="$conf_dir/config-5.4.lua"
if grep -q 'quarry: system rocks' "$conf" 2>/dev/null && ! grep -q 'luaexpat' "$conf"; then
    # written by an older setup, without luaexpat: drop its two lines to write them again
    sed -i '/quarry: system rocks/{N;d}' "$conf"
    echo "quarry setup: adding luaexpat to the rocks quarry declared in $conf"
fi
if ! grep -q 'quarry: system rocks' "$conf" 2>/dev/null; then
    if grep -q 'rocks_provided' "$conf" 2>/dev/null; then
        echo "quarry setup: $conf already sets rocks_provided; add lua-cjson, argparse, luafilesystem and luaexpat to it by hand" >&2
    else
        mkdir -p "$conf_dir"
        cat >>"$conf" <<'CONF'
-- quarry: system rocks installed by Debian packages (lua-cjson, lua-argparse, lua-filesystem, lua-expat)
rocks_provided = { ["lua-cjson"] = "2.1.0-1", argparse = "0.7.1-1", luafilesystem = "1.8.0-1", luaexpat = "1.5.1-1" }
CONF
        echo "quarry setup: told LuaRocks that Debian provides lua-cjson, argparse, luafilesystem and luaexpat ($conf)"
    fi
fi

# lua-luv (libuv: quarry's worker processes; Debian's lua-posix is not
# built for Lua 5.4), declared on a line of its own.
if ! grep -q '^rocks_provided\["luv"\]' "$conf" 2>/dev/null; then
    mkdir -p "$conf_dir"
    printf 'rocks_provided = rocks_provided or {}\nrocks_provided["luv"] = "1.44.2-1" -- quarry: a Debian package provides it\n' \
        >>"$conf"
    echo "quarry setup: told LuaRocks that Debian provides luv ($conf)"
fi

# lua-http (quarry serve), declared on a line of its own. Debian packages it
# for Lua 5.1 to 5.3; it is plain Lua and runs on 5.4: quarry.serve finds it.
if ! grep -q '^rocks_provided\["http"\]' "$conf" 2>/dev/null; then
    mkdir -p "$conf_dir"
    printf 'rocks_provided = rocks_provided or {}\nrocks_provided["http"] = "0.4-0" -- quarry: a Debian package provides it\n' \
        >>"$conf"
    echo "quarry setup: told LuaRocks that Debian provides http ($conf)"
fi
