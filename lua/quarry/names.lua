--- Names across a document: the spelling-variant key by which mentions of
-- one person meet, and the capitalised words of a text that have a given
-- key; in C (csrc/qr_doc.c), for the document phases of rule packs.
--
--   local names = require "quarry.names"
--   names.variant("sergey") == names.variant("sergei")   --> true
--   for _, i in ipairs(names.find(toks, { lavrov = true })) do ... end
--
-- Available to sandboxed packs (`require "quarry.names"`).
-- @module quarry.names
local core = require "quarry.core"

local error, pcall, type = error, pcall, type
local core_variant, core_find = core.name_variant, core.name_tokens

local names = {}

--- The spelling-variant key of a name (lower-case it first): a final
-- "'s" dropped, spaces and ASCII punctuation dropped, y -> i, kh -> h,
-- ph -> f, w -> v, a letter written twice once: Sergey and Sergei,
-- Sarkisian and Sarkissian, Mikhail and Mihail meet.
-- @param s string
-- @return string
function names.variant(s)
   if type(s) ~= "string" then error("names.variant: expected a string", 2) end
   return core_variant(s)
end

--- The words of a document in title case or capitals whose key without
-- diacritics (tokens:key(i, true)) has a variant that is a key of set.
-- @param tokens quarry.Tokens the document's tokens
-- @param set table variant keys (as names.variant gives them) -> a true value
-- @return table the token numbers, in order
function names.find(tokens, set)
   local ok, found = pcall(core_find, tokens, set)
   if not ok then error(found, 2) end
   return found
end

return names
