-- The last phase, over the whole document: drops what the page's clutter
-- holds, settles overlapping entities, merges people, resolves relative
-- dates, pairs quotes and finds their speakers.

local resolve = {}
local spanset = require "quarry.spanset"
local names = require "quarry.names"

-- set by init.lua: the entities, dates, people and quotes modules, and
-- the sieve of speaker strategies
local E, D, people, quotes, sieve

function resolve.setup(deps)
   E, D, people, quotes, sieve = deps.entities, deps.dates, deps.people, deps.quotes, deps.sieve
end

local CLUTTER = { comments = true, related = true, boilerplate = true }

-- How much an entity rule is trusted when spans of different phases
-- overlap: the higher wins, then the longer span. Each rule declares its
-- `rank` (the engine gives it to the rule's annotations as a.rank; code
-- that makes an annotation may set one); DEFAULT_RANK without. A name the
-- gazetteer data marks ambiguous, also a word or a first name ("Vale",
-- "Ford"), ranks AMBIGUOUS_RANK: below a full name that ends in it.
local DEFAULT_RANK, AMBIGUOUS_RANK = 2, 4.25

-- what the candidates take: entities, demonyms, dates; and the page's
-- structure (kept as it is)
local CANDIDATE = { person = "entity", organization = "entity", location = "entity", event = "entity",
   demonym = "demonym", date = "date" }
local STRUCTURE = { segment = "structure", dateline = "structure" }

-- The first of the spans (disjoint: none overlaps the one before it)
-- that holds annotation a: its kind and the span, or nil. Segments do not
-- overlap: a binary search finds it; spans that overlap are searched one
-- by one. last_stop: where the last of them ends (what ends after it is
-- in none: most of a text, after its headline).
local function container(spans, disjoint, last_stop, a)
   if a.stop > last_stop then return nil end
   if disjoint then
      local lo, hi, found = 1, #spans, nil
      while lo <= hi do
         local mid = (lo + hi) // 2
         if spans[mid].start <= a.start then found, lo = spans[mid], mid + 1 else hi = mid - 1 end
      end
      if found and a.stop <= found.stop then return found.attrs.kind, found end
      return nil
   end
   for _, h in ipairs(spans) do
      if a.start >= h.start and a.stop <= h.stop then return h.attrs.kind, h end
   end
   return nil
end

-- outside(spans) -> allowed(pos), starts, stops: allowed(pos) is true when
-- no span of the list holds byte pos (a binary search over the spans
-- merged and sorted: starts[k], stops[k], disjoint, in order).
local function always() return true end
local NONE = {}   -- (no spans: only read)
local function outside(spans)
   if not spans[1] then return always, NONE, NONE end
   local sorted = {}
   for i = 1, #spans do sorted[i] = spans[i] end
   spanset.sort(sorted)
   local starts, stops = {}, {}
   for i = 1, #sorted do
      local a = sorted[i]
      local k = #starts
      if k > 0 and a.start <= stops[k] then
         if a.stop > stops[k] then stops[k] = a.stop end
      else
         starts[k + 1], stops[k + 1] = a.start, a.stop
      end
   end
   return function(pos)
      local lo, hi, found = 1, #starts, nil
      while lo <= hi do
         local mid = (lo + hi) // 2
         if starts[mid] <= pos then found, lo = mid, mid + 1 else hi = mid - 1 end
      end
      return not (found and pos < stops[found])
   end, starts, stops
end

-- (both at once: one scan of the annotations when there is no clutter)
local SELECTED = {}
for typ, class in pairs(STRUCTURE) do SELECTED[typ] = class end
for typ, class in pairs(CANDIDATE) do SELECTED[typ] = class end

