-- Specs for declared rules: the annotations of rules without an action
-- (token patterns and regexes) are made in C; they must be exactly those
-- the Lua path makes, which an action returning true takes. Compared field
-- by field, attrs by key (quarry.json sorts them: the order pairs() gives
-- is Lua's own, seeded per process).
local rules = require "quarry.rules"
local P = require "quarry.pattern"
local json = require "quarry.json"

local support = require "tests.support"

local ARTICLES = "examples/articles/"

local function articles()
   local texts = {}
   for _, name in ipairs { "01-geneva-peace-talks.txt", "02-pittsburgh-council-budget.txt",
      "03-copper-mine-strike.txt" } do
      texts[#texts + 1] = support.read(ARTICLES .. name)
   end
   texts[#texts + 1] = 'He said "no" -- then left for talks in the Hague and in Paris. O\'Brien, 2024-05-01, '
      .. 'costs $5.2m (12%) at 10:30 am.'
   texts[#texts + 1] = ""
   return texts
end

-- Rules of every kind a declared rule may take: span captures, optional
-- captures, constants of every type, "$capture", "$match", and strings
-- that only look like references (a reference to a capture the rule lacks
-- is refused when the pack loads: tests/pack_errors_spec.lua).
local function rule_defs()
   local shared = { "a", "table" }
   local name = P.case("title") ^ 1
   return {
      { name = "said", type = "speech", pattern = P.cap("who", name) * P.word("said"),
         attrs = { speaker = "$who", verb = "said", n = 3, yes = true, list = shared, whole = "$match" } },
      { name = "said_opt", type = "speech", pattern = P.opt(P.cap("who", name)) * P.word("said")
         * P.opt(P.cap("what", P.kind("open_quote"))), attrs = { speaker = "$who", quote = "$what" } },
      { name = "place", type = "place", span = "where", priority = 2,
         pattern = P.set { "in", "at", "from", "to" } * P.cap("where", name),
         attrs = { whole = "$match", where = "$where", kind = "place" } },
      { name = "empty_span", type = "place", span = "none",
         pattern = P.word("in") * P.opt(P.cap("none", P.word("the"))) * P.case("title") },
      { name = "odd", type = "odd", pattern = P.kind("number") * P.opt(P.cap("unit", P.case("lower"))),
         attrs = { unit = "$unit", dollar = "$", dashed = "$a-b", price = "$5.00 a head" } },
      { name = "title", type = "person", span = "name", attrs = {},
         pattern = P.set { "Mr", "Mrs", "President", "Minister" } * P.opt(P.text(".")) * P.cap("name", name) },
      { name = "money", type = "money", regex = [[(?<cur>[$£€])(?<num>\d+(?:[.,]\d+)*)(?<unit>bn|m|k)?]],
         attrs = { currency = "$cur", amount = "$num", unit = "$unit", all = "$match", fixed = 1 } },
      { name = "year", type = "year", regex = [[\b(?:19|20)\d\d\b]] },
      { name = "quote", type = "quote", span = "body", regex = [["(?<body>[^"\n]{0,400})"]],
         attrs = { body = "$body", whole = "$match" } },
      { name = "dup", type = "dup", regex = [[(?J)(?<x>Mr)\.|(?<x>Ms)\b]], attrs = { who = "$x" } },
      { name = "ahead", type = "ahead", regex = [[said(?=(?<next>\s+\w+))]], attrs = { next = "$next" } },
   }
end

-- The same pack twice: as declared, and with every rule taking the Lua path.
local function packs(control)
   local function pack(lua_path)
      local list = {}
      for i, r in ipairs(rule_defs()) do
         if lua_path then r.action = function() return true end end
         list[i] = r
      end
      return rules.compile { name = "p", phases = { { name = "one", control = control, rules = list } } }
   end
   return pack(false), pack(true)
end

local function view(anns)
   local out = {}
   for i, a in ipairs(anns) do
      local attrs = a.attrs and next(a.attrs) and json.encode(a.attrs) or (a.attrs and "{}" or "nil")
      if a.attrs and a.attrs.list then attrs = attrs .. tostring(a.attrs.list == nil) end
      out[i] = table.concat({ a.type, a.start, a.stop, a.text, a.rule, a.phase, attrs }, "|")
   end
   return out
end

describe("declared rules", function()
   for _, control in ipairs { "all", "appelt", "first" } do
      it("make the annotations the Lua path makes (control " .. control .. ")", function()
         local fast, slow = packs(control)
         local total = 0
         for _, text in ipairs(articles()) do
            local a, b = fast:run(text), slow:run(text)
            assert.same(view(b), view(a))
            total = total + #a
         end
         assert.is_true(total > 50)
         -- every rule made some (where none is dropped), and the declared ones
         -- were made in C
         local by_rule = {}
         for _, text in ipairs(articles()) do
            for _, a in ipairs(fast:run(text)) do by_rule[a.rule] = (by_rule[a.rule] or 0) + 1 end
         end
         if control == "all" then
            for _, r in ipairs(rule_defs()) do assert.is_truthy(by_rule[r.name], r.name) end
         end
         local phase = fast.phases[1]
         assert.is_truthy(phase.regex_specs[phase.regex_rules[1]])
         local toks = require("quarry").tokenize(articles()[1])
         local declared = 0
         for _, item in ipairs(phase.matcher:run(toks)) do
            if item.phase then declared = declared + 1 end
         end
         assert.is_true(declared > 0)
      end)
   end

   it("are deferred by matcher:run(..., defer): made as the same tables when kept", function()
      local core = require "quarry.core"
      local fast = packs("appelt")
      local phase = fast.phases[1]
      local text = articles()[1]
      local toks = require("quarry").tokenize(text)
      local env = { text = text, annotations = {} }
      local made, mrules = phase.matcher:run(toks, nil, env)
      local nums, nrules, nstarts, deferred = phase.matcher:run(toks, nil, env, true)
      assert.equal(#made, #nums)
      assert.same(mrules, nrules)
      assert.equal("userdata", type(deferred))
      local crules, all = {}, {}
      for i, item in ipairs(nums) do
         assert.equal("integer", math.type(item))
         crules[i], all[i] = phase.token_rules[nrules[i]], i
      end
      -- every one kept: the tables made now are those the run made
      local want = core.append_kept({}, made, crules, all, text, "one")
      assert.same(view(want), view(core.append_kept({}, nums, crules, all, text, "one", deferred)))
      -- overlaps resolved on their spans alone: the same kept
      assert.same(core.resolve_overlaps(made, crules, nstarts, "appelt"),
         core.resolve_overlaps(nums, crules, nstarts, "appelt", deferred))
      support.raises(function() core.append_kept({}, { #nums + 1 }, crules, { 1 }, text, "one", deferred) end,
         "no deferred annotation")
      phase.matcher:close()
      support.raises(function() core.append_kept({}, nums, crules, all, text, "one", deferred) end, "closed")
   end)

   it("share constant tables as the Lua path does", function()
      local fast = packs("all")
      local seen
      for _, a in ipairs(fast:run("Minister Sergei Voronov said so.")) do
         if a.rule == "said" then
            assert.equal("table", a.attrs.list[2])
            if seen then assert.equal(seen, a.attrs.list) end
            seen = a.attrs.list
         end
      end
      assert.is_truthy(seen)
   end)

   it("report a regex that runs into its limit, naming the rule", function()
      local pack = rules.compile { phases = { { rules = {
         { name = "blowup", type = "x", regex = "^(a+)+$", regex_options = { match_limit = 1000 } } } } } }
      support.raises(function() pack:run(string.rep("a", 40) .. "b") end, "rule blowup", "regex failed")
   end)
end)
