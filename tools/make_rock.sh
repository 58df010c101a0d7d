#!/bin/sh
# Builds the source rock of this checkout, offline:
#   build/rock/quarry-VERSION-1.src.rock
# It holds the release rockspec (rockspec/quarry-VERSION-1.rockspec) and
# the tarball quarry-VERSION.tar.gz of the files git tracks, as they are in
# the working tree, under quarry-VERSION/ (what the release's tag would
# give). `luarocks pack` makes it from a copy of the rockspec whose source
# is that local tarball, so nothing is downloaded; the rockspec inside the
# rock is then the release one. `luarocks install` of the rock builds it
# without fetching anything (tests/rock_spec.lua does, into a fresh tree).
#
#   tools/make_rock.sh VERSION LUAROCKS_CONFIG
set -eu
v=$1
config=$2
out=build/rock
spec=rockspec/quarry-$v-1.rockspec
[ -f "$spec" ] || { echo "make rock: no $spec (make rockspec writes it)" >&2; exit 1; }
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "make rock: needs a git checkout (the rock holds the files git tracks)" >&2
    exit 1
fi
rm -rf "$out"
mkdir -p "$out/pack"
git ls-files -z | tar --null -T - --ignore-failed-read --transform "s,^,quarry-$v/," \
    -czf "$out/quarry-$v.tar.gz"
here=$(pwd)
sed "s|^   url = \".*\",\$|   url = \"file://$here/$out/quarry-$v.tar.gz\",|" "$spec" > "$out/pack/quarry-$v-1.rockspec"
(cd "$out" && LUAROCKS_CONFIG="$here/$config" luarocks --lua-version 5.4 pack "pack/quarry-$v-1.rockspec" >/dev/null)
(cd rockspec && zip -q "$here/$out/quarry-$v-1.src.rock" "quarry-$v-1.rockspec")
echo "make rock: $out/quarry-$v-1.src.rock"
