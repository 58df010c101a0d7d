-- Specs for matcher:shape (csrc/qr_lmatch.c): the matcher hands a shaped
-- rule's matches back as the Match objects the rule engine gives actions,
-- captures by name with their units, and the errors of a bad shape or a
-- missing env.
local quarry = require "quarry"
local P = require "quarry.pattern"
local raises = require("tests.support").raises

local MATCH = { __index = { kind = function() return "match" end } }
local CAPTURE = { __index = function(c, k) if k == "text" then return c.doc_text:sub(c.start + 1, c.stop) end end }

describe("matcher:shape", function()
   it("returns Match objects: names, tokens, spans, captures by name, the document", function()
      local m, c = P.compile(P.cap("who", P.case "title" ^ 1) * P.cap("verb", P.word "said") * P.opt(P.cap("day",
         P.word "today")), { name = "speaker" })
      m:shape(1, { name = "speaker", caps = c.rules[1].caps, match = MATCH, capture = CAPTURE })
      local text = "Then Mara Lind said it."
      local doc = { id = "d1" }
      local toks = quarry.tokenize(text)
      local res, rules, starts = m:run(toks, nil, { text = text, doc = doc })
      -- from each start token: "Then Mara Lind said", "Mara Lind said", "Lind said"
      assert.equal(3, #res)
      local r = res[1]
      assert.equal(MATCH, getmetatable(r))
      assert.equal("match", r:kind())
      assert.equal("speaker", r.rule)
      assert.equal(text, r.doc_text)
      assert.equal(toks, r.tokens)
      assert.equal(doc, r.doc)
      assert.same({ 0, 19, 1, 4 }, { r.start, r.stop, r.first, r.last })
      assert.same({ 1, 1, 1 }, rules)
      assert.same({ 0, 5, 10 }, starts)
      assert.equal("Mara Lind", res[2].caps.who.text)
      -- "Then" is title case too; a capture that took no token is absent
      assert.same({ "verb", "who" }, (function()
         local names = {}
         for k in pairs(r.caps) do names[#names + 1] = k end
         table.sort(names)
         return names
      end)())
      local who = r.caps.who
      assert.equal(CAPTURE, getmetatable(who))
      assert.same({ 0, 14, 1, 3 }, { who.start, who.stop, who.first, who.last })
      assert.equal("Then Mara Lind", who.text)
      assert.equal("said", r.caps.verb.text)
      assert.is_nil(who.units)
      assert.same({}, r.units)
      toks:close()
   end)

   it("gives the annotation units themselves, and each capture those inside it", function()
      local m, c = P.compile(P.cap("who", P.ann "person") * P.word "met" * P.cap("whom", P.ann "person"))
      m:shape(1, { name = "meeting", caps = c.rules[1].caps, match = MATCH, capture = CAPTURE })
      local text = "Ada Ross met Bo Yung"
      local toks = quarry.tokenize(text)
      local ada = { type = "person", start = 0, stop = 8 }
      local bo = { type = "person", start = 13, stop = 20 }
      local anns = { { type = "other", start = 0, stop = 3 }, ada, bo }
      local res = m:run(toks, { 1, 1, 2, 2, 1, 4, 5, 3 }, { text = text, annotations = anns })
      assert.equal(1, #res)
      local r = res[1]
      assert.equal(2, #r.units)
      assert.equal(ada, r.units[1])
      assert.equal(bo, r.units[2])
      assert.equal(1, #r.caps.who.units)
      assert.equal(ada, r.caps.who.units[1])
      assert.equal(bo, r.caps.whom.units[1])
      toks:close()
   end)

   it("refuses a bad shape, a rule declared twice, and a run without env", function()
      local m, c = P.compile(P.cap("w", P.word "said"))
      raises(function() m:shape(1, { caps = {}, match = MATCH, capture = CAPTURE }) end, "needs name")
      raises(function() m:shape(2, { name = "x", caps = {}, match = MATCH, capture = CAPTURE }) end, "out of range")
      m:shape(1, { name = "x", caps = c.rules[1].caps, match = MATCH, capture = CAPTURE })
      raises(function() m:shape(1, { name = "x", caps = {}, match = MATCH, capture = CAPTURE }) end,
         "declared already")
      raises(function() m:declare(1, { type = "t", rule = "x", phase = "p" }) end, "declared already")
      local toks = quarry.tokenize("she said")
      raises(function() m:run(toks) end, "env")
      raises(function() m:run(toks, nil, { text = 5 }) end, "env.text")
      toks:close()
   end)
end)
