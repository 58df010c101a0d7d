-- quarry.page: a clutter list of Lua patterns tried on each paragraph of
-- a document in C, and the blocks of clutter it opens.
local page = require "quarry.page"
local core = require "quarry.core"

local LIST = {
   { pattern = "^%d*%s*comments?$", role = "comments", strong = true },
   { pattern = "^what do you think%?*$", role = "comments" },
   { pattern = "^.-%s+says?:$", role = "signature" },
   { pattern = "^related", role = "related" },
   { pattern = "^editor'?s picks", role = "related" },
   { pattern = "newsletter", role = "boilerplate" },
   { pattern = "^share$", role = "boilerplate" },
}

-- The kinds of the paragraphs of text (false for the article's own).
local function kinds(list, paragraphs)
   local pg = page.clutter(list):describe(core.tokenize(table.concat(paragraphs, "\n\n")))
   local out = {}
   for i = 1, #pg do out[i] = pg:kind(i) or false end
   return out, pg
end

local PROSE = "The harbour council approved a new budget for the ferry service on Tuesday after a long debate."

describe("quarry.page", function()
   it("gives each paragraph the role of the first entry that matches it, trimmed and lowered", function()
      local k, pg = kinds(LIST, { PROSE, "12 COMMENTS", "Pete says:",
         "They promised two weeks and it took three months." })
      assert.same({ false, "comments", "comments", "comments" }, k)
      assert.equal(4, #pg)
      assert.equal("12 COMMENTS", pg:text(2))
      assert.equal(2, pg:words(2))
   end)

   it("finds a plain boilerplate string anywhere in a paragraph of at most 40 words", function()
      -- 53 words
      local long = ("Members of the public asked for a newsletter about the ferry plan and "):rep(4) .. "left."
      local k = kinds(LIST, { PROSE, "Get our NEWSLETTER every week", long, "Share", "Editor\u{2019}s Picks" })
      assert.same({ false, "boilerplate", false, "boilerplate", "related" }, k)
   end)

   it("finds an empty plain string in every short paragraph, whatever the other plain strings", function()
      local list = { { pattern = "", role = "boilerplate" },
         { pattern = "subscribe to our newsletter", role = "boilerplate" } }
      assert.same({ "boilerplate", "boilerplate" }, (kinds(list, { "Hello there.", "Subscribe now" })))
   end)

   it("ends a block of related links where prose resumes, and a weak marker opens none before prose", function()
      local k = kinds(LIST, { PROSE, "Related", "Ferry fares rise", "New cycle lanes open", PROSE,
         "What do you think?", PROSE })
      assert.same({ false, "related", "related", "related", false, "comments", false }, k)
   end)

   it("takes a user's list in its order", function()
      local k = kinds({ { pattern = "^ferry", role = "related" }, { pattern = "fares", role = "boilerplate" } },
         { PROSE, "Ferry fares rise", "Ferry lanes open" })
      assert.same({ false, "related", "related" }, k)
      k = kinds({ { pattern = "fares", role = "boilerplate" }, { pattern = "^ferry", role = "related" } },
         { PROSE, "Ferry fares rise", "Ferry lanes open" })
      assert.same({ false, "boilerplate", "related" }, k)
   end)

   it("gives runs of paragraphs of one kind, a paragraph without one counted as body", function()
      local _, pg = kinds(LIST, { "Headline", PROSE, PROSE, "Related", "Ferry fares rise" })
      pg:set_kind(1, "headline")
      assert.same({ "headline", 1, 0, 8 }, { pg:run(1) })
      local kind, last = pg:run(2)
      assert.same({ "body", 3 }, { kind, last })
      assert.equal("related", (pg:run(4)))
      assert.is_nil(pg:run(6))
   end)

   it("counts a paragraph's words as tokens:count_words does, up to 41, whatever bytes it holds", function()
      -- white space, bytes next to it, and bytes >= 128 whose low seven bits are white space
      local bytes = { " ", "\t", "\v", "\f", "\r", "\0", "\8", "\14", "\31", "!", "a", "\137", "\141", "\160",
         "\194\160" }
      local state = 7
      local function pick(n)
         state = (state * 1103515245 + 12345) % 2147483648
         return state % n + 1
      end
      for _ = 1, 40 do
         local paras = {}
         for p = 1, pick(4) do
            local t = {}
            for k = 1, pick(300) do t[k] = pick(3) == 1 and bytes[pick(#bytes)] or "w" end
            paras[p] = "x" .. table.concat(t) .. "y"
         end
         local toks = core.tokenize(table.concat(paras, "\n\n"))
         local pg = page.clutter({}):describe(toks)
         for i = 1, #pg do
            local start, stop = pg:span(i)
            assert.equal(toks:count_words(start, stop, 41), pg:words(i))
         end
      end
   end)

   it("refuses an entry without a pattern or with an unknown role", function()
      assert.has_error(function() page.clutter { { role = "comments" } } end,
         "page.clutter: entry 1 needs a pattern (a string)")
      assert.has_error(function() page.clutter { { pattern = "x", role = "ads" } } end,
         "page.clutter: entry 1: role must be comments, related, signature or boilerplate, not 'ads'")
   end)
end)
