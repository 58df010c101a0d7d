--- quarry: fast text mining for Lua.
-- The public API. The C core (quarry.core) does the heavy lifting; this
-- module is what users require.
local core = require "quarry.core"

local quarry = {
   version = core.version,
   --- Tokenise a text: quarry.tokenize(text [, opts]) -> quarry.Tokens
   tokenize = core.tokenize,
   --- Normalised key of any text: quarry.normalize(text [, {diacritics=false}])
   normalize = core.normalize,
   --- Token kinds, in the order of their internal codes.
   kinds = core.kinds,
}

return quarry
