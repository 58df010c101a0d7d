-- Mistakes in rule packs and reports, as a user makes them: each is
-- caught when the pack or report loads, and its message names the user's
-- file and line (never quarry's own), the rule, and what to do.
-- `quarry rules check` exits 1 on each; `quarry report` on a broken report.
local support = require "tests.support"

-- A rule pack of one phase holding `rule_text`, the rule starting on line 5.
local function pack(rule_text, phase_extra)
   return "return {\n   name = \"t\",\n   phases = {\n      { name = \"people\"" .. (phase_extra or "")
      .. ", rules = {\n" .. rule_text .. "\n      } },\n   },\n}\n"
end

local MINISTER = 'P.word "Minister" * P.cap("name", P.case "title" ^ 1)'

-- name, file, contents, the exact message (FILE stands for the pack's path)
local CASES = {
   { "an unknown rule field", "unknown_field.lua", pack(
      '         rule { name = "minister_name", type = "person", spn = "name",\n'
      .. "            pattern = " .. MINISTER .. " },"),
     "FILE:5: rule minister_name: unknown field 'spn' (did you mean 'span'?)" },
   { "an unknown capture in attrs", "unknown_cap.lua", pack(
      '         rule { name = "minister_name", type = "person", span = "name",\n'
      .. "            pattern = " .. MINISTER .. ",\n"
      .. '            attrs = { name = "$nmae" } },'),
     "FILE:5: rule minister_name: attrs.name = \"$nmae\": the rule has no capture 'nmae' (did you mean 'name'?)" },
   { "an unknown capture as the span", "unknown_span.lua", pack(
      '         rule { name = "minister_name", type = "person", span = "nmae",\n'
      .. "            pattern = " .. MINISTER .. " },"),
     "FILE:5: rule minister_name: span = \"nmae\": the rule has no capture 'nmae' (did you mean 'name'?)" },
   { "$cap.attr on a capture that is not an annotation", "cap_attr.lua", pack(
      '         rule { name = "minister_name", type = "person", span = "name",\n'
      .. "            pattern = " .. MINISTER .. ",\n"
      .. '            attrs = { name = "$name.name" } },'),
     "FILE:5: rule minister_name: attrs.name = \"$name.name\": capture 'name' holds no annotation (P.ann), "
        .. "so it has no attrs; \"$name\" is its text" },
   { "a bad regex", "bad_regex.lua", pack(
      '         rule { name = "curly", type = "quote", regex = [[“([^”]+”]] },'),
     "FILE:5: rule curly: regex error at offset 14: missing closing parenthesis" },
   { "a bad scope", "bad_scope.lua", pack(
      '         rule { name = "minister_name", type = "person", scope = "sentance",\n'
      .. "            pattern = " .. MINISTER .. " },"),
     "FILE:5: rule minister_name: scope must be document, paragraph or sentence, not 'sentance'" },
   { "a bad control", "bad_control.lua", pack(
      '         rule { name = "minister_name", type = "person", pattern = ' .. MINISTER .. " },",
      ', control = "apelt"'),
     "FILE:4: phase people: control must be appelt, first or all, not 'apelt' (did you mean 'appelt'?)" },
   { "a syntax error", "syntax.lua", pack(
      '         rule { name = "minister_name", type = "person"\n'
      .. "            pattern = " .. MINISTER .. " },"),
     "FILE:6: '}' expected (to close '{' at line 5) near 'pattern'" },
   { "a brace never closed", "unclosed.lua", "return {\n   name = \"t\",\n   phases = {\n"
      .. "      { name = \"people\", rules = {\n"
      .. '         rule { name = "a", type = "person", pattern = P.word "Minister" },\n'
      .. "      },\n   },\n}\n",
     "FILE:9: '}' expected (to close '{' at line 1) near <eof>; "
        .. "the file stops making sense at line 7: its closing bracket closes the one opened at line 4" },
   { "os in a sandboxed pack", "uses_os.lua", 'local today = os.date("%Y-%m-%d")\n'
      .. pack('         rule { name = "a", type = "person", pattern = P.word "Minister" },'),
     "FILE:1: attempt to index a nil value (global 'os'): a rule pack has no os unless it is trusted "
        .. "(--trusted; rules.load(pack, {trusted = true}))" },
}

describe("a mistake in a rule pack", function()
   local dir
   setup(function() dir = support.tmpdir() end)
   teardown(support.cleanup)

   for _, case in ipairs(CASES) do
      local what, name, text, want = case[1], case[2], case[3], case[4]
      it("is caught when it loads, naming the user's file and line: " .. what, function()
         local path = support.put(dir, name, text)
         want = want:gsub("FILE", function() return path end)
         local ok, err = pcall(require("quarry").rules.load, path)
         assert.is_false(ok)
         assert.equal(want, tostring(err))
         local code, out, cerr = support.quarry("rules check " .. path)
         assert.equal(1, code)
         assert.equal("", out)
         assert.equal(want .. "\n", cerr)
      end)
   end

   it("that is not there is one line", function()
      local code, out, err = support.quarry("rules check nonexist.lua")
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("nonexist.lua: no such rule pack (a .lua file, or a folder with init.lua)\n", err)
      code, out, err = support.quarry("rules check newz")
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("no rule pack 'newz': no file or folder of that name here, and no quarry.rules.newz "
         .. "installed (the shipped pack is news)\n", err)
   end)

   it("stops quarry extract too, with the same message", function()
      local path = support.put(dir, "unknown_field2.lua", CASES[1][3])
      local code, out, err = support.quarry("extract --rules " .. path .. " examples/articles")
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("quarry extract: " .. path .. ":5: rule minister_name: unknown field 'spn' (did you mean 'span'?)\n",
         err)
   end)
end)

describe("a mistake in a report", function()
   local dir, db
   setup(function()
      dir = support.tmpdir()
      db = dir .. "/news.db"
      assert.equal(0, (support.quarry("ingest " .. db .. " examples/articles --quiet")))
   end)
   teardown(support.cleanup)

   it("positional stats: names the report's file and line", function()
      local path = support.put(dir, "counts.lua", 'local base = require "quarry.reports.base"\n'
         .. "return base.new {\n"
         .. '   name = "counts",\n'
         .. "   run = function(ctx)\n"
         .. '      return { title = "Counts", stats = { { "docs", "Documents", 3 } }, rows = {} }\n'
         .. "   end,\n"
         .. "}\n")
      local code, out, err = support.quarry("report " .. db .. " " .. path)
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("quarry report: " .. path .. ":4: report counts: stat 1 is a list; write each stat as "
         .. "{key = ..., label = ..., value = ...}\n", err)
   end)
end)
