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

local error, pcall, type, math_type = error, pcall, type, math.type
local core_variant, core_find = core.name_variant, core.name_tokens
local core_span_key, core_known_runs, core_find_texts = core.span_key, core.known_runs, core.find_texts
local core_line_first, core_caps_words, core_hyphen_glued = core.line_first, core.caps_words, core.hyphen_glued
local core_name_words, core_name_clusters, core_orgs_first = core.name_words, core.name_clusters, core.orgs_first
local core_capitalised, core_parenthesised = core.capitalised, core.parenthesised

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

--- The words of a name as mentions of one person are compared by them:
-- the runs of bytes between spaces that are not ASCII punctuation only,
-- less the titles that open the name ("Mr." "Dr.": a word of at most five
-- bytes that ends in a full stop and is not capitals and full stops only,
-- as "U.S." is) while more than one word is left. names.words("Mr. Sergey
-- Lavrov") -> 2, "Sergey Lavrov", "Sergey", names.variant("sergey"),
-- names.variant("lavrov"). One call in C, no table made.
-- @param s string a name
-- @return integer the number of words (0: none, and nothing else returned)
-- @return string the words joined by one space
-- @return string the first word
-- @return string the variant of the first word in lower case
-- @return string the variant of the last word in lower case
function names.words(s)
   if type(s) ~= "string" then error("names.words: expected a string", 2) end
   return core_name_words(s)
end

--- The mentions of persons in a document clustered by their names, in C:
-- names.clusters(persons, sex_of, title_sex) -> clusters, by_last. Each
-- name (a.attrs.name, else a.text) is taken by its words as names.words
-- gives them. First the names of two words or more, in order: each joins
-- the latest cluster of the same last word (its variant) whose first word
-- is the same, an initial of it, or it an initial of the cluster's ("J.
-- Hollis", "John Hollis"); else a new one. Then the names of one word, in
-- order: the latest cluster of that last word, else the one cluster of
-- the full names with that first word ("Ellen" for the only Ellen), else a
-- new one. A name without words joins none. Each mention gets a.cluster.
--
-- A cluster is a table: canonical, the form its full names are written in
-- most often (the first written on a tie), else its first one-word name;
-- key, its first word's variant, a space and its last word's (the last
-- alone when it has no first); mentions, the full names first, then the
-- one-word names; titles, the titles (a.attrs.title) of those that have
-- one; sex, when one of them tells it: the first whose title has a word
-- (a run of ASCII letters and full stops, in lower case) that title_sex
-- maps to a value, or, a full name, whose first word in lower case sex_of
-- maps to a value other than "u".
-- @param persons table the person annotations of the document, in order
-- @param sex_of table first names in lower case -> sex ("u": unknown)
-- @param title_sex table title words in lower case -> sex
-- @return table the clusters, in the order they were made
-- @return table the last words' variants -> the latest cluster of each
function names.clusters(persons, sex_of, title_sex)
   local ok, clusters, by_last = pcall(core_name_clusters, persons, sex_of, title_sex)
   if not ok then error(clusters, 2) end
   return clusters, by_last
end

--- The words of a document in title case or capitals whose key without
-- diacritics (tokens:key(i, true)) has a variant that is a key of set,
-- and those variants (variants[k] = names.variant(tokens:key(found[k],
-- true)), made once); with taken (a span set, quarry.spanset.new()),
-- only the words that overlap none of its spans.
-- @param tokens quarry.Tokens the document's tokens
-- @param set table variant keys (as names.variant gives them) -> a true value
-- @param taken quarry.SpanSet optional: the spans whose words are left out
-- @return table the token numbers, in order
-- @return table their variants, in the same order
function names.find(tokens, set, taken)
   local ok, found, variants = pcall(core_find, tokens, set, taken)
   if not ok then error(found, 2) end
   return found, variants
end

--- The persons of a document's entities that its organisations show to be
-- organisations, in C: names.orgs_first(list) -> persons, renamed. list:
-- the entities kept (annotations in text order, each with a type, a text
-- and attrs). A person without a title (attrs.title) whose text is an
-- organisation's is one, named as the first such organisation is
-- (attrs.name, else its text); then, when a person left is one word (no
-- white space in it), one such without a title whose text is the first
-- word of an organisation's ("Lumora" of "Lumora Systems"; a first word
-- ending in ASCII punctuation counts not) is that organisation, unless a
-- person's name of several words ends in it ("J.R. Hollis", "Hollis
-- Capital"). Nothing is changed: persons lists the persons left, in order;
-- renamed the others, each followed by the name it takes ({a, name, ...}).
-- @param list table the entities
-- @return table the persons left
-- @return table the persons shown to be organisations, each followed by its name
function names.orgs_first(list)
   local ok, persons, renamed = pcall(core_orgs_first, list)
   if not ok then error(persons, 2) end
   return persons, renamed
