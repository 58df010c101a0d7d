-- quarry.marks: quotation marks as a walk over the tokens sees them.
local marks = require "quarry.marks"

local tokens_of = require("tests.support").tokens_of

describe("quarry.marks", function()
   local text = 'Vale said "we will not wait" and left.\n\nReed said "no \'deal\' yet" then "maybe'
   local toks, at = tokens_of(text)

   it("counts the marks left open after a walk", function()
      assert.equal(0, marks.depth(toks, 1, at.vale))
      assert.equal(1, marks.depth(toks, 1, at.we))
      assert.equal(0, marks.depth(toks, 1, at["and"]))
      assert.equal(2, marks.depth(toks, at.reed, at.deal))
      assert.equal(0, marks.depth(toks, 5, 4))        -- an empty walk
      assert.equal(0, marks.depth(toks, -10, 0))      -- clamped to the text
   end)

   it("tells a token inside marks walking back from outside", function()
      assert.is_true(marks.inside_back(toks, at["and"], at.wait))
      assert.is_false(marks.inside_back(toks, at["and"], at.said))
      assert.is_false(marks.inside_back(toks, at.said, at.said))
   end)

   it("tells a token inside marks walking from outside", function()
      assert.is_true(marks.inside_from(toks, at.vale, at.wait))
      assert.is_false(marks.inside_from(toks, at.vale, at["and"]))
      assert.is_false(marks.inside_from(toks, at.vale, at.vale))
   end)

   it("finds the next opening mark", function()
      assert.equal(at.we - 1, marks.next_open(toks, 1, #toks))
      assert.is_nil(marks.next_open(toks, at.wait, at.left))
      assert.is_nil(marks.next_open(toks, 3, 2))
   end)

   it("counts the tokens of the text a walk can visit against the step budget, not a far bound's", function()
      local core = require "quarry.core"
      local huge = math.maxinteger
      local ok, depth, back, from, open = core.limited(100000, 0, function()
         return marks.depth(toks, 1, huge), marks.inside_back(toks, huge, at.wait),
            marks.inside_from(toks, -huge, at.wait), marks.next_open(toks, -huge, huge)
      end)
      assert.is_true(ok, depth)
      assert.same({ 1, true, true, at.we - 1 }, { depth, back, from, open })
   end)

   it("gives the stretches inside marks a paragraph at a time", function()
      local from, to = marks.stretches(toks)
      -- "we will not wait"; "no"; "deal"; "yet"; "maybe", left open to the end
      assert.same({ at.we, at.no, at.deal, at.yet, at.maybe }, from)
      assert.same({ at.wait, at.no, at.deal, at.yet, #toks }, to)
   end)
end)
