-- The rock, offline: `make rock` packs the checkout into a source rock with
-- `luarocks pack`, and `luarocks install` builds it into a fresh tree,
-- with no network (a proxy that refuses every connection stands in for
-- none) and no configuration of the user's (LUAROCKS_CONFIG names the one
-- make writes). The installed quarry runs, says its version, and its help
-- names the examples the rock installed.
local lfs = require "lfs"
local quarry = require "quarry"
local support = require "tests.support"

-- Runs a shell command (in dir, else the checkout) with the network cut and
-- without the suite's LUA_PATH; exit code, output.
local OFFLINE = "http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 "
   .. "HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 "
local function sh(cmd, dir)
   local out = os.tmpname()
   local _, _, code = os.execute((dir and ("cd " .. dir .. " && ") or "") .. "unset LUA_PATH LUA_CPATH; "
      .. OFFLINE .. cmd .. " > " .. out .. " 2>&1")
   local text = support.read(out)
   os.remove(out)
   return code, text
end

-- #rock: the rock's build does not depend on the build under test, so the
-- specs' run against the ASan build leaves it out (the Makefile's test-run).
describe("the source rock #slow #rock", function()
   local version = quarry.version:gsub("%+scm$", "")
   local rock = "build/rock/quarry-" .. version .. "-1.src.rock"
   teardown(support.cleanup)

   it("is packed offline and installs from the packed rock into a fresh tree offline", function()
      local code, out = sh("make --no-print-directory rock")
      assert(code == 0, "make rock failed:\n" .. out)
      assert.truthy(lfs.attributes(rock, "size") > 0)
      local tree = support.tmpdir()
      code, out = sh("LUAROCKS_CONFIG=" .. lfs.currentdir() .. "/build/luarocks-config.lua "
         .. "luarocks --lua-version 5.4 install --tree " .. tree .. " " .. rock)
      assert(code == 0, "luarocks install of the rock failed:\n" .. out)

      local home = tree .. "/lib/luarocks/rocks-5.4/quarry/" .. version .. "-1"
      for _, p in ipairs { "docs/README.md", "docs/rules.md", "examples/reports/titles.lua",
         "examples/articles/01-geneva-peace-talks.txt", "quarry-" .. version .. "-1.rockspec" } do
         assert.truthy(lfs.attributes(home .. "/" .. p), p .. " is not in the installed rock")
      end

      -- the installed command, run from elsewhere: the release's version, and
      -- the help names the example report where the rock put it
      local elsewhere = support.tmpdir()
      code, out = sh(tree .. "/bin/quarry --version", elsewhere)
      assert.equal(0, code)
      assert.equal("quarry " .. version .. "\n", out)
      code, out = sh(tree .. "/bin/quarry report --help", elsewhere)
      assert.equal(0, code)
      local named = out:match("quarry report news%.db (%S+titles%.lua)")
      assert.equal(home .. "/examples/reports/titles.lua", named)
      code, out = sh(tree .. "/bin/quarry tokens " .. home .. "/examples/articles", elsewhere)
      assert.equal(0, code, out)
      assert.matches("tokenised 14 documents", out)
   end)
end)
