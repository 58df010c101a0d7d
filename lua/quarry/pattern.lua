--- Token patterns: a small language for rules over tokens, compiled to the
-- C matcher (quarry.core.matcher).
--
--   local P = require "quarry.pattern"
--   local title = P.set { "minister", "president", "negotiator" }
--   local name = P.case "title" ^ 1
--   local p = P.word "said" * P.cap("speaker", name)
--
-- Single-token patterns: P.word, P.text, P.bare, P.set, P.kind, P.case,
-- P.shape, P.short_shape, P.regex, P.len, P.tok{...}, P.any, P.within,
-- P.starts, P.ends, and the flags P.sent_start, P.para_start, P.line_start.
-- Units: P.ann(type [, attrs]) takes an annotation of an earlier phase as
-- one unit. Combinators: a * b (sequence), a + b (alternatives, tried in
-- order, with backtracking), p ^ n (n or more), p ^ -n (at most n),
-- P.rep(p, min, max [, "lazy"]), P.opt(p), -p (a token that does not match
-- the single-token pattern p), P.cap(name, p), lookaround P.ahead,
-- P.notahead, P.behind, P.notbehind. Strings stand for P.word and tables
-- for P.tok wherever a pattern is expected.
-- @module quarry.pattern
local core = require "quarry.core"

local error, ipairs, pairs, pcall, setmetatable, getmetatable, tostring, type =
   error, ipairs, pairs, pcall, setmetatable, getmetatable, tostring, type
local table_unpack = table.unpack
local math_huge, string_format, table_concat, table_sort = math.huge, string.format, table.concat, table.sort
local debug_getinfo = debug.getinfo

local word_keys, set_keys, join_keys = core.word_keys, core.set_keys, core.join_words

