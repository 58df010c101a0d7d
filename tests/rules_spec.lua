-- Specs for rule packs (lua/quarry/rules.lua) and quarry.extract: loading
-- by path and by name, phases and annotation units, actions, overlap
-- control, regex and gazetteer rules, inline examples, and the sandbox.
local quarry = require "quarry"
local rules = require "quarry.rules"
local P = require "quarry.pattern"
local lfs = require "lfs"

local support = require "tests.support"
local raises, put, tmpdir = support.raises, support.put, support.tmpdir

local PACKS = "tests/fixtures/packs/"


-- Writes dir/name, making the folders on the way.

-- A temporary folder with files: tmpdir { ["a/b.lua"] = "..." } -> path.


local function exists(path) return lfs.attributes(path) ~= nil end

-- Compact views of annotations: "type start-stop text".
local function brief(anns)
   local out = {}
   for i, a in ipairs(anns) do out[i] = string.format("%s %d-%d %s", a.type, a.start, a.stop, a.text) end
   return out
end

local function of_type(anns, t)
   local out = {}
   for _, a in ipairs(anns) do if a.type == t then out[#out + 1] = a end end
   return out
end

-- Runs a one-phase pack built from rules over text.
local function run1(control, rule_list, text)
   return rules.compile({ phases = { { control = control, rules = rule_list } } }):run(text)
end

local LEDE = "Foreign Minister Sergei Voronov said on Monday that talks in Geneva would resume."

teardown(support.cleanup)

describe("loading packs", function()
   it("loads a pack file by path and runs its phases", function()
      local pack = rules.load(PACKS .. "newsroom.lua")
      assert.equal("newsroom", pack.name)
      assert.equal(2, #pack.phases)
      assert.equal(4, #pack.rules)
      local text = "Foreign Minister Sergei Voronov said the talks in Geneva would resume."
      assert.same({
         "speech 17-36 Sergei Voronov said",
         "person 17-31 Sergei Voronov",
         "place 50-56 Geneva",
      }, brief(pack:run(text)))
   end)

   it("loads a folder pack (init.lua) whose files include siblings", function()
      local pack = rules.load(PACKS .. "folder_pack")
      assert.equal("folder_pack", pack.name)
      local anns = pack:run("Mayor Ana Ruiz visited Genève and Minister Sergei Voronov toured Lisboa.")
      assert.same({
         "visit 6-30 Ana Ruiz visited Genève",
         "person 6-14 Ana Ruiz",
         "city 23-30 Genève",
         "visit 44-72 Sergei Voronov toured Lisboa",
         "person 44-58 Sergei Voronov",
         "city 66-72 Lisboa",
      }, brief(anns))
      assert.same({ who = "Ana Ruiz", city = "Geneva" }, anns[1].attrs)
      assert.same({ name = "Lisbon", category = "city" }, anns[6].attrs)
      local where = {}
      for _, r in ipairs(pack:list()) do where[r.name] = r.where end
      assert.equal(PACKS .. "folder_pack/people.lua:3", where.person)
      assert.equal(PACKS .. "folder_pack/init.lua:10", where.visit)
   end)

   it("records where a rule is written when an included file returns `rule {...}` directly", function()
      -- Guards a fixed bug: `return rule {...}` is a tail call, so rule()
      -- read the file:line of the include call in init.lua instead of
      -- places.lua:4.
      local pack = rules.load(PACKS .. "folder_pack")
      local where = {}
      for _, r in ipairs(pack:list()) do where[r.name] = r.where end
      assert.equal(PACKS .. "folder_pack/places.lua:4", where.city)
   end)

   it("loads a folder pack given with a trailing slash", function()
      -- Guards a fixed bug: a pack without a name is named after the last
      -- path component, which was taken as empty here: "attempt to index a
      -- nil value".
      local dir = tmpdir { ["unnamed/init.lua"] = [[
return { phases = { { rules = { rule { name = "geo", type = "place", pattern = P.word "Geneva" } } } } }
]] }
      local ok, pack = pcall(rules.load, dir .. "/unnamed/")
      assert.is_true(ok, tostring(pack))
      assert.equal("unnamed", pack.name)
      assert.equal("unnamed", rules.load(dir .. "/unnamed").name)
   end)

   it("reads a data file as rows of tab-separated fields (read_list)", function()
      local dir = tmpdir {
         ["lists/init.lua"] = [[
local rows = read_list("data/w.tsv")
local function run()
   local out = {}
   for _, r in ipairs(rows) do
      out[#out + 1] = { type = "row", start = 0, stop = 0,
         attrs = { line = r.line, n = #r, fields = table.concat(r, "|") } }
   end
   return out
end
return { phases = { { name = "rows", run = run } } }
]],
         ["lists/data/w.tsv"] = "# a comment\nalpha\nbeta\tB\t\r\n\n\tlead\ngamma\r\r\nlast",
      }
      local got = {}
      for _, a in ipairs(rules.load(dir .. "/lists"):run("x")) do
         got[#got + 1] = a.attrs.line .. ":" .. a.attrs.n .. ":" .. a.attrs.fields
      end
      -- empty fields kept, one CR of a line's end dropped, # and blank lines skipped
      assert.same({ "2:1:alpha", "3:3:beta|B|", "5:2:|lead", "6:1:gamma\r", "7:1:last" }, got)
   end)

   it("finds a pack by name as quarry.rules.<name> on package.path (file and folder)", function()
      local dir = tmpdir {
         ["quarry/rules/mypack.lua"] = [[
return { phases = { { rules = {
   rule { name = "day", type = "date", pattern = P.set { "Monday", "Tuesday" } },
} } } }
]],
         ["quarry/rules/myfolder/init.lua"] = [[
return { name = "myfolder", phases = { { rules = { include "geo" } } } }
]],
         ["quarry/rules/myfolder/geo.lua"] = [[
local r = rule { name = "geo", type = "place", pattern = P.word "Geneva" }
return r
]],
      }
      local saved = package.path
      package.path = dir .. "/?.lua;" .. dir .. "/?/init.lua;" .. saved
      local ok, err = pcall(function()
         local pack = rules.load("mypack")
         assert.equal("mypack", pack.name)
         assert.same({ "date 40-46 Monday" }, brief(pack:run(LEDE)))
         local folder = rules.load("myfolder")
         assert.same({ "place 61-67 Geneva" }, brief(folder:run(LEDE)))
         assert.equal(dir .. "/quarry/rules/myfolder/geo.lua:1", folder:list()[1].where)
         -- quarry.extract takes the name too
         assert.same({ "date 40-46 Monday" }, brief(quarry.extract(LEDE, "mypack")))
      end)
      package.path = saved
      assert(ok, err)
   end)

   it("says where it looked for a pack it cannot find", function()
      raises(function() rules.load("no_such_pack_anywhere") end,
         "no rule pack 'no_such_pack_anywhere': no file or folder of that name here, "
            .. "and no quarry.rules.no_such_pack_anywhere installed")
   end)

   it("refuses malformed pack definitions, naming the rule", function()
      raises(function() rules.compile { phases = {} } end, "non-empty 'phases' list")
      raises(function() rules.compile { phases = { { control = "longest", rules = {} } } } end,
         "control must be appelt, first or all")
      raises(function() rules.compile { phases = { { rules = { { name = "r", pattern = P.any } } } } } end,
         "rule r: needs a type or an action")
      raises(function()
         rules.compile { phases = { { rules = { { name = "r", type = "t", pattern = P.any, regex = "x" } } } } }
      end, "rule r: needs exactly one of pattern, regex or gazetteer")
      raises(function()
         rules.compile { phases = { { rules = {
            { name = "r", type = "t", pattern = P.any }, { name = "r", type = "u", pattern = P.any } } } } }
      end, "rule r: a rule of that name already exists")
      raises(function()
         rules.compile { phases = { { rules = { { name = "r", type = "t", pattern = P.any, action = 3 } } } } }
      end, "rule r: action must be a function")
   end)

   it("reports an unbounded lookbehind with the pack file:line and the rule", function()
      local err = raises(function() rules.load(PACKS .. "broken_lookbehind.lua") end,
         PACKS .. "broken_lookbehind.lua:7", "rule after_title", "lookbehind needs a pattern of bounded length")
      assert.is_string(err)
   end)

   it("keeps quarry's own source locations out of pattern errors", function()
      -- Guards a fixed bug: pattern.lua's fail(msg, 0) raised at level 1, so
      -- the message carried "lua/quarry/pattern.lua:72: rule after_title: "
      -- between the pack location and the problem.
      local ok, err = pcall(rules.load, PACKS .. "broken_lookbehind.lua")
      assert.is_false(ok)
      assert.is_nil(tostring(err):find("quarry/pattern.lua", 1, true), tostring(err))
   end)

   it("reports a malformed regex with file:line and the rule", function()
      local dir = tmpdir { ["badre.lua"] = [[
return { phases = { { rules = {
   rule { name = "ok", type = "t", pattern = P.word "x" },
   rule { name = "unclosed", type = "t", regex = "(Geneva" },
} } } }
]] }
      raises(function() rules.load(dir .. "/badre.lua") end, dir .. "/badre.lua:3", "rule unclosed",
         "missing closing parenthesis")
   end)
end)

describe("phases and annotation units", function()
   local two_phase = {
      phases = {
         { name = "people", rules = {
            { name = "titled", type = "person", span = "name",
               pattern = P.cap("title", P.set { "minister", "mayor" }) * P.cap("name", P.case "title" ^ 1),
               attrs = { title = "$title", role = "official" } },
         } },
         { name = "speech", control = "all", rules = {
            { name = "said", type = "speech", pattern = P.cap("who", P.ann "person") * P.set { "said", "told" },
               attrs = { speaker = "$who", title = "$who.title", role = "$who.role", missing = "$who.nope" } },
            { name = "inside", type = "in", pattern = P.within "person" ^ 1 },
            { name = "first_tok", type = "st", pattern = P.starts "person" },
            { name = "last_tok", type = "en", pattern = P.ends "person" },
            { name = "mayors", type = "mayor", pattern = P.ann("person", { title = "Mayor" }) },
            { name = "not_person", type = "np", pattern = -P.within "person" * P.within "person" },
         } },
      },
   }

   it("an annotation of an earlier phase is one unit; $capture.attr reads its attrs", function()
      local pack = rules.compile(two_phase)
      local anns = pack:run(LEDE)
      local speech = of_type(anns, "speech")
      assert.equal(1, #speech)
      assert.equal("Sergei Voronov said", speech[1].text)
      assert.same({ 17, 36 }, { speech[1].start, speech[1].stop })
      assert.equal("said", speech[1].rule)
      assert.equal("speech", speech[1].phase)
      assert.same({ speaker = "Sergei Voronov", title = "Minister", role = "official" }, speech[1].attrs)
   end)

   it("P.within, P.starts, P.ends and P.ann with attrs", function()
      local text = "Mayor Ana Ruiz told Minister Sergei Voronov nothing."
      local anns = rules.compile(two_phase):run(text)
      assert.same({ "in 6-14 Ana Ruiz", "in 10-14 Ruiz", "in 29-43 Sergei Voronov", "in 36-43 Voronov" },
         brief(of_type(anns, "in")))
      assert.same({ "st 6-9 Ana", "st 29-35 Sergei" }, brief(of_type(anns, "st")))
      assert.same({ "en 10-14 Ruiz", "en 36-43 Voronov" }, brief(of_type(anns, "en")))
      assert.same({ "mayor 6-14 Ana Ruiz" }, brief(of_type(anns, "mayor")))
      assert.same({ "np 0-9 Mayor Ana", "np 20-35 Minister Sergei" }, brief(of_type(anns, "np")))
   end)

   it("a phase does not see its own annotations, a later one sees every earlier phase", function()
      local pack = rules.compile {
         phases = {
            { name = "one", rules = {
               { name = "city", type = "city", pattern = P.word "Geneva" },
               { name = "same_phase", type = "x", pattern = P.ann "city" },
            } },
            { name = "two", rules = { { name = "in_city", type = "loc", pattern = P.word "in" * P.ann "city" } } },
            { name = "three", control = "all", rules = {
               { name = "both", type = "both", pattern = P.ann "loc" },
               { name = "old", type = "old", pattern = P.within "city" },
            } },
         },
      }
      assert.same({ "both 58-67 in Geneva", "loc 58-67 in Geneva", "city 61-67 Geneva", "old 61-67 Geneva" },
         brief(pack:run(LEDE)))
   end)

   it("takes the longest annotation unit first and backtracks to shorter ones", function()
      local pack = rules.compile {
         phases = {
            { name = "orgs", control = "all", rules = {
               { name = "long", type = "org", pattern = P.word "Geneva" * "talks" * "team" },
               { name = "short", type = "org", pattern = P.word "Geneva" * "talks" },
            } },
            { name = "use", control = "all", rules = {
               { name = "team_met", type = "met", pattern = P.cap("o", P.ann "org") * "team" * "met",
                  action = function(m)
                     return { start = m.start, stop = m.stop, attrs = { org = m.caps.o.text, unit = m.units[1].rule } }
                  end },
               { name = "org_met", type = "met2", pattern = P.cap("o", P.ann "org") * "met",
                  action = function(m)
                     return { start = m.start, stop = m.stop, attrs = { org = m.caps.o.text, unit = m.units[1].rule } }
                  end },
            } },
         },
      }
      local anns = pack:run("The Geneva talks team met again.")
      local met = of_type(anns, "met")
      assert.equal(1, #met)
      assert.equal("Geneva talks team met", met[1].text)
      assert.same({ org = "Geneva talks", unit = "short" }, met[1].attrs)
      local met2 = of_type(anns, "met2")
      assert.equal(1, #met2)
      assert.same({ org = "Geneva talks team", unit = "long" }, met2[1].attrs)
   end)
end)

describe("what a rule emits", function()
   it("declared annotations: type, span, attrs constants, $capture, $match and functions", function()
      local anns = run1("appelt", {
         { name = "titled", type = "person", span = "name",
            pattern = P.cap("title", P.word "minister") * P.cap("name", P.case "title" ^ 1),
            attrs = { title = "$title", name = "$name", whole = "$match", source = "lede",
               n = function(m) return #m:text() .. "/" .. m:text "name" end, count = 3 } },
      }, LEDE)
      assert.equal(1, #anns)
      local a = anns[1]
      assert.same({ "person", 17, 31, "Sergei Voronov", "titled" }, { a.type, a.start, a.stop, a.text, a.rule })
      assert.same({ title = "Minister", name = "Sergei Voronov", whole = "Minister Sergei Voronov",
         source = "lede", n = "23/Sergei Voronov", count = 3 }, a.attrs)
   end)

   it("emits nothing when the span's capture took no token", function()
      local anns = run1("all", {
         { name = "r", type = "honorific", span = "h", pattern = P.cap("h", P.opt(P.text "Mr.")) * P.case "title" },
      }, "Mr. Voronov met Ivanov")
      assert.same({ "honorific 0-3 Mr." }, brief(anns))
   end)

   it("an action gets the match and returns annotations", function()
      local seen
      local anns = run1("appelt", {
         { name = "act", type = "person",
            pattern = P.cap("title", P.word "minister") * P.cap("name", P.case "title" ^ 1) * "said",
            action = function(m)
               seen = { rule = m.rule, start = m.start, stop = m.stop, first = m.first, last = m.last, text = m:text(),
                  name = { m.caps.name.text, m.caps.name.start, m.caps.name.stop, m.caps.name.first, m.caps.name.last },
                  ntok = #m.tokens, doc = m.doc.text == LEDE }
               return {
                  { start = m.caps.name.start, stop = m.caps.name.stop, attrs = { title = m:text "title" } },
                  { type = "title", start = m.caps.title.start, stop = m.caps.title.stop },
               }
            end },
      }, LEDE)
      assert.same({ rule = "act", start = 8, stop = 36, first = 2, last = 5, text = "Minister Sergei Voronov said",
         name = { "Sergei Voronov", 17, 31, 3, 4 }, ntok = 14, doc = true }, seen)
      assert.same({ "title 8-16 Minister", "person 17-31 Sergei Voronov" }, brief(anns))
      assert.same({ title = "Minister" }, anns[2].attrs)
      assert.equal("act", anns[1].rule)
   end)

   it("an action returning true emits the declared annotation; nil or false vetoes", function()
      local anns = run1("all", {
         { name = "keep", type = "day", pattern = P.word "Monday", action = function() return true end },
         { name = "veto_nil", type = "place", pattern = P.word "Geneva", action = function() end },
         { name = "veto_false", type = "org", pattern = P.word "talks", action = function() return false end },
         { name = "some", type = "cap", pattern = P.case "title",
            action = function(m) return m:text():sub(1, 1) == "S" end },
      }, LEDE)
      assert.same({ "cap 17-23 Sergei", "day 40-46 Monday" }, brief(anns))
   end)

   it("an action returning something else is an error naming the rule", function()
      raises(function()
         run1("all", { { name = "odd", type = "x", pattern = P.word "Monday", action = function() return 42 end } },
            LEDE)
      end, "rule odd", "an action returns annotations, true, or nil/false to veto")
      raises(function()
         run1("all", {
            { name = "nopos", type = "x", pattern = P.word "Monday", action = function() return { {} } end },
         }, LEDE)
      end, "rule nopos", "numeric start and stop")
   end)

   it("an error inside an action names the rule and its file:line", function()
      local pack = rules.load(PACKS .. "action_error.lua")
      raises(function() pack:run("Talks in Geneva.") end, PACKS .. "action_error.lua:7", "rule fragile",
         "action failed", PACKS .. "action_error.lua:8")
   end)
end)

describe("overlap control", function()
   local T = "Foreign Minister Sergei Voronov said on Monday."

   it("appelt: priority wins first", function()
      local anns = run1("appelt", {
         { name = "long", type = "long", pattern = P.word "Minister" * "Sergei" * "Voronov" },
         { name = "short", type = "short", pattern = P.word "Sergei", priority = 2 },
      }, T)
      assert.same({ "short 17-23 Sergei" }, brief(anns))
   end)

   it("appelt: then the longer span, whatever the order of the rules", function()
      local rs = {
         { name = "one", type = "a", pattern = P.word "Sergei" },
         { name = "two", type = "b", pattern = P.word "Sergei" * "Voronov" },
         { name = "three", type = "c", pattern = P.word "Voronov" * "said" * "on" },
      }
      -- "Voronov said on" (15 bytes) beats "Sergei Voronov" (14), which then
      -- overlaps it; "Sergei" alone does not overlap and stays
      assert.same({ "a 17-23 Sergei", "c 24-39 Voronov said on" }, brief(run1("appelt", rs, T)))
      rs[3] = nil
      assert.same({ "b 17-31 Sergei Voronov" }, brief(run1("appelt", rs, T)))
   end)

   it("appelt: then the earlier start", function()
      -- equal priority and length, declared in the opposite order
      local anns = run1("appelt", {
         { name = "later", type = "later", pattern = P.word "def" * "ghi" },
         { name = "earlier", type = "earlier", pattern = P.word "abc" * "def" },
      }, "abc def ghi")
      assert.same({ "earlier 0-7 abc def" }, brief(anns))
      -- one rule overlapping itself
      assert.same({ "bi 0-7 abc def", "bi 8-15 ghi jkl" },
         brief(run1("appelt", { { name = "bi", type = "bi", pattern = P.any * P.any } }, "abc def ghi jkl")))
   end)

   it("appelt: then the rule declared first", function()
      local a = run1("appelt", {
         { name = "x1", type = "x1", pattern = P.word "def" },
         { name = "x2", type = "x2", pattern = P.word "def" },
      }, "abc def ghi")
      assert.same({ "x1 4-7 def" }, brief(a))
      local b = run1(nil, {
         { name = "x2", type = "x2", pattern = P.word "def" },
         { name = "x1", type = "x1", pattern = P.word "def" },
      }, "abc def ghi")
      assert.same({ "x2 4-7 def" }, brief(b))
   end)

   it("first: left to right, the first declared rule at each place, then on after its end", function()
      local rs = {
         { name = "one", type = "a", pattern = P.word "Sergei" },
         { name = "two", type = "b", pattern = P.word "Sergei" * "Voronov" },
         { name = "three", type = "c", pattern = P.word "Voronov" * "said" },
         { name = "four", type = "d", pattern = P.word "Minister" * "Sergei" },
      }
      assert.same({ "d 8-23 Minister Sergei", "c 24-36 Voronov said" }, brief(run1("first", rs, T)))
      table.remove(rs, 4)
      -- "Sergei" (declared first) wins at its token although shorter; after it, "Voronov said"
      assert.same({ "a 17-23 Sergei", "c 24-36 Voronov said" }, brief(run1("first", rs, T)))
      -- appelt on the same rules keeps the longest instead
      assert.same({ "b 17-31 Sergei Voronov" }, brief(run1("appelt", rs, T)))
   end)

   it("first: goes by where a match starts, not where its span capture starts", function()
      -- Guards a fixed bug: resolve() sorted "first" candidates by the
      -- annotation's start (here the capture "Sergei Voronov"), so the second
      -- rule, whose match starts at the same token "Minister", won.
      local anns = run1("first", {
         { name = "named", type = "person", span = "n", pattern = P.word "minister" * P.cap("n", P.case "title" ^ 1) },
         { name = "pair", type = "pair", pattern = P.word "minister" * "sergei" },
      }, T)
      assert.same({ "person 17-31 Sergei Voronov" }, brief(anns))
   end)

   it("all: every match is kept", function()
      local rs = {
         { name = "one", type = "a", pattern = P.word "Sergei" },
         { name = "two", type = "b", pattern = P.word "Sergei" * "Voronov" },
         { name = "three", type = "c", pattern = P.word "Voronov" * "said" },
      }
      assert.same({ "b 17-31 Sergei Voronov", "a 17-23 Sergei", "c 24-36 Voronov said" }, brief(run1("all", rs, T)))
      -- every start token's match of one rule
      assert.same({ "t 0-31 Foreign Minister Sergei Voronov", "t 8-31 Minister Sergei Voronov",
         "t 17-31 Sergei Voronov", "t 24-31 Voronov", "t 40-46 Monday" },
         brief(run1("all", { { name = "caps", type = "t", pattern = P.case "title" ^ 1 } }, T)))
   end)

   it("resolves each phase on its own", function()
      local pack = rules.compile {
         phases = {
            { control = "appelt", rules = {
               { name = "one", type = "a", pattern = P.word "Sergei" },
               { name = "two", type = "b", pattern = P.word "Sergei" * "Voronov" },
            } },
            { control = "appelt", rules = { { name = "three", type = "c", pattern = P.word "Voronov" * "said" } } },
         },
      }
      assert.same({ "b 17-31 Sergei Voronov", "c 24-36 Voronov said" }, brief(pack:run(T)))
   end)
end)

describe("regex rules", function()
   it("run PCRE2 over the text; named groups become captures", function()
      local text = "Zoë said: “We are close to a deal,” in Genève."
      local anns = run1("all", {
         { name = "quote", type = "quote", span = "content", regex = "“(?<content>[^”]+)”",
            attrs = { content = "$content", whole = "$match" } },
      }, text)
      assert.equal(1, #anns)
      local a = anns[1]
      assert.same({ 14, 37, "We are close to a deal,", "quote" }, { a.start, a.stop, a.text, a.rule })
      assert.equal(a.text, text:sub(a.start + 1, a.stop))
      assert.same({ content = "We are close to a deal,", whole = "“We are close to a deal,”" }, a.attrs)
   end)

   it("widen a match inside or across tokens to whole tokens", function()
      local text = "Sergei Lavrov and Lavrova met."
      assert.same({ "t 7-13 Lavrov", "t 18-25 Lavrova" },
         brief(run1("all", { { name = "r", type = "t", regex = "avro" } }, text)))
      assert.same({ "t 7-17 Lavrov and" }, brief(run1("all", { { name = "r", type = "t", regex = "rov a" } }, text)))
      -- a match that touches no token is dropped
      assert.same({}, brief(run1("all", { { name = "r", type = "t", regex = "  +" } }, "two  spaces")))
      -- options
      assert.same({ "t 0-6 Sergei" },
         brief(run1("all", {
            { name = "r", type = "t", regex = "^sergei", regex_options = { caseless = true } },
         }, text)))
   end)

   it("sees the whole text for lookbehind and byte offsets after multi-byte text", function()
      local text = "Łódź: Mr. Voronov and Mr. Ivanov"
      -- "Łódź" is 7 bytes
      assert.same({ "t 13-20 Voronov", "t 29-35 Ivanov" },
         brief(run1("all", { { name = "r", type = "t", regex = "(?<=Mr\\. )\\p{Lu}\\w+" } }, text)))
   end)

   it("leaves out a named group that did not take part in the match", function()
      local ok, anns = pcall(run1, "all", {
         { name = "either", type = "t", regex = "(?<a>Lav\\w+)|(?<b>Ser\\w+)", attrs = { a = "$a", b = "$b" } },
      }, "Sergei Lavrov")
      assert.is_true(ok, tostring(anns))
      assert.same({ "t 0-6 Sergei", "t 7-13 Lavrov" }, brief(anns))
      assert.same({ b = "Sergei" }, anns[1].attrs)
      assert.same({ a = "Lavrov" }, anns[2].attrs)
   end)

   it("a catastrophic regex fails with an error naming the rule", function()
      -- Guards a fixed bug: re:find returns nil, message, and
      -- run_regex_rules looked for the message in the third value: the rule
      -- silently found nothing.
      local pack = rules.compile { phases = { { rules = {
         { name = "catastrophic", type = "t", regex = "(a+)+$" },
      } } } }
      local ok, err = pcall(pack.run, pack, string.rep("a", 40) .. "b")
      assert.is_false(ok, "the rule should fail, not find nothing")
      assert.matches("rule catastrophic", tostring(err), 1, true)
   end)
end)

describe("gazetteer rules", function()
   local entries = {
      { names = { "Sergei Voronov", "Voronov" }, canonical = "Sergei Voronov", type = "person" },
      { names = { "Geneva", "Genève" }, canonical = "Geneva", type = "city" },
   }

   it("emit annotations with attrs.name = the canonical name (a gazetteer object)", function()
      local g = quarry.gazetteer.load(entries)
      local anns = run1("appelt", { { name = "gaz", type = "entity", gazetteer = g } },
         "Voronov flew to Genève; Sergei Voronov stayed in Geneva.")
      assert.same({ "entity 0-7 Voronov", "entity 16-23 Genève", "entity 25-39 Sergei Voronov",
         "entity 50-56 Geneva" }, brief(anns))
      assert.same({ name = "Sergei Voronov", category = "person" }, anns[1].attrs)
      assert.same({ name = "Geneva", category = "city" }, anns[2].attrs)
      assert.equal("gaz", anns[1].rule)
   end)

   it("load a path with gazetteer_options", function()
      local anns = run1("appelt", {
         { name = "cities", type = "city", gazetteer = PACKS .. "folder_pack/cities.tsv" },
      }, "From Lisboa to Geneva.")
      assert.same({ "city 5-11 Lisboa", "city 15-21 Geneva" }, brief(anns))
      assert.same({ name = "Lisbon", category = "city" }, anns[1].attrs)
      anns = run1("appelt", {
         { name = "bare", type = "city", gazetteer = { "Geneve" }, gazetteer_options = { fold = "bare" } },
      }, "In Genève.")
      assert.same({ "city 3-10 Genève" }, brief(anns))
   end)

   it("keep every overlapping phrase under control all", function()
      local g = quarry.gazetteer.load(entries)
      local anns = run1("all", { { name = "gaz", type = "entity", gazetteer = g } }, "Sergei Voronov left.")
      assert.same({ "entity 0-14 Sergei Voronov", "entity 7-14 Voronov" }, brief(anns))
   end)

   it("with an action, give it the entry", function()
      local g = quarry.gazetteer.load(entries)
      local anns = run1("appelt", { { name = "gaz", type = "entity", gazetteer = g,
         action = function(m) return { start = m.start, stop = m.stop, attrs = { who = m.entry.canonical } } end } },
         "Voronov left.")
      assert.same({ "entity 0-7 Voronov" }, brief(anns))
      assert.same({ who = "Sergei Voronov" }, anns[1].attrs)
   end)

   it("a pack's relative gazetteer path is relative to the pack", function()
      -- Guards a fixed bug: `gazetteer = "cities.tsv"` in a rule was opened
      -- from the current directory; load() returned nil, message, which
      -- compile() kept as the gazetteer, and run() failed with "attempt to
      -- index a nil value (field 'compiled')".
      local ok, anns = pcall(function() return rules.load(PACKS .. "gaz_field"):run("Talks in Geneva.") end)
      assert.is_true(ok, tostring(anns))
      assert.same({ "city 9-15 Geneva" }, brief(anns))
   end)

   it("a gazetteer file that cannot be read is an error naming the rule when the pack loads", function()
      -- Guards a fixed bug: compile() accepted it; the failure only came at
      -- run time and named neither the rule nor the file.
      local ok, err = pcall(rules.compile, { phases = { { rules = {
         { name = "lost", type = "city", gazetteer = "/no/such/cities.tsv" } } } } })
      assert.is_false(ok, "compile should refuse the rule")
      assert.matches("rule lost", tostring(err), 1, true)
   end)
end)

describe("quarry.extract", function()
   it("returns annotations sorted by start with type, start, stop, text, rule, attrs", function()
      local text = "Zoë Żak reports: President Ilse Marek said the vote in Lisbon would go ahead."
      local anns = quarry.extract(text, PACKS .. "newsroom.lua")
      assert.same({
         "speech 29-44 Ilse Marek said",
         "person 29-39 Ilse Marek",
         "place 57-63 Lisbon",
      }, brief(anns))
      for i, a in ipairs(anns) do
         assert.equal(a.text, text:sub(a.start + 1, a.stop))
         if i > 1 then assert.is_true(anns[i - 1].start <= a.start) end
      end
      assert.same({ type = "person", start = 29, stop = 39, text = "Ilse Marek", rule = "title_name",
         attrs = { title = "President" }, phase = "people" }, anns[2])
      assert.same({ speaker = "Ilse Marek", title = "President" }, anns[1].attrs)
   end)

   it("takes a document table and a loaded pack; the date reaches actions", function()
      local pack = rules.load(PACKS .. "dated.lua")
      local anns = quarry.extract({ id = "d", text = "The vote is on Friday.", date = "2024-05-02" }, pack)
      assert.same({ "event 4-8 vote" }, brief(anns))
      assert.same({ date = "2024-05-02" }, anns[1].attrs)
      assert.same({ date = "none" }, quarry.extract("A vote.", pack)[1].attrs)
      raises(function() quarry.extract("x", 42) end, "expected a rule pack")
   end)

   it("gives attrs functions the same match as actions: doc, tokens, rule, first, last", function()
      local seen
      local pack = rules.compile { phases = { { rules = {
         { name = "vote", type = "event", pattern = P.word "vote",
            attrs = { date = function(m)
               seen = { rule = m.rule, first = m.first, last = m.last, ntok = m.tokens and #m.tokens,
                  text = m:text() }
               return m.doc.date
            end } },
      } } } }
      local ok, anns = pcall(quarry.extract, { text = "The vote is on Friday.", date = "2024-05-02" }, pack)
      assert.is_true(ok, tostring(anns))
      assert.same({ date = "2024-05-02" }, anns[1].attrs)
      assert.same({ rule = "vote", first = 2, last = 2, ntok = 6, text = "vote" }, seen)
   end)
end)

describe("inline examples", function()
   it("pack:test runs them", function()
      local passed, failed, failures = rules.load(PACKS .. "newsroom.lua"):test()
      assert.same({ 3, 0, {} }, { passed, failed, failures })
   end)

   it("reports a failing example with the rule and where it is written", function()
      local passed, failed, failures = rules.load(PACKS .. "failing_example.lua"):test()
      assert.equal(1, passed)
      assert.equal(1, failed)
      assert.equal("weekday", failures[1].rule)
      assert.equal(PACKS .. "failing_example.lua:8", failures[1].where)
      assert.equal("The vote is on Friday.", failures[1].text)
      assert.same({ type = "date", text = "Friday" }, failures[1].missing)
   end)

   it("checks attrs and rejects", function()
      local pack = rules.compile { phases = { { rules = {
         { name = "t", type = "person", span = "n", pattern = P.word "mayor" * P.cap("n", P.case "title" ^ 1),
            attrs = { role = "mayor" },
            examples = {
               { text = "Mayor Ana Ruiz spoke.",
                 expect = { { type = "person", text = "Ana Ruiz", attrs = { role = "mayor" } } } },
               { text = "Mayor Ana Ruiz spoke.", expect = { { text = "Ana Ruiz", attrs = { role = "minister" } } } },
               { text = "The mayor spoke.", reject = { { type = "person" } } },
               { text = "Mayor Ana spoke.", reject = { { text = "Ana" } } },
            } },
      } } } }
      local passed, failed, failures = pack:test()
      assert.same({ 2, 2 }, { passed, failed })
      assert.same({ text = "Ana Ruiz", attrs = { role = "minister" } }, failures[1].missing)
      assert.same({ unexpected = { text = "Ana" } }, failures[2].missing)
   end)
end)

describe("the sandbox", function()
   it("refuses os at load time unless trusted", function()
      local dir = tmpdir {}
      local marker = dir .. "/ran"
      local path = put(dir, "osload.lua", ([[
os.execute("touch %s")
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x" } } } } }
]]):format(marker))
      raises(function() rules.load(path) end, path .. ":1", "global 'os'")
      assert.is_false(exists(marker))
      local pack = rules.load(path, { trusted = true })
      assert.is_true(exists(marker))
      assert.same({ "t 0-1 x" }, brief(pack:run("x")))
   end)

   it("refuses io and os inside an action at run time unless trusted", function()
      local dir = tmpdir {}
      local marker = dir .. "/written"
      local path = put(dir, "ioaction.lua", ([[
return { phases = { { rules = {
   rule { name = "writer", type = "t", pattern = P.word "x",
      action = function(m)
         local out = io.open("%s", "w")
         out:write("x")
         out:close()
         return true
      end },
} } } }
]]):format(marker))
      local pack = rules.load(path)
      raises(function() pack:run("x") end, path .. ":3", "rule writer", "action failed", "global 'io'")
      assert.is_false(exists(marker))
      assert.same({ "t 0-1 x" }, brief(rules.load(path, { trusted = true }):run("x")))
      assert.is_true(exists(marker))
      local exec = tmpdir { ["exec.lua"] = [[
return { phases = { { rules = {
   rule { name = "shell", type = "t", pattern = P.word "x", action = function() os.execute("true"); return true end },
} } } }
]] }
      raises(function() rules.load(exec .. "/exec.lua"):run("x") end, "rule shell", "global 'os'")
      assert.same({ "t 0-1 x" }, brief(rules.load(exec .. "/exec.lua", { trusted = true }):run("x")))
   end)

   it("refuses require of os, io and debug; allows quarry's rule modules", function()
      local body = 'return { phases = { { rules = { { name = "r", type = "t", pattern = P.word "x" } } } } }\n'
      local dir = tmpdir {
         ["reqos.lua"] = 'local os = require "os"\n' .. body,
         ["reqio.lua"] = 'local io = require "io"\n' .. body,
         ["reqdebug.lua"] = 'local d = require "debug"\n' .. body,
         ["reqok.lua"] = [[
local PP = require "quarry.pattern"
local cj = require "cjson"
return { phases = { { rules = {
   { name = "r", type = "t", pattern = PP.word "x", attrs = { j = cj.encode { 1 } } },
} } } }
]],
         ["globals.lua"] = [[
local g = tostring(os) .. tostring(io) .. tostring(debug) .. tostring(load) .. tostring(loadfile)
   .. tostring(dofile) .. tostring(string.dump)
return { phases = { { rules = { { name = "r", type = "t", pattern = P.word "x", attrs = { g = g } } } } } }
]],
      }
      raises(function() rules.load(dir .. "/reqos.lua") end, "module 'os' is not available to an untrusted rule pack")
      raises(function() rules.load(dir .. "/reqio.lua") end, "module 'io' is not available")
      raises(function() rules.load(dir .. "/reqdebug.lua") end, "module 'debug' is not available")
      assert.same({ j = "[1]" }, rules.load(dir .. "/reqok.lua"):run("x")[1].attrs)
      assert.same({ g = "nilnilnilnilnilnilnil" }, rules.load(dir .. "/globals.lua"):run("x")[1].attrs)
      assert.equal("table", type(rules.load(dir .. "/reqos.lua", { trusted = true })))
   end)

   it("does not run a pack's helper module outside the sandbox through require 'quarry.rules.*'", function()
      -- Guards a fixed hole: the sandbox's require let through any
      -- quarry.rules.* module and loaded it with the real require, in the
      -- global environment: a pack installed by name ran its own helper
      -- file with os and io.
      local dir = tmpdir {}
      local marker = dir .. "/escaped"
      put(dir, "quarry/rules/sneaky/init.lua", [[
local helper = require "quarry.rules.sneaky.helper"
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x" } } } } }
]])
      put(dir, "quarry/rules/sneaky/helper.lua", ([[
local f = io.open("%s", "w")
f:write("out")
f:close()
return true
]]):format(marker))
      local saved = package.path
      package.path = dir .. "/?.lua;" .. dir .. "/?/init.lua;" .. saved
      pcall(rules.load, "sneaky")
      package.path = saved
      package.loaded["quarry.rules.sneaky.helper"] = nil
      assert.is_false(exists(marker), "the helper ran with io")
   end)

   it("matches with the gazetteer behind an untrusted pack's view, or with the match the pack put there", function()
      -- the engine calls the gazetteer behind a view box:gazetteer made
      -- itself, with options the pack never sees; a match function the
      -- pack puts in the view (here from its second phase, for the next
      -- documents) is still the one called
      local dir = tmpdir {
         ["places.txt"] = "Lisbon\nGeneva\n",
         ["pack.lua"] = [[
local g = gazetteer("places.txt", { format = "lines" })
local function mine(_, _, opts)
   return { { type = opts.annotate, start = 0, stop = 2, rule = opts.rule, phase = opts.phase, text = "Or" } }
end
return { phases = {
   { name = "places", rules = { rule { name = "place", type = "location", gazetteer = g } } },
   { name = "swap", run = function(ctx) if ctx.text:find("swap") then g.match = mine end end },
} }
]] }
      local pack = rules.load(dir .. "/pack.lua")
      local function found(text)
         local out = {}
         for _, a in ipairs(pack:run(text)) do out[#out + 1] = a.rule .. ":" .. a.text end
         return table.concat(out, " ")
      end
      assert.equal("place:Lisbon place:Geneva", found("Lisbon or Geneva"))
      assert.equal("place:Geneva", found("Geneva, swap"))
      assert.equal("place:Or", found("Or Lisbon"))
      -- the view's own match is the gazetteer's
      local sandbox = require "quarry.sandbox"
      local box = sandbox.new { kind = "rule pack", name = "t", root = dir }
      local view = box:gazetteer("places.txt", { format = "lines" })
      local g, match = sandbox.gazetteer_behind(view)
      assert.equal(match, view.match)
      local toks = require("quarry").tokenize("in Geneva")
      assert.same(g:match(toks), view:match(toks))
      toks:close()
      assert.is_nil(sandbox.gazetteer_behind({ match = match }))
   end)

   it("does not let an untrusted pack read files outside its folder through gazetteers", function()
      -- Guards a fixed hole: `gazetteer = "/abs/path"` in a rule and
      -- require("quarry.gazetteer").load("/abs/path") both read any file,
      -- and gaz:entry(1) handed its first line back to the pack.
      local secret_dir = tmpdir { ["secret.txt"] = "launch code 0000\n" }
      local secret = secret_dir .. "/secret.txt"
      local dir = tmpdir {
         ["field.lua"] = ([[
local r = rule { name = "g", type = "t", gazetteer = "%s", gazetteer_options = { format = "lines" } }
return { phases = { { rules = { r,
   rule { name = "leak", type = "t", pattern = P.word "x",
      action = function(m) return { start = m.start, stop = m.stop, attrs = { leak = (r.compiled:entry(1)) } } end },
} } } }
]]):format(secret),
         ["module.lua"] = ([[
local g = require("quarry.gazetteer").load("%s", { format = "lines" })
return { phases = { { rules = {
   rule { name = "leak", type = "t", pattern = P.word "x", attrs = { leak = (g:entry(1)) } },
} } } }
]]):format(secret),
         ["env.lua"] = ([[
local g = gazetteer("%s", { format = "lines" })
return { phases = { { rules = { rule { name = "leak", type = "t", gazetteer = g } } } } }
]]):format(secret),
      }
      -- the pack's own gazetteer() refuses (this part works)
      raises(function() rules.load(dir .. "/env.lua") end, "an untrusted pack loads files from its own folder only")
      for _, name in ipairs { "field.lua", "module.lua" } do
         local ok, anns = pcall(function() return rules.load(dir .. "/" .. name):run("x") end)
         local leaked = ok and anns[1] and anns[1].attrs and anns[1].attrs.leak
         assert.is_not.equal("launch code 0000", leaked, name .. " read a file outside its folder")
      end
   end)

   it("stops a runaway token pattern, naming the rule and its file:line", function()
      local dir = tmpdir { ["slow.lua"] = [[
return { phases = { { rules = {
   rule { name = "runaway", type = "t", pattern = (P.any ^ 1) ^ 1 * P.word "zzz" * P.any * P.kind "symbol" },
} } } }
]] }
      local pack = rules.load(dir .. "/slow.lua", { step_limit = 5000 })
      raises(function() pack:run(string.rep("word ", 30) .. "zzz word") end, dir .. "/slow.lua:2", "rule runaway",
         "catastrophic backtracking")
   end)
end)
