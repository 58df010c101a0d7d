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
   describe("cues", function()
      local cues = phrases.cues { verbs = { "said", "claim", "called", "went on" }, heads = { "went" },
         noun_leads = { "the", "his" }, scan = { "said", "claim", "called", "went" } }
      local none = {}

      it("tells a speech verb from a noun, a word of a name and a verb of two words", function()
         local toks, at = tokens_of("The claim, he said, went on. The Said Group went home; his early-morning claim")
         assert.is_true(cues:is_cue(toks, at.said, none))
         assert.is_false(cues:is_cue(toks, at.claim, none))                    -- after "the"
         assert.is_false(cues:is_cue(toks, at.said, { [at.said] = true }))     -- a word of a name
         assert.is_true(cues:is_cue(toks, at.went, none))                      -- "went on"
         assert.is_false(cues:is_cue(toks, at.home - 1, none))                 -- "went home"
         assert.is_false(cues:is_cue(toks, #toks, none))                       -- his early-morning claim
         assert.is_false(cues:is_cue(toks, 0, none))
         assert.is_false(cues:is_cue(toks, 99, none))
         local toks2, at2 = tokens_of("the widely called vote")
         assert.is_true(cues:is_cue(toks2, at2.called, none))                  -- "-ed": a verb still
      end)

      it("finds the last cue back outside quotation marks, and the next one", function()
         local toks, at = tokens_of('Reed said "they called it off" and then')
         local last = #toks
         assert.equal(at.said, cues:back(toks, last, 1, last, none))          -- "called" is inside the quote
         assert.equal(at.called, cues:back(toks, at.called, 1, at.called, none))
         assert.is_nil(cues:back(toks, at.said - 1, 1, last, none))
         assert.equal(at.said, cues:next(toks, 1, last, none))
         assert.equal(at.called, cues:next(toks, at.said + 1, last, none))
         assert.is_nil(cues:next(toks, at.called + 1, last, none))
      end)

      it("finds back what a walk asking marks.inside_back at each cue finds, the tokens walked counted", function()
         local marks = require "quarry.marks"
         local toks = tokens_of('He said "we said, they said" and said: "she said it" then "said')
         for top = 1, #toks + 1 do
            for hi = 1, #toks + 1 do
               for lo = 0, hi do
                  local want
                  for c = math.min(hi, #toks), math.max(lo, 1), -1 do
                     if cues:is_cue(toks, c, none) and not marks.inside_back(toks, top, c) then
                        want = c
                        break
                     end
                  end
                  assert.equal(want, cues:back(toks, hi, lo, top, none), hi .. " " .. lo .. " " .. top)
               end
            end
         end
         -- a walk from far past top: its tokens count, not top's few
         local core = require "quarry.core"
         local long = tokens_of('"' .. string.rep("said ", 5000) .. 'x')
         local ok, err, kind = core.limited(1000, 0, function() return cues:back(long, #long, 1, 1, none) end)
         assert.is_false(ok)
         assert.equal("steps", kind)
         assert.matches("step limit exceeded", err)
      end)

      it("refuses a list that is not one, naming the caller", function()
         assert.has_error(function() phrases.cues { heads = {} } end, "cue_scanner: verbs must be a list of words")
         assert.has_error(function() phrases.cues "x" end, "phrases.cues: expected a table of lists")
      end)
   end)
end)
