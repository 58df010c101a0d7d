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
