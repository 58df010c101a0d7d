-- A user's pack that builds on the news pack and changes its sieve of
-- speaker strategies: the complete example of docs/rules.md (its files are
-- read from the page, so the manual's example is what runs), and the
-- errors a mistaken pack gets.
local rules = require "quarry.rules"
local support = require "tests.support"
local null = require("cjson").null

-- The files the page writes with <!-- doctest: file NAME --> blocks.
local function doc_files()
   local page = support.read("docs/rules.md")
   local files = {}
   for name, body in page:gmatch("<!%-%- doctest: file (%S+) %-%->\n```%w*\n(.-)```") do files[name] = body end
   return files
end

local function quote_of(anns)
   for _, a in ipairs(anns) do
      if a.type == "quote" then return a end
   end
   error("no quote")
end

describe("a pack that builds on the news pack", function()
   local files = doc_files()
   local dir, def
   setup(function()
      dir = support.tmpdir { ["my_news.lua"] = files["my_news.lua"],
                             ["in_the_words_of.lua"] = files["in_the_words_of.lua"] }
      def = rules.definition(dir .. "/my_news.lua")
   end)
   teardown(support.cleanup)

   it("is the manual's example: it adds its strategy after after_quote, and finds the speaker it names", function()
      assert.truthy(files["lind.txt"])
      assert.equal("my_news", def.name)
      local names = def.quotes:names()
      local at
      for i, n in ipairs(names) do if n == "in_the_words_of" then at = i end end
      assert.equal("after_quote", names[at - 1])
      -- run sandboxed (the default), with the traces quarry explain shows
      local q = quote_of(rules.load(def):run(files["lind.txt"], { trace = true }))
      assert.equal("Nobody wins a war of tariffs,", q.text)
      assert.equal("Vera Lind", q.attrs.speaker)
      assert.equal("in_the_words_of", q.attrs.strategy)
      assert.equal("in the words of", q.attrs.cue)
      assert.same({ "transcript_label", "cue_before_mark", "comma_after_colon", "colon_intro", "split_quote",
         "according_to", "after_quote" }, q.trace.tried)
   end)

   it("changes nothing of the news pack itself, which falls back on the sentence before", function()
      local news = rules.definition("news")
      assert.is_nil(news.quotes:get("in_the_words_of"))
      assert.not_equal(news.fingerprint, def.fingerprint)   -- the including pack's files count too
      local q = quote_of(rules.load(news):run(files["lind.txt"]))
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("sentence_before", q.attrs.strategy)
   end)

   it("drops and reorders strategies by name", function()
      support.write(dir .. "/reorder.lua", [[
local news = include "news"
news.quotes:remove("sentence_before")
news.quotes:move("continuation", { before = "transcript_label" })
return news
]])
      local mine = rules.definition(dir .. "/reorder.lua")
      assert.equal("continuation", mine.quotes:names()[1])
      local q = quote_of(rules.load(mine):run(files["lind.txt"]))
      assert.equal(null, q.attrs.speaker)
      assert.equal(null, q.attrs.strategy)
   end)

   it("names the pack's file and line for an unknown strategy, and lists the known ones", function()
      support.write(dir .. "/typo.lua", [[
local news = include "news"
news.name = "my_news"
-- a typo
news.quotes:insert_after("after_qoute", include "in_the_words_of")
return news
]])
      support.raises(function() rules.load(dir .. "/typo.lua") end, "typo.lua:4:",
         "news.quotes:insert_after: no strategy named 'after_qoute' (the sieve holds: transcript_label,")
   end)

   it("runs an included file once a load", function()
      support.write(dir .. "/twice.lua", [[
local one, two = include "in_the_words_of", include "in_the_words_of"
assert(one == two, "a second include ran the file again")
return { phases = { { name = "none", run = function() end } } }
]])
      assert.truthy(rules.load(dir .. "/twice.lua"))
   end)
end)