-- 1. The page's structure (kept as it is) and its clutter: -> allowed(pos),
-- the clutter's merged spans (as outside gives them), and the annotations
-- sorted out by class (spanset.select; STRUCTURE's and CANDIDATE's).
local function structure(anns, out)
   local clutter = NONE   -- (a list made at the first: most pages have none)
   local n = #out
   local groups = spanset.select(anns, SELECTED)
   local structs = groups.structure or NONE
   for i = 1, #structs do
      local a = structs[i]
      n = n + 1
      out[n] = a
      if a.type == "segment" and CLUTTER[a.attrs.kind] then
         if clutter == NONE then clutter = {} end
         clutter[#clutter + 1] = a
      end
   end
   local allowed, starts, stops = outside(clutter)
   return allowed, starts, stops, groups
end

-- The annotations of a list (one of select's, or nil) that do not open
-- with a to z: names count written with a capital or in capitals (with
-- phase, only that phase's are tested: the gazetteer's; other phases' all
-- count). -> the list itself when it drops none, as most do (nothing
-- after changes it), else a new one (quarry.names.capitalised).
local function capitalised(list, phase)
   if not list then return {} end
   return names.capitalised(list, phase)
end

-- The candidates outside the clutter (its merged spans starts, stops):
-- entities, demonyms, dates (sorted out in C; groups: those of all the
-- annotations, as structure gives them, when there is no clutter).
local function candidates(anns, starts, stops, groups)
   if starts[1] then groups = spanset.select(anns, CANDIDATE, starts, stops) end
   return capitalised(groups.entity, "lexicon"), capitalised(groups.demonym), groups.date or {}
end

-- 2. Entities: by rank, then the longer span, keep what does not overlap a
-- better one; the teams' other mentions. -> kept (sorted by start), taken,
-- and whether kept's spans are none empty and start each at a byte of its
-- own (then kept's is the one order by start).
local function choose_entities(ctx, cands, allowed)
   local teams
   cands, teams = E.team_names(ctx, cands)
   -- (each ranks a.rank, else DEFAULT_RANK; a name the gazetteer marks
   -- ambiguous AMBIGUOUS_RANK; kept comes sorted by start when distinct)
   local taken = spanset.new()
   local kept, distinct = taken:claim_by_rank(cands, DEFAULT_RANK, AMBIGUOUS_RANK, true)
   local n = #kept
   E.team_coref(ctx, teams, kept, taken, allowed)
   E.acronyms(ctx, kept, taken, allowed)
   E.caps_names(ctx, kept, taken, allowed)
   -- (what they add are tokens' spans, none overlapping another span of
   -- kept: when kept's are distinct, theirs are too)
   if not distinct or #kept > n then spanset.sort(kept) end
   return kept, taken, distinct
end

-- A person guess that the article shows to be an organisation is one: a
-- lone word that opens an organisation's name ("Lumora" after "Lumora
-- Systems"), a name it elsewhere gives a company ("drinks firm Allied
-- Domecq") -- unless a person of the article bears it ("J.R. Hollis",
-- "Hollis Capital"): quarry.names.orgs_first. -> the persons left.
local function organisations_first(kept)
   local persons, renamed = names.orgs_first(kept)
   for k = 1, #renamed, 2 do
      local a = renamed[k]
      a.type, a.attrs = "organization", { name = renamed[k + 1] }
   end
   return persons
end

-- Merges added (spans sorted by start) into kept (sorted by start), in
-- place: kept sorted by start, as spanset.sort(kept) would leave it with
-- added after it when no start of one list is one of the other's.
-- (From the last added: the kept that start after it move up, in a loop
-- of their own, then it takes its place.)
local function merge_by_start(kept, added)
   local i = #kept
   local k = i + #added
   for j = #added, 1, -1 do
      local b = added[j]
      local start, a = b.start, kept[i]
      while a and a.start > start do
         kept[k], k, i = a, k - 1, i - 1
         a = kept[i]
      end
      kept[k], k = b, k - 1
   end
end

-- 3. People: clusters of one person's mentions, and the surnames the rules
-- missed (added to kept, kept sorted by start). distinct: as
-- choose_entities gives it. -> clusters.
local function find_people(ctx, kept, taken, allowed, distinct)
   local persons = organisations_first(kept)
   local clusters, added = people.cluster(persons, E.sex_of, ctx.tokens, ctx.text, taken, allowed,
      E.not_name_set)
   if not added then return clusters end   -- (kept is sorted as it is)
   for i = 1, #added do
      local a = added[i]
      taken:add(a.start, a.stop)
   end
   -- (the words added overlap no span of kept: when kept's are distinct,
   -- their starts are none of kept's)
   if distinct then
      merge_by_start(kept, added)
   else
      table.move(added, 1, #added, #kept + 1, kept)
      spanset.sort(kept)
   end
   return clusters
end

-- Whether cluster c has a mention the rules named (no guess) outside
-- the heads (as container takes them).
local function named_outside(c, heads, disjoint, last_stop)
   for _, m in ipairs(c.mentions) do
      if not m.attrs.guess and not container(heads, disjoint, last_stop, m) then return true end
   end
   return false
end

-- Guesses in a headline or a dateline ("Talks Stall", "Caspian Wire") are
-- title case, not names, unless the text names them elsewhere; a dateline
-- holds its place and its source, nothing else. -> what is left of kept.
local function outside_heads(kept, out)
   local heads, last_stop = {}, -1
   for i = 1, #out do
      local a = out[i]
      if a.type == "segment" and (a.attrs.kind == "headline" or a.attrs.kind == "dateline") then
         heads[#heads + 1] = a
         if a.stop > last_stop then last_stop = a.stop end
      end
   end
   if not heads[1] then return kept end
   local disjoint = true
   for i = 2, #heads do
      if heads[i].start < heads[i - 1].stop then disjoint = false end
   end
   -- (what ends after every head is in none: most of a text; kept is
   -- sorted by start, and what starts after the last head's end is past)
   local drops
   for i = 1, #kept do
      local a = kept[i]
      if a.start > last_stop then break end
      if a.stop <= last_stop then
         local where, h = container(heads, disjoint, last_stop, a)
         if where == "dateline" and not (a.type == "location" and a.start == h.start)
            or where == "headline" and a.type == "person" and a.attrs.guess
               and not (a.cluster and named_outside(a.cluster, heads, disjoint, last_stop)) then
            drops = drops or {}
            drops[i] = true
         end
      end
   end
   if not drops then return kept end
   local filtered = {}
   for i, a in ipairs(kept) do
      if not drops[i] then filtered[#filtered + 1] = a end
   end
   return filtered
end

-- The entities and demonyms as the pack outputs them: canonical names.
local function emit_entities(kept, demonyms, out)
   local n = #out
   for i = 1, #kept do
      local a = kept[i]
      local attrs = a.attrs
      -- (a cluster names persons only: the others' is not looked up)
      local c = a.type == "person" and a.cluster
      if c then
         attrs.name, attrs.key = c.canonical or attrs.name or a.text, c.key
      elseif not attrs.name then
         attrs.name = a.text
      end
      attrs.guess, attrs.category, attrs.ambiguous = nil, nil, nil
      n = n + 1
      out[n] = a
   end
   for i = 1, #demonyms do
      local a = demonyms[i]
      local attrs = a.attrs
      attrs.country = attrs.country or attrs.name
      attrs.name = a.text
      attrs.category, attrs.ambiguous, attrs.plural = nil, nil, nil
      n = n + 1
      out[n] = a
   end
end

function resolve.run(ctx)
   local out = {}
   local allowed, cstarts, cstops, groups = structure(ctx.annotations, out)
   local cands, demonyms, dated = candidates(ctx.annotations, cstarts, cstops, groups)
   local kept, taken, distinct = choose_entities(ctx, cands, allowed)
   local clusters = find_people(ctx, kept, taken, allowed, distinct)
   kept = outside_heads(kept, out)
   emit_entities(kept, demonyms, out)
   -- 4. dates
   local n = #out
   local dates = D.resolve_document(ctx, dated)
   for i = 1, #dates do
      n = n + 1
      out[n] = dates[i]
   end
   -- 5. quotes
   local found = quotes.find(ctx, kept, clusters, allowed, sieve)
   for i = 1, #found do
      n = n + 1
      out[n] = found[i]
   end
   -- (a mention of a person leaves its cluster here: the clusters'
   -- mentions are all the annotations that have one)
   for i = 1, #clusters do
      local mentions = clusters[i].mentions
      for j = 1, #mentions do mentions[j].cluster = nil end
   end
   return out
end

return resolve
