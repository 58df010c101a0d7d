-- Quotes and their speakers.
--
-- Pairing: quotation marks (the tokeniser tells opening from closing
-- ones, straight quotes included) pair up within a paragraph; an opening
-- mark left open runs to the paragraph's end (the quote goes on in the
-- next paragraph, which opens with a mark again); marks inside a quote
-- are a nested quote, part of it.
--
-- Speakers, in the order tried:
--   after the quote:   “…,” he said / said Lavrov / Lavrov told … /
--                      the agency quoted him as saying
--   before it:         Lavrov said a “…” / Lavrov went on to stress: “…”
--                      / according to X, “…”
--   later in its sentence: ‘Narrowing’ in Talks, Says Lavrov
--   none of these:     the quote goes on from the previous quote of the
--                      paragraph, or opens a paragraph right after one:
--                      the same speaker.

local quotes = {}
local null = require("cjson").null
local people   -- set by quotes.setup

local DOUBLE = { ["\""] = true, ["\u{201C}"] = true, ["\u{201D}"] = true, ["\u{201E}"] = true,
   ["\u{00AB}"] = true, ["\u{00BB}"] = true, ["''"] = true, ["``"] = true }

local PRONOUNS = { he = "m", him = "m", she = "f", her = "f", they = "p", them = "p", we = "p", i = "s",
   it = "n" }
local SKIP_AFTER_CUE = { ["also"] = true, ["then"] = true, ["later"] = true, ["again"] = true,
   ["further"] = true, ["simply"] = true, ["only"] = true, ["flatly"] = true, ["firmly"] = true,
   ["recently"] = true, ["previously"] = true, ["earlier"] = true, ["once"] = true, ["has"] = true,
   ["had"] = true, ["have"] = true, ["was"] = true, ["is"] = true, ["would"] = true, ["will"] = true,
   ["did"] = true, ["not"] = true, ["reportedly"] = true, ["publicly"] = true,
   ["privately"] = true, ["repeatedly"] = true, ["told"] = false }
local DESC_HEADS = {
   official = true, officials = true, minister = true, diplomat = true, spokesman = true,
   spokeswoman = true, spokesperson = true, president = true, leader = true, premier = true, source = true,
   sources = true, negotiator = true, envoy = true, ambassador = true, ministry = true, statement = true,
   newspaper = true, agency = true, paper = true, daily = true, report = true, outlet = true, channel = true,
   website = true, broadcaster = true, senator = true, governor = true, mayor = true, candidate = true,
   nominee = true, chief = true, head = true, aide = true, adviser = true, advisor = true, lawyer = true,
   analyst = true, expert = true, experts = true, executive = true, chairman = true, secretary = true,
   commander = true, general = true, prosecutor = true, judge = true, campaign = true, government = true,
   kremlin = true, administration = true, company = true, firm = true, group = true, spokesmen = true,
   man = true, woman = true, billionaire = true, businessman = true, mogul = true, democrat = true,
   republican = true, lawmaker = true, lawmakers = true, witness = true, witnesses = true, police = true,
   coach = true, manager = true, economist = true, professor = true, researcher = true, scientist = true,
   director = true, founder = true, ceo = true, chancellor = true, king = true, queen = true, pope = true,
   narrator = true, organizer = true, organizers = true, organiser = true, organisers = true,
   spokespeople = true, representative = true, representatives = true, activist = true, activists = true,
   protesters = true, residents = true, resident = true, critics = true, critic = true, supporters = true,
   voters = true, voter = true, doctor = true, host = true, anchor = true, moderator = true,
}
local OUTLET_HEADS = { newspaper = true, agency = true, paper = true, daily = true, report = true,
   outlet = true, channel = true, website = true, broadcaster = true, magazine = true, tabloid = true }
local ORG_HEADS = { ministry = true, government = true, kremlin = true, administration = true,
   company = true, firm = true, group = true, campaign = true, police = true, statement = true }
local UNNAMED = { source = true, sources = true, officials = true, experts = true, witnesses = true,
   lawmakers = true, man = true, woman = true, protesters = true, residents = true, resident = true,
   critics = true, supporters = true, voters = true, voter = true, activists = true, organizers = true,
   organisers = true, representatives = true }

