-- People across a document: mentions of one person ("Sergey Lavrov",
-- "Sergei Lavrov", "Lavrov", "Mr. Lavrov") merged into one cluster with a
-- canonical name; surnames the rules missed found again; who a pronoun
-- or a description ("the top Russian diplomat") stands for.

local people = {}

-- Spelling variants of transliterated names meet on one key:
-- Sergey/Sergei, Dmitry/Dmitri, Sarkisian/Sarkissian, Mikhail/Mihail
-- (quarry.names: ASCII punctuation and spaces go, letters of any script stay).
local names = require "quarry.names"
people.variant = names.variant

-- Titles that tell a person's sex, and the titles a description's role
-- words stand for (data/people_words.tsv).
-- (TITLE_SEX: title word -> "f" or "m"; a word of both lists is female)
local TITLE_SEX, ROLE_WORDS = {}, {}
for _, row in ipairs(read_list("data/people_words.tsv")) do
   local word, role = row[1], row[2]
   if role == "female_title" then TITLE_SEX[word] = "f"
   elseif role == "male_title" then TITLE_SEX[word] = TITLE_SEX[word] or "m"
   elseif role == "role" and row[3] then
      local list = {}
      for r in row[3]:gmatch("[^|]+") do list[#list + 1] = r end
      ROLE_WORDS[word] = list
   else
      error("data/people_words.tsv:" .. row.line .. ": expected female_title, male_title or role with its titles")
   end
end
people.ROLE_WORDS = ROLE_WORDS

--- Clusters the person annotations of a document (sorted by start) and
-- adds the mentions of known surnames the rules did not mark.
-- persons: list of annotations; taken: the span set of the entities
-- already kept (quarry.spanset); allowed(start) -> false inside clutter;
-- not_names: the set of words that are no name (not_names[word] = true).
-- Mentions of one person meet by their names' words (quarry.names.clusters:
-- full names first, so that a surname before its full name -- "Says
-- Lavrov" in a headline -- still joins it; a first name alone, "Ellen",
-- for the one person of that first name); a cluster's sex comes from a
-- title (data/people_words.tsv) or a first name (sex_of).
-- Returns the clusters {canonical, key, sex, titles, mentions} and the
-- mentions added (a list; nil when there is none; each with attrs name and
-- key, its cluster's canonical and key, and first_tok = last_tok = its
-- token's number).
function people.cluster(persons, sex_of, toks, text, taken, allowed, not_names)
   local clusters, by_last = names.clusters(persons, sex_of, TITLE_SEX)
   -- surnames of known people the rules did not mark: the words in title
   -- case or capitals whose variant is a cluster's last word, outside the
   -- entities kept (most are mentions the rules marked); each joins the
   -- latest cluster of that word
   local added, n = nil, 0
   local found, found_variants = names.find(toks, by_last, taken)
   for k = 1, #found do
      local i = found[k]
      local s, e = toks:span(i)
      if allowed(s) and not not_names[toks:key(i)] then
         local c = by_last[found_variants[k]]
         -- (attrs made with the name and key the output gives it: the
         -- cluster's, no key added to them after; first_tok and last_tok,
         -- its token, as quarry.attribution.mentions sets them: made with
         -- the table, which then needs no growing)
         local a = { type = "person", start = s, stop = e, rule = "coref", attrs = { name = c.canonical, key = c.key },
            text = text:sub(s + 1, e), cluster = c, first_tok = i, last_tok = i }
         local mentions = c.mentions
         mentions[#mentions + 1] = a
         n = n + 1
         if n == 1 then added = {} end
         added[n] = a
      end
   end
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
      -- (most have no title: no string made for them)
      local t = c.titles[1] and table.concat(c.titles, " | "):lower() or ""
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
