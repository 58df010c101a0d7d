-- quarry.phrases: phrase scans over a document's token keys.
local phrases = require "quarry.phrases"

local tokens_of = require("tests.support").tokens_of

describe("quarry.phrases", function()
   local scan = phrases.new { stops = { "he", "that" }, heads = { "spokesman", "ministry", "board" },
      breaks = { "said" }, joins = { "'s" }, reach = 4 }

   it("finds the head after the first token, and the heads right after it", function()
      local toks, at = tokens_of("Then the foreign ministry spokesman said no.")
      assert.equal(at.spokesman, scan:last(toks, at.the))
   end)

   it("ends with no phrase at a stop, a break, a mark or past its reach", function()
      local toks, at = tokens_of("So the man said the board met, and the one that ran; a very long old tired board.")
      assert.is_nil(scan:last(toks, at.so))                   -- "said" before any head
      assert.is_nil(scan:last(toks, at.one - 1))              -- "that" is a stop
      assert.is_nil(scan:last(toks, at.a))                    -- the head is five tokens on
      assert.equal(at.board, scan:last(toks, at.board - 1))
      local toks2, at2 = tokens_of("the, board")
      assert.is_nil(scan:last(toks2, at2.the))                -- a comma is no word
   end)

   it("holds the tokens of joins", function()
      local toks, at = tokens_of("the mayor's spokesman")
      assert.equal(at.spokesman, scan:last(toks, at.the))
   end)

   it("answers nil outside the text", function()
      local toks = tokens_of("the board")
      assert.is_nil(scan:last(toks, 0))
      assert.is_nil(scan:last(toks, 99))
   end)

   it("refuses a list that is not one, naming the caller", function()
      assert.has_error(function() phrases.new { stops = "he" } end, "phrase_scanner: stops must be a list of words")
      assert.has_error(function() phrases.new { reach = 0 } end)
      assert.has_error(function() phrases.new "x" end, "phrases.new: expected a table of lists")
   end)
end)