--- Pairs the quotation marks of a document: -> list of
-- {open = i, close = j | nil, start, stop, single, continued} with token
-- indexes and the byte span of the text inside the marks.
function quotes.pair(toks, text)
   local n = #toks
   local pairs_ = {}
   local stack = {}
   local top = {}   -- [single] = the innermost open mark of that kind
   local para = nil
   local function flush(last_stop)
      -- marks left open at a paragraph's end: the outermost double one
      -- runs to the end of the paragraph
      for _, o in ipairs(stack) do
         if not o.single then
            pairs_[#pairs_ + 1] = { open = o.i, close = nil, start = o.stop, stop = last_stop, single = false }
            break
         end
      end
      stack = {}
      top = {}
   end
   local last_stop = 0
   for i = 1, n do
      local p = toks:get(i, "paragraph")
      if p ~= para then
         if para then flush(last_stop) end
         para = p
      end
      local kind = toks:kind(i)
      if kind == "open_quote" or kind == "close_quote" then
         local s, e = toks:span(i)
         local mark = text:sub(s + 1, e)
         local single = not DOUBLE[mark]
         if kind == "open_quote" then
            local o = { i = i, start = s, stop = e, single = single, below = top[single] }
            stack[#stack + 1] = o
            o.at = #stack
            top[single] = o
         else
            -- the innermost open mark of the same kind (single or double)
            local o = top[single]
            if o then
               local k = o.at
               for _ = k, #stack do
                  local gone = stack[#stack]
                  top[gone.single] = gone.below
                  stack[#stack] = nil
               end
               if k == 1 or not (stack[1] and not stack[1].single) then
                  pairs_[#pairs_ + 1] = { open = o.i, close = i, start = o.stop, stop = s, single = single,
                     depth = #stack }
               end
            end
         end
      end
      local _, e = toks:span(i)
      last_stop = e
   end
   flush(last_stop)
   -- keep the outermost: a pair inside another is a nested quote
   table.sort(pairs_, function(a, b) return a.start < b.start end)
   local out = {}
   for _, q in ipairs(pairs_) do
      local prev = out[#out]
      if not (prev and q.start >= prev.start and q.stop <= prev.stop) then out[#out + 1] = q end
   end
   return out
end

local verbs = {}
local NOT_NAMES = {}

--- quotes.setup(entities): the speech verbs of the pack's data.
function quotes.setup(E, people_module)
   people = people_module
   for _, v in ipairs(E.speech_verbs) do verbs[v:lower()] = true end
   for _, w in ipairs(E.not_names) do NOT_NAMES[w] = true end
   NOT_NAMES.unlike, NOT_NAMES.like = true, true
   -- verbs that attribute words without being speech: X called Y a “…”
   for _, v in ipairs { "called", "calls", "calling", "described", "describes", "describing", "dubbed",
                        "labeled", "labelled", "branded", "termed", "hailed", "praised", "slammed",
                        "blasted", "accused", "urged", "vowed", "pledged", "promised" } do
      verbs[v] = true
   end
end

local DETS = { the = true, a = true, an = true, his = true, her = true, its = true, their = true, my = true, our = true,
   one = true, another = true, two = true, three = true, several = true, some = true, many = true,
   other = true, ["this"] = true, ["that"] = true }
-- words before a speech verb that make it a noun: "Trump's tweet", "the claim"
local NOUN_LEADS = { the = true, a = true, an = true, his = true, her = true, its = true, their = true, our = true,
   my = true, your = true, these = true, those = true, ["'s"] = true, ["\u{2019}s"] = true, ["s'"] = true }
-- what opens a clause of its own, whose subject a verb before it does not govern
local CLAUSE_JOINS = { ["and"] = true, ["but"] = true, ["while"] = true, ["whereas"] = true, ["although"] = true,
   ["though"] = true, ["or"] = true, [";"] = true, [":"] = true, ["."] = true, ["when"] = true, ["after"] = true,
   ["before"] = true, ["as"] = true, ["since"] = true, ["if"] = true, ["unless"] = true, ["yet"] = true,
   ["\u{2014}"] = true, ["\u{2013}"] = true, ["--"] = true, ["("] = true, ["meanwhile"] = true }
-- words that cannot end the noun phrase of a subject
local NOT_NOUNS = { ["that"] = true, ["which"] = true, ["who"] = true, ["whom"] = true, ["whose"] = true,
   ["be"] = true, ["been"] = true, ["being"] = true, ["are"] = true, ["were"] = true, ["does"] = true,
   ["do"] = true, ["can"] = true, ["could"] = true, ["should"] = true, ["may"] = true, ["might"] = true,
   ["must"] = true, ["so"] = true, ["too"] = true, ["very"] = true, ["not"] = true, ["never"] = true,
   ["also"] = true, ["still"] = true, ["just"] = true, ["even"] = true, ["there"] = true, ["here"] = true,
   ["then"] = true, ["now"] = true, ["what"] = true, ["how"] = true, ["why"] = true, ["where"] = true }
local SUBORDINATORS = { as = true, when = true, after = true, before = true, ["while"] = true, although = true,
   though = true, ["if"] = true, because = true, since = true, once = true, ["until"] = true, unless = true,
   whereas = true, despite = true, amid = true, following = true }
-- nouns of saying: "his promise to be “neutral”", "Trump's claim that “…”"
local SPEECH_NOUNS = {}
for w in ([[claim claims promise promises assertion assertions comment comments remark remarks statement
   statements call calls demand demands description warning warnings pledge pledges vow vows words suggestion
   contention argument insistence accusation accusations charge charges declaration tweet tweets message
   answer response reply retort quip quote quotes question slogan catchphrase rhetoric complaint complaints
   admission announcement prediction boast boasts threat threats insult insults attack attacks criticism
   characterization labeling denial assessment explanation plea appeal request line refrain mantra]]):gmatch("%S+") do
   SPEECH_NOUNS[w] = true
end
local POSSESSIVE_PRONOUNS = { his = "he", her = "she", their = "they", its = "it", my = "i", our = "we" }
local PASSIVE_AUX = { was = true, were = true, been = true, being = true, is = true, are = true, be = true,
   got = true, gets = true, get = true }
-- capitals before a colon that head a text rather than name who speaks
local NOT_LABELS = { video = true, photo = true, photos = true, watch = true, update = true, updated = true,
   breaking = true, note = true, ["editor's note"] = true, read = true, related = true, source = true,
   sources = true, credit = true, warning = true, listen = true, audio = true, exclusive = true, live = true,
   opinion = true, analysis = true, transcript = true, correction = true, ["ps"] = true, ["p.s."] = true }
-- cues whose object follows them: "told Politico" names who heard it
local OBJECT_CUES = {}
for w in ([[told tells telling tell asked asks asking ask urged urges urging warned warns warning reminded
   reminds assured assures informed informs called calls calling described describes describing praised
   accused accuses blasted slammed labeled labelled branded dubbed termed hailed]]):gmatch("%S+") do
   OBJECT_CUES[w] = true
end
-- what someone issues and speaks through: "X released a statement saying"
local ISSUED = { statement = true, letter = true, report = true, release = true, memo = true, ad = true,
   video = true, email = true, post = true, message = true, op = true, editorial = true }
local RELATIVES = { which = true, who = true, whom = true }
local QUOTING = { quoted = true, quotes = true, quoting = true, cited = true, cites = true }

local SCARE_WORDS = 0
local SMALL = { ["of"] = true, ["the"] = true, ["and"] = true, ["in"] = true, ["on"] = true, ["a"] = true,
   ["an"] = true, ["for"] = true, ["to"] = true, ["with"] = true, ["at"] = true, ["by"] = true, ["&"] = true }

-- "State of the Union.", "Fox News Sunday," "13th": capitalised words only.
local function title_like(s)
   local n = 0
   for w in s:gmatch("[^%s]+") do
      local bare = w:gsub("^%p+", ""):gsub("%p+$", "")
      if bare ~= "" and not SMALL[bare] then
         if not bare:match("^[%u%d]") then return false end
         n = n + 1
      end
   end
   return n >= 1 and n <= 7
end

-- The sentences a speaker is looked for in: the tokeniser's sentences,
-- those longer than WINDOW tokens cut into windows of WINDOW tokens, so
-- that no search around a quote walks more than WINDOW tokens (a paragraph
-- without full stops would make each quote walk all of it).
local WINDOW = 128
quotes.WINDOW = WINDOW

--- The attribution sentences of a document: quotes.windows(toks) ->
-- sent(i), the number of token i's sentence (or window of a long one),
-- and sentence_start(i), its first token.
function quotes.windows(toks)
   local long = {}   -- sentences longer than WINDOW: {s, first, before, after}
   local extra = 0   -- windows added by the long sentences so far
   for s, _, _, first, last in toks:sentences() do
      if last - first + 1 > WINDOW then
         local added = (last - first) // WINDOW
         long[#long + 1] = { s = s, first = first, before = extra, after = extra + added }
         extra = extra + added
      end
   end
   local function long_at(s)   -- the last long sentence numbered <= s
      local lo, hi = 1, #long
      local found
      while lo <= hi do
         local mid = (lo + hi) // 2
         if long[mid].s <= s then found, lo = long[mid], mid + 1 else hi = mid - 1 end
      end
      return found
   end
   local function sent(i)
      local s = toks:get(i, "sentence")
      if not long[1] then return s end
      local l = long_at(s)
      if not l then return s end
      if l.s == s then return s + l.before + (i - l.first) // WINDOW end
      return s + l.after
   end
   local function sentence_start(i)
      local _, _, first = toks:sentence(toks:get(i, "sentence"))
      if i - first >= WINDOW then return first + (i - first) // WINDOW * WINDOW end
      return first
   end
   return sent, sentence_start
end

local function compatible(sex, g)
   if g ~= "m" and g ~= "f" then return false end
   return sex == nil or sex == "u" or sex == g
end

local OUTLET_KINDS = { agency = true, newspaper = true, broadcaster = true, magazine = true, website = true,
   outlet = true }

--- The organisations of a document's entities (sorted by start), for
-- lookups by position: quotes.org_index(kept) -> index with
-- index.all (the organisations), index.first_from(pos) (the first entity
-- of kept starting at or after pos), index.heads(head) (the organisations
-- a description with that head noun can stand for: outlets for "the
-- newspaper", others for "the ministry"), index.last_before(list, pos).
function quotes.org_index(kept)
   local all = {}
   for _, a in ipairs(kept) do
      if a.type == "organization" then all[#all + 1] = a end
   end
   local index = { all = all }
   local by_head = {}
   function index.heads(head)
      local list = by_head[head]
      if list then return list end
      list = {}
      for _, a in ipairs(all) do
         local outlet = OUTLET_KINDS[a.attrs.kind] == true
         if (OUTLET_HEADS[head] and outlet) or (ORG_HEADS[head] and not outlet
            and (a.text:lower():find(head, 1, true) or head == "government" or head == "campaign")) then
            list[#list + 1] = a
         end
      end
      by_head[head] = list
      return list
   end
   function index.last_before(list, pos)
      local lo, hi, found = 1, #list, nil
      while lo <= hi do
         local mid = (lo + hi) // 2
         if list[mid].start < pos then found, lo = list[mid], mid + 1 else hi = mid - 1 end
      end
      return found
   end
   function index.first_from(pos)
      local lo, hi = 1, #kept + 1
      while lo < hi do
         local mid = (lo + hi) // 2
         if kept[mid].start < pos then lo = mid + 1 else hi = mid end
      end
      return lo
   end
   return index
end

--- Finds the quotes of a document and their speakers:
-- quotes.find(ctx, entities, clusters, allowed) -> quote annotations.
function quotes.find(ctx, kept, clusters, allowed)
   local toks, text = ctx.tokens, ctx.text
   local n = #toks
   local at, ends, in_name = {}, {}, {}
   local persons = {}
   for _, a in ipairs(kept) do
      if a.type == "person" or a.type == "organization" or a.type == "location" then
         local f, l = toks:cover(a.start, a.stop)
         if f then
            a.first_tok, a.last_tok = f, l
            at[f], ends[l] = a, a
            -- "United States", "Says Media": a word of a name is no cue
            if a.type ~= "person" then
               for t = f, l do in_name[t] = true end
            end
         end
         if a.type == "person" then persons[#persons + 1] = a end
      end
   end
   local function key(i) return toks:key(i) end
   local function is_cue(i)
      if i < 1 or i > n then return false end
      local k = key(i)
      if verbs[k] == true and not in_name[i] then
         -- "Trump's tweet", "his early-morning tweets", "the claim": a noun
         if k:sub(-2) ~= "ed" and i > 1 then
            local p = key(i - 1)
            if NOUN_LEADS[p] then return false end
            -- "his early-morning tweets" (an adjective between; "the ad
            -- says" has a noun there, which the tokens cannot tell apart)
            if i > 2 and NOUN_LEADS[key(i - 2)] and p:find("%l%-%l") and toks:get(i - 1, "case") == "lower" then
               return false
            end
         end
         return true
      end
      -- "he went on", "she goes on": a speech verb of two words
      return (k == "went" or k == "goes" or k == "go") and i < n and key(i + 1) == "on"
   end
   local sent, sentence_start = quotes.windows(toks)
   local function span_of(first, last)
      local s = toks:span(first)
      local _, e = toks:span(last)
      return s, e
   end

   -- a description: determiner, up to five words, a role or outlet noun
   local function description_from(i)
      local k = key(i)
      if not DETS[k] then return nil end
      for t = i + 1, math.min(i + 6, n) do
         local kt = key(t)
         local kind = toks:kind(t)
         if kind ~= "word" and kind ~= "dash" and kt ~= "'s" and kt ~= "\u{2019}s" then return nil end
         -- "that he is responsible for higher voter": a clause, not a noun phrase
         if PRONOUNS[kt] or NOT_NOUNS[kt] or SKIP_AFTER_CUE[kt] ~= nil then return nil end
         if DESC_HEADS[kt] then
            -- "the ministry spokesman": the longest description
            local last = t
            while last + 1 <= n and DESC_HEADS[key(last + 1)] do last = last + 1 end
            local words = {}
            for w = i + 1, last do words[#words + 1] = key(w) end
            return { kind = "desc", first = i, last = last, words = words, head = key(last) }
         end
         if verbs[kt] then return nil end
      end
      return nil
   end

   -- the mention that starts at token i: a person or organisation, a
   -- pronoun, a description
   local function mention_at(i)
      if i < 1 or i > n then return nil end
      local a = at[i]
      if a then return { kind = a.type, ann = a, first = i, last = a.last_tok } end
      local k = key(i)
      if PRONOUNS[k] and k ~= "her" and k ~= "them" then return { kind = "pronoun", pron = k, first = i, last = i } end
      return description_from(i)
   end

   -- the mention that ends at token i (the subject before a verb)
   local PREPOSITIONS = { ["in"] = true, ["on"] = true, ["at"] = true, ["from"] = true, ["during"] = true,
      ["with"] = true, ["to"] = true, ["for"] = true, ["by"] = true, ["about"] = true, ["after"] = true,
      ["before"] = true, ["of"] = true, ["into"] = true, ["through"] = true, ["than"] = true, ["like"] = true,
      ["unlike"] = true, ["against"] = true, ["over"] = true, ["under"] = true, ["toward"] = true, ["towards"] = true,
      ["behind"] = true, ["among"] = true, ["between"] = true, ["despite"] = true, ["amid"] = true }
   local mention_ending_inner
   -- a description right after a preposition ("in a statement", "in an
   -- interview") is where or how something was said, not who said it
   local function mention_ending(i, floor, generic)
      local m = mention_ending_inner(i, floor, generic)
      if m and m.kind == "desc" and m.first > 1 and PREPOSITIONS[key(m.first - 1)] then return nil end
      return m
   end
   function mention_ending_inner(i, floor, generic)
      if i < floor then return nil end
      local a = ends[i]
      if a then return { kind = a.type, ann = a, first = a.first_tok, last = i } end
      local k = key(i)
      if PRONOUNS[k] and k ~= "him" and k ~= "them" and k ~= "her" then
         return { kind = "pronoun", pron = k, first = i, last = i }
      end
      -- "one questioner", "the clip", "the band leader": a determiner and a
      -- noun the lists do not know
      if generic and not DESC_HEADS[k] and toks:get(i, "case") == "lower" and toks:kind(i) == "word"
         and not verbs[k] and not NOT_NOUNS[k] and not PREPOSITIONS[k] and not CLAUSE_JOINS[k]
         and SKIP_AFTER_CUE[k] == nil and not k:find("n[\'\u{2019}]t$") and not k:find("ly$") then
         for d = i - 1, math.max(floor, i - 3), -1 do
            local kd = key(d)
            if DETS[kd] and kd ~= "that" and kd ~= "this" then
               local words = {}
               for w = d + 1, i do words[#words + 1] = key(w) end
               return { kind = "desc", first = d, last = i, words = words, head = k }
            end
            if toks:kind(d) ~= "word" then break end
         end
      end
      if DESC_HEADS[k] then
         for d = i - 1, math.max(floor, i - 6), -1 do
            local m = description_from(d)
            if m and m.last == i then return m end
            -- "Obama's former campaign strategist", "the IMF report"
            local kd = key(d)
            if kd == "'s" then
               local owner = ends[d - 1]
               local first = owner and owner.first_tok or d - 1
               if first > 1 and DETS[key(first - 1)] then first = first - 1 end
               local words = {}
               for w = d + 1, i do words[#words + 1] = key(w) end
               return { kind = "desc", first = first, last = i, words = words, head = k, owner = owner }
            end
            if toks:kind(d) ~= "word" then break end
         end
      end
      return nil
   end

   -- the subject of the cue at token c: the nearest mention before it in
   -- its sentence, over adverbs and auxiliaries
   -- the subject of the clause that holds token c: its first mention that
   -- is not the object of a preposition, after any subordinate clause it
   -- opens with ("On Monday, in Ohio, Clinton…", "As Trump spoke, Clinton…")
   local clause_subject
   function clause_subject(c, floor)
      local start = floor
      for t = c - 1, floor + 1, -1 do
         local k = key(t)
         if k == ";" or (key(t - 1) == "," and (k == "and" or k == "but" or k == "while" or k == "yet")) then
            start = t + 1
            break
         end
      end
      while start < c - 1 and (key(start) == "and" or key(start) == "but" or key(start) == "so"
         or key(start) == "yet" or key(start) == "or") do
         start = start + 1
      end
      -- "FLINT, Mich., Oct. 4 (UPI) — Former President Bill Clinton…": past
      -- the dateline
      for t = start + 1, math.min(c - 1, start + 15) do
         if toks:kind(t) == "dash" and (key(t - 1) == ")" or toks:get(t - 1, "case") == "upper") then
            start = t + 1
            break
         end
      end
      if SUBORDINATORS[key(start)] then
         for t = start + 1, c - 1 do
            if key(t) == "," then start = t + 1 break end
         end
      end
      local t = start
      while t < c do
         if toks:kind(t) == "open_quote" then
            repeat t = t + 1 until t >= c or toks:kind(t) == "close_quote"
         else
            local m = mention_at(t)
            if m and m.last < c then
               if m.kind ~= "location" and not (t > 1 and (PREPOSITIONS[key(t - 1)] or NOUN_LEADS[key(t - 1)]))
                  and m.pron ~= "him" then
                  return m
               end
               t = m.last
            end
         end
         t = t + 1
      end
      -- "The senator sought to calm them, and took a heckler in stride,
      -- saying": verbs joined without a subject of their own share the first
      if start > floor and not SUBORDINATORS[key(floor)] then return clause_subject(start - 1, floor) end
      return nil
   end

   local subject_before
   function subject_before(c, floor)
      local t = c - 1
      while t >= floor and (SKIP_AFTER_CUE[key(t)] or key(t) == ",") do t = t - 1 end
      -- "McConnell, who in 2010 said": the relative pronoun is the mention
      -- that attributes, and the name before it who it stands for
      for u = t, math.max(floor + 1, c - 6), -1 do
         local ku = key(u)
         if ku == "who" or ku == "which" then
            local a = u - 1
            if key(a) == "," then a = a - 1 end
            local ante = mention_ending(a, floor, true)
            if not ante then
               for v = a - 1, math.max(floor, a - 8), -1 do
                  ante = mention_ending(v, floor)
                  if ante then break end
                  if key(v) == "," then break end
               end
            end
            return { kind = "rel", first = u, last = u, antecedent = ante }
         end
         -- (a subject of its own between: "in which he says")
         if ku == "," or toks:kind(u) ~= "word" and toks:kind(u) ~= "number" or is_cue(u)
            or ends[u] or PRONOUNS[ku] then
            break
         end
      end
      -- "Rep. Gwen Moore (D-Wis.) said"
      if t > floor and key(t) == ")" then
         local open = t - 1
         while open > math.max(floor, t - 8) and key(open) ~= "(" do open = open - 1 end
         if key(open) == "(" then t = open - 1 end
      end
      -- "Clinton hit back at Trump on Monday, saying “…”": a participle
      -- after a comma has the subject of its clause
      if t < c - 1 and key(c):find("ing$") and key(t + 1) == "," then
         -- "…, Spicer said, adding": the subject of the cue before
         local m = is_cue(t) and t > floor and subject_before(t, floor) or clause_subject(c, floor)
         if m then return m end
      end
      -- "Police Commissioner Richard Ross, who spent the morning near City
      -- Hall, described": the subject before the appositive or relative
      -- clause that ends in a comma before the cue
      if t < c - 1 and key(t + 1) == "," then
         local subj = clause_subject(c, floor)
         if subj and subj.last + 1 < t and key(subj.last + 1) == "," then return subj end
      end
      local m = mention_ending(t, floor, true)
      -- "King says", "Democrats said": capitalised words the rules did not
      -- take for a name, right before the cue
      if not m and t >= floor and t == c - 1 and toks:kind(t) == "word" and toks:get(t, "case") == "title"
         and not NOT_NAMES[key(t)] and not PRONOUNS[key(t)] and not DETS[key(t)] and not key(t):find("ing$") then
         local first = t
         while first > floor and toks:kind(first - 1) == "word" and toks:get(first - 1, "case") == "title"
            and not NOT_NAMES[key(first - 1)] and t - first < 3 do
            first = first - 1
         end
         return { kind = "name", first = first, last = t }
      end
      -- "Trump and Ryan issued a statement describing": the statement is
      -- what they issued, they are who speaks
      if m and m.kind == "desc" and key(c):find("ing$") and ISSUED[m.head] then
         local subj = clause_subject(m.first, floor)
         if subj then return subj end
      end
      if m then return m end
      -- "Even China, Pyongyang's only ally and its lifeline, said": the
      -- subject before the appositive
      if t < c - 1 and key(t + 1) == "," then
         m = clause_subject(c, floor)
         if m and m.last + 1 < c and key(m.last + 1) == "," then return m end
      end
      -- "Lavrov, in his remarks, said" / "Lavrov went on to stress"
      for u = t - 1, math.max(floor, c - 12), -1 do
         m = mention_ending(u, floor)
         -- a place in between ("in Virginia") is where, not who; the
         -- object of a preposition ("sings to Clinton") is not the subject
         if m and m.kind ~= "location" and not (m.first > 1 and PREPOSITIONS[key(m.first - 1)]) then
            return m
         end
      end
      return nil
   end

   -- the speaker a cue introduces after it: "said Lavrov", "said the Rev.
   -- Peter Wherry", "told reporters Lavrov" is not one
   local function mention_after_cue(k)
      if k <= n and SKIP_AFTER_CUE[key(k)] then k = k + 1 end
      local m = mention_at(k)
      if m and m.kind == "desc" then
         -- "the former secretary of State Hillary Clinton": the person wins
         for t = m.first + 1, math.min(m.last + 3, n) do
            local a = at[t]
            if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
         end
      end
      if m then return m end
      -- "said former South Carolina Gov. Jim Hodges"
      for t = k + 1, math.min(k + 9, n) do
         local a = at[t]
         if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
         if toks:kind(t) ~= "word" or (t > k + 3 and toks:get(t, "case") == "lower" and key(t) ~= "and") then break end
      end
      -- "said a person close to the Clintons": a determiner and the words
      -- up to a preposition or a punctuation mark
      if k <= n and DETS[key(k)] and key(k) ~= "that" and key(k) ~= "this" then
         local last = k
         while last + 1 <= n and last - k < 5 and toks:kind(last + 1) == "word" and not PREPOSITIONS[key(last + 1)]
            and not verbs[key(last + 1)] and not CLAUSE_JOINS[key(last + 1)] and not NOT_NOUNS[key(last + 1)] do
            last = last + 1
         end
         if last > k then
            local words = {}
            for w = k + 1, last do words[#words + 1] = key(w) end
            return { kind = "desc", first = k, last = last, words = words, head = key(last) }
         end
      end
      return nil
   end

   -- capitalised words the rules did not take for a name, when a speech
   -- verb follows them ("Rendell recalled", "Quina Jones, 25, said")
   local function bare_name_at(i)
      if i > n or toks:kind(i) ~= "word" then return nil end
      local first = i
      -- "The Hill reported": an outlet's article is part of its name
      if key(i) == "the" and i < n and toks:get(i + 1, "case") == "title" then i = i + 1 end
      if NOT_NAMES[key(i)] then return nil end
      local last = i - 1
      while last + 1 <= n and last - i < 3 and toks:kind(last + 1) == "word"
         and (toks:get(last + 1, "case") == "title" or toks:text(last + 1):match("^%u%.$")) do
         last = last + 1
      end
      if last < i or DETS[key(i)] or PRONOUNS[key(i)] then return nil end
      return { kind = "name", first = first, last = last }
   end

   -- After a quote that ended its sentence (“… wrong.” Lavrov said), a
   -- name and a verb attribute it only when the verb ends the clause:
   -- “… wrong.” Democrats also described the vote as… is a new statement.
   local CLAUSE_END = { ["."] = true, [","] = true, [";"] = true, ["in"] = true, ["on"] = true, ["at"] = true,
      ["to"] = true, ["during"] = true, ["after"] = true, ["before"] = true, ["via"] = true, ["from"] = true,
      ["while"] = true, ["as"] = true, ["of"] = true, ["when"] = true, ["with"] = true, ["in a"] = true,
      ["later"] = true, ["afterward"] = true, ["afterwards"] = true, ["recently"] = true, ["today"] = true,
      ["yesterday"] = true, ["earlier"] = true, ["monday"] = true, ["tuesday"] = true, ["wednesday"] = true,
      ["thursday"] = true, ["friday"] = true, ["saturday"] = true, ["sunday"] = true, ["\u{2014}"] = true,
      ["-"] = true, ["--"] = true, ["("] = true, [":"] = true, ["!"] = true, ["?"] = true, ["about"] = true,
      ["matter-of-factly"] = true }
   local function ends_clause(k)
      local kk = k + 1
      while kk <= n and SKIP_AFTER_CUE[key(kk)] do kk = kk + 1 end
      return kk > n or CLAUSE_END[key(kk)] or toks:kind(kk) == "open_quote" or sent(kk) ~= sent(k)
   end
   local closed_sentence = false
   local soft_end = false   -- the quote ends on a comma, "!" or "?"

   local function after_quote(j)
      if j > n then return nil end
      -- a new paragraph speaks for itself, unless it is a signature
      -- ("— Bernie Sanders")
      if toks:get(j, "para_start") and toks:kind(j) ~= "dash" then return nil end
      if key(j) == "," then j = j + 1 end
      -- “…,” according to Marta Solberg
      if j < n and key(j) == "according" and key(j + 1) == "to" then
         local m = mention_at(j + 2)
         if m then return m, j, j + 1 end
      end
      -- “…” ― Jane Doe
      if j <= n and toks:kind(j) == "dash" then
         local m = mention_at(j + 1)
         if m and m.kind ~= "desc" then return m, j end
         -- a name the rules did not know: the capitalised words after the dash
         local last = j
         while last + 1 <= n and last - j < 5 and toks:kind(last + 1) == "word"
            and (toks:get(last + 1, "case") == "title" or toks:get(last + 1, "case") == "upper"
                 or toks:text(last + 1):match("^%u%.?$")) do
            last = last + 1
         end
         if last > j then return { kind = "name", first = j + 1, last = last }, j end
      end
      if is_cue(j) then
         local m = mention_after_cue(j + 1)
         if m then return m, j end
         -- “…,” said Cuban, who…: a name the rules did not know
         m = bare_name_at(j + 1)
         if m and m.last < n and (key(m.last + 1) == "," or key(m.last + 1) == ".") then return m, j end
      end
      -- “…!” beamed Donald Hartley: a verb the lists lack, between a quote
      -- that ends on a comma or a cry and a name that ends the clause
      if soft_end and j < n and toks:kind(j) == "word" and toks:get(j, "case") == "lower" and not NOT_NOUNS[key(j)]
         and not PREPOSITIONS[key(j)] and not CLAUSE_JOINS[key(j)] and not DETS[key(j)] then
         local m = mention_at(j + 1)
         if m and m.kind == "person" and ends_clause(m.last) then return m, j end
      end
      local m = mention_at(j) or bare_name_at(j)
      -- “…,” the letter reads: a determiner and the nouns before a speech verb
      if not m and j <= n and DETS[key(j)] then
         for t = j + 1, math.min(j + 6, n) do
            if is_cue(t) and t > j + 1 then
               local words = {}
               for w = j + 1, t - 1 do words[#words + 1] = key(w) end
               m = { kind = "desc", first = j, last = t - 1, words = words, head = key(t - 1) }
               break
            end
            if toks:kind(t) ~= "word" then break end
         end
      end
      if m and m.kind ~= "person" then
         -- “…,” US Senator Jeff Sessions said: the person the title leads to
         for t = m.last + 1, math.min(n, m.last + 4) do
            local a = at[t]
            if a and a.type == "person" then
               m = { kind = "person", ann = a, first = t, last = a.last_tok }
               break
            end
            if toks:kind(t) ~= "word" or toks:get(t, "case") == "lower" then break end
         end
      end
      if m then
         local k = m.last + 1
         -- "Sen. Chuck Schumer (D-N.Y.) said"
         if k <= n and key(k) == "(" then
            local close = k + 1
            while close <= math.min(n, k + 8) and key(close) ~= ")" do close = close + 1 end
            if close <= n and key(close) == ")" then k = close + 1 end
         end
         -- "Scott Pruitt, the attorney general of Oklahoma, one of the
         -- states suing, said": over appositives to a comma and a cue
         if k <= n and key(k) == "," and not is_cue(k + 1) then
            local s0 = sent(k)
            for t = k + 1, math.min(k + 24, n - 1) do
               if sent(t) ~= s0 or toks:kind(t) == "open_quote" then break end
               if key(t) == "," and is_cue(t + 1) then
                  k = t + 1
                  break
               end
            end
         end
         while k <= n and SKIP_AFTER_CUE[key(k)] do k = k + 1 end
         -- “…” Trump replied: “…”: the cue introduces the next quote
         local introduces = closed_sentence and k < n and key(k + 1) == ":"
         if is_cue(k) and not introduces and (not closed_sentence or QUOTING[key(k)] or ends_clause(k)) then
            if QUOTING[key(k)] then
               local obj = mention_at(k + 1)
               if obj then return obj, k end
            end
            -- “…,” Welch said, according to Vermont Edition: the source
            -- that reports the words
            local s0 = sent(k)
            for t = k + 1, math.min(n - 2, k + 16) do
               if sent(t) ~= s0 or toks:kind(t) == "open_quote" then break end
               if key(t) == "according" and key(t + 1) == "to" and key(t - 1) == "," then
                  local src = mention_at(t + 2)
                  if src then return src, t, t + 1 end
               end
            end
            return m, k
         end
         -- “…,” Trump shot back. / “…,” the man shouted.: a verb the lists
         -- lack, when the quote ends on a comma or a cry and the verb ends
         -- the clause
         if soft_end and not introduces and k <= n and toks:kind(k) == "word" and toks:get(k, "case") == "lower"
            and not NOT_NOUNS[key(k)] and not PREPOSITIONS[key(k)] and not CLAUSE_JOINS[key(k)]
            and not DETS[key(k)] and m.kind ~= "location" then
            local v = k
            if v < n and (key(v + 1) == "back" or key(v + 1) == "out" or key(v + 1) == "up") then v = v + 1 end
            if ends_clause(v) then return m, k end
         end
      end
      return nil
   end

   local function according_to(from, to)
      for t = from, to - 1 do
         if key(t) == "according" and t + 1 <= n and key(t + 1) == "to" then
            local m = mention_at(t + 2)
            if m then return m, t, t + 1 end
         end
      end
      return nil
   end

   local function before_quote(o)
      local floor = sentence_start(o)
      local m, c1, c2 = according_to(floor, o)
      if m then return m, c1, c2 end
      local found, cue
      local inside = false
      for c = o - 1, floor, -1 do
         local kind = toks:kind(c)
         -- a cue inside another quote is someone else's words
         if kind == "close_quote" then inside = true elseif kind == "open_quote" then inside = false end
         if not inside and is_cue(c) and (not found or c < found.first) then
            -- "Rubio was asked by moderator Gerard Baker whether “…”": the agent
            local agent = key(c + 1) == "by" and c + 2 < o and PASSIVE_AUX[key(c - 1)] and mention_after_cue(c + 2)
            if agent and agent.last < o and agent.kind ~= "pronoun" then
               m = agent
            else
               m = subject_before(c, floor)
            end
            if not m and not found then
               -- "said Lavrov: ..." / "said the minister, ..." ("said it was"
               -- is what was said)
               m = mention_after_cue(c + 1)
               if m and (m.last >= o or m.kind == "pronoun") then m = nil end
            end
            if m then
               -- the outermost attribution holds the quote: "Trump said
               -- Clinton called it “…”" is Trump's; "…, and Clinton called it
               -- “…”" opens a clause of its own
               if found and m.kind == "location" then m = nil end
               if m then
                  found, cue = m, c
                  -- after a comma or a quote, the subject opens the main
                  -- clause ("When I emailed him, he replied, “…”")
                  local before = found.first - 1
                  if before < floor or CLAUSE_JOINS[key(before)] or key(before) == "," or RELATIVES[key(before)]
                     or toks:kind(before) == "close_quote" or toks:kind(before) == "open_quote" then
                     break
                  end
               end
            end
         end
      end
      if found then return found, cue end
      return nil
   end

   -- "her assertion during the debate that “…”", "Trump's claim that “…”":
   -- the owner of a noun of saying just before the quote
   local function possessive_source(o)
      local s0 = sent(o)
      for i = o - 1, math.max(1, o - 8), -1 do
         if sent(i) ~= s0 or toks:kind(i) == "close_quote" then return nil end
         if SPEECH_NOUNS[key(i)] then
            -- "Ryan called Trump's comment “…”": a verb of saying in its
            -- clause has the speaker as its subject
            for t = i - 1, 1, -1 do
               if sent(t) ~= s0 or key(t) == "," or key(t) == ";" then break end
               if is_cue(t) then return nil end
            end
            -- nor one after it ("Leaning into her message, she added that"),
            -- and "X denounced Trump's remarks as “…”" is X's
            for t = i + 1, o - 1 do
               if is_cue(t) or key(t) == "as" then return nil end
            end
            -- nor one later in the sentence ("Clark's comments further “…”,
            -- the groups say")
            local inside = true
            for t = o + 1, n do
               if sent(t) ~= s0 then break end
               local kind = toks:kind(t)
               if kind == "close_quote" then inside = false elseif kind == "open_quote" then inside = true
               elseif not inside and is_cue(t) then return nil end
            end
            local p = i - 1
            -- (a noun of saying that opens the text has no owner before it)
            if p < 1 then return nil end
            -- one adjective between: "his famous demand", "her March comment"
            if p > 1 and not POSSESSIVE_PRONOUNS[key(p)] and key(p) ~= "'s" and key(p) ~= "\u{2019}s"
               and toks:kind(p) == "word" and not DETS[key(p)] then
               p = p - 1
            end
            local kp = key(p)
            if POSSESSIVE_PRONOUNS[kp] then
               return { kind = "pronoun", pron = POSSESSIVE_PRONOUNS[kp], first = p, last = p }
            end
            if (kp == "'s" or kp == "\u{2019}s") and p > 1 then
               local owner = ends[p - 1]
               if owner and (owner.type == "person" or owner.type == "organization") then
                  return { kind = owner.type, ann = owner, first = owner.first_tok, last = p - 1 }
               end
            end
            return nil
         end
      end
      return nil
   end

   local function colon_intro(p)
      local floor = sentence_start(p)
      local m = mention_ending(p - 1, floor)
      if m and m.first > floor and (is_cue(m.first - 1) or PREPOSITIONS[key(m.first - 1)]) then
         -- "Priebus told Fox News:", "he said in an interview with CNN:": to
         -- whom or where, the subject speaks
         for c = m.first - 1, floor, -1 do
            if is_cue(c) then
               local subj = subject_before(c, floor)
               if subj then return subj, c end
               break
            end
         end
         m = nil
      end
      -- "President Clinton released the following statement:"
      if m and m.kind == "desc" and ISSUED[m.head] and m.first > floor then
         local subj = clause_subject(m.first, floor)
         if subj then return subj end
      end
      if m and m.kind ~= "location" then return m end
      if is_cue(p - 1) then
         m = subject_before(p - 1, floor)
         if m then return m, p - 1 end
         -- "Stated Stone:" / "said the minister:"
         return nil
      end
      -- "- Philip Bump:", "Stone:"
      local first = p - 1
      while first > floor and toks:kind(first - 1) == "word" and toks:get(first - 1, "case") == "title" do
         first = first - 1
      end
      if first >= floor and toks:get(p - 1, "case") == "title" and (first == floor or toks:kind(first - 1) == "dash")
         and not NOT_NAMES[key(first)] then
         return { kind = "name", first = first, last = p - 1 }
      end
      m = clause_subject(p, floor)
      if m and m.kind ~= "desc" then return m end
      return nil
   end

   local function later_in_sentence(j)
      if j > n then return nil end
      local s = sent(j - 1)
      local t = j
      -- "…” fostered by Trump, according to the groups": the source named
      local last = j
      while last + 1 <= n and sent(last + 1) == s and toks:kind(last + 1) ~= "open_quote" do last = last + 1 end
      local src, a1, a2 = according_to(j, last + 1)
      if src then return src, a1, a2 end
      while t <= n and sent(t) == s do
         local kind = toks:kind(t)
         if kind == "open_quote" then return nil end
         if is_cue(t) then
            -- "…”, reported the Washington Examiner.": the inverted subject
            if t > j and key(t - 1) == "," and not OBJECT_CUES[key(t)] then
               local after = mention_after_cue(t + 1)
               if after and after.kind ~= "pronoun" and ends_clause(after.last) then return after, t end
            end
            -- "…,” though she noted she has…": the subject before the cue first
            local m = subject_before(t, j)
            if m then return m, t end
            m = mention_at(t + 1)
            if m then return m, t end
         end
         t = t + 1
      end
      return nil
   end

   -- words woven into a sentence are most often its subject's: "Trump is
   -- promising lower taxes and “jobs, jobs, jobs”"
   local function kind_guess(q)
      local first = q.open + 1
      if first > n then return "direct" end
      local starts = q.open == 1 or sent(q.open - 1) ~= sent(q.open) or key(q.open - 1) == ":"
      return (starts and toks:get(first, "case") ~= "lower") and "direct" or "partial"
   end
   local function sentence_subject_mention(o)
      local floor = sentence_start(o)
      -- the subject opens the sentence ("But Trump", "On Monday, she")
      for t = floor, math.min(o - 1, floor + 4) do
         local m = mention_at(t)
         -- "In a White House statement, President Obama": what follows a
         -- preposition is where or how
         if m and not (t > 1 and PREPOSITIONS[key(t - 1)]) then
            if m.kind == "location" or m.kind == "pronoun" and PRONOUNS[m.pron] == "n" then return nil end
            return m
         end
         if toks:kind(t) == "open_quote" then return nil end
      end
      return nil
   end

   -- "Lynch said she had doubts. “This is what people have to see.”": a
   -- quote with no attribution of its own belongs to the speaker of the
   -- sentence before (or the one before that), in its paragraph or the
   -- previous one
   local function previous_sentences(o)
      local s0 = sent(o)
      local para = toks:get(o, "paragraph")
      local t = o - 1
      for _ = 1, 2 do
         -- the tokens of the sentence before t's
         while t >= 1 and sent(t) == s0 do t = t - 1 end
         if t < 1 or toks:get(t, "paragraph") < para - 1 then return nil end
         s0 = sent(t)
         local last = t
         local floor = sentence_start(t)
         local inside = false
         for c = last, floor, -1 do
            local kind = toks:kind(c)
            -- a cue inside another quote is someone's words, not ours
            if kind == "close_quote" then inside = true elseif kind == "open_quote" then inside = false end
            if not inside and is_cue(c) then
               local m = subject_before(c, floor)
               if m and m.kind ~= "location" then return m, c end
            end
         end
      end
      return nil
   end

   -- who a mention stands for: -> canonical name or nil, cluster or nil
   -- the first person of each sentence, the first person of each surname,
   -- the organisations by position: built on first use
   local first_person, by_surname, index, describe
   local function sentence_subject(s_index, before_pos)
      -- the first person of sentence s_index, if it starts before before_pos
      if not first_person then
         first_person = {}
         for _, a in ipairs(persons) do
            local f = a.first_tok
            if f then
               local si = sent(f)
               first_person[si] = first_person[si] or a
            end
         end
      end
      local a = first_person[s_index]
      if a and a.start < before_pos then return a end
      return nil
   end
   local last_speaker
   -- "PENCE", "King" alone: the person of the article whose name ends so
   local function person_by_surname(want)
      if not by_surname then
         by_surname = {}
         for _, a in ipairs(persons) do
            local last = (a.attrs.name or ""):lower():match("(%S+)$")
            if last and not by_surname[last] then by_surname[last] = a end
         end
      end
      local a = by_surname[want]
      if a then return a.attrs.name or "", a.cluster end
      return nil
   end
   local function orgs() index = index or quotes.org_index(kept); return index end
   local resolve_mention
   function resolve_mention(m)
      if m.kind == "rel" then
         if m.antecedent then return resolve_mention(m.antecedent) end
         return nil
      end
      if m.kind == "person" then return m.ann.attrs.name, m.ann.cluster end
      if m.kind == "label" then
         local name, cluster = person_by_surname((m.label:lower():gsub("^.*%s", "")))
         if name then return name, cluster end
         return (m.label:gsub("(%u)(%u*)", function(a, b) return a .. b:lower() end)), nil
      end
      if m.kind == "organization" or m.kind == "location" then return m.ann.attrs.name, nil end
      if m.kind == "name" then
         local ns = toks:span(m.first)
         local _, ne = toks:span(m.last)
         local written = text:sub(ns + 1, ne)
         if m.first == m.last then
            local name, cluster = person_by_surname(key(m.first))
            if name then return name, cluster end
         end
         return written, nil
      end
      if m.kind == "pronoun" then
         local g = PRONOUNS[m.pron]
         if g == "n" then
            -- "it added": the organisation or outlet last named
            local a = orgs().last_before(orgs().all, toks:span(m.first))
            if a then return a.attrs.name, nil end
            return nil
         end
         if g ~= "m" and g ~= "f" then return nil end
         local s = sent(m.first)
         local ms = toks:span(m.first)
         for back = 0, 4 do
            if s - back < 1 then break end
            local a = sentence_subject(s - back, ms)
            -- the same sentence's subject, or an earlier sentence's
            if a and compatible(a.cluster and a.cluster.sex, g) then return a.attrs.name, a.cluster end
         end
         if last_speaker and last_speaker.cluster and compatible(last_speaker.cluster.sex, g) then
            return last_speaker.name, last_speaker.cluster
         end
         return nil
      end
      if m.kind == "desc" then
         local head = m.head
         if UNNAMED[head] then return nil end
         local ms = toks:span(m.first)
         -- "the Northern Ledger newspaper": the outlet it names
         local _, me = toks:span(m.last)
         -- (the entity must end the description: "a top Trump surrogate"
         -- is not Trump)
         for k = orgs().first_from(ms), #kept do
            local a = kept[k]
            if a.start > me then break end
            if a.start >= ms and a.stop <= me and (a.type == "organization" or a.type == "person")
               and (a.last_tok == m.last or OUTLET_HEADS[head] and a.type == "organization") then
               return a.attrs.name, a.cluster
            end
         end
         if m.owner and OUTLET_HEADS[head] then return m.owner.attrs.name, nil end
         if OUTLET_HEADS[head] or ORG_HEADS[head] then
            local a = orgs().last_before(orgs().heads(head), ms)
            if a then return a.attrs.name, nil end
            return nil
         end
         describe = describe or people.describer(clusters)
         local c = describe(m.words, ms)
         if c then return c.canonical, c end
         return nil
      end
      return nil
   end

   local out = {}
   local prev   -- the previous quote: {speaker, para, close}
   local function prev_para_of(p) return p and p.para or -2 end
   for _, q in ipairs(quotes.pair(toks, text)) do
      local s, e = q.start, q.stop
      while s < e and text:sub(s + 1, s + 1):match("%s") do s = s + 1 end
      while e > s and text:sub(e, e):match("%s") do e = e - 1 end
      -- “on MSNBC's “Morning Joe,””: a title, whose marks (PolNeAR counts
      -- them as quotes) must not hand their speaker to the next quote
      local lead = q.open > 1 and key(q.open - 1) or nil
      local is_title = (lead == "'s" or lead == "\u{2019}s" or lead == "on")
         and title_like(text:sub(s + 1, e)) and select(2, text:sub(s + 1, e):gsub("%S+", "")) <= 6
      if e > s and allowed(s) then
         local m, c, c2
         -- a transcript: “PENCE: Well, look…” names its speaker in capitals
         -- (the label is at most 40 bytes: a prefix of the quote holds it)
         local label = text:sub(s + 1, s + 64):match("^(%u[%u%.%-' ]*%u%.?):%s")
         if label and #label <= 40 and not NOT_LABELS[label:lower()] then
            local lstart, lstop = s, s + #label
            local first, last = toks:cover(lstart, lstop)
            if first then
               m = { kind = "label", first = first, last = last, label = label }
               c = last + 1 <= n and key(last + 1) == ":" and last + 1 or nil
               s = lstop + 1
               while s < e and text:sub(s + 1, s + 1):match("%s") do s = s + 1 end
            end
         end
         -- "…narrator says, “what…?” The campaign says": the cue right
         -- before the opening mark outranks a mention in the next sentence
         local lead_in = q.open > 2 and (key(q.open - 1) == "," or key(q.open - 1) == ":")
            and is_cue(q.open - 2)
         if lead_in then m, c, c2 = before_quote(q.open) end
         -- “Pollster Daron Shaw: “…”, Dr. Ward stated: ¶ “…”: what the colon
         -- closes introduces the quote
         local tail = text:sub(math.max(1, e - 2), e)
         -- (“…?” Lichtman said: a question or a cry runs on into its attribution)
         closed_sentence = q.close ~= nil and (tail:match("%.$") ~= nil or tail == "\u{2026}")
         soft_end = q.close ~= nil and tail:match("[,!?]$") ~= nil
         -- “…,” he claimed: a quote that ends on a comma is attributed after
         -- it, whatever introduced it
         if not m and soft_end and q.open > 2 and key(q.open - 1) == ":" then m, c, c2 = after_quote(q.close + 1) end
         if not m and q.open > 2 and key(q.open - 1) == ":" then m, c = colon_intro(q.open - 1) end
         -- “…,” he told the host, “…”: the second half of a split quote
         local split = prev and prev.close_tok and prev.mention and sent(prev.close_tok) == sent(q.open)
            and q.open > 1 and key(q.open - 1) == ","
         if not m and split then
            m = prev.mention
            c = prev.cue_tok
         end
         if not m and q.close then m, c, c2 = after_quote(q.close + 1) end
         if not m then m = possessive_source(q.open) end
         if not m then m, c, c2 = before_quote(q.open) end
         if not m and q.close then m, c = later_in_sentence(q.close + 1) end
         if not m and kind_guess(q) == "partial" then
            m = sentence_subject_mention(q.open)
            -- "In one of her columns, Bradley criticized … “…”"
            if not m then
               m = clause_subject(q.open, sentence_start(q.open))
               if m and m.kind == "location" then m = nil end
            end
         end
         local speaker, cluster, sstart, send
         if m then
            speaker, cluster = resolve_mention(m)
            sstart, send = span_of(m.first, m.last)
         end
         local para = toks:get(q.open, "paragraph")
         local inherited, weak = false, false
         local next_para = para == prev_para_of(prev) + 1 and toks:get(q.open, "para_start")
         if not m and prev and prev.sstart and (para == prev.para or next_para) then
            speaker, cluster, sstart, send = prev.speaker, prev.cluster, prev.sstart, prev.send
            inherited = true
         end
         -- (a quote left open takes the speaker of where it goes on, below)
         if not m and not inherited and q.close then
            m, c = previous_sentences(q.open)
            weak = m ~= nil
            if m then
               speaker, cluster = resolve_mention(m)
               sstart, send = span_of(m.first, m.last)
            end
         end
         -- the kind: a whole statement, or words woven into a sentence
         local first_char = text:sub(s + 1, s + 1)
         local before = q.open > 1 and key(q.open - 1) or nil
         local opens_sentence = q.open == 1 or sent(q.open - 1) ~= sent(q.open) or before == ":"
            or (before == "," and q.open > 2 and is_cue(q.open - 2))
            or toks:get(q.open, "para_start")
         local kind = (opens_sentence and not first_char:match("%l")) and "direct" or "partial"
         local words = 0
         for _ in text:sub(s + 1, e):gmatch("%S+") do words = words + 1 end
         -- a scare quote or a title: short, unattributed, no speech around it
         local keep = true
         if (not m or weak) and not inherited then
            -- markup (tweet="..."), titles of shows and films ("State of the
            -- Union", ‘13th’), one- or two-word scare quotes: not speech
            if before == "=" or title_like(text:sub(s + 1, e)) then keep = false
            elseif words <= SCARE_WORDS and kind == "partial" then keep = false end
         end
         if keep then
            local cue_text = null
            if c then
               local cs = toks:span(c)
               local _, ce = toks:span(c2 or c)
               cue_text = text:sub(cs + 1, ce)
            elseif q.close == nil or before == ":" then
               cue_text = before == ":" and ":" or null
            end
            out[#out + 1] = { type = "quote", start = s, stop = e, rule = "quote", open_ended = q.close == nil,
               attrs = { speaker = speaker or null, speaker_start = sstart or null, speaker_end = send or null,
                         cue = cue_text, kind = kind, speaker_key = cluster and cluster.key or nil } }
            if not is_title then
               prev = { speaker = speaker, cluster = cluster, para = para, sstart = sstart, send = send,
                  close_tok = q.close, mention = m, cue_tok = c }
            end
            if speaker then last_speaker = { name = speaker, cluster = cluster } end
         end
      end
   end
   -- a quote left open at its paragraph's end goes on in the next one:
   -- the speaker named there is its speaker too
   for i = #out - 1, 1, -1 do
      local q, nxt = out[i], out[i + 1]
      if q.open_ended and q.attrs.speaker == null and nxt.attrs.speaker ~= null then
         q.attrs.speaker, q.attrs.speaker_start, q.attrs.speaker_end = nxt.attrs.speaker,
            nxt.attrs.speaker_start, nxt.attrs.speaker_end
         q.attrs.speaker_key = nxt.attrs.speaker_key
         q.attrs.cue = nxt.attrs.cue
      end
      if q.open_ended then nxt.attrs.kind = q.attrs.kind end
   end
   for _, q in ipairs(out) do q.open_ended = nil end
   return out
end

quotes.PRONOUNS = PRONOUNS
quotes.DESC_HEADS = DESC_HEADS
quotes.OUTLET_HEADS = OUTLET_HEADS
quotes.ORG_HEADS = ORG_HEADS
quotes.UNNAMED = UNNAMED
quotes.SKIP_AFTER_CUE = SKIP_AFTER_CUE
return quotes
