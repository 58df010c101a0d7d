--- quarry: fast text mining for Lua.
-- The public API. The C core (quarry.core) does the heavy lifting; this
-- module is what users require.
local core = require "quarry.core"

local error, setmetatable, type = error, setmetatable, type

local quarry = {
   version = core.version,
   --- Tokenise a text: quarry.tokenize(text [, opts]) -> quarry.Tokens
   tokenize = core.tokenize,
   --- Normalised key of any text: quarry.normalize(text [, {diacritics=false}])
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
   --- The corpus store: quarry.open(path [, {readonly, create, timeout_ms}])
   -- -> quarry.Corpus | nil, message, code (see quarry.corpus).
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
