--- Writes the release rockspec of this checkout's version to stdout,
-- derived from rockspec/quarry-scm-1.rockspec: the version is the C core's
-- (QR_VERSION in csrc/qr_core.c), the rock's revision 1, the source the
-- release's tarball, and the build is not marked as an scm one.
--   lua5.4 tools/release_rockspec.lua > rockspec/quarry-VERSION-1.rockspec
-- (make rockspec does it; tests/rockspec_spec.lua checks the file is what
-- this writes.)
local function read(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("a")
   f:close()
   return s
end

local version = read("csrc/qr_core.c"):match('#define QR_VERSION "([^"]+)"')
assert(version, "csrc/qr_core.c: no QR_VERSION")
local scm = read("rockspec/quarry-scm-1.rockspec")

local function replace(s, old, new)
   local i, j = s:find(old, 1, true)
   assert(i, "rockspec/quarry-scm-1.rockspec: no " .. old)
   return s:sub(1, i - 1) .. new .. s:sub(j + 1)
end

local out = scm
out = replace(out, 'version = "scm-1"', ('version = "%s-1"'):format(version))
out = replace(out, 'url = "git+https://github.com/quarry-text/quarry.git",',
   ('url = "https://github.com/quarry-text/quarry/releases/download/v%s/quarry-%s.tar.gz",\n   dir = "quarry-%s",')
      :format(version, version, version))
out = replace(out, ', "QR_SCM"', "")
out = replace(out, '         -- QR_SCM: quarry.version says "+scm" (the release rockspec leaves it out)\n', "")
io.stdout:write("-- Generated from quarry-scm-1.rockspec by `make rockspec` (tools/release_rockspec.lua):\n",
   "-- edit that one, then run make rockspec.\n", out)
