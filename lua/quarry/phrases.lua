--- Phrase scans, in C: from a token that opens a phrase (a determiner,
-- say), the tokens after it up to the phrase's head, tested against word
-- lists as token keys, in one call instead of a walk in Lua. The news
-- pack's description mentions ("the ministry spokesman",
-- quotes/mentions.lua) are found so. Available to sandboxed packs
-- (`require "quarry.phrases"`).
--
--   local phrases = require "quarry.phrases"
--   local DESC = phrases.new { stops = { "he", "that" }, heads = { "spokesman", "ministry" },
--      breaks = { "said" }, joins = { "'s" }, reach = 6 }   -- once, when the pack loads
--   local last = DESC:last(toks, i)   -- "the ministry spokesman said": the token of "spokesman"
-- @module quarry.phrases
local core = require "quarry.core"

local error, pcall, type = error, pcall, type
local phrase_scanner = core.phrase_scanner

local phrases = {}

--- Makes a phrase scanner. Its words are compared with token keys as they
-- are (a token is one of them when its key, `tokens:key(i)`, is the word:
-- write them case folded, as keys are).
-- @param lists table `stops`: the words a phrase cannot hold; `heads`:
-- the words that end one; `breaks`: the words that end the scan with no
-- phrase (tested after the other two); `joins`: tokens other than words,
-- numbers and dashes a phrase can hold (`"'s"`); `reach` (default 6, at
-- most 64): how many tokens after the first one the head may be
-- @return quarry.PhraseScanner; raises naming the caller's line on a bad list
function phrases.new(lists)
   if type(lists) ~= "table" then error("phrases.new: expected a table of lists", 2) end
   local ok, scanner = pcall(phrase_scanner, lists)
   if not ok then error(scanner, 2) end
   return scanner
end

--- Methods of a quarry.PhraseScanner.
-- @type PhraseScanner

--- The last token of the phrase that starts on token i: over tokens i +
-- 1 .. i + reach, a token that is no word, number or dash (nor one of
-- `joins`), or one of `stops`, ends the scan with no phrase; the first of
-- `heads` is the phrase's head, and the phrase runs on over the heads
-- right after it; one of `breaks` ends the scan with no phrase.
-- @function PhraseScanner:last
-- @param tokens quarry.Tokens the document's tokens
-- @param i integer the phrase's first token
-- @return integer the phrase's last token, or nil

return phrases
