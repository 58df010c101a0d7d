-- Driver of build/fuzz/fuzz_match (tests/fuzz/fuzz_match.c).
-- Byte 1, bit 0 picks the mode:
--   0: a small stack machine reads the bytes up to 0xFF as operations that
--      build token patterns with quarry.pattern and group them into rules
--      and phases; the bytes after 0xFF are the text (a fixed news text
--      when there are none). The pack is compiled and run.
--   1: the bytes make a matcher description for quarry.core.matcher
--      directly (instructions, predicates, sets, rules, annotations, all
--      in and out of range), which must raise or run, never crash.
local core = require "quarry.core"
local P = require "quarry.pattern"
local rules = require "quarry.rules"

local fail = fuzz_fail    -- luacheck: globals fuzz_fail
local pcall, ipairs, type, tostring = pcall, ipairs, type, tostring

local TEXT = "MOSCOW (Wire) — Foreign Minister Sergei Voronov met U.S. envoys on Monday.\n\n"
   .. "“We are close,” he said of the 2010-2011 talks in Łódź. Mr. O'Brien's aide said no.\n"
   .. "Visit www.example.org, #talks @wire 5% $3.5bn."
local WORDS = { "said", "Mr.", "New York", "U.S.", "the", "“", "'s", "Łódź", "minister", "2010-2011",
   "x", "Voronov", "talks", "@wire", "." }
local KINDS = core.kinds
local CASES = { "none", "lower", "upper", "title", "mixed" }
local SHAPES = { "Xxxxx", "xxxx", "X.X.", "dddd", "Xx", "x", "d-d" }
local REGEXES = { "^[A-Z]", "\\d+", "(?i)said", "^(a+)+$", "\\w{3,}", "." }
local TYPES = { "A", "B", "C" }
local CAPS = { "who", "what", "x" }
local SCOPES = { "sentence", "paragraph", "document" }
local CONTROLS = { "appelt", "first", "all" }
-- declared rules of every kind: their annotations are made in C (csrc/qr_ann.c)
local NAMED_REGEXES = { "(?<who>\\p{Lu}\\w+) said", "\\b(?<who>\\w+)\\b", "(?<who>x)?y", "\\d+", "(?<who>)a|b" }
local ATTRS = { false, { k = "c" }, { who = "$who", m = "$match" }, { x = "$nope", n = 3 } }

local function reader(data, from, to)
   local pos = from
   return function()
      if pos > to then return nil end
      local b = data:byte(pos)
      pos = pos + 1
      return b
   end
end

local function check_anns(anns, text)
   local last = -1
   for _, a in ipairs(anns) do
      if type(a.start) ~= "number" or a.start < 0 or a.stop < a.start or a.stop > #text then
         fail("annotation outside the text: " .. tostring(a.start) .. ".." .. tostring(a.stop))
      end
      if a.start < last then fail("annotations out of order") end
      if a.text ~= text:sub(a.start + 1, a.stop) then fail("an annotation's text is not its span's") end
      last = a.start
   end
end

-- mode 0 ------------------------------------------------------------------