-- The cost of each word set (sets do not change once made: see pred_cost),
-- found when the set is made (P.set, joined) or first costed: a big set (a
-- gazetteer's words) is costed for every window of every rule that holds it.
local set_costs = setmetatable({}, { __mode = "k" })

local P = {}

-- Instruction and predicate codes; they match enum qr_mop / enum qr_mpred_op
-- in csrc/qr_match.h.
local OP = { END = 0, TOKEN = 1, ANN = 2, CHOICE = 3, JMP = 4, FAIL = 5, OPEN = 6, CLOSE = 7,
   AHEAD = 8, BEHIND = 9, TEST = 10 }
local PR = { TRUE = 0, TEXT = 1, KEY = 2, BARE = 3, KEYSET = 4, BARESET = 5, KIND = 6, CASE = 7,
   SHAPE = 8, SHORT_SHAPE = 9, REGEX = 10, LEN = 11, FLAGS = 12, WITHIN = 13, STARTS = 14,
   ENDS = 15, NOT = 16, AND = 17, OR = 18, NEXT = 19, PREV = 20 }
P.OP, P.PRED = OP, PR

local KIND_BIT = {}
for i, name in ipairs(core.kinds) do KIND_BIT[name] = 1 << (i - 1) end
local CASE_BIT = { none = 1, lower = 2, upper = 4, title = 8, mixed = 16 }
-- token flag bits, as in csrc/qr_token.h
local FLAG = { space_before = 0x1, line_start = 0x2, para_start = 0x4, sent_start = 0x8,
   abbrev = 0x10, clitic = 0x100, hyphenated = 0x200 }

local mt = {}
mt.__index = mt
-- nodes a * b and a + b made, until their list is read (see list_of)
local lazy_mt = {}
local rawget, rawset = rawget, rawset

-- a * b and a + b (seq and alt nodes) keep their two operands (parts); the
-- flat list of elements is made when first read, so that p = p + x in a
-- loop of n takes time linear in n, not quadratic (each step copying the
-- list so far). list_of(p) makes it: the parts, the parts of parts of the
-- same kind that have no list yet, and so on (with a stack of its own:
-- such a chain can be thousands deep), spliced with the lists of those
-- that have one.
local function list_of(p)
   local kind, list, stack = p.t, {}, { p }
   while #stack > 0 do
      local q = stack[#stack]
      stack[#stack] = nil
      local parts = q == p and rawget(q, "parts") or (q.t == kind and rawget(q, "parts"))
      if parts then
         for i = #parts, 1, -1 do stack[#stack + 1] = parts[i] end
      elseif q ~= p and q.t == kind then
         for _, r in ipairs(q.list) do list[#list + 1] = r end
      else
         list[#list + 1] = q
      end
   end
   rawset(p, "list", list)
   rawset(p, "parts", nil)
   setmetatable(p, mt)
   return list
end

lazy_mt.__index = function(p, k)
   if k == "list" then return list_of(p) end
   return mt[k]
end

-- Where a pattern was written, for error messages: the first caller
-- outside this module (of the frames above the function that asks, up to
-- six), as "file:line" (in C: every node asks).
local where = core.where_outside(debug_getinfo(1, "S").source)

-- A pattern node; w: where it was written, when the caller knows.
local function node(t, w)
   t.where = t.where or w or where()
   return setmetatable(t, mt)
end

local function is_pattern(v)
   local m = getmetatable(v)
   return m == mt or m == lazy_mt
end
P.is_pattern = is_pattern

--- Whether a value is a pattern: P.is_pattern(v) -> boolean.
-- @function is_pattern
-- @param v any value
-- @return boolean

local function fail(msg, level)
   -- level 0: the message already says where (the pattern's file:line)
   error(msg, level == 0 and 0 or (level or 1) + 1)
end

-- A single-token pattern from a predicate tree.
local function tok(pred) return node { t = "tok", pred = pred } end

local coerce   -- forward

-- A token node, or a sequence of them, for each key of s (op KEY or BARE).
local function word_nodes(s, bare, what)
   local keys = { word_keys(s, bare) }
   if #keys == 0 then fail(what .. ": '" .. s .. "' holds no token", 3) end
   local w = where()
   local op = bare and PR.BARE or PR.KEY
   if #keys == 1 then return node({ t = "tok", pred = { op = op, s = keys[1] } }, w) end
   local list = {}
   for i, k in ipairs(keys) do list[i] = node({ t = "tok", pred = { op = op, s = k } }, w) end
   return node({ t = "seq", list = list }, w)
end

--- P.word(s): tokens whose keys equal those of s ("said", "New York").
-- @param s string a word, or several (a sequence of words)
-- @return a pattern
function P.word(s)
   if type(s) ~= "string" or s == "" then fail("P.word: expected a non-empty string", 2) end
   return word_nodes(s, false, "P.word")
end

--- P.bare(s): like P.word, ignoring diacritics too ("Lodz" matches "Łódź").
-- @param s string a word, or several
-- @return a pattern
function P.bare(s)
   if type(s) ~= "string" or s == "" then fail("P.bare: expected a non-empty string", 2) end
   return word_nodes(s, true, "P.bare")
end

--- P.keys(s [, bare]): the keys of the tokens s makes, in order (P.word
-- matches tokens with these keys): {"new", "york"} for "New York", {}
-- for a string of no token. #P.keys(s) == 1 says that s is one token,
-- without making a pattern.
-- @param s string a word, or several
-- @param bare boolean optional: the keys of P.bare (no diacritics)
-- @return table the keys
function P.keys(s, bare)
   if type(s) ~= "string" then fail("P.keys: expected a string", 2) end
   return { word_keys(s, bare and true or false) }
end

--- P.text(s): one token whose text is exactly s.
-- @param s string the exact text of one token
-- @return a pattern
function P.text(s)
   if type(s) ~= "string" or s == "" then fail("P.text: expected a non-empty string", 2) end
   return tok { op = PR.TEXT, s = s }
end

--- P.set(list [, {bare = true}]): one of the words or phrases in list.
-- @param list table words or phrases (or a quarry.WordSet)
-- @param opts table optional: bare (boolean: ignore diacritics)
-- @return a pattern
function P.set(list, opts)
   if type(list) ~= "table" then fail("P.set: expected a list of strings", 2) end
   local bare = opts and opts.bare
   -- the members' keys in C: one-token members as a word set (its cost
   -- found there too), the others as sequences
   local singles, phrases, cost = set_keys(list, bare)
   if not singles then fail("P.set: every member must be a non-empty string", 2) end
   local alts = {}
   if #singles > 0 then
      set_costs[singles] = cost
      alts[1] = tok { op = bare and PR.BARESET or PR.KEYSET, set = singles }
   end
   for _, s in ipairs(phrases) do alts[#alts + 1] = word_nodes(s, bare, "P.set") end
   if #alts == 0 then fail("P.set: the list is empty", 2) end
   return #alts == 1 and alts[1] or node { t = "alt", list = alts }
end

local function mask_of(what, bits, values, level)
   local m = 0
   for _, v in ipairs(values) do
      local b = bits[v]
      if not b then fail(string_format("P.%s: unknown %s '%s'", what, what, tostring(v)), level + 1) end
      m = m | b
   end
   return m
end

--- P.kind("word", "number", ...): a token of one of these kinds.
-- @param ... string token kinds: "word", "number", "punct", "open_quote", ...
-- @return a one-token pattern
function P.kind(...)
   return tok { op = PR.KIND, a = mask_of("kind", KIND_BIT, { ... }, 2) }
end

--- P.case("title", "upper", ...): a token of one of these cases.
-- @param ... string cases: "none", "lower", "upper", "title", "mixed"
-- @return a one-token pattern
function P.case(...)
   return tok { op = PR.CASE, a = mask_of("case", CASE_BIT, { ... }, 2) }
end

--- P.shape("Xxxxx") and P.short_shape("Xx"): a token of that shape.
-- @param s string a shape, as tokens:shape gives it
-- @return a one-token pattern
function P.shape(s) return tok { op = PR.SHAPE, s = s } end
--- P.short_shape("Xx"): a token of that short shape (each run of one class as one character).
-- @param s string a short shape
-- @return a one-token pattern
function P.short_shape(s) return tok { op = PR.SHORT_SHAPE, s = s } end

--- P.regex(pattern [, opts]): a token whose text matches the PCRE2 regex.
-- @param pattern string a PCRE2 pattern, matched against the token's text
-- @param opts table optional: the options of quarry.regex.compile
-- @return a one-token pattern
function P.regex(pattern, opts)
   if type(pattern) ~= "string" then fail("P.regex: expected a pattern string", 2) end
   local ok, re = pcall(core.regex, pattern, opts)
   if not ok then fail("P.regex: " .. tostring(re), 2) end
   return tok { op = PR.REGEX, re = re }
end

--- P.len(min [, max]): a token of min..max characters.
-- @param min integer the fewest characters
-- @param max integer optional: the most (no limit when nil)
-- @return a one-token pattern
function P.len(min, max)
   return tok { op = PR.LEN, a = min or 0, b = max or -1 }
end

local function flag(name, set)
   return tok { op = PR.FLAGS, a = set and FLAG[name] or 0, b = set and 0 or FLAG[name] }
end

--- P.within/starts/ends(type [, attrs]): a token inside, at the start of,
-- or at the end of an annotation of an earlier phase.
local function classref(t, attrs, what)
   if type(t) ~= "string" then fail(what .. ": expected an annotation type", 3) end
   if attrs ~= nil and type(attrs) ~= "table" then fail(what .. ": attrs must be a table", 3) end
   return { type = t, attrs = attrs }
end
--- P.within(type [, attrs]): a token inside an annotation of an earlier phase.
-- @param t string the annotation type
-- @param attrs table optional: attribute values the annotation must have
-- @return a one-token pattern
function P.within(t, attrs) return tok { op = PR.WITHIN, class = classref(t, attrs, "P.within") } end
--- P.starts(type [, attrs]): a token at the start of an annotation of an earlier phase.
-- @param t string the annotation type
-- @param attrs table optional: attribute values the annotation must have
-- @return a one-token pattern
function P.starts(t, attrs) return tok { op = PR.STARTS, class = classref(t, attrs, "P.starts") } end
--- P.ends(type [, attrs]): a token at the end of an annotation of an earlier phase.
-- @param t string the annotation type
-- @param attrs table optional: attribute values the annotation must have
-- @return a one-token pattern
function P.ends(t, attrs) return tok { op = PR.ENDS, class = classref(t, attrs, "P.ends") } end

--- P.ann(type [, attrs]): an annotation of an earlier phase as one unit.
-- @param t string the annotation type
-- @param attrs table optional: attribute values the annotation must have
-- @return a pattern (longest annotation first, shorter ones on backtracking)
function P.ann(t, attrs)
   return node { t = "ann", class = classref(t, attrs, "P.ann") }
end

local tok_fields = {
   word = function(v) return P.word(v) end,
   text = function(v) return P.text(v) end,
   bare = function(v) return P.bare(v) end,
   set = function(v) return P.set(v) end,
   kind = function(v) return P.kind(table_unpack(type(v) == "table" and v or { v })) end,
   case = function(v) return P.case(table_unpack(type(v) == "table" and v or { v })) end,
   shape = function(v) return P.shape(v) end,
   short_shape = function(v) return P.short_shape(v) end,
   regex = function(v) return P.regex(v) end,
   len = function(v) return type(v) == "table" and P.len(v[1], v[2]) or P.len(v, v) end,
   within = function(v) return P.within(v) end,
   starts = function(v) return P.starts(v) end,
   ends = function(v) return P.ends(v) end,
}
for name in pairs(FLAG) do tok_fields[name] = function(v) return flag(name, v) end end

--- P.tok{word=, text=, bare=, set=, kind=, case=, shape=, short_shape=,
-- regex=, len=, within=, starts=, ends=, sent_start=, para_start=,
-- line_start=, space_before=, abbrev=, clitic=, hyphenated=}: one token
-- meeting every constraint.
-- @param spec table the constraints, every one of which the token must meet
-- @return a one-token pattern
function P.tok(spec)
   if type(spec) ~= "table" then fail("P.tok: expected a table of constraints", 2) end
   local kids = {}
   local names = {}
   for k in pairs(spec) do names[#names + 1] = k end
   table_sort(names)
   for _, k in ipairs(names) do
      local build = tok_fields[k]
      if not build then fail("P.tok: unknown constraint '" .. tostring(k) .. "'", 2) end
      local p = build(spec[k])
      if p.t ~= "tok" then fail("P.tok: constraint '" .. k .. "' must describe one token", 2) end
      kids[#kids + 1] = p.pred
   end
   if #kids == 0 then return P.any end
   if #kids == 1 then return tok(kids[1]) end
   return tok { op = PR.AND, kids = kids }
end

P.any = tok { op = PR.TRUE }
P.sent_start = flag("sent_start", true)
P.para_start = flag("para_start", true)
P.line_start = flag("line_start", true)

coerce = function(v, level)
   if is_pattern(v) then return v end
   if type(v) == "string" then return P.word(v) end
   if type(v) == "table" then return P.tok(v) end
   fail("expected a pattern, a string or a table, got " .. type(v), (level or 1) + 1)
end
--- A pattern of any value a rule takes as one: P.P(v) -> pattern (a string is P.word, a table P.tok).
-- @function P
-- @param v a pattern, a string or a table
-- @return a pattern
P.P = function(v) return coerce(v, 2) end

-- a * b or a + b: a node of that kind whose elements are those of a and b
-- (a node of the same kind gives its elements, made flat when first read).
local function flatten(kind, a, b)
   return setmetatable(node { t = kind, parts = { a, b } }, lazy_mt)
end

mt.__mul = function(a, b) return flatten("seq", coerce(a, 2), coerce(b, 2)) end
mt.__add = function(a, b) return flatten("alt", coerce(a, 2), coerce(b, 2)) end

--- P.rep(p, min [, max [, "lazy"]]): min to max repetitions (max nil: no limit).
-- @param p a pattern
-- @param min integer the fewest repetitions
-- @param max integer optional: the most (nil: no limit)
-- @param mode string optional: "lazy" to take as few as possible
-- @return a pattern
function P.rep(p, min, max, mode)
   p = coerce(p, 2)
   min = min or 0
   if type(min) ~= "number" or min < 0 or min % 1 ~= 0 then fail("P.rep: min must be a whole number >= 0", 2) end
   if max ~= nil and (type(max) ~= "number" or max < min or max % 1 ~= 0) then
      fail("P.rep: max must be a whole number >= min", 2)
   end
   if mode ~= nil and mode ~= "lazy" and mode ~= "greedy" then fail("P.rep: mode is 'greedy' or 'lazy'", 2) end
   if (max or min) > 1000 then fail("P.rep: at most 1000 repetitions", 2) end
   return node { t = "rep", p = p, min = min, max = max or math_huge, lazy = mode == "lazy" }
end

mt.__pow = function(p, n)
   if type(n) ~= "number" or n % 1 ~= 0 then fail("pattern ^ n: n must be a whole number", 2) end
   if n >= 0 then return P.rep(p, n, nil) end
   return P.rep(p, 0, -n)
end

--- P.opt(p): p or nothing.
-- @param p a pattern
-- @return a pattern
function P.opt(p) return P.rep(p, 0, 1) end

--- P.lazy(rep): the same repetition, taking as few as it can.
-- @param p a repetition (p ^ n, P.rep, P.opt)
-- @return a pattern
function P.lazy(p)
   p = coerce(p, 2)
   if p.t ~= "rep" then fail("P.lazy: expected a repetition", 2) end
   return node { t = "rep", p = p.p, min = p.min, max = p.max, lazy = true }
end

mt.__unm = function(p)
   p = coerce(p, 2)
   if p.t ~= "tok" then fail("-p: only a single-token pattern can be negated (use P.notahead)", 2) end
   return tok { op = PR.NOT, kids = { p.pred } }
end

--- P.cap(name, p) or p:cap(name): a named capture.
-- @param name string the capture's name
-- @param p a pattern
-- @return a pattern
function P.cap(name, p)
   if type(name) ~= "string" or name == "" then fail("P.cap: expected a capture name", 2) end
   return node { t = "cap", name = name, p = coerce(p, 2) }
end
function mt:cap(name) return P.cap(name, self) end

local function look(dir, neg)
   return function(p) return node { t = "look", dir = dir, neg = neg, p = coerce(p, 2) } end
end
P.ahead, P.notahead = look("ahead", false), look("ahead", true)
P.behind, P.notbehind = look("behind", false), look("behind", true)

--- P.ahead(p): p must match just after the match, which it is not part of.
-- @function ahead
-- @param p a pattern
-- @return a pattern that takes no token

--- P.notahead(p): p must not match just after the match.
-- @function notahead
-- @param p a pattern
-- @return a pattern that takes no token

--- P.behind(p): p must match just before the match (p of bounded length).
-- @function behind
-- @param p a pattern
-- @return a pattern that takes no token

--- P.notbehind(p): p must not match just before the match (p of bounded length).
-- @function notbehind
-- @param p a pattern
-- @return a pattern that takes no token

mt.__tostring = function(p) return "quarry.pattern " .. p.t .. " (" .. p.where .. ")" end

-- f memoised per node (nodes do not change): memo_node(f) -> g, where
-- g(p) gives f(p)'s two results, computed once per node p.
local function memo_node(f)
   local memo = setmetatable({}, { __mode = "k" })   -- node -> {first, second}
   return function(p)
      local m = memo[p]
      if not m then
         local a, b = f(p)
         m = { a, b }
         memo[p] = m
      end
      return m[1], m[2]
   end
end

-- Smallest and largest number of tokens p can take (largest: math.huge).
local width

local function width_of(p)
   local t = p.t
   if t == "tok" then return 1, 1 end
   if t == "ann" then return 1, math_huge end
   if t == "look" then return 0, 0 end
   if t == "cap" then return width(p.p) end
   if t == "seq" then
      local lo, hi = 0, 0
      for _, q in ipairs(p.list) do
         local a, b = width(q)
         lo, hi = lo + a, hi + b
      end
      return lo, hi
   end
   if t == "alt" then
      local lo, hi = math_huge, 0
      for _, q in ipairs(p.list) do
         local a, b = width(q)
         if a < lo then lo = a end
         if b > hi then hi = b end
      end
      return lo, hi
   end
   if t == "rep" then
      local a, b = width(p.p)
      return a * p.min, (p.max == math_huge or b == math_huge) and (b == 0 and 0 or math_huge) or b * p.max
   end
   error("unknown pattern node " .. tostring(t))
end
width = memo_node(width_of)
P.width = width

--- The fewest and most tokens a pattern can take: P.width(p) -> min, max.
-- @function width
-- @param p a pattern
-- @return integer the fewest
-- @return number the most (math.huge: no limit)

--- A phase compiler: collects the constants and code of many rules.
local Compiler = {}
Compiler.__index = Compiler

--- A phase compiler: P.compiler([opts]) -> compiler, which compiles the rules of a phase
-- into one C matcher (compiler:add, compiler:build).
-- @param opts table optional: guards = false compiles no guard (a token
-- test that fails early where no alternative can start) and no test of
-- the token at a choice point (where the way on cannot take it, the
-- machine goes the other way at once), which changes the time a run
-- takes but no match
-- @return a compiler
function P.compiler(opts)
   return setmetatable({
      code = {}, preds = {}, pred_ids = {}, pred_of = {}, sets = {}, set_ids = {}, regexes = {}, regex_ids = {},
      classes = {}, class_ids = {}, rules = {}, subs = {}, guards = not (opts and opts.guards == false),
   }, Compiler)
end

local function attrs_key(attrs)
   if not attrs then return "" end
   local keys = {}
   for k in pairs(attrs) do keys[#keys + 1] = k end
   table_sort(keys)
   local parts = {}
   for i, k in ipairs(keys) do parts[i] = tostring(k) .. "=" .. tostring(attrs[k]) end
   return table_concat(parts, "\0")
end

function Compiler:class(c)
   local key = c.type .. "\1" .. attrs_key(c.attrs)
   local id = self.class_ids[key]
   if not id then
      id = #self.classes + 1
      self.classes[id] = { type = c.type, attrs = c.attrs }
      self.class_ids[key] = id
   end
   return id
end

-- The number of a word set (a list of keys); the same list, or one with
-- the same words in the same order, is one set.
function Compiler:set(list)
   local id = self.set_ids[list]
   if id then return id end
   local key = table_concat(list, "\0")
   id = self.set_ids[key]
   if not id then
      self.sets[#self.sets + 1] = list
      id = #self.sets
      self.set_ids[key] = id
   end
   self.set_ids[list] = id
   return id
end

function Compiler:pred(pr)
   -- (a predicate does not change once made: the same table, the same id)
   local known = self.pred_of[pr]
   if known then return known end
   local kids
   if pr.kids then
      -- a part met twice is tested once (the second test could only give
      -- the first one's answer, or its error again)
      kids = {}
      local seen = {}
      for _, k in ipairs(pr.kids) do
         local id = self:pred(k)
         if not seen[id] then
            seen[id] = true
            kids[#kids + 1] = id
         end
      end
   end
   local entry = { op = pr.op, a = pr.a, b = pr.b, s = pr.s, kids = kids }
   if pr.set then
      entry.a = self:set(pr.set)
   elseif pr.re then
      local id = self.regex_ids[pr.re]
      if not id then
         self.regexes[#self.regexes + 1] = pr.re
         id = #self.regexes
         self.regex_ids[pr.re] = id
      end
      entry.a = id
   elseif pr.class then
      entry.a = self:class(pr.class)
   end
   local key = table_concat({ entry.op, entry.a or "", entry.b or "", entry.s or "",
      kids and table_concat(kids, ",") or "" }, "\1")
   local id = self.pred_ids[key]
   if not id then
      self.preds[#self.preds + 1] = entry
      id = #self.preds
      self.pred_ids[key] = id
   end
   self.pred_of[pr] = id
   return id
end

-- The most instructions a phase compiles to. Bounded repetitions are
-- unrolled, so nested ones multiply: ((p ^ 3) ^ 3) ^ 3 ... grows
-- exponentially with the nesting and must fail rather than exhaust memory.
P.MAX_INSTRUCTIONS = 1000000

function Compiler:emit_limit()
   local r = self.current or {}
   fail(string_format("rule %s: %s: the pattern compiles to more than %d instructions "
      .. "(nested repetitions multiply: write fewer or smaller ones)", r.name or "?", r.where or "?",
      P.MAX_INSTRUCTIONS), 0)
end

-- How many instructions p compiles to, lookaround bodies included (the
-- count may be a float past 2^53). Memoised per node (nodes do not
-- change): a sub-pattern is counted once, however many rules share it.
local code_sizes = setmetatable({}, { __mode = "k" })   -- node -> instructions
local function code_size(p)
   local n = code_sizes[p]
   if n then return n end
   local t = p.t
   if t == "tok" or t == "ann" then n = 1
   elseif t == "cap" then n = code_size(p.p) + 2
   elseif t == "look" then n = code_size(p.p) + 2
   elseif t == "seq" or t == "alt" then
      n = t == "alt" and 2 * (#p.list - 1) + 1 or 0   -- (and a guard)
      for _, q in ipairs(p.list) do n = n + code_size(q) end
   elseif t == "rep" then
      local body = code_size(p.p)
      n = p.min * body + (p.max == math_huge and body + 3 or (p.max - p.min) * (body + 2))
   else
      n = 1
   end
   code_sizes[p] = n
   return n
end

-- Appends an instruction; returns its 1-based index.
function Compiler:emit(op, a, b, c, d)
   local code = self.code
   local n = #code
   if n >= 5 * P.MAX_INSTRUCTIONS then self:emit_limit() end
   code[n + 1], code[n + 2], code[n + 3], code[n + 4], code[n + 5] = op, a or 0, b or 0, c or 0, d or 0
   return n // 5 + 1
end

function Compiler:here() return #self.code // 5 + 1 end

function Compiler:patch(at, target)
   self.code[(at - 1) * 5 + 2] = target
end

-- The words joined from sources (a word, or a set: a list of words), in
-- order, each once (in C: the sets can be a gazetteer's words), with their
-- cost.
local function joined(sources)
   local words, cost = join_keys(sources)
   set_costs[words] = cost
   return words
end

-- joined(sources), memoised when a set is among them (sets do not change
-- once made): the same sets are joined again for each rule and each use of
-- a shared sub-pattern, and the same words are then the same table
-- (Compiler:set and pred_cost know it). A trie of weak tables, under the
-- first set, then each source in order: it lasts as long as the sets.
local joined_words = setmetatable({}, { __mode = "k" })
local JOINED = {}   -- a trie node's key of the words joined from the sources up to it

local function join_words(sources)
   local first
   for _, src in ipairs(sources) do
      if type(src) == "table" then first = src break end
   end
   if not first then return joined(sources) end
   local at = joined_words[first]
   if not at then
      at = setmetatable({}, { __mode = "k" })
      joined_words[first] = at
   end
   for _, src in ipairs(sources) do
      local nxt = at[src]
      if not nxt then
         nxt = setmetatable({}, { __mode = "k" })
         at[src] = nxt
      end
      at = nxt
   end
   local words = at[JOINED]
   if not words then
      words = joined(sources)
      at[JOINED] = words
   end
   return words
end

-- A predicate that holds where one of preds does, the words of those that
-- test words joined in one set (one bit to test a token instead of many).
local function any_of(preds)
   local sources, others = {}, {}
   local function add(pr)
      if pr.op == PR.OR then
         for _, k in ipairs(pr.kids) do add(k) end
      elseif pr.op == PR.KEY then
         sources[#sources + 1] = pr.s
      elseif pr.op == PR.KEYSET then
         sources[#sources + 1] = pr.set
      else
         others[#others + 1] = pr
      end
   end
   for _, pr in ipairs(preds) do add(pr) end
   local words = #sources > 0 and join_words(sources) or sources
   local kids = {}
   if #words > 0 then kids[1] = { op = PR.KEYSET, set = words } end
   for _, pr in ipairs(others) do kids[#kids + 1] = pr end
   return #kids == 1 and kids[1] or { op = PR.OR, kids = kids }
end

-- The predicate of p when p takes exactly one token and captures nothing
-- (a token, or alternatives of such); in a lookaround, where nothing is
-- captured, captures count as what they hold. nil otherwise.
local function single_token(p, in_look)
   if p.t == "tok" then return p.pred end
   if p.t == "cap" and in_look then return single_token(p.p, in_look) end
   if p.t == "alt" then
      local preds = {}
      for i, q in ipairs(p.list) do
         preds[i] = single_token(q, in_look)
         if not preds[i] then return nil end
      end
      return any_of(preds)
   end
   return nil
end

-- Whether a token predicate can fail with an error (a regex's limits).
local function may_raise(pr)
   if pr.op == PR.REGEX then return true end
   for _, k in ipairs(pr.kids or {}) do
      if may_raise(k) then return true end
   end
   return false
end

-- Whether running p may fail with an error (a regex's limits).
local function node_may_raise(p)
   if p.t == "tok" then return may_raise(p.pred) end
   if p.p then return node_may_raise(p.p) end
   for _, q in ipairs(p.list or {}) do
      if node_may_raise(q) then return true end
   end
   return false
end

-- What the first token p takes must meet, when p takes one: a token
-- predicate (nil: anything), and whether p can take no token at all.
local first_pred

-- The test lookaround p makes of the token it looks at, given pr: the
-- token's own test.
local function look_test(p, pr)
   return p.neg and { op = PR.NOT, kids = { pr } } or pr
end

-- The condition lookaround p puts on the token at its position, for a
-- guard: nil when the guard may leave it to the pattern (it cannot fail
-- with an error), the test of one token ahead when it may (so that the
-- guard meets the error first and lets the token through), or false when
-- neither (a guard would skip an error the pattern meets).
local function look_cond(p)
   if not node_may_raise(p.p) then return nil end
   local pr = p.dir == "ahead" and single_token(p.p, true)
   if not pr then return false end
   return look_test(p, pr)
end

-- Whether p takes no token: a lookaround, or alternatives of them
-- ("at a line's start or after a comma").
local function looks_alone(p)
   if p.t == "look" then return true end
   if p.t ~= "alt" then return false end
   for _, q in ipairs(p.list) do
      if not looks_alone(q) then return false end
   end
   return true
end

-- The condition cond_of (look_cond or start_cond) says lookarounds p
-- (looks_alone) put on the token at their position: of alternatives,
-- false when one's is (a guard would skip an error), nil when one puts
-- none, else any of theirs.
local function looks_cond(cond_of, p)
   if p.t == "look" then return cond_of(p) end
   local conds, none = {}, false
   for i, q in ipairs(p.list) do
      local c = looks_cond(cond_of, q)
      if c == false then return false end
      if c == nil then none = true end
      conds[i] = c
   end
   if none then return nil end
   return any_of(conds)
end

-- What the first token of a sequence's elements from i on must meet, by
-- pred (first_pred or start_pred) of each element and cond_of (look_cond
-- or start_cond) of each lookaround: pred, empty as first_pred.
local function seq_pred(pred, cond_of, list, i)
   local q = list[i]
   if not q then return nil, true end
   if looks_alone(q) then
      local cond = looks_cond(cond_of, q)
      if cond == false then return nil, true end
      local pr, empty = seq_pred(pred, cond_of, list, i + 1)
      if not pr or not cond then return pr, empty end
      return { op = PR.AND, kids = { cond, pr } }, empty
   end
   local pr, empty = pred(q)
   if not pr or not empty then return pr, empty end
   local rest, rest_empty = seq_pred(pred, cond_of, list, i + 1)
   if not rest then return nil, true end
   return any_of { pr, rest }, rest_empty
end

-- The same of a capture, repetition, sequence or alternative p, from its
-- parts' pred (and cond_of, in a sequence).
local function composite_pred(pred, cond_of, p)
   local t = p.t
   if t == "cap" then return pred(p.p) end
   if t == "rep" then
      local pr, empty = pred(p.p)
      return pr, empty or p.min == 0
   end
   if t == "seq" then return seq_pred(pred, cond_of, p.list, 1) end
   local preds, empty = {}, false
   for i, q in ipairs(p.list) do
      local pr, e = pred(q)
      if not pr then return nil, true end
      preds[i] = pr
      empty = empty or e
   end
   return any_of(preds), empty
end

-- first_pred(p) without the memo.
local function first_pred_of(p)
   local t = p.t
   if t == "tok" then return p.pred, false end
   if t == "ann" then return { op = PR.STARTS, class = p.class }, false end
   if t == "look" then return nil, true end
   return composite_pred(first_pred, look_cond, p)
end

-- Memoised per node (nodes do not change): a rule's guard and the choice
-- points of its alternatives ask for the same nodes' first predicates, and
-- merging their word sets anew each time makes compiling quadratic.
first_pred = memo_node(first_pred_of)

-- Whether testing predicate pr costs little (a shape is made of the token
-- each time), so that a guard of it before alternatives saves time.
local function cheap_pred(pr)
   local op = pr.op
   if op == PR.SHAPE or op == PR.SHORT_SHAPE then return false end
   for _, k in ipairs(pr.kids or {}) do
      if not cheap_pred(k) then return false end
   end
   return true
end

-- The predicate every way through p needs its first token to meet, when
-- p must take one and the test can fail and costs little; nil otherwise.
-- (Memoised per node, as first_pred: each choice point and guard asks.)
local first_tests = setmetatable({}, { __mode = "k" })   -- node -> predicate | false

local function first_test_pred(p)
   local t = first_tests[p]
   if t == nil then
      local pr, empty = first_pred(p)
      t = pr and not empty and pr.op ~= PR.TRUE and cheap_pred(pr) and pr or false
      first_tests[p] = t
   end
   return t or nil
end

-- What the first token of every match of p must meet, the tests of the
-- lookaheads before it included (first_pred leaves those that cannot fail
-- with an error to the pattern): a rule's start test (Compiler:add), made
-- before its program runs and outside it, so that no step is charged and
-- no instruction added. Returns pred, empty as first_pred.
local start_pred

-- The condition lookaround p puts on the token at its position in a start
-- test: look_cond's, and where that leaves a lookahead to the pattern,
-- its own test of one token (the start test runs before the program).
local function start_cond(p)
   local cond = look_cond(p)
   if cond ~= nil then return cond end
   local pr = single_token(p.p, true)
   if not pr then return nil end
   if p.dir == "ahead" then return look_test(p, pr) end
   -- a lookbehind of one token: the token before the start meets it
   -- (PREV); which the program's own test (from the start of the rule's
   -- scope, which PREV does not know) can only make stricter. Not a
   -- negative one: there the scope's start lets any token through.
   if p.neg then return nil end
   return { op = PR.PREV, kids = { pr } }
end

-- start_pred(p) without the memo.
local function start_pred_of(p)
   local t = p.t
   if t ~= "seq" and t ~= "cap" and t ~= "rep" and t ~= "alt" then return first_pred(p) end
   return composite_pred(start_pred, start_cond, p)
end

start_pred = memo_node(start_pred_of)

-- Of a predicate that may fail with an error, a weaker one that cannot:
-- its parts that cannot, where leaving the others out lets more tokens
-- through (parts of an AND; each alternative of an OR, weakened; not a
-- negation), or nil.
local function unfailing_part(pr)
   if not may_raise(pr) then return pr end
   local op = pr.op
   if op ~= PR.AND and op ~= PR.OR and op ~= PR.PREV then return nil end
   local kids = {}
   for _, k in ipairs(pr.kids) do
      local u = unfailing_part(k)
      if u then kids[#kids + 1] = u
      elseif op ~= PR.AND then return nil end
   end
   if #kids == 0 then return nil end
   if #kids == 1 and op == PR.AND then return kids[1] end
   return { op = op, kids = kids }
end

-- Whether predicate pr tests the token before (PREV) or flags (a line's
-- start), outside a negation.
local function tests_context(pr)
   if pr.op == PR.PREV or pr.op == PR.FLAGS then return true end
   if pr.op == PR.NOT then return false end
   for _, k in ipairs(pr.kids or {}) do
      if tests_context(k) then return true end
   end
   return false
end

-- A rule's start test (start_pred), when it says more than its guard and
-- cannot fail with an error (the matcher tests it outside the program, so
-- an error it met there would be one the pattern might not meet): nil
-- otherwise. One that may is weakened to its parts that cannot, when
-- those test the token before the start (a lookbehind's PREV).
local function start_test(p)
   local pr, empty = start_pred(p)
   if not pr or empty or pr.op == PR.TRUE or not cheap_pred(pr) then return nil end
   -- one that may fail with an error: its parts that cannot, when they
   -- test the token before, which no guard does
   if may_raise(pr) then
      pr = unfailing_part(pr)
      if not (pr and tests_context(pr)) then return nil end
   end
   if pr == first_pred(p) then return nil end
   return pr
end

-- A test of the token at the position that every way through p needs, to
-- fail at once where none can start: for alternatives (each of which
-- would test the token in turn, with a choice point each) and a rule's
-- start. Nothing is taken nor captured, so no match changes; a regex of
-- the test that fails with an error lets the token through (d = 1), for
-- the pattern itself to meet the error where it would have.
function Compiler:guard(p)
   local pr = self.guards and first_test_pred(p)
   if not pr then return end
   local id = self:pred(pr)
   -- the same test at the same token as the last guard (a rule's, then
   -- its alternatives' after a capture or a lookaround) is made once
   local last = self.last_guard
   if last and last.pred == id then
      local straight = true
      for pc = last.at + 1, self:here() - 1 do
         local op = self.code[(pc - 1) * 5 + 1]
         if op ~= OP.OPEN and op ~= OP.TEST and op ~= OP.AHEAD and op ~= OP.BEHIND then straight = false end
      end
      if straight then return end
   end
   self.last_guard = { at = self:emit(OP.TEST, id, 0, 0, 1), pred = id }
end

-- A choice point before p, the way the machine tries first (the other is
-- patched in later): CHOICE, whose b is the test of what the first token p
-- takes must meet (a predicate + 1), when p takes one and the test can
-- fail with no error, so that where the token fails it the machine goes
-- the other way at once, with no backtrack entry nor p's steps (no match
-- changes: p would fail there); 0 otherwise.
function Compiler:choice(p)
   return self:emit(OP.CHOICE, 0, self:first_test(p))
end

-- The test of what the first token p takes must meet (a predicate + 1),
-- when p must take one and the test can fail with no error; 0 otherwise
-- (or without guards).
function Compiler:first_test(p)
   local pr = self.guards and first_test_pred(p)
   if pr and not may_raise(pr) then return self:pred(pr) end
   return 0
end

-- The alternatives gen compiles for alternatives p, neighbouring one-token
-- ones made one token test (no choice point to make and to backtrack to),
-- and, for three or more, the node a guard tests before them. Memoised per
-- node (nodes do not change): a sub-pattern many rules share is compiled
-- for each, from the same nodes, whose predicates the compiler knows.
local function alt_list_of(p)
   local list, run = {}, {}
   local function flush()
      if #run > 1 then list[#list + 1] = tok(any_of(run))
      elseif #run == 1 then list[#list + 1] = p.list[run.first] end
      run = {}
   end
   for i, q in ipairs(p.list) do
      local pr = single_token(q)
      if pr then
         run.first = run.first or i
         run[#run + 1] = pr
      else
         flush()
         list[#list + 1] = q
      end
   end
   flush()
   return list, #list >= 3 and { t = "alt", list = list } or nil
end

local alt_list = memo_node(alt_list_of)   -- -> list, guard

function Compiler:gen(p, rule)
   local t = p.t
   if t == "tok" then
      self:emit(OP.TOKEN, self:pred(p.pred))
   elseif t == "ann" then
      self:emit(OP.ANN, self:class(p.class))
   elseif t == "seq" then
      for _, q in ipairs(p.list) do self:gen(q, rule) end
   elseif t == "alt" then
      local list, guard = alt_list(p)
      if #list == 1 then return self:gen(list[1], rule) end
      if guard then self:guard(guard) end
      local exits = {}
      for i, q in ipairs(list) do
         if i < #list then
            local choice = self:choice(q)
            self:gen(q, rule)
            exits[#exits + 1] = self:emit(OP.JMP, 0)
            self:patch(choice, self:here())
         else
            self:gen(q, rule)
         end
      end
      for _, j in ipairs(exits) do self:patch(j, self:here()) end
   elseif t == "rep" then
      local lo, _ = width(p.p)
      if lo == 0 and p.max == math_huge then
         fail(string_format("rule %s: %s: a repetition of a pattern that can match no token would never end",
            rule.name, p.where), 0)
      end
      for _ = 1, p.min do self:gen(p.p, rule) end
      if p.max == math_huge then
         local top = self:here()
         if p.lazy then
            local choice = self:emit(OP.CHOICE, 0)
            local out = self:emit(OP.JMP, 0)
            self:patch(choice, self:here())
            self:gen(p.p, rule)
            self:emit(OP.JMP, top)
            self:patch(out, self:here())
         else
            local choice = self:choice(p.p)
            self:gen(p.p, rule)
            self:emit(OP.JMP, top)
            self:patch(choice, self:here())
         end
      else
         local outs = {}
         for _ = p.min + 1, p.max do
            if p.lazy then
               local choice = self:emit(OP.CHOICE, 0)
               outs[#outs + 1] = self:emit(OP.JMP, 0)
               self:patch(choice, self:here())
            else
               outs[#outs + 1] = self:choice(p.p)
            end
            self:gen(p.p, rule)
         end
         for _, o in ipairs(outs) do self:patch(o, self:here()) end
      end
   elseif t == "cap" then
      local slot = rule.cap_ids[p.name]
      if not slot then
         slot = #rule.caps
         rule.caps[slot + 1] = p.name
         rule.cap_ids[p.name] = slot
      end
      self:emit(OP.OPEN, slot)
      self:gen(p.p, rule)
      self:emit(OP.CLOSE, slot)
   elseif t == "look" then
      -- lookaround inside lookahead looks from the same position: one
      -- lookaround (P.notahead(P.notahead(x)) is P.ahead(x))
      local dir, neg, body = p.dir, p.neg, p.p
      while dir == "ahead" and body.t == "look" do dir, neg, body = body.dir, neg ~= body.neg, body.p end
      local lo, hi = width(body)
      if dir == "behind" and hi == math_huge then
         fail(string_format("rule %s: %s: lookbehind needs a pattern of bounded length", rule.name, body.where), 0)
      end
      local pr = single_token(body, true)
      if pr then
         -- one token before or at the position: tested in place
         self:emit(OP.TEST, self:pred(pr), neg and 1 or 0, dir == "behind" and 1 or 0)
         return
      end
      -- a lookahead tests first what its body's first token needs: where
      -- the token fails it, the body is not run (AHEAD's c)
      local at
      if dir == "ahead" then at = self:emit(OP.AHEAD, 0, neg and 1 or 0, self:first_test(body), 0)
      else at = self:emit(OP.BEHIND, 0, neg and 1 or 0, lo, hi == math_huge and 0 or hi) end
      self.subs[#self.subs + 1] = { at = at, p = body, rule = rule }
   else
      error("unknown pattern node " .. tostring(t))
   end
end

-- What the first token p takes can be: its keys (a list; nil: any key),
-- kinds and cases (bit masks), and whether p can take no token at all (then
-- what follows p may take the first token: its first_info joins in).
local first_info

-- first_info(p) without the memo.
local function first_info_of(p)
   local t = p.t
   if t == "tok" then
      local keys, kinds, cases = nil, -1, -1
      local function scan(q)
         if q.op == PR.KEY then keys = { q.s }
         elseif q.op == PR.TEXT then keys = { core.normalize(q.s) }   -- equal text, equal key
         elseif q.op == PR.KEYSET then keys = q.set
         elseif q.op == PR.KIND then kinds = q.a
         elseif q.op == PR.CASE then cases = q.a
         elseif q.op == PR.AND then for _, k in ipairs(q.kids) do scan(k) end end
      end
      scan(p.pred)
      return keys, kinds, cases, false
   elseif t == "ann" then
      return nil, -1, -1, false
   elseif t == "look" then
      return {}, 0, 0, true      -- takes no token: the next element's first token is the first
   elseif t == "cap" then
      return first_info(p.p)
   elseif t == "rep" then
      local keys, kinds, cases, empty = first_info(p.p)
      return keys, kinds, cases, empty or p.min == 0
   elseif t == "seq" or t == "alt" then
      -- a sequence: its elements up to the first that must take a token;
      -- alternatives: each of them
      -- (their keys joined as any_of joins sets: the same lists of keys,
      -- which sub-patterns many rules share give, are joined once)
      local sources, kinds, cases = {}, 0, 0
      local empty = t == "seq"
      for _, q in ipairs(p.list) do
         local k, ki, ca, e = first_info(q)
         if not k then sources = nil
         elseif sources then sources[#sources + 1] = k end
         kinds, cases = kinds | ki, cases | ca
         if t == "alt" then empty = empty or e
         elseif not e then empty = false break end
      end
      return sources and join_words(sources), kinds, cases, empty
   end
   error("unknown pattern node " .. tostring(t))
end

-- Memoised per node (nodes do not change; what it returns is only read):
-- a sub-pattern many rules share joins its alternatives' first words once.
local first_infos = setmetatable({}, { __mode = "k" })   -- node -> {keys, kinds, cases, empty}

first_info = function(p)
   local m = first_infos[p]
   if not m then
      local keys, kinds, cases, empty = first_info_of(p)
      m = { keys, kinds, cases, empty }
      first_infos[p] = m
   end
   return m[1], m[2], m[3], m[4]
end

-- Keys every match of p must contain (a set), for the matcher's prefilter:
-- a rule is not tried in a paragraph that lacks one of them.
local function required_keys(p)
   local t = p.t
   if t == "tok" then
      local req = {}
      local function scan(q)
         if q.op == PR.KEY then req[q.s] = true
         elseif q.op == PR.TEXT then req[core.normalize(q.s)] = true
         elseif q.op == PR.AND then for _, k in ipairs(q.kids) do scan(k) end end
      end
      scan(p.pred)
      return req
   elseif t == "cap" then
      return required_keys(p.p)
   elseif t == "rep" then
      return p.min > 0 and required_keys(p.p) or {}
   elseif t == "seq" then
      local req = {}
      for _, q in ipairs(p.list) do
         for k in pairs(required_keys(q)) do req[k] = true end
      end
      return req
   elseif t == "alt" then
      local req
      for _, q in ipairs(p.list) do
         local r = required_keys(q)
         if not req then req = r
         else
            for k in pairs(req) do if not r[k] then req[k] = nil end end
         end
      end
      return req or {}
   end
   return {}   -- annotation units and lookaround promise no key
end

-- A key predicate every token matching pred meets (KEY or KEYSET), or nil.
local function key_pred(pr)
   if pr.op == PR.KEY or pr.op == PR.KEYSET then return pr end
   if pr.op == PR.AND then
      for _, k in ipairs(pr.kids) do
         local q = key_pred(k)
         if q then return q end
      end
   end
   return nil
end

-- Whether a token predicate is worth testing on its own before a rule's
-- program runs (an anchor that is not a word): a test of the token's
-- kind, case or flags, or all of them, that cannot fail with an error.
local function plain_pred(pr)
   local op = pr.op
   if op == PR.KIND or op == PR.CASE or op == PR.FLAGS then return true end
   if op ~= PR.AND then return false end
   for _, k in ipairs(pr.kids) do
      if not plain_pred(k) and k.op ~= PR.LEN then return false end
   end
   return true
end

-- The matcher's anchor of p: a token predicate that the token `offset`
-- (> 0) tokens after the start of every match meets, with only plain
-- tokens, captures and lookarounds that cannot fail with an error before
-- it (so that checking it first changes nothing but the time: no
-- backtracking and no error is skipped). A key predicate when there is
-- one (the dispatch tests it in place), else the first test of the
-- token's kind, case or flags (plain_pred), which a positive lookahead's
-- plain tokens may also give. Returns offset, predicate or nil.
local function anchor_of(p)
   local offset, plain_at, plain = 0, nil, nil
   local function walk(q)       -- true to go on after q, or offset, predicate
      if q.t == "tok" then
         local kp = key_pred(q.pred)
         if kp and offset > 0 then return offset, kp end
         if may_raise(q.pred) then return false end
         if offset > 0 and not plain and plain_pred(q.pred) then plain_at, plain = offset, q.pred end
         offset = offset + 1
         return true
      elseif q.t == "cap" then
         return walk(q.p)
      elseif q.t == "seq" then
         for _, r in ipairs(q.list) do
            local a, b = walk(r)
            if a ~= true then return a, b end
         end
         return true
      elseif q.t == "look" then
         if node_may_raise(q.p) then return false end
         if q.dir == "ahead" and not q.neg then
            -- the body's tokens from here: its anchor is the pattern's
            local at = offset
            local a, b = walk(q.p)
            offset = at
            if type(a) == "number" then return a, b end
         end
         return true
      end
      return false
   end
   local a, b = walk(p)
   if type(a) == "number" then return a, b end
   return plain_at, plain
end

-- Token counts of p: the least, the most (math.huge: no bound) and how
-- many annotation units the most leaves out (each takes as many tokens as
-- the longest annotation of a run, which only the run knows).
local extents = setmetatable({}, { __mode = "k" })
local extent_of

local function extent(p)
   local e = extents[p]
   if not e then
      e = { extent_of(p) }
      extents[p] = e
   end
   return e[1], e[2], e[3]
end

extent_of = function(p)
   local t = p.t
   if t == "tok" then return 1, 1, 0 end
   if t == "ann" then return 1, 0, 1 end
   if t == "look" then return 0, 0, 0 end
   if t == "cap" then return extent(p.p) end
   if t == "seq" or t == "alt" then
      local lo, hi, anns = t == "alt" and math_huge or 0, 0, 0
      for _, q in ipairs(p.list) do
         local a, b, c = extent(q)
         if t == "seq" then lo, hi, anns = lo + a, hi + b, anns + c
         else
            if a < lo then lo = a end
            if b > hi then hi = b end
            if c > anns then anns = c end
         end
      end
      return lo, hi, anns
   end
   if t == "rep" then
      local a, b, c = extent(p.p)
      if p.max == math_huge then
         return a * p.min, (b > 0 or c > 0) and math_huge or 0, 0
      end
      return a * p.min, b * p.max, c * p.max
   end
   error("unknown pattern node " .. tostring(t))
end

-- How many tokens of a text a token predicate is likely to let through,
-- in the matcher's prefilter: a word or a small word set few, a regex or
-- an annotation some, a kind, case, shape or length most (nil: too many to
-- be worth a window).
-- A word's share of a text, roughly: short words (and punctuation) are the
-- common ones ("the", ",", "of"), longer ones rarer.
local function word_cost(w)
   return #w <= 3 and 20 or 1
end


local function pred_cost(pr)
   local op = pr.op
   if op == PR.KEY or op == PR.BARE or op == PR.TEXT then return word_cost(pr.s) end
   if op == PR.KEYSET or op == PR.BARESET then
      local set = pr.set
      local c = set_costs[set]
      if not c then
         c = 0
         for _, w in ipairs(set) do c = c + (#w <= 3 and 20 or 1) end   -- word_cost(w)
         set_costs[set] = c
      end
      return c
   end
   if op == PR.REGEX then return 50 end
   if op == PR.WITHIN or op == PR.STARTS or op == PR.ENDS then return 100 end
   if op == PR.AND then
      local best
      for _, k in ipairs(pr.kids) do
         local c = pred_cost(k)
         if c and (not best or c < best) then best = c end
      end
      return best
   end
   if op == PR.OR then
      local sum = 0
      for _, k in ipairs(pr.kids) do
         local c = pred_cost(k)
         if not c then return nil end
         sum = sum + c
      end
      return sum
   end
   return nil
end

-- Windows of p for the matcher's prefilter: {pred, cost, lo, hi, anns},
-- each saying that every match has a token meeting the token predicate
-- pred between lo and hi + anns * (the longest annotation) tokens after its
-- start (hi math.huge: anywhere after lo). p starts lo .. hi (+ anns)
-- tokens into the match.
-- What a window tests of a token predicate: the cheapest part of an AND
-- (every token that meets it meets that part; a word set is one bit), an
-- OR of such parts; nil when no part is worth testing.
local function window_pred(pr)
   if pr.op == PR.AND then
      -- a word test is the cheapest to make on every token: one when there
      -- is one (a month name rather than "ends in a period")
      local best, best_cost, best_words
      for _, k in ipairs(pr.kids) do
         local w = window_pred(k)
         local c = w and pred_cost(w)
         local words = w and (w.op == PR.KEY or w.op == PR.KEYSET)
         if c and (not best or (words and not best_words) or (words == best_words and c < best_cost)) then
            best, best_cost, best_words = w, c, words
         end
      end
      return best
   elseif pr.op == PR.OR then
      local kids = {}
      for i, k in ipairs(pr.kids) do
         kids[i] = window_pred(k)
         if not kids[i] then return nil end
      end
      return any_of(kids)
   end
   return pred_cost(pr) and pr or nil
end

-- What the last token p takes must meet, when p takes one: a token
-- predicate (nil: anything), and whether p can take no token at all (as
-- first_pred, from the end; lookarounds take no token and say nothing).
local last_pred

-- The same of a sequence's elements up to i.
local function seq_last(list, i)
   local q = list[i]
   if not q then return nil, true end
   if q.t == "look" then return seq_last(list, i - 1) end
   local pr, empty = last_pred(q)
   if not pr or not empty then return pr, empty end
   local rest, rest_empty = seq_last(list, i - 1)
   if not rest then return nil, true end
   return any_of { pr, rest }, rest_empty
end

-- last_pred(p) without the memo.
local function last_pred_of(p)
   local t = p.t
   if t == "tok" then return p.pred, false end
   if t == "ann" then return { op = PR.ENDS, class = p.class }, false end
   if t == "look" then return nil, true end
   if t == "seq" then return seq_last(p.list, #p.list) end
   return composite_pred(last_pred, nil, p)
end

last_pred = memo_node(last_pred_of)

-- A test of a neighbour of a window's token: pr, unless it says nothing
-- or costs much (then nil).
local function neighbour_test(pr)
   if not pr or pr.op == PR.TRUE or not cheap_pred(pr) then return nil end
   return pr
end

-- A window's test of a word (or a word set) whose next token must meet
-- nxt and whose token before prv (nil: anything): the AND of the three,
-- which the matcher tests at the words only; the word test alone when
-- there is neither, or when pr is no word test.
local function with_context(pr, nxt, prv)
   if not (nxt or prv) or (pr.op ~= PR.KEY and pr.op ~= PR.KEYSET) then return pr end
   local kids = { pr }
   if nxt then kids[#kids + 1] = { op = PR.NEXT, kids = { nxt } } end
   if prv then kids[#kids + 1] = { op = PR.PREV, kids = { prv } } end
   return { op = PR.AND, kids = kids }
end

-- The word test and the tests of the next token and the one before of a
-- window predicate (with_context): pr, nil, nil when it has none.
local function split_context(pr)
   local kids = pr.op == PR.AND and pr.kids
   if not kids or #kids < 2 or (kids[2].op ~= PR.NEXT and kids[2].op ~= PR.PREV) then return pr, nil, nil end
   local nxt, prv
   for i = 2, #kids do
      if kids[i].op == PR.NEXT then nxt = kids[i].kids[1] else prv = kids[i].kids[1] end
   end
   return kids[1], nxt, prv
end

-- Whether the elements of list from i to j take no token (lookarounds).
local function looks_only(list, i, j)
   for k = i, j do
      if list[k].t ~= "look" then return false end
   end
   return true
end

-- What the token after a sequence's element i must meet, nxt being what
-- the token after the sequence must: nil when anything (or no token) may
-- follow. (first_pred of what follows; its lookaheads that cannot fail
-- with an error are left out, so that it says less, never more.)
local function follow(list, i, nxt)
   if looks_only(list, i + 1, #list) then return nxt end
   local pr, empty = seq_pred(first_pred, look_cond, list, i + 1)
   pr = neighbour_test(pr)
   if not pr or not empty then return pr end
   return nxt and any_of { pr, nxt } or nil
end

-- What the token before a sequence's element i must meet, prv being what
-- the token before the sequence must (last_pred of what comes before).
local function precede(list, i, prv)
   if looks_only(list, 1, i - 1) then return prv end
   local pr, empty = seq_last(list, i - 1)
   pr = neighbour_test(pr)
   if not pr or not empty then return pr end
   return prv and any_of { pr, prv } or nil
end

-- The context of a repetition's body: what the token next to each time
-- it is taken must meet, given what the one next to the repetition must
-- (side, nil: anything) and what the body's own first or last token
-- needs (again: each time but one, the body is next to itself).
local function body_context(p, side, again)
   if p.max == 1 then return side end
   again = side and neighbour_test(again)
   return again and any_of { again, side } or nil
end

-- The window of alternatives whose best windows are kids: the words of
-- all, with the tests of their next tokens (and of those before) when
-- each has one.
local function alt_window_pred(kids)
   local words, nexts, prevs = {}, {}, {}
   for i, pr in ipairs(kids) do
      local nx, pv
      words[i], nx, pv = split_context(pr)
      nexts[#nexts + 1] = nx
      prevs[#prevs + 1] = pv
   end
   return with_context(any_of(words), #nexts == #kids and any_of(nexts) or nil,
      #prevs == #kids and any_of(prevs) or nil)
end

-- The windows of p as windows(p, lo, hi, anns), nxt and prv being what
-- the token after p and the one before p must meet (nil: anything): a
-- window of words gets the tests of the tokens next to its word when
-- they are p's or those next to p.
local function windows(p, lo, hi, anns, nxt, prv)
   local t = p.t
   if t == "tok" then
      local pr = window_pred(p.pred)
      if not pr then return {} end
      return { { pred = with_context(pr, nxt, prv), cost = pred_cost(pr), lo = lo, hi = hi, anns = anns } }
   elseif t == "cap" then
      return windows(p.p, lo, hi, anns, nxt, prv)
   elseif t == "look" and p.dir == "ahead" and not p.neg then
      return windows(p.p, lo, hi, anns, nil, prv)
   elseif t == "rep" then
      if p.min == 0 then return {} end
      return windows(p.p, lo, hi, anns, body_context(p, nxt, first_test_pred(p.p)),
         body_context(p, prv, (last_pred(p.p))))
   elseif t == "seq" then
      local out = {}
      for i, q in ipairs(p.list) do
         for _, w in ipairs(windows(q, lo, hi, anns, follow(p.list, i, nxt), precede(p.list, i, prv))) do
            out[#out + 1] = w
         end
         local a, b, c = extent(q)
         lo, hi, anns = lo + a, hi + b, anns + c
      end
      return out
   elseif t == "alt" then
      -- one window: that one of the best window of each alternative holds;
      -- a word window when an alternative has one (the best words of all
      -- alternatives make one word set, a bit a token for the matcher,
      -- where a regex would make it test every token)
      local kids, cost, wlo, whi, wanns = {}, 0, math_huge, 0, 0
      for _, q in ipairs(p.list) do
         local best, best_words
         for _, w in ipairs(windows(q, lo, hi, anns, nxt, prv)) do
            local wp = split_context(w.pred)
            local words = wp.op == PR.KEY or wp.op == PR.KEYSET
            if not best or (words and not best_words) or (words == best_words and w.cost < best.cost) then
               best, best_words = w, words
            end
         end
         if not best then return {} end
         kids[#kids + 1] = best.pred
         cost = cost + best.cost
         if best.lo < wlo then wlo = best.lo end
         if best.hi > whi then whi = best.hi end
         if best.anns > wanns then wanns = best.anns end
      end
      -- (a word the alternatives share counts once)
      local pred = alt_window_pred(kids)
      return { { pred = pred, cost = math.min(cost, pred_cost(pred) or cost), lo = wlo, hi = whi, anns = wanns } }
   end
   return {}
end

-- The (at most four) windows of p most likely to rule a start out: the
-- cheapest, bounded ones first; not one on the first token alone when the
-- dispatch on first keys checks that already. A start passes when every
-- window does; each costs the matcher a test of each token once a run.
local function best_windows(p, dispatched)
   local list = {}
   for _, w in ipairs(windows(p, 0, 0, 0, nil, nil)) do
      if w.cost <= 1000 and not (dispatched and w.lo == 0 and w.hi == 0 and w.anns == 0) then
         if w.hi == math_huge then w.cost = w.cost * 8 end
         list[#list + 1] = w
      end
   end
   table_sort(list, function(a, b)
      if a.cost ~= b.cost then return a.cost < b.cost end
      return a.lo > b.lo
   end)
   local out, seen = {}, {}
   for _, w in ipairs(list) do
      local key = tostring(w.pred) .. w.lo .. ":" .. w.hi .. ":" .. w.anns
      if #out < 4 and not seen[key] then
         seen[key] = true
         out[#out + 1] = w
      end
   end
   return out
end

local SCOPES = { document = 0, paragraph = 1, sentence = 2 }

--- Adds a rule: compiler:add(name, pattern [, {scope = "paragraph"}]).
-- Returns the rule number in the phase matcher.
-- @param name string the rule's name
-- @param p a pattern
-- @param opts table optional: scope ("sentence", "paragraph" or "document")
-- @return integer the rule's number in the phase's matcher
function Compiler:add(name, p, opts)
   p = coerce(p, 2)
   local scope = SCOPES[opts and opts.scope or "paragraph"]
   if not scope then
      fail(string_format("rule %s: scope must be document, paragraph or sentence, not '%s'", name,
         tostring(opts.scope)), 2)
   end
   local rule = { name = name, caps = {}, cap_ids = {}, scope = scope }
   local lo = width(p)
   if lo == 0 then
      fail(string_format("rule %s: %s: the pattern can match no token", name, p.where), 0)
   end
   rule.entry = self:here()
   self.current = { name = name, where = p.where }
   if self:here() + code_size(p) > P.MAX_INSTRUCTIONS then self:emit_limit() end
   -- a rule that does not open with a token test opens with a guard
   if p.t ~= "tok" and not (p.t == "seq" and p.list[1].t == "tok") then self:guard(p) end
   self:gen(p, rule)
   self:emit(OP.END)
   local aoff, apred = anchor_of(p)
   if aoff then
      rule.anchor_offset, rule.anchor_pred = aoff, self:pred(apred)
   end
   local start = start_test(p)
   if start then rule.start_pred = self:pred(start) end
   local keys, kinds, cases, empty = first_info(p)
   if empty then keys, kinds, cases = nil, -1, -1 end
   rule.first_keys = keys
   rule.first_kinds = kinds
   rule.first_cases = cases
   rule.windows = {}
   for i, w in ipairs(best_windows(p, keys ~= nil)) do
      rule.windows[i] = { pred = self:pred(w.pred), lo = w.lo, hi = w.hi == math_huge and -1 or w.hi, anns = w.anns }
   end
   local req = {}
   for k in pairs(required_keys(p)) do req[#req + 1] = k end
   table_sort(req)
   rule.required_keys = req
   rule.ncaps = #rule.caps
   self.rules[#self.rules + 1] = rule
   return #self.rules
end

--- Builds the C matcher of every rule added: compiler:build([{step_limit = n,
-- prefilter = false}]). Before running a rule's program at a token the
-- matcher rules the start out by what every match needs (its first words,
-- kinds and cases, words it holds and where); prefilter = false turns that
-- off, which changes the time a run takes but no match.
-- @param opts table optional: step_limit
-- @return the C matcher of the phase
function Compiler:build(opts)
   -- lookaround bodies go after all rules; their own lookarounds after them
   local i = 1
   while self.subs[i] do
      local sub = self.subs[i]
      self:patch(sub.at, self:here())
      self.current = { name = sub.rule.name, where = sub.p.where }
      self:gen(sub.p, sub.rule)
      self:emit(OP.END)
      i = i + 1
   end
   local rules = {}
   for n, r in ipairs(self.rules) do
      rules[n] = { name = r.name, entry = r.entry, ncaps = r.ncaps, scope = r.scope,
         first_keys = r.first_keys, required_keys = r.required_keys, first_kinds = r.first_kinds & 0x7fffffff,
         first_cases = r.first_cases & 0x7fffffff, anchor_offset = r.anchor_offset, anchor_pred = r.anchor_pred,
         start_pred = r.start_pred, windows = r.windows }
   end
   return core.matcher {
      code = self.code, preds = self.preds, sets = self.sets, regexes = self.regexes,
      classes = #self.classes, rules = rules, step_limit = opts and opts.step_limit,
      prefilter = not (opts and opts.prefilter == false),
   }
end

--- Compiles one pattern on its own: P.compile(p [, opts]) -> matcher, info.
-- @param p a pattern
-- @param opts table optional: name (of the rule), scope, step_limit,
-- prefilter (compiler:build), guards (P.compiler)
-- @return the C matcher
-- @return the compiler, for its tables
function P.compile(p, opts)
   local c = P.compiler(opts)
   c:add(opts and opts.name or "pattern", p, opts)
   return c:build(opts), c
end

-- a lazy node is a pattern like any other: the same operators
for k, v in pairs(mt) do
   if lazy_mt[k] == nil then lazy_mt[k] = v end
end

return P
