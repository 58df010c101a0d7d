--- Word sets: O(1) word-list tests on the tokens of a document.
--
--   local wordset = require "quarry.wordset"
--   local SAY = wordset.new { "said", "says", "told", "added" }
--   if SAY:has(toks, i) then ... end          -- token i is one of them
--   local v = SAY:find(toks, i, i + 5)          -- the first of them in i .. i + 5
--
-- A word is taken as the key of the token it makes (`tokens:key(i)`: case
-- folded, quotes unified; with `{bare = true}` diacritics stripped too, as
-- `tokens:key(i, true)`), so `SAY:has(toks, i)` means what
-- `SAY_TABLE[toks:key(i)]` meant, without making the key string.
--
-- The words of every word set and of every token pattern (quarry.pattern)
-- share one vocabulary of integer ids a Lua state. A document's token keys
-- are looked up in it once, on the first test (or pattern run) on its
-- quarry.Tokens, and kept with the tokens; after that a test is an array
-- read and one bit of a bitmap, whatever the size of the set and however
-- many sets test the token. Build word sets once, when a pack loads, not per
-- document: a set made after a document's first test makes that document's
-- keys be looked up again.
--
-- Available to sandboxed packs (`require "quarry.wordset"`).
-- @module quarry.wordset
local core = require "quarry.core"

local error, pcall = error, pcall
local core_wordset, core_key_id = core.wordset, core.key_id

local wordset = {}

--- Makes a word set.
-- @param list table the words: non-empty strings of one token each ("Mr."
-- is one token; "prime minister" is two and is refused)
-- @param opts table optional: bare = true to compare keys without diacritics
-- ("Lodz" is then in a set that holds "Łódź")
-- @return quarry.WordSet; raises naming the caller's line and the bad member
function wordset.new(list, opts)
   local ok, set = pcall(core_wordset, list, opts)
   if not ok then error(set, 2) end
   return set
end

--- The integer id of a word's key, for comparing with `tokens:key_id(i)`
-- (`toks:key_id(i) == COMMA` where `COMMA = wordset.id(",")`). The word is
-- added to the vocabulary when new; ids are positive, 0 means "no word any
-- set or pattern names".
-- @param word string one token
-- @param bare boolean optional: the id of its bare key (diacritics stripped),
-- to compare with `tokens:key_id(i, true)`
-- @return integer
function wordset.id(word, bare)
   local ok, id = pcall(core_key_id, word, bare)
   if not ok then error(id, 2) end
   return id
end

--- Methods of a quarry.WordSet.
-- @type WordSet

--- Whether token i's key is in the set.
-- @function WordSet:has
-- @param tokens quarry.Tokens the document's tokens
-- @param i integer a token number; outside 1 .. #tokens the answer is false
-- @return boolean

--- The first token from i to j (inclusive) whose key is in the set.
-- @function WordSet:find
-- @param tokens quarry.Tokens the document's tokens
-- @param i integer where to start (clamped to 1 .. #tokens)
-- @param j integer optional: where to stop, #tokens by default; j < i looks backwards
-- @return integer the token number, or nil

--- Whether a word (one token) is in the set.
-- @function WordSet:contains
-- @param word string
-- @return boolean (false for a string of more or fewer than one token)

--- `#set`: the number of distinct words.
-- @function WordSet:__len
-- @return integer

return wordset