local function build_pack(next_byte)
   local stack, phases = {}, { { rules = {} } }
   local nrule = 0
   local function pick(list)
      local b = next_byte() or 0
      return list[b % #list + 1]
   end
   local function push(p) if #stack < 64 then stack[#stack + 1] = p end end
   local function pop() local p = stack[#stack]; stack[#stack] = nil; return p end
   local ops = {
      function() push(P.word(pick(WORDS))) end,
      function() push(P.set { pick(WORDS), pick(WORDS) }) end,
      function() push(P.kind(pick(KINDS))) end,
      function() push(P.case(pick(CASES), pick(CASES))) end,
      function() push(P.any) end,
      function() push((next_byte() or 0) % 2 == 0 and P.shape(pick(SHAPES)) or P.short_shape(pick(SHAPES))) end,
      function() push(P.len((next_byte() or 0) % 4, (next_byte() or 0) % 8 - 1)) end,
      function() push(P.regex(pick(REGEXES))) end,
      function() push((next_byte() or 0) % 2 == 0 and P.text(pick(WORDS)) or P.bare(pick(WORDS))) end,
      function() push(pick { P.sent_start, P.para_start, P.line_start, P.tok { clitic = true },
         P.tok { abbrev = true }, P.tok { hyphenated = true, case = "title" } }) end,
      function() push(P.ann(pick(TYPES))) end,
      function() push(pick { P.within, P.starts, P.ends }(pick(TYPES))) end,
      function() local b, a = pop(), pop(); push(a * b) end,
      function() local b, a = pop(), pop(); push(a + b) end,
      function() push(pop() ^ ((next_byte() or 0) % 7 - 3)) end,
      function()
         local p, b = pop(), next_byte() or 0
         local min = b >= 250 and 1000 or b % 4
         local c = next_byte() or 0
         local max = c >= 250 and 1000 or c % 2 == 0 and nil or min + c % 3
         push(P.rep(p, min, max, (b & 4) ~= 0 and "lazy" or nil))
      end,
      function() push(P.opt(pop())) end,
      function() push(-pop()) end,
      function() push(P.cap(pick(CAPS), pop())) end,
      function() push(pick { P.ahead, P.notahead, P.behind, P.notbehind }(pop())) end,
      function() push(P.lazy(pop())) end,
      function() push(P.tok { word = pick(WORDS), case = pick(CASES) }) end,
      function()
         local p = pop()
         if p == nil then return end
         local ph = phases[#phases]
         nrule = nrule + 1
         ph.rules[#ph.rules + 1] = { name = "r" .. nrule, type = TYPES[#phases], pattern = p,
            scope = pick(SCOPES), span = (next_byte() or 0) % 4 == 0 and "who" or nil,
            priority = (next_byte() or 0) % 3, attrs = pick(ATTRS) or nil }
      end,
      function()
         local ph = phases[#phases]
         nrule = nrule + 1
         ph.rules[#ph.rules + 1] = { name = "r" .. nrule, type = TYPES[#phases], regex = pick(NAMED_REGEXES),
            span = (next_byte() or 0) % 3 == 0 and "who" or nil, attrs = pick(ATTRS) or nil }
      end,
      function()
         local ph = phases[#phases]
         nrule = nrule + 1
         ph.rules[#ph.rules + 1] = { name = "r" .. nrule, type = TYPES[#phases],
            gazetteer = { pick(WORDS), pick(WORDS), { pick(WORDS), attrs = '{"k":1}' } } }
      end,
      function()
         if #phases < 3 and #phases[#phases].rules > 0 then
            phases[#phases + 1] = { rules = {}, control = pick(CONTROLS) }
         end
      end,
   }
   while true do
      local b = next_byte()
      if b == nil then break end
      pcall(ops[b % #ops + 1])     -- a pattern the language refuses is skipped
   end
   if #phases[#phases].rules == 0 then
      if #stack > 0 then
         phases[#phases].rules[1] = { name = "last", type = "Z", pattern = stack[#stack] }
      else
         phases[#phases] = nil
      end
   end
   return { name = "fuzz", phases = phases }
end

local function run_dsl(data)
   local sep = data:find("\255", 2, true)
   local text = sep and data:sub(sep + 1) or TEXT
   local def = build_pack(reader(data, 2, (sep or #data + 1) - 1))
   if #def.phases == 0 then return end
   local ok, pack = pcall(rules.compile, def, { step_limit = 20000 })
   if not ok then return end
   local anns
   ok, anns = pcall(pack.run, pack, text)
   if ok then check_anns(anns, text) end
   -- the matcher's prefilters and guards (and choice points' tests) rule
   -- starts and ways out, never a match
   local toks = core.tokenize(text)
   for _, ph in ipairs(def.phases) do
      for _, r in ipairs(ph.rules) do
         if r.pattern then
            local ok1, fast = pcall(P.compile, r.pattern, { step_limit = 20000 })
            local ok2, slow = pcall(P.compile, r.pattern, { step_limit = 20000, prefilter = false, guards = false })
            if ok1 and ok2 then
               local okf, a = pcall(fast.run, fast, toks)
               local oks, b = pcall(slow.run, slow, toks)
               if okf and oks and #a ~= #b then fail("prefilters changed the matches of " .. tostring(r.pattern)) end
               if okf and oks then
                  for i = 1, #a do
                     if a[i].start ~= b[i].start or a[i].stop ~= b[i].stop then
                        fail("prefilters changed a match of " .. tostring(r.pattern))
                     end
                  end
               end
            end
         end
      end
   end
   toks:close()
end

-- mode 1 ------------------------------------------------------------------

local function run_raw(data)
   local next_byte = reader(data, 2, #data)
   local function byte() return next_byte() or 0 end
   local function small() return byte() % 16 - 4 end
   local desc = { classes = byte() % 4, step_limit = byte() >= 128 and 1000000 or 5000,
      sets = {}, regexes = {}, preds = {}, code = {}, rules = {} }
   for i = 1, byte() % 3 do desc.sets[i] = { WORDS[byte() % #WORDS + 1], WORDS[byte() % #WORDS + 1] } end
   if byte() % 2 == 1 then desc.regexes[1] = core.regex(REGEXES[byte() % #REGEXES + 1]) end
   for i = 1, byte() % 8 + 1 do
      local pr = { op = byte() % 21 - 1, a = small(), b = small() }
      local s = byte()
      if s % 3 > 0 then pr.s = WORDS[s % #WORDS + 1] end
      if s % 5 == 0 then pr.kids = { small(), small() } end
      desc.preds[i] = pr
   end
   for _ = 1, byte() % 24 + 1 do
      local c = desc.code
      c[#c + 1] = byte() % 11 - 1
      for _ = 1, 4 do c[#c + 1] = small() end
   end
   for i = 1, byte() % 3 + 1 do
      local r = { name = "r" .. i, entry = small() + 3, ncaps = byte() % 4, scope = byte() % 5 - 1 }
      local k = byte()
      if k % 3 == 0 then r.first_keys = { WORDS[byte() % #WORDS + 1]:lower() } end
      if k % 5 == 0 then r.required_keys = { "said" } end
      if k % 7 == 0 then r.first_kinds, r.first_cases = byte(), byte() end
      desc.rules[i] = r
   end
   local ok, m = pcall(core.matcher, desc)
   if not ok then return end
   local toks = core.tokenize(TEXT)
   local anns = {}
   for i = 1, byte() % 6 do
      anns[4 * i - 3], anns[4 * i - 2], anns[4 * i - 1], anns[4 * i] = byte() % 4, byte() % 40, byte() % 42, i
   end
   pcall(m.run, m, toks)
   pcall(m.run, m, toks, anns)
   m:close()
   toks:close()
end

return function(data)
   if #data == 0 then return end
   if data:byte(1) & 1 == 0 then run_dsl(data) else run_raw(data) end
end
