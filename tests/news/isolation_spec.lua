-- What the news pack hands back is the caller's alone. quarry does not
-- copy the annotations of the packs it ships out of their sandbox (it
-- copies a user's pack's), so this holds only because the pack keeps none
-- of them and shares no table between two of them: a report or a program
-- that changes one annotation's attrs must not change another's, nor
-- what the pack says of the next document. The texts are written for
-- these tests.
local rules = require "quarry.rules"

local TEXTS = {
   { id = "a", date = "2026-03-04", text = "Dr Mara Quell, the chief executive of Lumora Systems, said on Tuesday "
      .. "that sales in France and Germany rose. \"We are growing,\" Quell said. \"Not fast enough,\" said "
      .. "analyst Tom Brask of Harlow Bank in London.\n\nThe French minister met Quell in Paris on 3 March 2026.\n\n"
      .. "Sign up for our newsletter\n\nRelated stories" },
   { id = "b", date = "2026-03-05", text = "Chelsea beat Arsenal 2-1 on Saturday, and the Chelsea manager said "
      .. "the club was \"very happy\". According to Reuters, the Italian striker will stay until June 2027.\n\n"
      .. "Mara Quell said: \"Next year will be better.\"" },
   { id = "c", date = "2026-03-06", text = "The European Union and the United Nations met in Geneva last week. "
      .. "\"It was a good week,\" a spokesman for the EU told reporters in Brussels on Friday. Quell, who "
      .. "visited Spain in May, declined to comment." },
}

-- Every table reachable from v (v's own included), with where it was
-- first seen; a table seen again is reported.
local function walk(v, where, seen, problems)
   if seen[v] then
      problems[#problems + 1] = where .. " is also " .. seen[v]
      return
   end
   seen[v] = where
   if getmetatable(v) ~= nil then problems[#problems + 1] = where .. " has a metatable" end
   for k, x in pairs(v) do
      if type(k) == "table" then problems[#problems + 1] = where .. " has a table as a key" end
      if type(x) == "table" then walk(x, where .. "." .. tostring(k), seen, problems) end
   end
end

-- A deep copy, to compare with later.
local function snapshot(v)
   if type(v) ~= "table" then return v end
   local c = {}
   for k, x in pairs(v) do c[k] = snapshot(x) end
   return c
end

describe("the news pack's annotations", function()
   local news = rules.load("news")

   it("share no table with one another, within a document or across documents, traced or not", function()
      local seen, problems, n = {}, {}, 0
      for _, doc in ipairs(TEXTS) do
         -- (traced as quarry explain and eval --errors run the pack: each
         -- quote's trace names the strategies tried)
         for i, a in ipairs(news:run(doc)) do
            n = n + 1
            walk(a, doc.id .. "#" .. i .. " (" .. a.type .. ")", seen, problems)
         end
         for i, a in ipairs(news:run(doc, { trace = true })) do
            n = n + 1
            walk(a, doc.id .. "#" .. i .. " (" .. a.type .. ", traced)", seen, problems)
         end
      end
      assert.is_true(n > 30, "the texts make annotations of many kinds")
      assert.same({}, problems)
   end)

   it("are not changed by the pack once handed back, and changing them changes nothing the pack says next",
      function()
      local first = news:run(TEXTS[1])
      local before = snapshot(first)
      -- what a report might do to the annotations it was given
      for _, a in ipairs(first) do
         a.attrs = a.attrs or {}
         a.attrs.name, a.attrs.extra = "changed", { 1 }
         a.type = "changed"
      end
      local again = news:run(TEXTS[1])
      assert.same(before, again)
      local kept = news:run(TEXTS[2])
      local kept_before = snapshot(kept)
      news:run(TEXTS[3])
      news:run(TEXTS[1])
      assert.same(kept_before, kept)
   end)

   it("cover the kinds the pack finds", function()
      local types = {}
      for _, doc in ipairs(TEXTS) do
         for _, a in ipairs(news:run(doc)) do types[a.type] = true end
      end
      for _, t in ipairs { "person", "organization", "location", "date", "quote", "segment" } do
         assert.is_true(types[t], t)
      end
   end)
end)
