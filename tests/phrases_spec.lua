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
   describe("subjects", function()
      local cues = phrases.cues { verbs = { "said" }, heads = {}, noun_leads = { "the" }, scan = { "said" } }
      local subjects = phrases.subjects { skip = { "also" }, passive = { "was" }, ends = { ".", "!", "?" },
         his = { "his" }, her = { "her" }, furniture = 4, window = 128 }
      local none = {}

      -- a person annotation over tokens first .. last
      local function person(toks, first, last, rule)
         local start = toks:span(first)
         return { start = start, first_tok = first, last_tok = last or first, rule = rule }
      end

      it("finds a sentence's first person, with the genders of the possessives before it", function()
         local toks, at = tokens_of("Then his friend Joe Park and Ann Vale left.")
         local persons = { person(toks, at.joe, at.park), person(toks, at.ann, at.vale) }
         local k, genders = subjects:first(toks, persons, 1, #toks, none, cues)
         assert.equal(1, k)
         assert.equal(1, genders)
         assert.is_nil(subjects:first(toks, persons, 1, at.joe - 1, none, cues))   -- none in the sentence
      end)

      it("passes a person inside quotation marks, in a line of page furniture, or a surname before a noun", function()
         local toks, at = tokens_of('Related: Joe Park\n\nThey said "Ann Vale won" as Black voters and Tom Reed met.')
         local persons = { person(toks, at.joe, at.park), person(toks, at.ann, at.vale),
            person(toks, at.black, at.black, "coref"), person(toks, at.tom, at.reed) }
         assert.is_nil(subjects:first(toks, persons, 1, at.park, none, cues))
         assert.equal(4, subjects:first(toks, persons, at.they, #toks, none, cues))
         local toks2, at2 = tokens_of("Black said no.")
         assert.equal(1, subjects:first(toks2, { person(toks2, at2.black, at2.black, "coref") }, 1, #toks2, none, cues))
      end)

      it("tells a person far into a long paragraph by the stretches, or leaves it to the caller", function()
         -- many people inside one long quote: the first window's by the
         -- marks before them, the others by the stretches
         local marks = require "quarry.marks"
         local toks = tokens_of('"' .. string.rep("Bob ", 3000) .. '"')
         local persons = {}
         for k = 2, 2001 do persons[#persons + 1] = person(toks, k) end
         local k, which = subjects:first(toks, persons, 1, #toks, none, cues)
         assert.is_false(k)
         assert.equal(129, which)   -- (token 130: 129 tokens past the text's first)
         k, which = subjects:first(toks, persons, 1, #toks, none, cues, 129)
         assert.is_false(k)
         assert.equal(130, which)
         local from, to = marks.stretches(toks)
         assert.is_nil(subjects:first(toks, persons, 1, #toks, none, cues, nil, from, to))
         -- outside the quote, far into the paragraph: the person after it
         local toks2 = tokens_of('"' .. string.rep("Bob ", 200) .. '" Ann left.')
         local from2, to2 = marks.stretches(toks2)
         local ps = { person(toks2, 2), person(toks2, 203) }
         assert.equal(2, subjects:first(toks2, ps, 1, #toks2, none, cues, nil, from2, to2))
         -- a short paragraph after the long one needs none
         local toks3, at3 = tokens_of(string.rep("Bob ", 200) .. ".\n\nThen Ann Vale left.")
         local k3 = subjects:first(toks3, { person(toks3, 1), person(toks3, at3.ann, at3.vale) }, at3.ann - 1,
            #toks3, none, cues, 1)
         assert.equal(2, k3)
      end)

      it("charges its walks to the step budget", function()
         local core = require "quarry.core"
         local text = string.rep("Bob left. ", 100)
         local toks = tokens_of(text)
         local persons = {}
         for k = 1, #toks, 3 do persons[#persons + 1] = person(toks, k) end
         local ok, _, kind = core.limited(5, 0, function()
            for _ = 1, 20 do subjects:first(toks, persons, #toks - 2, #toks, none, cues) end
         end)
         assert.is_false(ok)
         assert.equal("steps", kind)
      end)

      it("answers none for a sentence or an after past either end", function()
         local toks, at = tokens_of("Joe Park left.")
         local persons = { person(toks, at.joe, at.park) }
         assert.equal(1, subjects:first(toks, persons, math.mininteger, #toks, none, cues))
         assert.is_nil(subjects:first(toks, persons, 1, #toks, none, cues, 1))
         assert.is_nil(subjects:first(toks, persons, 1, #toks, none, cues, math.maxinteger))
         assert.is_nil(subjects:first(toks, persons, math.maxinteger, math.maxinteger, none, cues))
      end)

      it("refuses a list that is not one, naming the caller", function()
         assert.has_error(function() phrases.subjects { skip = "also" } end,
            "subject_scanner: skip must be a list of words")
         assert.has_error(function() phrases.subjects { window = "wide" } end,
            "subject_scanner: window must be an integer 0 .. 2147483647")
         assert.has_error(function() phrases.subjects { furniture = -1 } end,
            "subject_scanner: furniture must be an integer 0 .. 1048576")
         assert.has_error(function() phrases.subjects "x" end, "phrases.subjects: expected a table of lists")
      end)
   end)
end)
