-- The rule tools of the command line: quarry rules check|test|list,
-- quarry explain and quarry extract --rules (quarry eval: eval_spec.lua).
local cjson = require "cjson"

local support = require "tests.support"
local run, read, tmpdir, put = support.quarry, support.read, support.tmpdir, support.put
local PACKS = "tests/fixtures/packs/"

local lines, has = support.lines, support.has

-- JSON lines as {doc, type, start, end, text} strings, checking each line's keys.
local KEYS = { "doc", "type", "start", "end", "text", "rule", "attrs" }
local function annotations(out)
   local rows, objs = {}, {}
   for _, line in ipairs(lines(out)) do
      -- exactly these keys, in this order
      local pos = 1
      local obj = cjson.decode(line)
      local n = 0
      for _ in pairs(obj) do n = n + 1 end
      assert.equal(#KEYS, n, line)
      for _, k in ipairs(KEYS) do
         local at = line:find('"' .. k .. '":', pos, true)
         assert.is_truthy(at, "key " .. k .. " missing or out of order in " .. line)
         pos = at
      end
      assert.equal("table", type(obj.attrs))
      rows[#rows + 1] = string.format("%s %s %d-%d %s", obj.doc, obj.type, obj.start, obj["end"], obj.text)
      objs[#objs + 1] = obj
   end
   return rows, objs
end



teardown(support.cleanup)

describe("quarry rules", function()
   it("check compiles a pack and exits 0", function()
      local code, out = run("rules check " .. PACKS .. "newsroom.lua")
      assert.equal(0, code)
      assert.equal("newsroom: 4 rules in 2 phases compile\n", out)
      code, out = run("rules check " .. PACKS .. "folder_pack")
      assert.equal(0, code)
      assert.equal("folder_pack: 3 rules in 2 phases compile\n", out)
   end)

   it("check exits 1 on a broken pack, naming file:line and the rule", function()
      local _
      local code, out, err = run("rules check " .. PACKS .. "broken_lookbehind.lua")
      assert.equal(1, code)
      assert.equal("", out)
      has(err, PACKS .. "broken_lookbehind.lua:7")
      has(err, "rule after_title")
      has(err, "lookbehind needs a pattern of bounded length")
      local dir = tmpdir()
      put(dir, "syntax.lua",
         "return { phases = { { rules = {\n   rule { name = 'r', type = 't', pattern = P.word 'x' }\n} }\n")
      code, _, err = run("rules check " .. dir .. "/syntax.lua")
      assert.equal(1, code)
      has(err, dir .. "/syntax.lua:4")
      put(dir, "dup.lua", [[
return { phases = { { rules = {
   rule { name = "twice", type = "t", pattern = P.word "x" },
   rule { name = "twice", type = "u", pattern = P.word "y" },
} } } }
]])
      code, _, err = run("rules check " .. dir .. "/dup.lua")
      assert.equal(1, code)
      has(err, dir .. "/dup.lua:3: rule twice: a rule of that name already exists")
      code, _, err = run("rules check no_such_pack_xyz")
      assert.equal(1, code)
      has(err, "no rule pack 'no_such_pack_xyz': no file or folder of that name here")
   end)

   it("test runs the inline examples", function()
      local code, out = run("rules test " .. PACKS .. "newsroom.lua")
      assert.equal(0, code)
      assert.equal("3 passed, 0 failed\n", out)
   end)

   it("test exits 1 on a failing example and says where the rule is", function()
      local code, out = run("rules test " .. PACKS .. "failing_example.lua")
      assert.equal(1, code)
      assert.same({
         "FAIL " .. PACKS .. "failing_example.lua:8: rule weekday: missing date 'Friday' in: The vote is on Friday.",
         "1 passed, 1 failed",
      }, lines(out))
   end)

   it("list shows phase, rule, kind, type and file:line", function()
      local code, out = run("rules list " .. PACKS .. "newsroom.lua")
      assert.equal(0, code)
      local rows = lines(out)
      assert.equal(5, #rows)
      assert.matches("^phase%s+rule%s+kind%s+type%s+where$", rows[1])
      local function row(...) return table.concat({ ... }, "%s+") .. "$" end
      local at = PACKS:gsub("%p", "%%%0") .. "newsroom%.lua:"
      assert.matches(row("^people", "title_name", "pattern", "person", at .. "10"), rows[2])
      assert.matches(row("^people", "city", "pattern", "place", ".-newsroom%.lua:17"), rows[3])
      assert.matches(row("^speech", "said", "pattern", "speech", ".-newsroom%.lua:21"), rows[4])
      assert.matches(row("^speech", "quote", "regex", "quote", ".-newsroom%.lua:28"), rows[5])
   end)

   it("finds a pack by name on LUA_PATH", function()
      local dir = tmpdir()
      put(dir, "quarry/rules/clipack.lua", [[
return { phases = { { rules = {
   rule { name = "day", type = "date", pattern = P.set { "Monday", "Tuesday" } },
} } } }
]])
      local path = dir .. "/?.lua;" .. dir .. "/?/init.lua;"
      local code, out = run("rules list clipack", { path = path })
      assert.equal(0, code)
      has(out, dir .. "/quarry/rules/clipack.lua:2")
      code, out = run("extract --rules clipack -", { path = path, input = "Talks resume on Tuesday." })
      assert.equal(0, code)
      local rows, objs = annotations(out)
      assert.equal(1, #rows)
      assert.matches(" date 16%-23 Tuesday$", rows[1])
      assert.equal("day", objs[1].rule)
   end)
end)

describe("quarry explain", function()
   it("shows each annotation with its phase, rule and file:line", function()
      local code, out, err = run("explain --rules " .. PACKS .. "newsroom.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(0, code)
      assert.equal("", err)
      local rows = lines(out)
      assert.equal("== " .. PACKS .. "texts/talks.txt", rows[1])
      assert.matches("^span%s+type%s+text%s+phase%s+rule%s+written at%s+attrs$", rows[2])
      assert.matches("^41%-60%s+speech%s+Sergei Voronov said%s+speech%s+said%s+" .. PACKS:gsub("%p", "%%%0")
         .. "newsroom%.lua:21%s+speaker=Sergei Voronov title=Minister$", rows[4])
      assert.matches("^41%-55%s+person%s+Sergei Voronov%s+people%s+title_name%s+.-newsroom%.lua:10%s+title=Minister$",
         rows[5])
      assert.equal(8, #rows)
   end)

   it("names the strategy that found each quote's speaker, where it is written, and those tried before it",
      function()
      local dir = tmpdir { ["vale.txt"] = "Ann Vale spoke on Monday.\n\n\u{201C}We will not sign,\u{201D} "
         .. "said Ann Vale. She added: \u{201C}Never.\u{201D}\n" }
      local code, out, err = run("explain --rules news " .. dir .. "/vale.txt")
      assert.equal(0, code)
      assert.equal("", err)
      has(out, "quotes/after_quote.lua:")
      has(out, "strategy=after_quote")
      local found = {}
      for line in out:gmatch("[^\n]+") do
         if line:find("found by", 1, true) then found[#found + 1] = line end
      end
      assert.equal(2, #found)
      assert.matches("^%d+%-%d+: found by after_quote %(lua/quarry/rules/news/quotes/after_quote%.lua:%d+%); "
         .. "tried before: transcript_label, cue_before_mark, comma_after_colon, colon_intro, split_quote, "
         .. "according_to$", found[1])
      assert.matches("^%d+%-%d+: found by cue_before_mark %(.-%); tried before: transcript_label$", found[2])
      support.cleanup()
   end)

   it("still takes the pack as its first argument, with a note that --rules is the way now", function()
      local code, out, err = run("explain " .. PACKS .. "newsroom.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(0, code)
      assert.equal("quarry explain: note: the pack as first argument is deprecated; use --rules "
         .. PACKS .. "newsroom.lua\n", err)
      local _, same = run("explain --rules " .. PACKS .. "newsroom.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(same, out)
      -- a document is never taken for a pack
      code, _, err = run("explain " .. PACKS .. "texts/talks.txt")
      assert.equal(0, code)
      assert.equal("", err)
   end)
end)

describe("quarry extract --rules", function()
   it("writes one JSON object a line with exactly doc, type, start, end, text, rule, attrs", function()
      local code, out = run("extract --rules " .. PACKS .. "newsroom.lua " .. PACKS .. "texts/docs.jsonl")
      assert.equal(0, code)
      local rows, objs = annotations(out)
      assert.same({
         "wire-1 speech 29-44 Ilse Marek said",
         "wire-1 person 29-39 Ilse Marek",
         "wire-1 place 57-63 Lisbon",
         "wire-2 speech 28-48 Tomás Ibáñez told",
         "wire-2 person 28-43 Tomás Ibáñez",
         "wire-2 place 62-68 Geneva",
      }, rows)
      assert.same({ speaker = "Ilse Marek", title = "President" }, objs[1].attrs)
      assert.equal("title_name", objs[2].rule)
      assert.same({}, objs[3].attrs)
      -- byte offsets into the document text, end exclusive, after multi-byte text
      local texts = {}
      for line in io.lines(PACKS .. "texts/docs.jsonl") do
         local d = cjson.decode(line)
         texts[d.id] = d.text
      end
      for _, o in ipairs(objs) do
         assert.equal(o.text, texts[o.doc]:sub(o.start + 1, o["end"]))
      end
      assert.equal(29, #"Zoë Żak reports: President ")
   end)

   it("reads text files, folders and stdin", function()
      local code, out = run("extract --rules " .. PACKS .. "newsroom.lua " .. PACKS .. "texts/bridge.txt")
      assert.equal(0, code)
      local doc = PACKS .. "texts/bridge.txt"
      assert.same({
         doc .. " place 18-25 Kraków",
         doc .. " speech 46-59 Ana Ruiz said",
         doc .. " person 46-54 Ana Ruiz",
         doc .. " quote 104-124 We kept our promise,",
      }, (annotations(out)))
      local text = read(doc)
      assert.equal("Ana Ruiz", text:sub(47, 54))
      -- a folder: its text and JSONL files in name order
      code, out = run("extract --rules " .. PACKS .. "newsroom.lua " .. PACKS .. "texts")
      assert.equal(0, code)
      local docs, seen = {}, {}
      for _, o in ipairs(select(2, annotations(out))) do
         if not seen[o.doc] then seen[o.doc] = true; docs[#docs + 1] = o.doc end
      end
      assert.same({ PACKS .. "texts/bridge.txt", "wire-1", "wire-2", PACKS .. "texts/talks.txt" }, docs)
      -- stdin
      code, out = run("extract --rules " .. PACKS .. "newsroom.lua -", { input = "Łódź: Mayor Ana Ruiz said so." })
      assert.equal(0, code)
      local rows = annotations(out)
      assert.equal(2, #rows)
      assert.matches(" speech 15%-28 Ana Ruiz said$", rows[1])
      assert.matches(" person 15%-23 Ana Ruiz$", rows[2])
   end)

   it("passes the JSONL date, or --date, to the pack", function()
      local code, out = run("extract --rules " .. PACKS .. "dated.lua " .. PACKS .. "texts/docs.jsonl")
      assert.equal(0, code)
      local _, objs = annotations(out)
      assert.same({ "wire-1", "wire-2" }, { objs[1].doc, objs[2].doc })
      assert.same({ date = "2024-05-02" }, objs[1].attrs)
      assert.same({ date = "none" }, objs[2].attrs)
      code, out = run("extract --date 2024-06-01 --rules " .. PACKS .. "dated.lua " .. PACKS .. "texts/docs.jsonl")
      assert.equal(0, code)
      _, objs = annotations(out)
      assert.same({ date = "2024-05-02" }, objs[1].attrs)
      assert.same({ date = "2024-06-01" }, objs[2].attrs)
      code = run("extract --date 06/01/2024 --rules " .. PACKS .. "dated.lua " .. PACKS .. "texts/docs.jsonl")
      assert.equal(2, code)
   end)

   it("refuses a pack that needs os and io unless --trusted", function()
      local code, out, err = run("extract --rules " .. PACKS .. "needs_trust.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(1, code)
      assert.equal("", out)
      has(err, PACKS .. "needs_trust.lua:3")
      has(err, "global 'os'")
      code, out = run("extract --trusted --rules " .. PACKS .. "needs_trust.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(0, code)
      local rows, objs = annotations(out)
      assert.equal(2, #rows)
      assert.same({ shell = "true" }, objs[1].attrs)
   end)

   it("exits 1 when an action fails, naming the rule and its file:line", function()
      local code, _, err = run("extract --rules " .. PACKS .. "action_error.lua " .. PACKS .. "texts/talks.txt")
      assert.equal(1, code)
      has(err, PACKS .. "action_error.lua:7: rule fragile: action failed: " .. PACKS .. "action_error.lua:8:")
   end)
end)
