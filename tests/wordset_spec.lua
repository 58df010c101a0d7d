-- Word sets (quarry.wordset): word-list tests on a document's tokens.
local quarry = require "quarry"
local wordset = require "quarry.wordset"
local rules = require "quarry.rules"
local support = require "tests.support"

describe("a word set", function()
   local toks
   before_each(function() toks = quarry.tokenize("The mayor SAID that Zoë told us in Łódź, then left.") end)
   after_each(function() toks:close() end)

   local function index_of(text)
      for i = 1, #toks do if toks:text(i) == text then return i end end
   end

   it("tests a token's key: case folded", function()
      local say = wordset.new { "said", "Told" }
      assert.is_true(say:has(toks, index_of "SAID"))
      assert.is_true(say:has(toks, index_of "told"))
      assert.is_false(say:has(toks, index_of "mayor"))
      assert.equal(2, #say)
   end)

   it("compares without diacritics when bare, and with them otherwise", function()
      local plain, bare = wordset.new { "lodz", "zoe" }, wordset.new({ "lodz", "zoe" }, { bare = true })
      assert.is_false(plain:has(toks, index_of "Łódź"))
      assert.is_true(bare:has(toks, index_of "Łódź"))
      assert.is_true(bare:has(toks, index_of "Zoë"))
      assert.is_true(wordset.new({ "Łódź" }, { bare = true }):has(toks, index_of "Łódź"))
   end)

   it("answers false for a token number outside the document", function()
      local the = wordset.new { "the" }
      assert.is_true(the:has(toks, 1))
      assert.is_false(the:has(toks, 0))
      assert.is_false(the:has(toks, #toks + 1))
      assert.has_error(function() the:has(toks, "x") end)
   end)

   it("finds the first member forwards, backwards, and within bounds", function()
      local verbs = wordset.new { "said", "told", "left" }
      local said, told, left = index_of "SAID", index_of "told", index_of "left"
      assert.equal(said, verbs:find(toks, 1))
      assert.equal(told, verbs:find(toks, said + 1))
      assert.equal(left, verbs:find(toks, #toks, 1))
      assert.equal(told, verbs:find(toks, left - 1, 1))
      assert.is_nil(verbs:find(toks, told + 1, left - 1))
      assert.equal(said, verbs:find(toks, -5, 100))    -- clamped
   end)

   it("tests a string", function()
      local say = wordset.new { "said" }
      assert.is_true(say:contains("Said"))
      assert.is_false(say:contains("says"))
      assert.is_false(say:contains("said so"))
      assert.is_false(say:contains(""))
   end)

   it("refuses a phrase or a non-string, naming the member and the caller's line", function()
      local err = support.raises(function() wordset.new { "said", "prime minister" } end, "member 2",
         "prime minister", "single words")
      assert.matches("wordset_spec.lua:%d+:", err)
      support.raises(function() wordset.new { "a", 7 } end, "member 2", "non-empty string")
      support.raises(function() wordset.new { "" } end, "member 1")
      support.raises(function() wordset.new("said") end)
      support.raises(function() wordset.new({ "x" }, { diacritics = true }) end, "unknown option 'diacritics'")
   end)

   it("gives ids that token keys share", function()
      local comma, said = wordset.id ",", wordset.id "said"
      assert.equal(comma, toks:key_id(index_of ","))
      assert.equal(said, toks:key_id(index_of "SAID"))
      assert.are_not.equal(comma, said)
      assert.equal(said, wordset.id "Said")
      assert.equal(wordset.id("lodz", true), toks:key_id(index_of "Łódź", true))
      support.raises(function() wordset.id "two words" end, "more than one token")
   end)

   it("sees words of a set made after the tokens were first tested", function()
      local early = wordset.new { "mayor" }
      assert.is_true(early:has(toks, index_of "mayor"))
      local late = wordset.new { "then-unseen", "then" }
      assert.is_true(late:has(toks, index_of "then"))
      assert.is_true(early:has(toks, index_of "mayor"))
      assert.equal(wordset.id "then", toks:key_id(index_of "then"))
   end)

   it("raises on closed tokens", function()
      local t = quarry.tokenize("said")
      local say = wordset.new { "said" }
      t:close()
      support.raises(function() say:has(t, 1) end, "closed")
      support.raises(function() say:find(t, 1) end, "closed")
   end)

   it("refuses what is not a word set or not a document's tokens", function()
      local say = wordset.new { "said" }
      for _, method in ipairs { "has", "find" } do
         support.raises(function() say[method]({}, toks, 1) end, "quarry.WordSet expected")
         support.raises(function() say[method](toks, toks, 1) end, "quarry.WordSet expected")
         support.raises(function() say[method](say, {}, 1) end, "quarry.Tokens expected")
         support.raises(function() say[method](say, say, 1) end, "quarry.Tokens expected")
      end
   end)

   it("is available to an untrusted pack's document phase", function()
      local dir = support.tmpdir {
         ["init.lua"] = [[
local wordset = require "quarry.wordset"
local SAY = wordset.new { "said", "told" }
return { name = "w", phases = { { name = "verbs", run = function(ctx)
   local out, toks = {}, ctx.tokens
   local i = SAY:find(toks, 1)
   while i do
      local s, e = toks:span(i)
      out[#out + 1] = { type = "verb", start = s, stop = e }
      i = SAY:find(toks, i + 1)
   end
   return out
end } } }
]],
      }
      local pack = rules.load(dir)
      local out = pack:run("Ann said no. Bob told her.")
      assert.same({ "said", "told" }, { out[1].text, out[2].text })
   end)
end)
