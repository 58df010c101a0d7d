-- The quarry command line: exit codes, stdin, statistics and token lists.
local cjson = require "cjson"
local support = require "tests.support"
local function run(cmdline, input) return support.quarry(cmdline, { input = input }) end



describe("quarry command line", function()
   it("prints statistics for the demo articles", function()
      local code, out = run("tokens examples/articles")
      assert.equal(0, code)
      assert.matches("01%-geneva%-peace%-talks%.txt", out)
      assert.matches("\ntotal%s+%d+", out)
      assert.matches("tokenised 14 documents", out)
   end)

   it("lists tokens as JSON lines from stdin", function()
      local code, out = run("tokens --list --json -", "Mr. Voronov’s aides met U.S. envoys.")
      assert.equal(0, code)
      local texts = {}
      for line in out:gmatch("[^\n]+") do texts[#texts + 1] = cjson.decode(line).text end
      assert.same({ "Mr.", "Voronov", "’s", "aides", "met", "U.S.", "envoys", "." }, texts)
      local first = cjson.decode(out:match("[^\n]+"))
      assert.equal(0, first.start)
      assert.equal(3, first["end"])
   end)

   it("exits 2 on a usage error and 1 on a missing file", function()
      local code, _, err = run("tokens --no-such-flag x")
      assert.equal(2, code)
      assert.matches("unknown option '%-%-no%-such%-flag'", err)
      code, _, err = run("tokens /no/such/file.txt")
      assert.equal(1, code)
      assert.matches("/no/such/file%.txt: No such file or directory", err)
   end)

   it("has --help for the command and the subcommand", function()
      local code, out = run("--help")
      assert.equal(0, code)
      assert.matches("tokens", out)
      code, out = run("tokens --help")
      assert.equal(0, code)
      assert.matches("%-%-list", out)
   end)
end)

-- The conventions every command keeps (docs/cli.md): usage errors, dates,
-- corpora that are not there, --quiet, NO_COLOR, the progress bar, JSON.
describe("quarry command-line conventions", function()
   local dir, db
   setup(function()
      dir = support.tmpdir()
      db = dir .. "/news.db"
      local code, _, err = run("ingest " .. db .. " examples/articles --meta examples/articles.meta.jsonl --quiet")
      assert.equal(0, code, err)
   end)
   teardown(support.cleanup)

   -- Runs the command line in a pseudo-terminal (script(1)): what a person sees.
   local function on_terminal(cmdline, env)
      local out = os.tmpname()
      local inner = "env " .. (env or "") .. " LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='"
         .. support.CPATH .. ";;' lua5.4 bin/quarry " .. cmdline
      os.execute("script -qec " .. string.format("%q", inner) .. " /dev/null > " .. out .. " 2>&1")
      local text = support.read(out)
      os.remove(out)
      return text
   end

   it("prints the usage of the subcommand and names the option of a usage error", function()
      local code, out, err = run("search " .. db .. " talks --limit x")
      assert.equal(2, code)
      assert.equal("", out)
      assert.matches("^Usage: quarry search ", err)
      local _
      assert.matches("\nquarry search: %-%-limit must be a non%-negative integer, not 'x'\n", err)
      assert.matches("Run 'quarry search %-%-help' for its options%.\n$", err)
      code, _, err = run("ingest " .. db .. " x --batch 0")
      assert.equal(2, code)
      assert.matches("quarry ingest: %-%-batch must be a positive integer, not '0'", err)
      code, _, err = run("frobnicate")
      assert.equal(2, code)
      assert.matches("^Usage: quarry %[", err)
      assert.matches("quarry: unknown command 'frobnicate'", err)
   end)

   it("refuses dates that are not real days, with the one ISO-date parser", function()
      for _, case in ipairs {
         { "search " .. db .. " talks --from 2024-13", "search", "--from", "2024-13" },
         { "search " .. db .. " talks --to 2024-02-31", "search", "--to", "2024-02-31" },
         { "report " .. db .. " summary --from 2023-02-29", "report", "--from", "2023-02-29" },
         { "extract --date 2024-02-30 examples/articles", "extract", "--date", "2024-02-30" },
      } do
         local code, out, err = run(case[1])
         assert.equal(2, code, case[1])
         assert.equal("", out)
         assert.truthy(err:find(("quarry %s: %s must be "):format(case[2], case[3]), 1, true), err)
         assert.truthy(err:find("not '" .. case[4] .. "'", 1, true), err)
      end
      -- a leap day is a real day
      local code = run("report " .. db .. " summary --from 2024-02-29 --quiet")
      assert.equal(0, code)
   end)

   it("refuses a corpus that is not there instead of making an empty one", function()
      local typo = dir .. "/typo.db"
      local code, out, err = run("extract --db " .. typo)
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("quarry extract: " .. typo .. ": no such corpus file (quarry ingest makes one)\n", err)
      assert.is_nil(io.open(typo))
   end)

   it("leaves out summaries and notes with --quiet, not results or errors", function()
      local code, out, err = run("search " .. db .. " zzzzqx")
      assert.equal(0, code)
      assert.equal("", out)
      assert.equal("quarry search: no documents match\n", err)
      code, out, err = run("search " .. db .. " zzzzqx --quiet")
      assert.equal(0, code)
      assert.equal("", out .. err)
      code, out, err = run("extract --db " .. db .. " --quiet")
      assert.equal(0, code)
      assert.equal("", out .. err)
      code, out = run("search " .. db .. " water --quiet -n 1")
      assert.equal(0, code)
      assert.matches("^1%. demo%-04", out)
      local _
      code, _, err = run("search " .. dir .. "/none.db water --quiet")
      assert.equal(1, code)
      assert.matches("no such corpus file", err)
   end)

   it("shows matches in bold on a terminal, unless NO_COLOR is set", function()
      assert.truthy(on_terminal("search " .. db .. " water -n 1"):find("\27[1mwater", 1, true))
      local plain = on_terminal("search " .. db .. " water -n 1", "NO_COLOR=1")
      assert.falsy(plain:find("\27[", 1, true))
      assert.truthy(plain:find("[water", 1, true))
      assert.falsy(on_terminal("kwic " .. db .. " water -n 1", "NO_COLOR=1"):find("\27[", 1, true))
   end)

   it("draws a progress bar with the rate on a terminal, and none with --quiet", function()
      local out = on_terminal("ingest " .. dir .. "/bar.db examples/articles")
      assert.matches("%[#+%] 100%% 14/14 documents, %d+/s, %d+s", out)
      out = on_terminal("ingest " .. dir .. "/quiet.db examples/articles --quiet")
      assert.equal("", out)
   end)

   it("writes JSON with one key order, doc for the document, and unescaped slashes", function()
      local _, out = run("search " .. db .. " water --json -n 1")
      assert.matches('^{"doc":"demo%-04","date":"2024%-04%-08","source":"Meridian Wire","title":', out)
      assert.matches('"url":"https://meridianwire%.example/world/', out)
      _, out = run("kwic " .. db .. " water --json -n 1")
      assert.matches('^{"doc":"demo%-04","start":31,"end":44,"left":', out)
      _, out = run("tokens --list --json -", "Hi.")
      assert.matches('^{"doc":"%x+","index":1,"start":0,"end":2,"kind":"word","case":"title"', out)
      _, out = run("extract examples/articles/01-geneva-peace-talks.txt")
      assert.falsy(out:find("\\/", 1, true))
      assert.matches('^{"doc":"examples/articles/01%-geneva%-peace%-talks%.txt","type":', out)
      for line in out:gmatch("[^\n]+") do assert.is_table(cjson.decode(line)) end
   end)
end)