end

--- The annotations of a list written with a capital: those whose text does
-- not open with an ASCII letter in lower case (a to z), in one scan in C;
-- with phase, only the annotations of that phase (a.phase) are tested,
-- the others all kept. names.capitalised(list [, phase]) -> the list
-- itself when it leaves none out (as most do), else a new list, in order.
-- Raises when an element is no table or a text tested no string.
-- @param list table the annotations (tables with a string text)
-- @param phase string optional: the phase whose annotations are tested
-- @return table the annotations kept
function names.capitalised(list, phase)
   local ok, kept = pcall(core_capitalised, list, phase)
   if not ok then error(kept, 2) end
   return kept
end

--- The key of the tokens covering a span: the keys (tokens:key(i)) of the
-- tokens from the one at byte start (tokens:at(start)) up to the last that
-- starts before stop, joined by spaces; "" when no token is at start. Two
-- mentions written alike ("Leeds United", "LEEDS UNITED") have one key.
-- @param tokens quarry.Tokens the document's tokens
-- @param start integer the span's first byte (0-based)
-- @param stop integer the span's end (exclusive)
-- @return string
function names.span_key(tokens, start, stop)
   local ok, key = pcall(core_span_key, tokens, start, stop)
   if not ok then error(key, 2) end
   return key
end

--- Runs of tokens with a known key: for each token number of starts (in
-- order; none inside a run found before), the longest run of at most max
-- tokens from it, on one line, whose key (as names.span_key gives it) is a
-- key of known; when there is one and accept(i) holds (asked only then),
-- found(start, stop, value) with the run's bytes and known[key]. One scan
-- in C.
-- @param tokens quarry.Tokens the document's tokens
-- @param known table run keys -> a value (not false)
-- @param starts table token numbers, in order (as tokens:where gives them)
-- @param max integer the most tokens of a run
-- @param accept function accept(i) -> boolean, or nil to take any
-- @param found function found(start, stop, value)
-- @return nothing
function names.known_runs(tokens, known, starts, max, accept, found)
   if type(known) ~= "table" or type(starts) ~= "table" or math_type(max) ~= "integer"
      or (accept ~= nil and type(accept) ~= "function") or type(found) ~= "function" then
      error("names.known_runs: expected tokens, a table, a table, an integer, a function or nil, a function", 2)
   end
   local ok, err = pcall(core_span_key, tokens, 0, 0)
   if not ok then error(err, 2) end
   -- (not in a pcall: what accept and found raise goes on as it is)
   core_known_runs(tokens, known, starts, max, accept, found)
end

--- The first token of token i's line: the nearest token at or before i
-- that starts a line (tokens:get(k, "line_start")), or token 1.
-- @param tokens quarry.Tokens the document's tokens
-- @param i integer a token's number
-- @return integer
function names.line_first(tokens, i)
   local ok, first = pcall(core_line_first, tokens, i)
   if not ok then error(first, 2) end
   return first
end

--- The words in capitals on the lines that hold no word in lower or title
-- case (a headline or a dateline in capitals: "FERGUSON BACK IN SQUAD"), in
-- order: the words of tokens:where("word", "upper") on such lines.
-- @param tokens quarry.Tokens the document's tokens
-- @return table the token numbers
function names.caps_words(tokens)
   local ok, found = pcall(core_caps_words, tokens)
   if not ok then error(found, 2) end
   return found
end

--- The tokens glued by a hyphen to a word in lower case ("U.S." in
-- "U.S.-led", "Ontario" in "Ontario-based"), in order: token i when token
-- i + 1 is a dash written "-" with no white space on either side
-- (tokens:get(k, "space_before")) and token i + 2 is in lower case.
-- @param tokens quarry.Tokens the document's tokens
-- @return table the token numbers
function names.hyphen_glued(tokens)
   local ok, found = pcall(core_hyphen_glued, tokens)
   if not ok then error(found, 2) end
   return found
end

--- The tokens that stand alone between parentheses ("PUK" in "( PUK )" or
-- "(PUK)"), in order: token i when the text of token i - 1 is "(" and that
-- of token i + 1 is ")". One scan in C.
-- @param tokens quarry.Tokens the document's tokens
-- @return table the token numbers
function names.parenthesised(tokens)
   local ok, found = pcall(core_parenthesised, tokens)
   if not ok then error(found, 2) end
   return found
end

--- The tokens whose text is, byte for byte, a key of set (with a value
-- that is not false), in order: names.find_texts(tokens, { PUK = true }).
-- @param tokens quarry.Tokens the document's tokens
-- @param set table texts -> true
-- @return table the token numbers
function names.find_texts(tokens, set)
   local ok, found = pcall(core_find_texts, tokens, set)
   if not ok then error(found, 2) end
   return found
end

return names
