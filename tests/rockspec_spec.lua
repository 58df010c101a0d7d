-- The rockspec installs what the checkout has: every C source of the core
-- and every Lua module, so `luarocks make` builds the same quarry.
local lfs = require "lfs"

local function rockspec()
   local env = {}
   local chunk = assert(loadfile("rockspec/quarry-scm-1.rockspec", "t", env))
   chunk()
   return env
end

local function files(dir, pattern, out)
   out = out or {}
   for name in lfs.dir(dir) do
      if name:sub(1, 1) ~= "." then
         local path = dir .. "/" .. name
         if lfs.attributes(path, "mode") == "directory" then files(path, pattern, out)
         elseif name:match(pattern) then out[#out + 1] = path end
      end
   end
   return out
end

describe("the rockspec", function()
   local spec = rockspec()
   local modules = spec.build.modules

   it("compiles every C source of the core, and the SQLite extension from its own", function()
      local listed = {}
      for _, s in ipairs(modules["quarry.core"].sources) do listed[s] = true end
      local ext = modules["quarry_sqlite"]
      assert.is_table(ext, "the SQLite extension quarry_sqlite is not built")
      for _, path in ipairs(files("csrc", "%.c$")) do
         if path == "csrc/qr_sqlite_ext.c" then
            assert.is_nil(listed[path], "the extension's entry point is not part of the core")
         else
            assert.is_true(listed[path] == true, path .. " is missing from the rockspec")
         end
      end
      -- the extension: what the Makefile builds it from, with its define, without libsqlite3
      local mk = assert(io.open("Makefile")):read("a")
      local want = mk:match("EXT_SRC := ([^\n]+)"):gsub("%$%(EXT_MAIN%)", "csrc/qr_sqlite_ext.c")
      assert.equal(want, table.concat(ext.sources, " "))
      assert.same({ "QR_SQLITE_EXTENSION" }, ext.defines)
      assert.is_nil(ext.libraries)
   end)

   it("maps every Lua module under lua/", function()
      for _, path in ipairs(files("lua", "%.lua$")) do
         local name = path:gsub("^lua/", ""):gsub("%.lua$", ""):gsub("/init$", ""):gsub("/", ".")
         assert.equal(path, modules[name], name .. " is not mapped to " .. path)
      end
   end)

   it("installs the data files of the shipped rule packs next to their modules", function()
      local installed = {}
      for key, path in pairs(spec.build.install.lua or {}) do
         -- luarocks puts the file in the key's folder, under its own name
         local dir = key:gsub("%.[^.]*$", ""):gsub("%.", "/")
         assert.equal("lua/" .. dir .. "/" .. path:match("([^/]+)$"), path, key .. " would install elsewhere")
         installed[path] = true
      end
      for _, path in ipairs(files("lua", "")) do
         if not path:match("%.lua$") then
            assert.is_true(installed[path] == true, path .. " is not installed by the rockspec")
         end
      end
   end)

   it("installs the command line and declares its dependencies", function()
      assert.equal("bin/quarry", spec.build.install.bin.quarry)
      local deps = table.concat(spec.dependencies, " ")
      for _, d in ipairs { "lua >= 5.4", "lua%-cjson", "argparse", "luafilesystem", "luaexpat" } do
         assert.matches(d, deps)
      end
      assert.is_table(spec.external_dependencies.PCRE2)
      assert.is_table(spec.external_dependencies.SQLITE)
   end)
end)

describe("the release rockspec", function()
   local quarry = require "quarry"
   local version = quarry.version:gsub("%+scm$", "")
   local path = "rockspec/quarry-" .. version .. "-1.rockspec"

   local function load(p)
      local env = {}
      assert(loadfile(p, "t", env))()
      return env
   end

   it("is the scm one at the version quarry says, as make rockspec derives it", function()
      -- a checkout's build is an scm one: quarry.version is the release's plus "+scm"
      assert.equal(version .. "+scm", quarry.version)
      local release = load(path)
      assert.equal(version .. "-1", release.version)
      assert.matches("/quarry%-" .. version:gsub("%p", "%%%0") .. "%.tar%.gz$", release.source.url)
      assert.equal("quarry-" .. version, release.source.dir)
      local p = io.popen("lua5.4 tools/release_rockspec.lua")
      local derived = p:read("a")
      p:close()
      local f = assert(io.open(path, "rb"))
      local checked_in = f:read("a")
      f:close()
      assert(derived == checked_in, path .. " is not what `make rockspec` derives from quarry-scm-1.rockspec: run it")
      -- the scm rock says so; the release does not
      local scm = load("rockspec/quarry-scm-1.rockspec")
      assert.same({ "PCRE2_CODE_UNIT_WIDTH=8", "QR_SCM" }, scm.build.modules["quarry.core"].defines)
      assert.same({ "PCRE2_CODE_UNIT_WIDTH=8" }, release.build.modules["quarry.core"].defines)
   end)

   it("installs the manual and the examples, and runs the specs for luarocks test", function()
      for _, p in ipairs { "rockspec/quarry-scm-1.rockspec", path } do
         local spec = load(p)
         assert.same({ "docs", "examples" }, spec.build.copy_directories)
         assert.equal("command", spec.test.type)
         assert.matches("make .*test%-lua", spec.test.command)
         assert.equal("MIT", spec.description.license)
      end
      assert.matches("^MIT License", io.open("LICENSE"):read("l"))
   end)
end)
