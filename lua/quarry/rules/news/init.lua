--- The `news` rule pack: article structure, people, places,
-- organisations, dates, and quotes with their speakers.
--
--   quarry extract --rules news [--date YYYY-MM-DD] FILE|DIR|JSONL|-
--
-- Phases, in order (each sees what the earlier ones kept):
--   structure  segments (headline, dateline, byline, body, comments,
--              related, boilerplate) and datelines        structure.lua
--   lexicon    gazetteers: places, organisations, outlets, demonyms
--   names      people (titles, first names, speech cues), organisations
--              and places the gazetteers lack (cue words) entities.lua
--   dates      absolute and relative dates                dates.lua
--   resolve    clutter removed, names merged to canonical people,
--              relative dates resolved, quotes paired and given their
--              speakers by a sieve of strategies          resolve.lua, quotes/
--
-- Data lists live in data/ (see each file's header); copy the folder to
-- make a pack of your own, and run `quarry rules test` on it.

local lexicon = include "lexicon"
local entities = include "entities"
local dates = include "dates"
local structure = include "structure"
local people = include "people"
local quotes = include "quotes/init"
local resolve = include "resolve"
quotes.setup(entities)
-- who speaks each quote: an ordered sieve of named strategies (quotes/),
-- which a pack that includes this one can change (docs/rules.md)
local speakers = quotes.new_sieve()

local phases = {
   { name = "structure", run = structure.run,
     examples = {
        { text = "MOSCOW (RFE/RL) — The talks went on.\n\nLeave a Reply\n\nGreat piece, said Ann.",
          expect = { { type = "dateline", attrs = { place = "MOSCOW", source = "RFE/RL" } },
                     { type = "segment", attrs = { kind = "comments" } } } },
     } },
   { name = "lexicon", rules = lexicon.rules },
   { name = "names", rules = entities.rules },
   { name = "dates", rules = dates.rules },
   { name = "resolve", run = resolve.run },
}
resolve.setup { entities = entities, dates = dates, people = people, quotes = quotes, sieve = speakers }

return {
   name = "news",
   quotes = speakers,
   -- across a corpus, spelling variants of a person take one name
   merge = { { type = "person", key = "key", name = "name" },
             { type = "quote", key = "speaker_key", name = "speaker", like = "person" } },
   phases = phases,
}
