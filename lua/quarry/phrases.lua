--- Phrase scans, in C: from a token that opens a phrase (a determiner,
-- say), the tokens after it up to the phrase's head, tested against word
-- lists as token keys, in one call instead of a walk in Lua; and the cues
-- of speech in a stretch of tokens. The news pack's description mentions
-- ("the ministry spokesman", quotes/mentions.lua) and its speech cues
-- (quotes/clauses.lua) are found so. Available to sandboxed packs
-- (`require "quarry.phrases"`).
--
--   local phrases = require "quarry.phrases"
--   local DESC = phrases.new { stops = { "he", "that" }, heads = { "spokesman", "ministry" },
--      breaks = { "said" }, joins = { "'s" }, reach = 6 }   -- once, when the pack loads
--   local last = DESC:last(toks, i)   -- "the ministry spokesman said": the token of "spokesman"
-- @module quarry.phrases
local core = require "quarry.core"

local error, pcall, type = error, pcall, type
local phrase_scanner, cue_scanner, subject_scanner = core.phrase_scanner, core.cue_scanner, core.subject_scanner

local phrases = {}

-- A scanner made by core's constructor make from lists, for the public
-- function name, which tail-calls this: a bad list raises naming the line
-- that called name (level 2, the tail call having taken name's place).
local function made(name, make, lists)
   if type(lists) ~= "table" then error(name .. ": expected a table of lists", 2) end
   local ok, scanner = pcall(make, lists)
   if not ok then error(scanner, 2) end
   return scanner
end

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
   return made("phrases.new", phrase_scanner, lists)
end

--- Makes a scanner for cues of speech: a speech verb that is no word of a
-- name and no noun, or the first word of a speech verb of two words ("went
-- on") that is no word of a name. A verb is a noun (unless its key ends in
-- "ed") after one of `noun_leads` ("the claim"), after a quote one of them
-- opens ("his 'tone-deaf' comments"), or after one of them and a word in
-- lower case with a hyphen ("his early-morning tweets"). Its words are
-- compared with token keys as they are.
--
--   local CUES = phrases.cues { verbs = { "said", "went on" }, heads = { "went" },
--      noun_leads = { "his", "the" }, scan = { "said", "went" } }
--   local c = CUES:back(toks, o - 1, floor, o - 1, in_name)   -- the last cue before o, outside quotes
-- @param lists table `verbs`: the speech verbs (those of two words, a
-- space between, make the pairs); `heads`: the first words of the speech
-- verbs of several words; `noun_leads`; `scan`: the words a scan tests
-- (a token whose key is none of them is passed)
-- @return quarry.CueScanner; raises naming the caller's line on a bad list
function phrases.cues(lists)
   return made("phrases.cues", cue_scanner, lists)
end

--- Makes a scanner for the person a sentence opens with that a pronoun
-- can stand for: the first person of a sentence who is not in a line of
-- page furniture (a paragraph of at most `furniture` words that does not
-- end on one of `ends`), not inside quotation marks (counted from the
-- paragraph's first token, or told by the stretches of `marks.stretches`
-- past `window` tokens into it), and, for a one-token name the
-- coreference rule found, not a surname used as an adjective ("Black
-- communities": a word in lower case after it that is no cue of speech,
-- not one of `skip` or `passive`, and does not end in "ed"); with the
-- genders of the possessives before them.
--
--   local SUBJECTS = phrases.subjects { skip = { "also" }, passive = { "was" }, ends = { ".", "!", "?" },
--      his = { "his" }, her = { "her" }, furniture = 4, window = 128 }
--   local k, genders = SUBJECTS:first(toks, persons, from, to, in_name, CUES, nil, quoted_from, quoted_to)
-- @param lists table `skip`, `passive`, `ends`, `his`, `her` (lists of
-- words), `furniture` (default 4), `window` (default 128)
-- @return quarry.SubjectScanner; raises naming the caller's line on a bad list
function phrases.subjects(lists)
   return made("phrases.subjects", subject_scanner, lists)
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

--- Methods of a quarry.CueScanner. Each takes `in_name`, a table whose
-- value at a token's number is true for a word of a name, read raw (an
-- `__index` of its metatable is not asked).
-- @type CueScanner

--- Whether token i is a cue of speech (false outside 1 .. #tokens).
-- @function CueScanner:is_cue
-- @param tokens quarry.Tokens the document's tokens
-- @param i integer a token's number
-- @param in_name table the words of names
-- @return boolean

--- The last cue in tokens lo .. hi, walking back from hi, that stands
-- outside quotation marks as a walk back from token top sees them (the
-- first mark after it, up to top, is no closing one); only the tokens
-- whose key is one of `scan` are tested.
-- @function CueScanner:back
-- @param tokens quarry.Tokens the document's tokens
-- @param hi integer the first token looked at
-- @param lo integer the last
-- @param top integer where a walk back starts, outside quotes (>= hi)
-- @param in_name table the words of names
-- @return integer the cue's token, or nil

--- The first cue in tokens from .. to; only the tokens whose key is one
-- of `scan` are tested.
-- @function CueScanner:next
-- @param tokens quarry.Tokens the document's tokens
-- @param from integer the first token looked at
-- @param to integer the last
-- @param in_name table the words of names
-- @return integer the cue's token, or nil

--- Methods of a quarry.SubjectScanner.
-- @type SubjectScanner

--- The first person of `persons` (annotations by start, with `start`,
-- `first_tok`, `last_tok`, `rule`) whose first token is in tokens from ..
-- to (a sentence) and who can be the subject a pronoun stands for;
-- looked for from the first that starts at or after the end of token
-- from - 1 (with `after`, from person `after` + 1), up to the first whose
-- first token is past to. A test walks at most `window` + 1 tokens: a
-- person more than `window` tokens into its paragraph (the first
-- paragraph counted from the text's first token; the whole text without
-- paragraphs) is told inside quotation marks or not by the stretches
-- `quoted_from`, `quoted_to` (`marks.stretches(tokens)`). Without them,
-- or when the first `window` + 1 tokens of a long paragraph do not tell
-- whether it is a line of page furniture, `false` and the person's number
-- come back for the caller to decide it (and to call again with `after`
-- set to that number). `persons`, its annotations' fields, `in_name` and
-- the stretches are read raw (an `__index` of their metatables is not
-- asked).
-- @function SubjectScanner:first
-- @param tokens quarry.Tokens the document's tokens
-- @param persons table the person annotations, by start
-- @param from integer the sentence's first token
-- @param to integer its last
-- @param in_name table the words of names
-- @param cues quarry.CueScanner the cues of speech (`phrases.cues`)
-- @param after integer optional: only the persons after number `after`
-- @param quoted_from table optional: the first tokens of the stretches inside quotation marks
-- @param quoted_to table optional: their last tokens
-- @return integer the person's number in persons; nil for none; false
-- for a person the caller is to decide
-- @return integer the genders of the possessives from `from` to the
-- person: 1 one of `his`, 2 one of `her`, 3 both, 0 none; after false,
-- the number of the person not decided

return phrases
