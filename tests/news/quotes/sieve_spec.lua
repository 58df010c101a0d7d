-- The news pack's sieve of speaker strategies as a whole: the order the
-- manual documents, and that no strategy changes the quote, the document
-- or the state it reads (only the driver updates the state).
local H = require "tests.news.quotes.helper"
local support = require "tests.support"

-- What a strategy may read but not change: the quote's fields, the
-- state's (and its previous quote's), the document's (but its cache).
local function snapshot(q, doc, state)
   local parts = {}
   local function add(prefix, t)
      local keys = {}
      for k in pairs(t) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      for _, k in ipairs(keys) do parts[#parts + 1] = prefix .. k .. "=" .. tostring(t[k]) end
   end
   add("q.", q)
   add("state.", state)
   if state.prev then add("prev.", state.prev) end
   local fields = {}
   for k, v in pairs(doc) do
      if k ~= "cache" then fields[k] = v end
   end
   add("doc.", fields)
   return table.concat(parts, "\n")
end

describe("the news pack's speaker sieve", function()
   it("holds the strategies in the order docs/rules.md lists them", function()
      local page = support.read("docs/rules.md")
      local listed = {}
      local tbl = page:match("The default order:\n\n(.-)\n\n")
      for name in tbl:gmatch("\n| `([%w_]+)` |") do listed[#listed + 1] = name end
      assert.same(H.sieve:names(), listed)
   end)

   it("has strategies that change neither the quote, the document nor the state", function()
      local wrapped = {}
      for _, name in ipairs(H.sieve:names()) do
         local s = H.sieve:get(name)
         wrapped[#wrapped + 1] = { name = s.name, weak = s.weak, find = function(q, doc, state)
            local before = snapshot(q, doc, state)
            local r = table.pack(s.find(q, doc, state))
            assert.equal(before, snapshot(q, doc, state), s.name .. " changed what it reads")
            return table.unpack(r, 1, r.n)
         end }
      end
      local found = {}
      H.only(wrapped, function()
         for _, text in ipairs {
            support.fixture("news/article.txt"),
            "Tom Reed spoke. “We will not sign,” Ann Vale told the host, “and we will not wait.”",
            "Ann Vale, the minister, spoke on Monday.\n\n“We will not sign,” she said.\n\n“We will never sign.”",
         } do
            for _, q in ipairs(H.quotes(text)) do found[#found + 1] = q.attrs.strategy end
         end
      end)
      assert.is_true(#found > 10)
   end)
end)
