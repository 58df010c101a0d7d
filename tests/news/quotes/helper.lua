--- What the specs of the news pack's speaker strategies share: the news
-- pack loaded once a spec file, its quotes on a text, and a run with one
-- strategy alone in the sieve.
local rules = require "quarry.rules"
local assert = require "luassert"   -- busted's, as in the specs

local helper = {}

local def = rules.definition("news")
local pack = rules.load(def)
local everything = {}
for _, name in ipairs(def.quotes:names()) do everything[#everything + 1] = def.quotes:get(name) end

--- The sieve of the pack the helper runs (news.quotes).
helper.sieve = def.quotes

--- The quote annotations of a text.
function helper.quotes(text, date)
   local out = {}
   for _, a in ipairs(pack:run({ text = text, date = date })) do
      if a.type == "quote" then out[#out + 1] = a end
   end
   return out
end

--- The quote of a text whose words start with prefix (raises when none does).
function helper.quote(text, prefix)
   for _, q in ipairs(helper.quotes(text)) do
      if q.text:sub(1, #prefix) == prefix then return q end
   end
   error("no quote starting " .. prefix .. " in: " .. text, 2)
end

--- helper.only(names, fn): runs fn with the sieve holding only the
-- strategies named (in that order), then puts the default order back.
function helper.only(names, fn)
   def.quotes:order(names)
   local ok, err = pcall(fn)
   def.quotes:order(everything)
   if not ok then error(err, 0) end
end

--- The quote starting with prefix when the strategy named is alone in
-- the sieve.
function helper.alone(name, text, prefix)
   local q
   helper.only({ name }, function() q = helper.quote(text, prefix) end)
   return q
end

--- Asserts that the news pack gives the quote of text that starts with
-- prefix to speaker through strategy name (with cue, when given), and that
-- the strategy finds the same speaker alone in the sieve (or with only the
-- strategies of the list with, for one that builds on another's work).
function helper.attributes(name, text, prefix, speaker, cue, with)
   local q = helper.quote(text, prefix)
   assert.equal(speaker, q.attrs.speaker)
   assert.equal(name, q.attrs.strategy)
   if cue then assert.equal(cue, q.attrs.cue) end
   helper.only(with or { name }, function() q = helper.quote(text, prefix) end)
   assert.equal(speaker, q.attrs.speaker)
   assert.equal(name, q.attrs.strategy)
end

return helper
