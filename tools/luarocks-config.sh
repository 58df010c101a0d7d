#!/bin/sh
# Prints a LuaRocks configuration declaring the Lua modules that Debian
# packages installed (tools/setup-debian.sh installs them) as provided, at
# their Debian versions, so that LuaRocks builds and installs quarry's rock
# without downloading them. The Makefile writes it to
# build/luarocks-config.lua and passes it to one luarocks command at a time
# through LUAROCKS_CONFIG (make rock, make install, tests/rock_spec.lua):
# no file of the user's changes, and the user's own configuration is
# simply not read for that command.
#
#   tools/luarocks-config.sh > build/luarocks-config.lua
set -eu
version() {   # the upstream version of an installed Debian package, or nothing
    dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
        sed -n 's/^install ok installed \([0-9]*:\)\{0,1\}\([0-9][0-9.]*\).*/\2/p'
}
echo "-- Written by tools/luarocks-config.sh: the Lua modules Debian provides."
echo "rocks_provided = {"
for pair in lua-cjson:lua-cjson argparse:lua-argparse luafilesystem:lua-filesystem \
            luaexpat:lua-expat luv:lua-luv http:lua-http cqueues:lua-cqueues; do
    rock=${pair%%:*}
    v=$(version "${pair#*:}")
    if [ -n "$v" ]; then echo "   [\"$rock\"] = \"$v-1\","; fi
done
echo "}"
