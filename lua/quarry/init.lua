--- quarry: fast text mining for Lua.
-- The public API. The C core (quarry.core) does the heavy lifting; this
-- module is what users require.
-- @module quarry
local core = require "quarry.core"

local error, setmetatable, type = error, setmetatable, type

local quarry = {
   version = core.version,
   --- Tokenises a text: quarry.tokenize(text [, opts]) -> quarry.Tokens (docs/tokenizer.md).
   -- @function tokenize
   -- @param text string any bytes (invalid UTF-8 included)
   -- @param opts table optional: paragraphs ("auto", "blank" or "line"), sentences (false: no sentence
   -- splitting), urls (false: URLs, e-mail addresses, handles and hashtags are split like other text),
   -- abbreviations (a list of words that keep their period)
   -- @return quarry.Tokens
   tokenize = core.tokenize,
   --- The normalised key of any text: quarry.normalize(text [, opts]) -> key: full case folding,
   -- quotation marks unified, zero-width characters dropped; the key tokens are compared by.
   -- @function normalize
   -- @param text string the text
   -- @param opts table optional: diacritics (false: strip them, as a token's bare_key)
   -- @return string the key
   normalize = core.normalize,
   --- Token kinds, in the order of their internal codes.
   kinds = core.kinds,
   --- Regular expressions: quarry.regex.compile(pattern [, opts]) -> quarry.Regex,
   -- quarry.regex.align(tokens, start, stop) -> first, last, start, stop
   regex = require "quarry.regex",
   --- Token patterns: the rule language (P.word, P.set, P.ann, ... see quarry.pattern).
   pattern = require "quarry.pattern",
   --- Word sets: quarry.wordset.new(list [, {bare}]) -> quarry.WordSet, whose
   -- set:has(tokens, i) tests a token in O(1) (see quarry.wordset).
   wordset = require "quarry.wordset",
   --- Gazetteers: quarry.gazetteer.new([{fold}]) -> quarry.Gazetteer,
   -- quarry.gazetteer.load(path_or_list [, opts]) -> quarry.Gazetteer | nil, message
   gazetteer = require "quarry.gazetteer",
   --- Reading documents: text files, folders, JSONL, stdin, metadata sidecars (see quarry.docs).
   docs = require "quarry.docs",
   --- Rule packs: quarry.rules.load(name_or_path [, {trusted}]) -> pack.
   rules = require "quarry.rules",
   --- Opens or creates a corpus file: quarry.open(path [, opts]) -> quarry.Corpus | nil, message, code
   -- (see quarry.corpus.open).
   -- @function open
   -- @param path string the corpus file, or ":memory:"
   -- @param opts table optional: readonly, create, timeout_ms
   -- @return quarry.Corpus; or nil, message, code
   open = require("quarry.corpus").open,
}
-- corpus:extract, where the rule engine and the store meet
require "quarry.runner"

local packs = setmetatable({}, { __mode = "v" })

--- Runs a rule pack over a text or a document {text, date, ...}:
-- quarry.extract(text_or_doc, pack [, opts]) -> annotations sorted by start,
-- each {type, start, stop, text, rule, attrs} (0-based byte offsets, stop
-- exclusive). pack is a loaded pack, or a name or path to load (kept in a
-- cache); opts.trusted is passed to the loader.
-- @param doc string or table the text, or a document {text, date, id, ...}
-- @param pack a loaded pack, or a pack's name or path
-- @param opts table optional: trusted (boolean, for a pack given by name or path), and the options of pack:run
-- @return table the annotations sorted by start: {{type, start, stop, text, rule, attrs}, ...}
function quarry.extract(doc, pack, opts)
   if type(pack) == "string" then
      local key = pack .. (opts and opts.trusted and "\0trusted" or "")
      local loaded = packs[key]
      if not loaded then
         loaded = quarry.rules.load(pack, opts)
         packs[key] = loaded
      end
      pack = loaded
   elseif type(pack) ~= "table" or not pack.run then
      error("quarry.extract: expected a rule pack, or its name or path", 2)
   end
   return pack:run(doc, opts)
end

return quarry
