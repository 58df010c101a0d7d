#!/bin/sh
# Installs the Debian packages quarry needs to build, test and run, and only
# those that are missing. Prints what it does; changes nothing else (no
# configuration file of the user's). Used by `make test`, `make demo` and .ci/run.
#
#   tools/setup-debian.sh [extra-package...]
set -eu

PACKAGES="lua5.4 liblua5.4-dev libpcre2-dev libsqlite3-dev pkg-config gcc make
luarocks lua-busted lua-cjson lua-argparse lua-filesystem lua-expat lua-luv lua-check lua-ldoc lua-markdown unicode-data jq zip
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
    echo "quarry setup: 'make install' installs quarry with LuaRocks, taking these Lua modules as provided (no configuration of yours is changed)"
fi

# LuaRocks: Debian's Lua modules (lua-cjson, lua-argparse, ...) are not in
# LuaRocks' own tree. Nothing of the user's configuration is changed to say
# so: `make install` and `make rock` pass LuaRocks a configuration of their
# own for that one command (tools/luarocks-config.sh declares the modules
# Debian provides, at the versions installed).
