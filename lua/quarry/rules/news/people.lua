-- People across a document: mentions of one person ("Sergey Lavrov",
-- "Sergei Lavrov", "Lavrov", "Mr. Lavrov") merged into one cluster with a
-- canonical name; surnames the rules missed found again; who a pronoun
-- or a description ("the top Russian diplomat") stands for.

local people = {}
local string_byte = string.byte
local NONE = {}   -- (an empty list: only read)

-- Spelling variants of transliterated names meet on one key:
-- Sergey/Sergei, Dmitry/Dmitri, Sarkisian/Sarkissian, Mikhail/Mihail
-- (quarry.names: ASCII punctuation and spaces go, letters of any script stay).
local names = require "quarry.names"
local variant, name_words = names.variant, names.words
people.variant = variant

-- Titles that tell a person's sex, and the titles a description's role
-- words stand for (data/people_words.tsv).
local FEMALE_TITLES, MALE_TITLES, ROLE_WORDS = {}, {}, {}
for _, row in ipairs(read_list("data/people_words.tsv")) do
   local word, role = row[1], row[2]
   if role == "female_title" then FEMALE_TITLES[word] = true
   elseif role == "male_title" then MALE_TITLES[word] = true
   elseif role == "role" and row[3] then
      local list = {}
      for r in row[3]:gmatch("[^|]+") do list[#list + 1] = r end
      ROLE_WORDS[word] = list
   else
      error("data/people_words.tsv:" .. row.line .. ": expected female_title, male_title or role with its titles")
   end
end
people.ROLE_WORDS = ROLE_WORDS

local function sex_from_title(title)
   if not title then return nil end
   for w in title:lower():gmatch("[%a%.]+") do
      if FEMALE_TITLES[w] then return "f" end
      if MALE_TITLES[w] then return "m" end
   end
   return nil
end

-- Each cluster's canonical name -- the form written most often; on a tie,
-- the first written -- and its key.
local function name_clusters(clusters)
   for k = 1, #clusters do
      local c = clusters[k]
      local best, n, order = nil, 0, c.order
      for f = 1, #order do
         local form = order[f]
         if c.forms[form] > n then best, n = form, c.forms[form] end
      end
      c.canonical = best or c.single
      c.key = (c.first and c.first .. " " or "") .. c.last
   end
end

-- A new cluster of a name of n words whose first and last words have the
-- variants first and last, listed in st.clusters and st.by_last (its
-- clusters by the last word's variant).
local function new_cluster(st, n, first, last)
   local c = { forms = {}, order = {}, mentions = {}, titles = {}, last = last, first = n > 1 and first or nil }
   local clusters = st.clusters
   clusters[#clusters + 1] = c
   local by_last = st.by_last
   local list = by_last[last]
   if not list then
      list = {}
      by_last[last] = list
   end
   list[#list + 1] = c
   return c
end

-- Adds mention a, a name of n words (form: joined by spaces; word: the
-- first; first: its variant), to cluster c.
local function add(c, a, n, form, word, first, sex_of)
   c.mentions[#c.mentions + 1] = a
   a.cluster = c
   if n > 1 then
      local forms = c.forms
      if not forms[form] then c.order[#c.order + 1] = form end
      forms[form] = (forms[form] or 0) + 1
      if not c.first then c.first = first end
   else
      c.single = c.single or word
   end
   local title = a.attrs.title
   if title then c.titles[#c.titles + 1] = title end
   if not c.sex then
      local lower = n > 1 and word:lower()
      c.sex = title and sex_from_title(title) or (lower and sex_of[lower] ~= "u" and sex_of[lower]) or nil
   end
end

-- The full names of persons (two words or more, names.words gives them)
-- into their clusters: one of the same last word whose first word is the
-- same, an initial of it, or none (the last such cluster made); else a new
-- one. -> the other names: their annotations, and for each its word (or
-- false: none) and the word's variant.
local function full_names(st, persons, sex_of)
   local singles, words, keys, by_last = {}, {}, {}, st.by_last
   for p = 1, #persons do
      local a = persons[p]
      local n, form, word, first, last = name_words(a.attrs.name or a.text)
      if n > 1 then
         local found
         local same_last = by_last[last] or NONE
         for k = 1, #same_last do
            local c = same_last[k]
            local initial = c.first and string_byte(c.first, 1) == string_byte(first, 1)
               and (#first == 1 or #c.first == 1)
            if c.first == nil or c.first == first or initial then
               found = c
            end
         end
         add(found or new_cluster(st, n, first, last), a, n, form, word, first, sex_of)
      else
         local k = #singles + 1
         singles[k] = a
         words[k], keys[k] = n > 0 and word or false, first
      end
   end
   return singles, words, keys
end

--- Clusters the person annotations of a document (sorted by start) and
-- adds the mentions of known surnames the rules did not mark.
-- persons: list of annotations; taken: the span set of the entities
-- already kept (quarry.spanset); allowed(start) -> false inside clutter;
-- not_names: the set of words that are no name (not_names[word] = true).
-- Returns the clusters {canonical, key, sex, titles, mentions}.
function people.cluster(persons, sex_of, toks, text, taken, allowed, not_names)
   local st = { clusters = {}, by_last = {} }
   local clusters, by_last = st.clusters, st.by_last
   -- full names first, so that a surname before its full name ("Says
   -- Lavrov" in a headline) still joins it
   local singles, words, keys = full_names(st, persons, sex_of)
   -- a first name alone ("Ellen") for one person of that first name
   -- (the clusters made so far by first name: made for full names, the
   -- singles below make none with a first name)
   local by_first = {}
   for k = 1, #clusters do
      local c = clusters[k]
      if c.first then by_first[c.first] = by_first[c.first] == nil and c or false end
   end
   for k = 1, #singles do
      local w = words[k]
      if w then
         local key = keys[k]
         local list = by_last[key]
         local c = list and list[#list] or by_first[key] or nil
         if not c then c = new_cluster(st, 1, key, key) end
         add(c, singles[k], 1, nil, w, key, sex_of)
      end
   end
   -- surnames of known people the rules did not mark
   local added = {}
   -- (the words in title case or capitals whose variant is a known surname,
   -- outside the entities kept: most are mentions the rules marked)
   local found, found_variants = names.find(toks, by_last, taken)
   for k = 1, #found do
      local i = found[k]
      local s, e = toks:span(i)
      if allowed(s) and not not_names[toks:key(i)] then
         local list = by_last[found_variants[k]]
         local a = { type = "person", start = s, stop = e, rule = "coref", attrs = {}, text = text:sub(s + 1, e) }
         add(list[#list], a, 1, nil, a.text, nil, sex_of)
         added[#added + 1] = a
      end
   end
   name_clusters(clusters)
   return clusters, added
end


-- How far back (bytes) a description looks for the person it stands for.
local DESCRIBE_WINDOW = 100000
people.DESCRIBE_WINDOW = DESCRIBE_WINDOW

local function score_words(titles, desc_words)
   local score = 0
   for _, w in ipairs(desc_words) do
      local roles = ROLE_WORDS[w]
      if roles then
         for _, r in ipairs(roles) do
            if titles:find(r, 1, true) then
               score = score + 2
               break
            end
         end
      elseif #w > 3 and titles:find(w, 1, true) then
         score = score + 1
      elseif #w > 5 and (w:match("ian$") or w:match("ani$")) and titles:find(w:sub(1, -2), 1, true) then
         -- "Armenian" in the description, "Armenia's" in the title
         score = score + 1
      end
   end
   return score
end

--- Who the descriptions of a document stand for: people.describer(clusters)
-- -> describe(desc_words, before), which returns the cluster a description
-- ("the top Russian diplomat") written at byte before stands for: of the
-- people with a title named in the DESCRIBE_WINDOW bytes before it, the
-- one whose titles share most of its role and nationality words, the
-- latest named on a tie; nil when none shares any. desc_words: lower-case
-- words.
function people.describer(clusters)
   -- the mentions of titled people: pos[k], owner[k], order sorts them by pos
   local pos, owner, order = {}, {}, {}
   local titles, n = {}, 0
   for i = 1, #clusters do
      local c = clusters[i]
      local t = table.concat(c.titles, " | "):lower()
      if t ~= "" then
         titles[c] = t
         local mentions = c.mentions
         for j = 1, #mentions do
            n = n + 1
            pos[n], owner[n], order[n] = mentions[j].start, c, n
         end
      end
   end
   table.sort(order, function(a, b) return pos[a] < pos[b] end)
   return function(desc_words, before)
      local lo, hi = 1, #order + 1
      while lo < hi do
         local mid = (lo + hi) // 2
         if pos[order[mid]] < before then lo = mid + 1 else hi = mid end
      end
      -- the latest mention of each person first: the first seen of the
      -- best score wins
      local best, best_score = nil, 0
      local seen = {}
      for i = lo - 1, 1, -1 do
         local k = order[i]
         if pos[k] < before - DESCRIBE_WINDOW then break end
         local c = owner[k]
         if not seen[c] then
            seen[c] = true
            local score = score_words(titles[c], desc_words)
            if score > best_score then best, best_score = c, score end
         end
      end
      return best
   end
end

return people
