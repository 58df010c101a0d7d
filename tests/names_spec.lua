-- quarry.names: the spelling-variant key of names (in C) is the one the
-- news pack's Lua once computed with string.gsub, byte for byte, and
-- names.find finds the capitalised words that have a key.
local names = require "quarry.names"
local core = require "quarry.core"

-- the reference: the gsub chain, in the C locale
local function reference(key)
   key = key:gsub("[\u{2019}']s$", ""):gsub("[%s%p]", "")
   key = key:gsub("y", "i"):gsub("kh", "h"):gsub("ph", "f"):gsub("w", "v")
   key = key:gsub("(%a)%1", "%1")
   return key
end

describe("quarry.names", function()
   it("makes transliterations of one name meet", function()
      assert.equal(names.variant("sergey"), names.variant("sergei"))
      assert.equal(names.variant("sarkisian"), names.variant("sarkissian"))
      assert.equal(names.variant("mikhail"), names.variant("mihail"))
      assert.equal(names.variant("lavrov"), names.variant("lavrov's"))
      assert.not_equal(names.variant("lavrov"), names.variant("lavrenov"))
   end)

   it("gives what the Lua patterns gave, on written and random names", function()
      for _, s in ipairs { "", "s", "'s", "aaa", "phkh", "kph", "y'all", "o'neill's", "ÿy", "łódź", "sł’s",
         "wwx", "a b\tc", "j.r.", "mc-dowell", "\u{2019}s", "ab\u{2019}", "x\226s" } do
         assert.equal(reference(s), names.variant(s), s)
      end
      local seed = 99
      local alphabet = { "a", "b", "h", "k", "p", "w", "y", "s", "'", "\u{2019}", " ", ".", "-", "é", "\128", "ss" }
      for _ = 1, 3000 do
         local parts = {}
         for k = 1, seed % 9 do
            seed = (seed * 1103515245 + 12345) % 2147483648
            parts[k] = alphabet[seed % #alphabet + 1]
         end
         seed = (seed * 1103515245 + 12345) % 2147483648
         local s = table.concat(parts)
         assert.equal(reference(s), names.variant(s), s)
      end
   end)

   it("finds the words in title case or capitals whose key has a variant of the set", function()
      local toks = core.tokenize("Sergei Lavrov met LAVROV fans; lavrov, Lavrov's aide and Sergey left.")
      local found = {}
      for _, i in ipairs(names.find(toks, { [names.variant("lavrov")] = true, sergei = true })) do
         found[#found + 1] = toks:text(i)
      end
      assert.same({ "Sergei", "Lavrov", "LAVROV", "Lavrov", "Sergey" }, found)   -- ("'s" is a token of its own)
      assert.same({}, names.find(toks, {}))
      assert.has_error(function() names.find(toks, "lavrov") end)
      toks:close()
   end)
end)
