-- Document phases: Lua that sees the whole document between rule phases.
local rules = require "quarry.rules"
local support = require "tests.support"
local P = require "quarry.pattern"

local function pack(phases) return rules.compile({ name = "t", file = "t.lua", phases = phases }) end

describe("a document phase", function()
   local words = { name = "words", rules = {
      { name = "cap", type = "cap", pattern = P.case "title" },
   } }

   it("sees earlier annotations and decides what later phases see", function()
      local seen
      local p = pack {
         words,
         { name = "merge", run = function(ctx)
              seen = #ctx.annotations
              assert(ctx.tokens and ctx.text == ctx.doc.text and ctx.date == "2020-01-02")
              local first, last = ctx.annotations[1], ctx.annotations[#ctx.annotations]
              return { { type = "span", start = first.start, stop = last.stop, attrs = { n = seen } } }
           end },
         { name = "after", rules = {
            { name = "inside", type = "inside", pattern = P.tok { within = "span", case = "title" } },
         } },
      }
      local out = p:run({ text = "Anna met Boris there.", date = "2020-01-02" })
      assert.equal(2, seen)
      assert.equal(3, #out)
      assert.same({ "span", "inside", "inside" }, { out[1].type, out[2].type, out[3].type })
      assert.equal("Anna met Boris", out[1].text)
      assert.equal("merge", out[1].rule)
      assert.equal("merge", out[1].phase)
      assert.same({ n = 2 }, out[1].attrs)
   end)

   it("keeps the annotations as it left them when it returns nothing", function()
      local p = pack { words, { name = "tag", run = function(ctx)
         for _, a in ipairs(ctx.annotations) do a.attrs = { tagged = true } end
      end } }
      local out = p:run("Anna and Boris")
      assert.equal(2, #out)
      assert.is_true(out[2].attrs.tagged)
   end)

   it("is refused with a message naming it when it fails or returns bad annotations", function()
      local failing = pack { { name = "boom", run = function() error("no luck") end } }
      support.raises(function() failing:run("x") end, "phase boom", "no luck", "document_phase_spec.lua")
      local bad = pack { { name = "bad", run = function() return { { type = "x", start = 3, stop = 99 } } end } }
      support.raises(function() bad:run("abc") end, "phase bad", "annotation 1")
      support.raises(function() pack { { name = "both", run = function() end, rules = {} } } end,
         "both 'rules' and 'run'")
      support.raises(function() pack { { name = "none" } } end, "'rules' list or a 'run' function")
   end)

   it("checks each annotation it returns, naming the first bad one, and fills in what they lack", function()
      local function returning(list) return pack { { name = "ret", run = function() return list end } } end
      local good = { type = "x", start = 0, stop = 1 }
      for _, bad in ipairs {
         "not a table", { start = 0, stop = 1 }, { type = 1, start = 0, stop = 1 },
         { type = "x", start = 0.0, stop = 1 }, { type = "x", start = 0, stop = "1" },
         { type = "x", start = -1, stop = 1 },
         { type = "x", start = 2, stop = 1 }, { type = "x", start = 0, stop = 4 },
      } do
         support.raises(function() returning({ good, bad }):run("abc") end, "phase ret", "annotation 2")
      end
      local out = returning({ { type = "x", start = 0, stop = 3 },
         { type = "y", start = 1, stop = 2, rule = "mine", text = "kept" },
         { type = "z", start = 1, stop = 1, phase = "other" },
         { type = "w", start = 2, stop = 3, rule = false } }):run("abc")
      table.sort(out, function(a, b) return a.type < b.type end)
      assert.same({ "abc", "ret", "ret" }, { out[2].text, out[2].rule, out[2].phase })
      assert.same({ "kept", "mine", "ret" }, { out[3].text, out[3].rule, out[3].phase })
      assert.same({ "", "other" }, { out[4].text, out[4].phase })
      assert.is_nil(out[4].rule)
      assert.same({ "c", "ret", "ret" }, { out[1].text, out[1].rule, out[1].phase })
   end)

   it("is listed, and its examples run with the pack's tests", function()
      local p = pack { words, { name = "count", run = function(ctx)
         return { { type = "count", start = 0, stop = #ctx.text, attrs = { n = #ctx.annotations } } }
      end, examples = {
         { text = "Anna and Boris", expect = { { type = "count", attrs = { n = 2 } } } },
         { text = "Anna", expect = { { type = "count", attrs = { n = 5 } } } },
      } } }
      local list = p:list()
      assert.equal("document", list[2].kind)
      assert.equal("count", list[2].name)
      local passed, failed = p:test()
      assert.equal(1, passed)
      assert.equal(1, failed)
   end)
end)

describe("a gazetteer rule", function()
   it("gives its annotations the entry's own attrs", function()
      local g = require("quarry.gazetteer").load {
         { "Yerevan", type = "place", attrs = { country = "Armenia", capital = true } },
         { "Gyumri", type = "place" },
      }
      local p = pack { { name = "places", rules = { { name = "gaz", type = "location", gazetteer = g } } } }
      local out = p:run("From Yerevan to Gyumri.")
      assert.same({ name = "Yerevan", category = "place", country = "Armenia", capital = true }, out[1].attrs)
      assert.same({ name = "Gyumri", category = "place" }, out[2].attrs)
   end)
end)
