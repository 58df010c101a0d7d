-- The sandbox of rule packs and reports, attacked (docs/security.md):
-- escapes through the string metatable, symbolic links and string.dump;
-- report SQL that writes or reaches other files; code that never ends or
-- eats memory, wherever it hides. Each attack is written out as the pack
-- or report an attacker would hand a user.
local quarry = require "quarry"
local rules = require "quarry.rules"
local reports = require "quarry.reports"
local sandbox = require "quarry.sandbox"
local core = require "quarry.core"
local support = require "tests.support"
local fixture = require "tests.report_corpus"
local lfs = require "lfs"

local raises, tmpdir = support.raises, support.tmpdir

local RULE = 'rule { name = "r", type = "t", pattern = P.word "x" }'
local function pack_source(top, rules_src)
   return (top or "") .. "\nreturn { phases = { { rules = { " .. (rules_src or RULE) .. " } } } }\n"
end

-- What the host's own string methods do, checked after each attack.
local function host_strings_intact()
   assert.equal("abc", ("ABC"):lower())
   assert.equal(string.lower, getmetatable("").__index.lower)
   assert.equal(3, ("abc"):find("c"))
   assert.equal("ABC", ("abc"):upper())
end

local function exists(path) return lfs.attributes(path, "mode") ~= nil end

local function run_cli(cmdline)
   return support.quarry(cmdline)
end

-- Runs the Lua file at path in a child process that may take at most
-- secs seconds: a regression of an attack that hangs fails the spec (exit
-- code 124) rather than hanging it. Returns the exit code and the output.
local function child(path, secs)
   return support.sh(string.format("timeout %d env LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='%s;;' lua5.4 %s",
      secs or 60, support.CPATH, path))
end

-- A child that loads the pack src (a file of its own folder) with a small
-- step budget and runs it on each text, printing each result or error.
local function probe_pack(src, texts, limits)
   local dir = tmpdir { ["p.lua"] = src }
   local script = support.put(dir, "probe.lua", ([[
local rules = require "quarry.rules"
local ok, pack = pcall(rules.load, %q, { limits = %s })
if not ok then print("load: " .. tostring(pack)) return end
for _, text in ipairs(%s) do
   local rok, anns = pcall(pack.run, pack, { id = "d", text = text })
   print(rok and ("ok " .. #anns) or ("error: " .. tostring(anns)))
end
]]):format(dir .. "/p.lua", limits or "{ steps = 2000000 }", texts or '{ "x" }'))
   return child(script)
end

describe("the sandbox", function()
   after_each(support.cleanup)

   describe("keeps the string metatable out of reach", function()
      it("a pack cannot replace the host's string methods, nor later packs'", function()
         local dir = tmpdir {
            ["hostile.lua"] = pack_source([[
local mt = getmetatable("")
if mt and mt.__index then
   mt.__index.lower = function() return "pwned" end
   mt.__index.find = function() return nil end
   mt.__index.match = function() return nil end
end
string.upper = function() return "pwned" end   -- its own copy
]]),
            ["later.lua"] = pack_source("", [[rule { name = "r", type = "t", pattern = P.word "x",
   attrs = { lower = ("ABC"):lower(), upper = string.upper("abc"), mt = tostring(getmetatable("")) } }]]),
         }
         rules.load(dir .. "/hostile.lua")
         host_strings_intact()
         local anns = rules.load(dir .. "/later.lua"):run("x")
         assert.same({ lower = "abc", upper = "ABC", mt = "nil" }, anns[1].attrs)
         host_strings_intact()
      end)

      it("a pack that replaces find and match still cannot read_list a file outside its folder", function()
         local secret = tmpdir { ["shadow"] = "root:secret\n" }
         local dir = tmpdir {
            ["p/init.lua"] = pack_source(([[
pcall(function()
   local s = getmetatable("").__index
   s.find, s.match = function() return nil end, function() return nil end
end)
string.find, string.match = function() return nil end, function() return nil end
local rows = read_list("../../../../../../../..%s/shadow")
]]):format(secret)),
         }
         local err = raises(function() rules.load(dir .. "/p") end, "read_list", "outside the rule pack's folder")
         assert.is_nil(err:find("root:secret", 1, true))
         host_strings_intact()
      end)

      it("gives no string.dump, as a field or through a string's methods", function()
         local dir = tmpdir { ["dump.lua"] = pack_source([[
local found = {}
found[#found + 1] = tostring(string.dump)
found[#found + 1] = tostring(("").dump)
found[#found + 1] = tostring(pcall(function() return getmetatable("").__index.dump end))
local ok = pcall(function() return ("").dump(function() end) end)
found[#found + 1] = tostring(ok)
DUMPS = table.concat(found, " ")
]], [[rule { name = "r", type = "t", pattern = P.word "x", attrs = { dumps = DUMPS },
   action = function(m)
      return { start = m.start, stop = m.stop, attrs = { dumps = DUMPS, late = tostring(("").dump) } }
   end }]]) }
         local anns = rules.load(dir .. "/dump.lua"):run("x")
         assert.same({ dumps = "nil nil false false", late = "nil" }, anns[1].attrs)
         -- the host keeps it
         assert.equal("function", type(string.dump))
         assert.equal(string.dump, ("").dump)
      end)

      it("keeps quarry's metatables out of reach: a match's methods, a context's, a pattern's", function()
         local dir = tmpdir { ["meta.lua"] = pack_source("", [[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m)
      local seen = { tostring(m.__index), tostring(getmetatable(m)), tostring(getmetatable(m.tokens)) }
      return { start = m.start, stop = m.stop, attrs = { seen = table.concat(seen, " ") } }
   end }]]) }
         local anns = rules.load(dir .. "/meta.lua"):run("x")
         assert.equal("nil quarry.Match nil", anns[1].attrs.seen)
      end)
   end)

   describe("takes plain values back", function()
      it("refuses a definition that holds, at any depth, a table the pack gave a metatable", function()
         local rule_src = [[rule { name = "r", type = "t", pattern = P.word "x" }]]
         local dir = tmpdir {
            -- as a key of a table of a table; past a chain 10,000 deep, which is walked without recursion
            ["key.lua"] = "local key = setmetatable({}, {})\nlocal t = {}\nfor _ = 1, 10000 do t = { t } end\n"
               .. "t[1] = { [{ [key] = true }] = 1 }\n"
               .. "return { phases = { { rules = { " .. rule_src .. " } } }, extra = t }\n",
            ["cycle.lua"] = "local a = {}\na.self = a\nlocal t = {}\nfor _ = 1, 10000 do t = { t, a } end\n"
               .. "return { phases = { { rules = { " .. rule_src .. " } } }, extra = t }\n",
         }
         raises(function() rules.load(dir .. "/key.lua") end, "key.lua: a table with a metatable")
         assert.equal(1, #rules.load(dir .. "/cycle.lua"):run("x"))
      end)

      it("refuses annotations whose tables run code when read", function()
         local dir = tmpdir {
            ["own.lua"] = pack_source("", [[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m)
      return setmetatable({ start = m.start, stop = m.stop }, { __tostring = function() while true do end end })
   end }]]),
            -- a pattern's metatable is the pack's own instance's, which it may change
            ["node.lua"] = pack_source([[
local node = P.word "y"
node.__index.__tostring = function() while true do end end
NODE = node
]], [[rule { name = "r", type = "t", pattern = P.word "x", attrs = { p = function() return NODE end } }]]),
            ["name.lua"] = pack_source("", [[rule { name = P.word "n", type = "t", pattern = P.word "x" }]]),
         }
         raises(function() rules.load(dir .. "/own.lua"):run("x") end, "the annotations: a table with a metatable")
         raises(function() rules.load(dir .. "/node.lua"):run("x") end, "the annotations: a table with a metatable")
         raises(function() rules.load(dir .. "/name.lua") end, "name must be a string")
      end)
   end)

   describe("keeps each pack's modules its own", function()
      it("changing P or cjson reaches neither later packs nor the host", function()
         local dir = tmpdir {
            ["spoil.lua"] = [[
local cjson = require "cjson"
cjson.encode_max_depth(1)
cjson.encode = function() return "spoiled" end
local word = P.word
P.word = function() error("spoiled") end
local mine = require "quarry.pattern"
return { phases = { { rules = { rule { name = "r", type = "t", pattern = word "x",
   attrs = { same = tostring(mine == P) } } } } } }
]],
            ["later.lua"] = [[
local cjson = require "cjson"
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x",
   attrs = { json = cjson.encode { a = { b = { 1 } } } } } } } } }
]],
         }
         assert.same({ same = "true" }, rules.load(dir .. "/spoil.lua"):run("x")[1].attrs)
         assert.same({ json = '{"a":{"b":[1]}}' }, rules.load(dir .. "/later.lua"):run("x")[1].attrs)
         assert.equal('{"a":{"b":[1]}}', require("cjson").encode { a = { b = { 1 } } })
         assert.equal("function", type(require("quarry.pattern").word))
         assert.is_true(require("quarry.pattern").is_pattern(require("quarry.pattern").word "x"))
      end)

      it("a pack does not see the rules quarry compiled from its tables", function()
         local secret = tmpdir { ["secret.txt"] = "launch code 0000\n" }
         local dir = tmpdir { ["field.lua"] = ([[
local g = rule { name = "g", type = "t", gazetteer = "%s", gazetteer_options = { format = "lines" } }
return { phases = { { rules = { g } } } }
]]):format(secret .. "/secret.txt") }
         raises(function() rules.load(dir .. "/field.lua") end, "rule g", "outside the rule pack's folder")
      end)
   end)

   describe("keeps a pack's files inside its folder, links resolved", function()
      local function folder_pack(init)
         local dir = tmpdir { ["p/init.lua"] = init, ["p/data/words.txt"] = "alpha\nbeta\n" }
         return dir, dir .. "/p"
      end

      it("refuses a link that leads out of the folder, for read_list, gazetteer and include", function()
         local outside = tmpdir { ["passwd"] = "root:x:0:0\n", ["evil.lua"] = "return 1" }
         for _, case in ipairs {
            { 'local rows = read_list("etc/passwd")', "read_list" },
            { 'local g = gazetteer("etc/passwd", { format = "lines" })', "gazetteer" },
            { 'local x = include("etc/evil")', "include" },
         } do
            local _, p = folder_pack(pack_source(case[1]))
            assert(lfs.link(outside, p .. "/etc", true))
            local err = raises(function() rules.load(p) end, case[2], "outside the rule pack's folder")
            assert.is_nil(err:find("root:x", 1, true))
         end
      end)

      it("follows a link that stays inside the folder", function()
         local _, p = folder_pack(pack_source([[
local rows = read_list("alias.txt")
WORDS = rows[1][1] .. rows[2][1]
]], [[rule { name = "r", type = "t", pattern = P.word "x", attrs = { words = WORDS } }]]))
         assert(lfs.link("data/words.txt", p .. "/alias.txt", true))
         assert.same({ words = "alphabeta" }, rules.load(p):run("x")[1].attrs)
      end)

      it("reads no device, FIFO, nor a link to one, and no link loop", function()
         local _, p = folder_pack(pack_source("local rows = read_list(NAME)"))
         assert(lfs.link("/dev/zero", p .. "/zero", true))
         assert(lfs.link("loop_b", p .. "/loop_a", true))
         assert(lfs.link("loop_a", p .. "/loop_b", true))
         assert.is_true(os.execute("mkfifo " .. p .. "/fifo"))
         local src = support.read(p .. "/init.lua")
         -- /dev/zero lies outside the folder; a FIFO inside is no regular file
         for name, needle in pairs { zero = "outside the rule pack's folder",
            loop_a = "Too many levels of symbolic links", fifo = "not a regular file" } do
            support.write(p .. "/init.lua", (src:gsub("NAME", '"' .. name .. '"')))
            raises(function() rules.load(p) end, "read_list", needle)
         end
      end)

      it("computes a folder pack's fingerprint without leaving the folder nor reading devices", function()
         -- a link to /dev/zero used 2 GB, a link to / never ended; here a
         -- link to a folder outside holding a loop stands for /. Run in a
         -- child with a time limit, so that a regression fails, not hangs.
         local dir, p = folder_pack(pack_source(""))
         local outside = tmpdir { ["big.txt"] = "outside\n" }
         assert(lfs.link(".", outside .. "/loop", true))
         assert(lfs.link("/dev/zero", p .. "/zero", true))
         assert(lfs.link(outside, p .. "/elsewhere", true))
         assert(lfs.link(".", p .. "/self", true))
         assert.is_true(os.execute("mkfifo " .. p .. "/fifo"))
         local cmd = string.format("cd %s && timeout 60 env LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='%s;;' "
            .. "lua5.4 bin/quarry rules check %s 2>&1", lfs.currentdir(), support.CPATH, p)
         local out = io.popen(cmd):read("a")
         assert.matches("1 rules in 1 phases compile", out, 1, true)
         assert.same({ "data/words.txt", "init.lua" }, sandbox.files(p))
         -- the same files give the same fingerprint, whatever else lies there
         local plain = tmpdir { ["q/init.lua"] = pack_source(""), ["q/data/words.txt"] = "alpha\nbeta\n" }
         assert.equal(rules.load(plain .. "/q").version, rules.load(p).version)
         assert.truthy(dir)
      end)

      it("runs a pack's own module only from inside its folder", function()
         local outside = tmpdir { ["helper.lua"] = "return 'outside'" }
         local dir = tmpdir { ["quarry/rules/linky/init.lua"] = pack_source([[
local h = require "quarry.rules.linky.helper"
]]) }
         assert(lfs.link(outside .. "/helper.lua", dir .. "/quarry/rules/linky/helper.lua", true))
         local saved = package.path
         package.path = dir .. "/?.lua;" .. dir .. "/?/init.lua;" .. saved
         local ok, err = pcall(rules.load, "linky")
         package.path = saved
         assert.is_false(ok)
         assert.truthy(tostring(err):find("outside the rule pack's folder", 1, true), tostring(err))
      end)
   end)

   describe("limits untrusted code", function()
      local LIMITS = { steps = 2000000, memory = 64 * 1024 * 1024 }

      local function load(src, limits)
         local dir = tmpdir { ["p.lua"] = src }
         return rules.load(dir .. "/p.lua", { limits = limits or LIMITS }), dir .. "/p.lua"
      end

      it("stops `while true do end` at a pack's top level, naming the pack, the loading and the limit", function()
         local dir = tmpdir { ["spin.lua"] = pack_source("while true do end") }
         raises(function() rules.load(dir .. "/spin.lua", { limits = LIMITS }) end, "rule pack 'spin', loading",
            dir .. "/spin.lua:1: step limit exceeded (more than 2000000 steps", "--max-steps")
      end)

      it("stops an endless action, naming the rule, the document and the limit; the next document runs", function()
         local pack, path = load(pack_source("", [[rule { name = "spinner", type = "t", pattern = P.word "x",
   action = function(m)
      if m:text() == "x" and m.doc.text:find("stuck") then while true do end end
      return true
   end }]]))
         raises(function() pack:run { id = "doc-1", text = "stuck x" } end, "rule pack 'p', document 'doc-1'",
            path .. ":3: rule spinner: action failed", path .. ":4: step limit exceeded")
         assert.same({ "x" }, { pack:run({ id = "doc-2", text = "fine x" })[1].text })
      end)

      it("stops an endless document phase, naming the phase", function()
         local pack, path = load([[
return { phases = { { name = "forever", run = function(ctx) while true do end end } } }
]])
         raises(function() pack:run { id = "d", text = "x" } end, "document 'd'", path .. ":1: phase forever",
            "step limit exceeded")
      end)

      it("refuses a __gc metamethod (a finalizer runs outside every limit)", function()
         local _, path = pcall(load, "")
         local dir = tmpdir { ["gc.lua"] = pack_source([[
setmetatable({}, { __gc = function() while true do end end })
]]) }
         raises(function() rules.load(dir .. "/gc.lua", { limits = LIMITS }) end, dir .. "/gc.lua:1",
            "__gc is not available to an untrusted rule pack")
         assert.truthy(path)
         -- nor later: a metatable given __gc after setmetatable marks nothing
         local later = tmpdir { ["gc2.lua"] = pack_source([[
local mt = {}
setmetatable({}, mt)
mt.__gc = function() while true do end end
]]) }
         rules.load(later .. "/gc2.lua", { limits = LIMITS })
         collectgarbage()
         collectgarbage()
      end)

      it("stops an error object's endless __tostring", function()
         local pack = load(pack_source("", [[rule { name = "r", type = "t", pattern = P.word "x",
   action = function() error(setmetatable({}, { __tostring = function() while true do end end })) end }]]))
         raises(function() pack:run { id = "d", text = "x" } end, "document 'd'", "step limit exceeded")
         -- and at the top level, where quarry turns it into the message
         local dir = tmpdir { ["top.lua"] = pack_source([[
error(setmetatable({}, { __tostring = function() while true do end end }))
]]) }
         raises(function() rules.load(dir .. "/top.lua", { limits = LIMITS }) end, "__tostring failed",
            "step limit exceeded")
      end)

      it("stops code that catches the limit's error and goes on, and code in coroutines", function()
         for _, body in ipairs {
            "while true do pcall(function() while true do end end) end",
            "while true do xpcall(function() while true do end end, function(e) return e end) end",
            "coroutine.wrap(function() while true do end end)()",
            "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
         } do
            local pack = load(pack_source("", ([[rule { name = "r", type = "t", pattern = P.word "x",
   action = function() %s end }]]):format(body)))
            raises(function() pack:run { id = "d", text = "x" } end, "document 'd'", "step limit exceeded")
         end
      end)

      -- quarry's own packs count the budget by the CPU clock (no count hook
      -- while they run); a box in that mode, made here with sandbox.new's
      -- clock, since the shipped pack has no loop to stop
      it("stops a loop in a box that counts steps by the CPU clock, with the same error; the next call runs",
         function()
         local dir = tmpdir { ["spin.lua"] = [[
return function(body)
   if body == "loop" then while true do end end
   if body == "catch" then while true do pcall(function() while true do end end) end end
   return "done"
end]] }
         local path = dir .. "/spin.lua"
         -- 200,000 steps: 20 ms of CPU time
         local box = sandbox.new { kind = "rule pack", name = "spin", root = dir, clock = true,
            limits = { steps = 200000, memory = 64 * 1024 * 1024 } }
         local f = box:run("loading", box:load(path))
         for _, body in ipairs { "loop", "catch" } do
            raises(function() box:run("document 'one'", f, body) end, "rule pack 'spin', document 'one'",
               path .. ":", "step limit exceeded (more than 200000 steps: its CPU time, 100 ns a step, is spent)",
               "--max-steps")
            assert.is_true(core.limit_clocked())
            assert.equal("done", box:run("document 'two'", f, "none"))
         end
      end)

      -- pack:run's phase_times and bench/news.lua time code inside such a
      -- box: its clock must move by less than the kernel's tick there
      -- (os.clock moves by whole ticks while the box's timer runs)
      it("reads the thread's CPU clock to well under a millisecond inside a box that counts by the CPU clock",
         function()
         local box = sandbox.new { kind = "rule pack", name = "clock", root = tmpdir {}, clock = true,
            limits = { steps = 10000000, memory = 64 * 1024 * 1024 } }
         -- the clock's first 20 moves; their median is its step. (Not the
         -- largest: under valgrind the first moves also carry the time it
         -- spends translating the loop, some 15 ms.)
         local moves = box:run("document 'one'", function()
            local cpu_clock = core.cpu_clock
            local last, list = cpu_clock(), {}
            for _ = 1, 10000000 do
               local t = cpu_clock()
               if t ~= last then
                  list[#list + 1], last = t - last, t
                  if #list == 20 then break end
               end
            end
            return list
         end)
         assert.is_true(core.limit_clocked())
         assert.equal(20, #moves)
         table.sort(moves)
         -- os.clock here: a median of 4 ms, the kernel's tick
         local median = moves[10]
         assert.is_true(median > 0 and median < 0.0005, "the clock's median move is " .. tostring(median) .. " s")
      end)

      it("counts by instructions a link to the news pack's file in a user's folder, whose files it includes",
         function()
         -- news/init.lua's first include, lexicon.lua, is then the folder's own
         local dir = tmpdir { ["lexicon.lua"] = "while true do end" }
         local news_init = assert(package.searchpath("quarry.rules.news", package.path))
         if news_init:sub(1, 1) ~= "/" then news_init = lfs.currentdir() .. "/" .. news_init end
         assert(lfs.link(news_init, dir .. "/pack.lua", true))
         raises(function() rules.load(dir .. "/pack.lua", { limits = { steps = 100000 } }) end,
            -- (under valgrind the budget's CPU time is spent first: its message goes on)
            "lexicon.lua:1: step limit exceeded (more than 100000 steps")
         assert.is_false(core.limit_clocked())
      end)

      it("counts the steps of the packs quarry ships by the CPU clock, and of a user's pack by instructions",
         function()
         local news = rules.load("news")
         assert.is_true(news.box.clock)
         news:run { id = "d", text = "Rain fell, the minister said." }
         assert.is_true(core.limit_clocked())
         assert.is_true(rules.load("news", { trusted = true }).box.clock)
         -- a user's pack, by path, and one that includes news: its code runs in the user's box
         local dir = tmpdir { ["mine.lua"] = pack_source(), ["more.lua"] = 'return include "news"' }
         for _, file in ipairs { "mine.lua", "more.lua" } do
            local pack = rules.load(dir .. "/" .. file)
            assert.is_false(pack.box.clock)
            pack:run { id = "d", text = "Rain fell, the minister said. x" }
            assert.is_false(core.limit_clocked())
         end
      end)

      it("counts by instructions a pack named like a shipped one but outside quarry's own folder", function()
         -- quarry/rules/news.lua on package.path, found before the shipped pack
         local dir = tmpdir { ["quarry/rules/news.lua"] = pack_source("while true do end") }
         local script = support.put(dir, "probe.lua", ([[
package.path = %q .. "/?.lua;" .. package.path
local rules = require "quarry.rules"
local core = require "quarry.core"
local ok, err = pcall(rules.load, "news", { limits = { steps = 100000 } })
print(ok, err, core.limit_clocked())
]]):format(dir))
         local code, out = child(script)
         assert.equal(0, code, out)
         assert.matches("^false\t[^\n]*" .. dir:gsub("%p", "%%%0") .. "/quarry/rules/news%.lua:1: step limit exceeded "
            .. "%(more than 100000 steps[^\n]*\tfalse\n$", out)
      end)

      it("counts what the table library goes through in C against the step budget", function()
         for _, body in ipairs {
            "table.move({}, 1, 1e15, 1, {})",
            "table.concat({}, '', 1, 1e15)",
            "local t = {} for i = 1, 1000 do t[i] = i end while true do table.insert(t, 1, 0) end",
         } do
            local pack, path = load(pack_source("", ([[rule { name = "mover", type = "t", pattern = P.word "x",
   action = function() %s end }]]):format(body)))
            -- (no closing parenthesis: on a slow machine the CPU time may be spent first)
            raises(function() pack:run { id = "d", text = "x" } end, "document 'd'", path .. ":3: rule mover",
               path .. ":3: step limit exceeded (more than 2000000 steps")
         end
      end)

      it("names the pack's line when the limit trips in quarry's own Lua code run for it", function()
         -- table.insert at a position on a table with a metatable moves the
         -- elements in the sandbox's Lua code: nearly every step is spent
         -- there, and the limit tripped there named lua/quarry/sandbox.lua
         for _, body in ipairs {
            "local t = setmetatable({}, {}) for i = 1, 1e5 do t[i] = i end\n"
               .. "      while true do table.insert(t, 1, 0) end",
            "local t = setmetatable({}, {}) for i = 1, 1e5 do t[i] = i end\n"
               .. "      while true do table.remove(t, 1) t[#t + 1] = 0 end",
            -- and a module's code the pack calls (its own instance of quarry.pattern)
            "\n      while true do local p = P.word 'a' + P.word 'b' end",
         } do
            local pack, path = load(pack_source("", ([[rule { name = "mover", type = "t", pattern = P.word "x",
   action = function() %s end }]]):format(body)))
            local err = raises(function() pack:run { id = "d", text = "x" } end, "document 'd'",
               path .. ":4: step limit exceeded (more than 2000000 steps")
            assert.is_nil(err:find("sandbox.lua", 1, true), err)
            assert.is_nil(err:find("pattern.lua", 1, true), err)
         end
      end)

      it("stops a table or a string growing in an action at the memory ceiling", function()
         for _, body in ipairs {
            "local t = {} for i = 1, math.huge do t[i] = i end",
            "local s = 'x' while true do s = s .. s end",
            "return string.rep('x', 2 ^ 30)",
            "local t = {} for i = 1, math.huge do t[i] = {} end",
         } do
            local pack, path = load(pack_source("", ([[rule { name = "hog", type = "t", pattern = P.word "x",
   action = function() %s end }]]):format(body)), { steps = 0, memory = 32 * 1024 * 1024 })
            raises(function() pack:run { id = "d", text = "x" } end, "rule pack 'p', document 'd'",
               path .. ":3: rule hog: action failed",
               "memory limit exceeded (the Lua heap grew by more than 33554432 bytes)", "--max-memory")
         end
         -- string.rep past what Lua makes at all is its own error
         local pack = load(pack_source("", [[rule { name = "huge", type = "t", pattern = P.word "x",
   action = function() return string.rep("x", 1e10) end }]]), { steps = 0, memory = 32 * 1024 * 1024 })
         raises(function() pack:run { id = "d", text = "x" } end, "rule huge")
      end)

      it("takes the pack's own lower limits, and the caller's over them", function()
         local src = [[
return { limits = { steps = 1000000 }, phases = { { name = "count", run = function(ctx)
   local n = 0
   for i = 1, tonumber(ctx.text) do n = n + i end
   return {}
end } } }
]]
         local dir = tmpdir { ["own.lua"] = src, ["greedy.lua"] = (src:gsub("1000000", "0")) }
         local pack = rules.load(dir .. "/own.lua")
         pack:run { text = "1000" }
         raises(function() pack:run { text = "5000000" } end, "step limit exceeded (more than 1000000 steps")
         -- the caller's limit wins
         assert.same({}, rules.load(dir .. "/own.lua", { limits = { steps = 0 } }):run { text = "5000000" })
         -- an untrusted pack cannot lift the limits: 0 (none) is not lower
         local greedy = rules.load(dir .. "/greedy.lua", { limits = nil })
         assert.equal(sandbox.DEFAULT_STEPS, greedy.box.limits.steps)
         raises(function() rules.load(dir .. "/own.lua", { limits = { steps = -1 } }) end, "steps must be")
         raises(function() rules.load(dir .. "/own.lua", { limits = { memory = "lots" } }) end, "512M")
      end)

      it("keeps no line hook while a pack loads (it made loading 40 times slower)", function()
         local dir = tmpdir { ["hook.lua"] = [[
local _, mask = debug.gethook()
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x", attrs = { mask = mask } } } } } }
]] }
         local mask = rules.load(dir .. "/hook.lua", { trusted = true }):run("x")[1].attrs.mask
         assert.is_nil(mask:find("l", 1, true))
      end)

      it("runs the news pack within the default limits", function()
         local pack = rules.load("news")
         assert.same({ steps = sandbox.DEFAULT_STEPS, memory = sandbox.DEFAULT_MEMORY }, pack.box.limits)
         local text = support.fixture("packs/texts/talks.txt")
         local doc = { id = "talks", text = string.rep(text .. "\n\n", 20) }
         assert.is_true(#pack:run(doc) > 0)
         -- the steps counted by instructions, as a user's pack that includes
         -- news counts them (the shipped pack's own are its CPU time's, which
         -- a slow build, under valgrind or a sanitizer, would multiply)
         rules.load(tmpdir { ["counted.lua"] = 'return include "news"' } .. "/counted.lua"):run(doc)
         assert.is_false(core.limit_clocked())
         local steps, bytes = core.limit_stats()
         assert.is_true(steps < sandbox.DEFAULT_STEPS / 100, steps)
         assert.is_true(bytes < sandbox.DEFAULT_MEMORY / 100, bytes)
      end)

      it("reports a document past a limit with quarry extract, and goes on with the next", function()
         local dir = tmpdir {
            ["spin.lua"] = pack_source("", [[rule { name = "spinner", type = "t", pattern = P.word "x",
   action = function(m) if m.doc.text:find("stuck") then while true do end end return true end }]]),
            ["docs.jsonl"] = '{"id": "one", "text": "stuck x"}\n{"id": "two", "text": "fine x"}\n',
         }
         local code, out, err = run_cli("extract --max-steps 100000 --rules " .. dir .. "/spin.lua " .. dir
            .. "/docs.jsonl")
         assert.equal(1, code)
         assert.matches('"doc":"two"', out, 1, true)
         assert.is_nil(out:find('"doc":"one"', 1, true))
         assert.matches("quarry extract: one: rule pack 'spin', document 'one': ", err, 1, true)
         assert.matches("rule spinner: action failed", err, 1, true)
         assert.matches("step limit exceeded (more than 100000 steps", err, 1, true)
         code, out, err = run_cli("rules check --max-memory lots " .. dir .. "/spin.lua")
         assert.equal("", out)
         assert.equal(2, code)
         assert.matches("--max-memory", err, 1, true)
      end)

      -- A pack like the one above over two documents, "one" stuck, "two"
      -- fine: each way quarry reads them, in one process and in two workers.
      -- (Its loop ends after a million steps, so that a run without a limit ends.)
      local function stuck_and_fine()
         return tmpdir {
            ["spin.lua"] = pack_source("", [[rule { name = "spinner", type = "t", pattern = P.word "x",
   action = function(m) if m.doc.text:find("stuck") then for _ = 1, 1e6 do end end return true end }]]),
            ["docs.jsonl"] = '{"id": "one", "text": "stuck x"}\n{"id": "two", "text": "fine x"}\n',
            ["gold.jsonl"] = '{"doc": "one", "type": "t", "start": 6, "end": 7}\n'
               .. '{"doc": "two", "type": "t", "start": 5, "end": 6}\n',
            ["files/one.txt"] = "stuck x",
            ["files/two.txt"] = "fine x",
         }
      end
      local function names_the_limit(err, doc)
         assert.matches("quarry extract: " .. doc .. ": rule pack 'spin', document '" .. doc .. "': ", err, 1, true)
         assert.matches("spin.lua:3: rule spinner: action failed: ", err, 1, true)
         assert.matches("spin.lua:3: step limit exceeded (more than 100000 steps", err, 1, true)
      end

      it("goes on with the next document over files, JSONL and stdin, in one process and in two", function()
         local dir = stuck_and_fine()
         for _, j in ipairs { 1, 2 } do
            for _, input in ipairs { "files", "docs.jsonl", "-" } do
               local code, out, err = support.quarry(("extract -j %d --max-steps 100000 --rules %s/spin.lua %s")
                  :format(j, dir, input == "-" and "-" or dir .. "/" .. input),
                  { input = input == "-" and support.read(dir .. "/docs.jsonl") or nil })
               local one, two = input == "files" and dir .. "/files/one.txt" or "one",
                  input == "files" and dir .. "/files/two.txt" or "two"
               assert.equal(1, code, err)
               names_the_limit(err, one)
               assert.matches('{"doc":"' .. two .. '","type":"t","start":5,"end":6', out, 1, true)
               assert.is_nil(out:find('"doc":"' .. one .. '"', 1, true))
            end
         end
      end)

      it("goes on with the next document with --db, stores the rest, says how many failed", function()
         local dir = stuck_and_fine()
         for _, j in ipairs { 1, 2 } do
            local db = dir .. "/c" .. j .. ".db"
            local c = assert(quarry.open(db))
            assert(c:ingest { dir .. "/docs.jsonl" })
            c:close()
            local code, out, err = support.quarry(("extract -j %d --max-steps 100000 --rules %s/spin.lua --db %s")
               :format(j, dir, db))
            assert.equal(1, code, err)
            assert.equal("", out)
            names_the_limit(err, "one")
            assert.matches("quarry extract: 1 documents, 1 failed (running again retries them), 0 skipped "
               .. "unchanged, 1 spans stored\n", err, 1, true)
            local stored = "SELECT docs.id AS doc, count(*) AS n FROM spans JOIN docs ON docs.rowid = spans.doc "
               .. "GROUP BY docs.id"
            assert.equal("doc=two|n=1", support.rows(db, stored))
            -- the failed document stays pending: a higher limit annotates it
            code, out, err = support.quarry(("extract -j %d --rules %s/spin.lua --db %s --max-steps 0")
               :format(j, dir, db))
            assert.equal(0, code, err)
            assert.equal("", out)
            assert.matches("1 documents, 1 skipped unchanged, 1 spans stored", err, 1, true)
            assert.equal("doc=one|n=1\ndoc=two|n=1", support.rows(db, stored))
         end
      end)

      it("goes on with the next document in corpus:extract, raising at the end unless told of each", function()
         local dir = stuck_and_fine()
         local c <close> = assert(quarry.open(":memory:"))
         assert(c:ingest { dir .. "/docs.jsonl" })
         local pack = rules.load(dir .. "/spin.lua", { limits = { steps = 100000 } })
         raises(function() c:extract(pack) end, "1 of 2 documents failed, the other 1 stored",
            "the first: document one: rule pack 'spin', document 'one'", "step limit exceeded")
         assert.equal(1, c:count_spans {})
         local told = {}
         local stats = assert(c:extract(pack, {
            on_failure = function(id, msg) told[#told + 1] = id .. " " .. msg end }))
         assert.same({ 0, 1, 1 }, { stats.documents, stats.failed, stats.skipped })
         assert.equal(1, #told)
         assert.matches("^one rule pack 'spin', document 'one': .*step limit exceeded", told[1])
         raises(function() c:extract(pack, { on_failure = true }) end, "'on_failure' must be a function")
      end)

      -- Five documents: "a" and "d" fine, "b", "c" and "e" fail at once (an
      -- action that raises), as a broken pack fails on every document.
      local function some_fail()
         local lines = {}
         for _, d in ipairs { { "a", "fine" }, { "b", "bad" }, { "c", "bad" }, { "d", "fine" }, { "e", "bad" } } do
            lines[#lines + 1] = ('{"id": "%s", "text": "%s x"}'):format(d[1], d[2])
         end
         return tmpdir {
            ["broken.lua"] = pack_source("", [[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m) if m.doc.text:find("bad") then error("cannot do this one") end return true end }]]),
            ["docs.jsonl"] = table.concat(lines, "\n") .. "\n",
         }
      end

      it("stops quarry extract after --max-failures failed documents, keeping what was written", function()
         local dir = some_fail()
         local cmd = "extract -j %d --rules " .. dir .. "/broken.lua " .. dir .. "/docs.jsonl"
         local code, out, err = support.quarry(cmd:format(1) .. " --max-failures 2")
         assert.equal(1, code, err)
         assert.matches('"doc":"a"', out, 1, true)
         assert.is_nil(out:find('"doc":"d"', 1, true))
         assert.matches("quarry extract: c: " .. dir .. "/broken.lua:3: rule r: action failed: ", err, 1, true)
         assert.is_nil(err:find("quarry extract: e:", 1, true))
         assert.matches("quarry extract: stopped after 2 failed documents (--max-failures 2); 1 documents written\n",
            err, 1, true)
         -- without it, every document runs
         code, out, err = support.quarry(cmd:format(1))
         assert.equal(1, code, err)
         assert.matches('"doc":"d"', out, 1, true)
         assert.matches("quarry extract: e: ", err, 1, true)
         assert.is_nil(err:find("stopped after", 1, true))
         -- in workers: those in flight finish, then it stops and says so
         code, out, err = support.quarry(cmd:format(2) .. " --max-failures 1")
         assert.equal(1, code, err)
         assert.matches('"doc":"a"', out, 1, true)
         assert.matches("quarry extract: stopped after 1 failed documents (--max-failures 1); ", err, 1, true)
         code, out, err = support.quarry(cmd:format(1) .. " --max-failures 0")
         assert.equal(2, code)
         assert.equal("", out)
         assert.matches("--max-failures", err, 1, true)
      end)

      it("stops quarry extract --db and corpus:extract after max_failures, the rest left pending", function()
         local dir = some_fail()
         local db = dir .. "/c.db"
         local c = assert(quarry.open(db))
         assert(c:ingest { dir .. "/docs.jsonl" })
         c:close()
         local code, out, err = support.quarry(("extract -j 1 --rules %s/broken.lua --db %s --max-failures 2")
            :format(dir, db))
         assert.equal(1, code, err)
         assert.equal("", out)
         assert.matches("quarry extract: stopped after 2 failed documents (--max-failures 2); 1 documents stored, "
            .. "2 not run (running again does the failed ones and the rest)\n", err, 1, true)
         local stored = "SELECT docs.id AS doc, count(*) AS n FROM spans JOIN docs ON docs.rowid = spans.doc "
            .. "GROUP BY docs.id"
         assert.equal("doc=a|n=1", support.rows(db, stored))
         -- the API: raised at the end without on_failure, told in the stats with it
         c = assert(quarry.open(db))
         local pack = rules.load(dir .. "/broken.lua")
         raises(function() c:extract(pack, { max_failures = 1 }) end,
            "stopped after 1 failed documents (max_failures): 0 stored, 3 not run",
            "the first: document b: " .. dir .. "/broken.lua:3: rule r: action failed: ", "cannot do this one")
         local told = {}
         local stats = assert(c:extract(pack, { max_failures = 3,
            on_failure = function(id) told[#told + 1] = id end }))
         assert.same({ 1, 3, 0, true, 1 }, { stats.documents, stats.failed, stats.not_run, stats.stopped,
            stats.skipped })
         assert.same({ "b", "c", "e" }, told)
         assert.equal("doc=a|n=1\ndoc=d|n=1", support.rows(db, stored))
         raises(function() c:extract(pack, { max_failures = 0 }) end, "'max_failures' must be a positive integer")
         c:close()
      end)

      it("goes on with the next document in quarry eval (the failed one scored as annotating nothing), explain",
         function()
         local dir = stuck_and_fine()
         local code, out, err = support.quarry(("eval --json --max-steps 100000 --rules %s/spin.lua --gold %s "
            .. "%s"):format(dir, dir .. "/gold.jsonl", dir .. "/docs.jsonl"))
         assert.equal(1, code, err)
         assert.matches("quarry eval: one: rule pack 'spin', document 'one': ", err, 1, true)
         assert.matches("step limit exceeded (more than 100000 steps", err, 1, true)
         assert.matches("the pack failed on 1 document(s), scored as annotating nothing", err, 1, true)
         local report = require("cjson").decode(out)
         assert.same({ 2, 1, 0, 1 }, { report.documents, report.total.tp, report.total.fp, report.total.fn })
         -- and quarry explain
         code, out, err = support.quarry(("explain --max-steps 100000 --rules %s/spin.lua %s/docs.jsonl")
            :format(dir, dir))
         assert.equal(1, code, err)
         assert.matches("quarry explain: one: rule pack 'spin', document 'one': ", err, 1, true)
         assert.matches("== two\n", out, 1, true)
      end)
   end)

   describe("reports", function()
      local dir, db, corpus
      before_each(function()
         dir = tmpdir {}
         db = dir .. "/c.db"
         fixture.build(db):close()
         corpus = assert(quarry.open(db, { readonly = true }))
      end)
      after_each(function() corpus:close() end)

      local function report(src)
         return support.put(dir, "r" .. tostring(math.random(1e9)) .. ".lua", src)
      end

      local function sql_report(sql)
         return report(("return { run = function(ctx) return ctx:all(%q) end }"):format(sql))
      end

      it("lets SQLite refuse what does not read: VACUUM INTO, ATTACH, load_extension, writing PRAGMAs", function()
         local out = dir .. "/stolen.db"
         for sql, needle in pairs {
            ["VACUUM INTO '" .. out .. "'"] = "not authorized",
            ["ATTACH DATABASE '" .. dir .. "/x.db' AS x"] = "not authorized: ATTACH",
            ["DETACH DATABASE main"] = "not authorized: DETACH",
            ["SELECT load_extension('/tmp/nothing')"] = "not authorized to use function: load_extension",
            ["PRAGMA user_version = 7"] = "not authorized: PRAGMA user_version",
            ["PRAGMA journal_mode = delete"] = "not authorized: PRAGMA journal_mode",
            ["PRAGMA query_only = 0"] = "not authorized: PRAGMA query_only",
            ["DELETE FROM docs"] = "not authorized: writing (DELETE from docs)",
            ["CREATE TEMP TABLE t(x)"] = "not authorized",
         } do
            raises(function() reports.run(corpus, sql_report(sql)) end, "report SQL", needle)
         end
         assert.is_false(exists(out))
         assert.is_false(exists(dir .. "/x.db"))
         assert.equal(5, corpus:count())
      end)

      it("refuses them on a corpus opened for writing too, trusted or not; reads still work", function()
         local rw = assert(quarry.open(db))
         local out = dir .. "/stolen.db"
         raises(function() reports.run(rw, sql_report("VACUUM INTO '" .. out .. "'"), nil, { trusted = true }) end,
            "not authorized")
         raises(function() reports.run(rw, sql_report("DELETE FROM spans")) end, "not authorized")
         assert.is_false(exists(out))
         local model = assert(reports.run(rw, sql_report("SELECT count(*) AS n FROM docs")))
         assert.equal(5, model.sections[1].rows[1].n)
         -- the host writes again once the report is done
         assert(rw.db:exec("CREATE TABLE IF NOT EXISTS scratch(x)"))
         rw:close()
      end)

      it("a report that replaces upper or find cannot pass VACUUM INTO off as a SELECT", function()
         local out = dir .. "/stolen.db"
         local path = report(([[
pcall(function()
   local s = getmetatable("").__index
   s.upper = function() return "SELECT" end
   s.find, s.match = function() return 1 end, function() return "SELECT" end
end)
return { run = function(ctx) return ctx:all("VACUUM INTO '%s'") end }
]]):format(out))
         raises(function() reports.run(corpus, path) end, "not authorized")
         assert.is_false(exists(out))
         host_strings_intact()
      end)

      it("a report's require and ctx:include take report names, never the path of any Lua file", function()
         local secret = tmpdir { ["config.lua"] = 'return { api_key = "SECRET-123", run = function() return {} end }' }
         local path = report(([[
return { run = function(ctx)
   local ok, r = pcall(require, "quarry.reports.%s/config.lua")
   local ok2, r2 = pcall(ctx.include, ctx, "%s/config.lua")
   return { { a = tostring(ok) .. " " .. (type(r) == "table" and tostring(r.api_key) or tostring(r)),
      b = tostring(ok2) .. " " .. tostring(r2) } }
end }
]]):format(secret, secret))
         local row = reports.run(corpus, path).sections[1].rows[1]
         assert.is_nil(row.a:find("SECRET", 1, true), row.a)
         assert.matches("^false .*unknown report '.*/config.lua'", row.a)
         assert.matches("^false .*unknown report '.*/config.lua'", row.b)
         -- a trusted report includes a file by its path, as before
         local part = report('return { run = function(ctx) return { { n = 1 } } end }')
         local whole = report(('return { run = function(ctx) return { parts = { ctx:include(%q) } } end }')
            :format(part))
         assert.equal(1, reports.run(corpus, whole, nil, { trusted = true }).parts[1].sections[1].rows[1].n)
      end)

      it("a report's name is the shipped report, whatever file or folder the working folder holds", function()
         local here = lfs.currentdir()
         local cwd = tmpdir { ["quotes"] = 'print("a file named quotes ran") return {}' }
         assert(lfs.mkdir(cwd .. "/summary"))
         local saved = package.path
         package.path = here .. "/lua/?.lua;" .. here .. "/lua/?/init.lua;" .. saved
         assert(lfs.chdir(cwd))
         local ok, err = pcall(function()
            assert.matches("quarry/reports/summary%.lua$", assert(reports.find("summary")))
            assert.matches("quarry/reports/quotes%.lua$", assert(reports.find("quotes")))
            assert.equal("./quotes", reports.find("./quotes"))
            local _, msg = reports.find("./summary")
            assert.matches("not a report file %(a directory%)", msg)
            -- a URL's /report/NAME (named) is never a file of the server's folder
            assert(lfs.mkdir(cwd .. "/x"))
            support.write(cwd .. "/evil", "return { run = function() return { { pwned = true } } end }")
            local m, merr, code = reports.run(corpus, "evil", nil, { named = true })
            assert.is_nil(m)
            assert.equal("notfound", code)
            assert.matches("unknown report 'evil'", merr)
         end)
         lfs.chdir(here)
         package.path = saved
         assert(ok, err)
      end)

      it("holds a report's SQL to its memory limit: randomblob(1e9) took a gigabyte at a time", function()
         local path = sql_report("SELECT length(randomblob(1000000000)) AS n")
         raises(function() reports.run(corpus, path, nil, { limits = { memory = "64M" } }) end,
            "out of memory (SQLite's memory may grow by at most 67108864 bytes here)")
         -- the limit is lifted once the report is over
         local st = assert(corpus.db:prepare("SELECT length(randomblob(100000000))"))
         assert.is_true(st:step())
         assert.equal(100000000, st:values())
         st:close()
         assert.equal(5, reports.run(corpus, sql_report("SELECT count(*) AS n FROM docs"), nil,
            { limits = { memory = "64M" } }).sections[1].rows[1].n)
      end)

      it("keeps a context's methods out of a report's reach", function()
         local path = report([[
return { run = function(ctx)
   return { { seen = tostring(ctx.__index) .. " " .. tostring(getmetatable(ctx)) } }
end }
]])
         assert.equal("nil quarry.ReportContext", reports.run(corpus, path).sections[1].rows[1].seen)
      end)

      it("stops an endless report and a memory bomb, naming the report and the limit", function()
         local spin = report("return { run = function(ctx) while true do end end }")
         raises(function() reports.run(corpus, spin, nil, { limits = { steps = 1000000 } }) end,
            "report '", "running", "step limit exceeded (more than 1000000 steps", "--max-steps")
         local hog = report("return { run = function(ctx) local t = {} for i = 1, math.huge do t[i] = i end end }")
         raises(function() reports.run(corpus, hog, nil, { limits = { memory = "16M" } }) end,
            "memory limit exceeded", "--max-memory")
         local top = report("while true do end")
         raises(function() reports.load(top, { limits = { steps = 1000000 } }) end, "loading", "step limit exceeded")
      end)

      it("quarry report takes --max-steps and --max-memory", function()
         local spin = report("return { run = function(ctx) while true do end end }")
         local code, out, err = run_cli("report --max-steps 100000 " .. db .. " " .. spin)
         assert.equal(1, code)
         assert.equal("", out)
         assert.matches("step limit exceeded (more than 100000 steps", err, 1, true)
         assert.matches("(raise it with --max-steps, or limits.steps from Lua)", err, 1, true)
         local hog = report("return { run = function(ctx) local t = {} for i = 1, math.huge do t[i] = i end end }")
         code, out, err = run_cli("report --max-memory 16M " .. db .. " " .. hog)
         assert.equal(1, code)
         assert.equal("", out)
         assert.matches("report 'r%d+', running: .*memory limit exceeded %(the Lua heap grew by more than 16777216 "
            .. "bytes%) %(raise it with %-%-max%-memory, or limits.memory from Lua%)", err)
      end)
   end)

   -- Attacks of an outside test (issue 12's held-out probes, run again),
   -- each of which hung quarry or escaped the sandbox before its fix. A
   -- regression hangs: these run in a child process with a time limit.
   describe("holds against the second round of probes", function()
      local function action_pack(body)
         return pack_source("", ([[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m) %s end }]]):format(body))
      end

      it("stops an xpcall message handler that never ends (Lua calls it inside the step hook, hooks off)", function()
         local code, out = probe_pack(action_pack(
            "xpcall(function() while true do end end, function(e) while true do end end)"))
         assert.equal(0, code, out)
         assert.matches("error: .*step limit exceeded", out)
         -- a handler still gets the error and its result is xpcall's
         code, out = probe_pack(action_pack([[
local ok, v = xpcall(function() error("inner", 0) end, function(e) return "handled " .. e end)
if ok ~= false or v ~= "handled inner" then error("xpcall gave " .. tostring(ok) .. " " .. tostring(v)) end
return true]]))
         assert.equal(0, code, out)
         assert.equal("ok 1\n", out)
      end)

      it("never closes a coroutine a limit stopped: its __close would run with hooks off", function()
         local loop_close = [[setmetatable({}, { __close = function() while true do end end })]]
         -- coroutine.wrap closes a coroutine that failed; so does coroutine.close, a document later
         local code, out = probe_pack(action_pack(([[
coroutine.wrap(function() local x <close> = %s; while true do end end)()]]):format(loop_close)))
         assert.equal(0, code, out)
         assert.matches("error: .*step limit exceeded", out)
         code, out = probe_pack(([[
local co
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x", action = function(m)
   if not co then
      co = coroutine.create(function() local x <close> = %s; while true do end end)
      coroutine.resume(co)
   end
   local ok, err = coroutine.close(co)
   return { { start = 0, stop = 1, attrs = { closed = tostring(ok) .. " " .. tostring(err) } } }
end } } } } }
]]):format(loop_close), '{ "x", "x" }')
         assert.equal(0, code, out)
         assert.matches("^error: .-step limit exceeded.-\nok 1\n$", out)
         -- a coroutine that failed otherwise is closed as Lua closes it
         local pack = rules.load(tmpdir { ["c.lua"] = action_pack([[
local closed = false
pcall(coroutine.wrap(function() local x <close> = setmetatable({}, { __close = function() closed = true end })
   error("boom") end))
return { { start = 0, stop = 1, attrs = { closed = closed } } }]]) } .. "/c.lua")
         assert.is_true(pack:run("x")[1].attrs.closed)
      end)

      it("counts the coroutines code makes: many that run a few instructions each cannot outlast the budget", function()
         local code, out = probe_pack(action_pack(
            "local function f() return coroutine.resume(coroutine.create(f)) end while true do f() end"))
         assert.equal(0, code, out)
         assert.matches("error: .*step limit exceeded", out)
      end)

      it("makes string.rep of an empty string at once (it looped in C, unseen by the hook)", function()
         local code, out = probe_pack(action_pack([[
local a, b = string.rep("", math.maxinteger), (""):rep(math.maxinteger, "")
if a ~= "" or b ~= "" or ("ab"):rep(2, ",") ~= "ab,ab" then error("rep") end
return true]]))
         assert.equal(0, code, out)
         assert.equal("ok 1\n", out)
      end)

      it("moves the elements in Lua for table.insert and table.remove on a table whose __len lies", function()
         for _, call in ipairs { 'table.insert(t, 1, "x")', "table.remove(t, 1)" } do
            local code, out = probe_pack(action_pack(([[
local n = 0
local t = setmetatable({}, { __len = function()
   n = n + 1
   return n %% 2 == 1 and 1 or math.maxinteger - 1
end })
%s
return true]]):format(call)))
            assert.equal(0, code, out)
            assert.equal("ok 1\n", out)
         end
         -- and they do what table.insert and table.remove do
         local pack = rules.load(tmpdir { ["t.lua"] = action_pack([[
local t = setmetatable({ "a", "b", "c" }, {})
table.insert(t, 2, "x")
local r = table.remove(t, 1)
local ok = pcall(table.insert, t, 9, "y")
return { { start = 0, stop = 1, attrs = { list = table.concat(t, ","), removed = r, ok = ok } } }]]) } .. "/t.lua")
         assert.same({ list = "x,b,c", removed = "a", ok = false }, pack:run("x")[1].attrs)
      end)

      it("stops a loop of C calls that each take long, by the CPU time its steps stand for", function()
         -- a search through 16 MB takes milliseconds and a few instructions
         local code, out = probe_pack(action_pack([[
local s = string.rep("x", 1 << 24)
while true do local _ = s:find("y", 1, true) end]]), nil, "{ steps = 100000 }")
         assert.equal(0, code, out)
         assert.matches(
            "error: .*step limit exceeded %(more than 100000 steps: its CPU time, 100 ns a step, is spent%)",
            out)
      end)

      it("hands back copies of annotations: a pack cannot change them once its call is over", function()
         -- quarry eval keeps every document's annotations to score them at the end
         local dir = tmpdir { ["keep.lua"] = [[
local kept
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x", action = function(m)
   if kept then
      kept.type, kept.attrs.v = nil, "changed"
      setmetatable(kept, { __index = function() while true do end end })
      setmetatable(kept.attrs, { __index = function() while true do end end })
      return true
   end
   kept = { start = m.start, stop = m.stop, attrs = { v = "first" } }
   return kept
end } } } } }
]] }
         local script = support.put(dir, "probe.lua", ([[
local pack = require("quarry.rules").load(%q, { limits = { steps = 2000000 } })
local first = pack:run { id = "1", text = "x" }
pack:run { id = "2", text = "x" }
print(first[1].type, first[1].attrs.v, getmetatable(first[1]), first[1].nothing)
]]):format(dir .. "/keep.lua"))
         local code, out = child(script)
         assert.equal(0, code, out)
         assert.equal("t\tfirst\tnil\tnil\n", out)
      end)

      it("copies annotations at every depth, a table met twice once, cycles and all", function()
         local dir = tmpdir { ["deep.lua"] = [[
local shared = { "a", "b" }
local function chain(n) local t = { n = n }; if n > 0 then t.next = chain(n - 1) end; return t end
local wide = {}
for i = 1, 40 do wide[i] = { i } end
local loop = { name = "loop" }
loop.self = loop
local bad = chain(12)
return { phases = { { name = "doc", run = function(ctx)
   if ctx.text == "bad" then
      local last = bad
      while last.next do last = last.next end
      last.next = setmetatable({}, {})
      return { { type = "t", start = 0, stop = 3, attrs = { deep = bad } } }
   end
   return {
      { type = "t", start = 0, stop = 1, attrs = { x = shared, y = shared }, trace = { tried = shared } },
      { type = "t", start = 0, stop = 1, attrs = { chain = chain(20) } },
      { type = "t", start = 0, stop = 1, attrs = { wide = wide } },
      { type = "t", start = 0, stop = 1, attrs = { loop = loop }, [shared] = "key" },
   }
end } } }
]] }
         local pack = rules.load(dir .. "/deep.lua")
         local anns = pack:run("x")
         local by = {}
         for _, a in ipairs(anns) do
            local k = next(a.attrs)
            by[k == "y" and "x" or k] = a
         end
         local a = by.x
         assert.equal(a.attrs.x, a.attrs.y)            -- one copy of a table met twice
         assert.equal(a.attrs.x, a.trace.tried)
         assert.same({ "a", "b" }, a.attrs.x)
         local depth, c = 0, by.chain.attrs.chain
         while c.next do depth, c = depth + 1, c.next end
         assert.equal(20, depth)
         assert.equal(40, #by.wide.attrs.wide)
         assert.same({ 40 }, by.wide.attrs.wide[40])
         local loop = by.loop.attrs.loop
         assert.equal(loop, loop.self)
         assert.equal("loop", loop.name)
         local key = next(by.loop, nil)
         for k in pairs(by.loop) do if type(k) == "table" then key = k end end
         assert.same({ "a", "b" }, key)
         -- the copies are quarry's: the pack's next call cannot change them
         local again = pack:run("x")
         assert.are_not.equal(again[1].attrs, anns[1].attrs)
         raises(function() pack:run("bad") end, "the annotations: a table with a metatable")
      end)

      it("copies annotations with few fields and with many, holding themselves or not", function()
         local dir = tmpdir { ["wide.lua"] = [[
local function fields(n, t) for i = 1, n do t["f" .. i] = i; t[i] = "v" .. i end; return t end
local kept = {}
return { phases = { { name = "doc", run = function(ctx)
   for _, k in ipairs(kept) do k.start, k.attrs.f1 = 1, "changed" end
   local few = fields(3, { type = "t", start = 0, stop = 1 })
   local many = fields(40, { type = "t", start = 0, stop = 1 })
   few.attrs = fields(2, {})
   many.attrs = fields(30, {})
   few.attrs.back, many.attrs.back = few, many
   kept[#kept + 1] = many
   if ctx.text == "bad" then many.attrs[7] = setmetatable({}, {}) end
   return { few, many }
end } } }
]] }
         local pack = rules.load(dir .. "/wide.lua")
         local anns = pack:run("x")
         assert.equal(2, #anns)
         for _, a in ipairs(anns) do
            local n = a.f40 and 40 or 3
            local count = 0
            for _ in pairs(a) do count = count + 1 end
            assert.equal(2 * n + 7, count)              -- type, start, stop, attrs, phase, rule, text
            for i = 1, n do
               assert.equal(i, a["f" .. i])
               assert.equal("v" .. i, a[i])
            end
            assert.equal(a, a.attrs.back)                -- the copy holds its copy, not the pack's table
            assert.equal(n == 40 and "v30" or "v2", a.attrs[#a.attrs])
         end
         -- what the pack keeps is not what quarry returns
         pack:run("x")
         assert.truthy(anns[2].f40)
         assert.equal(0, anns[2].start)
         assert.equal(1, anns[2].attrs.f1)
         raises(function() pack:run("bad") end, "the annotations: a table with a metatable")
      end)

      it("reads nothing of a pack outside its limits: phase names, examples, the merge list", function()
         local loop = "function() while true do end end"
         -- a phase named by a pattern whose __tostring never ends hung `quarry rules list`
         local dir = tmpdir { ["name.lua"] = ([[
local n = P.word "x"
n.__index.__tostring = %s
return { phases = { { name = n, rules = { rule { name = "r", type = "t", pattern = P.word "x" } } } } }
]]):format(loop),
            -- examples the pack turns into traps while they run
            ["ex.lua"] = ([[
local ex = { text = "x", expect = { { type = "t", text = "x" } } }
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x", examples = { ex },
   action = function() setmetatable(ex.expect, { __index = %s }) return true end } } } } }
]]):format(loop),
            -- a merge list changed once the documents are annotated
            ["merge.lua"] = ([[
local merge = { { type = "t", key = "k", name = "n" } }
return { merge = merge, phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m)
      merge[1].type = nil
      setmetatable(merge[1], { __index = %s })
      return { { start = m.start, stop = m.stop, attrs = { k = "x", n = "X" } } }
   end } } } } }
]]):format(loop),
            ["d.txt"] = "x",
         }
         local code, out = child(support.put(dir, "probe.lua", ([[
local rules = require "quarry.rules"
local ok, err = pcall(rules.load, %q)
print("name:", ok, err)
local pack = rules.load(%q, { limits = { steps = 1000000 } })
print("test:", pcall(pack.test, pack))
local c = assert(require("quarry").open(%q))
assert(c:ingest { %q })
print("extract:", c:extract(rules.load(%q, { limits = { steps = 1000000 } })) ~= nil)
]]):format(dir .. "/name.lua", dir .. "/ex.lua", dir .. "/c.db", dir .. "/d.txt", dir .. "/merge.lua")))
         assert.equal(0, code, out)
         assert.matches("name:\tfalse\t[^\n]*phase 1: name must be a string", out)
         assert.matches("test:\tfalse\t[^\n]*testing its examples[^\n]*step limit exceeded", out)
         assert.matches("extract:\ttrue", out)
      end)

      it("refuses __gc put in the metatable of a module's objects (P.word(x).__index)", function()
         local code, out = probe_pack(pack_source([[
local mt = (P.word "x").__index
mt.__gc = function() while true do end end
for i = 1, 100 do P.word("y" .. i) end
]]))
         assert.equal(0, code, out)
         assert.matches("^load: .*p%.lua:3: setmetatable: __gc is not available to untrusted code", out)
      end)

      it("turns any error object into its message under limits, a module object's __tostring included", function()
         local code, out = probe_pack(pack_source([[
(P.word "x").__index.__tostring = function() while true do end end
error(P.word "y")
]]))
         assert.equal(0, code, out)
         assert.matches("^load: .*__tostring failed.*step limit exceeded", out)
      end)
   end)

   -- A third round, the team's own (docs/security.md): what a pack hands
   -- back or raises, and where misuse and limits are said to be.
   describe("holds against the third round of probes", function()
      local LIMITS = { steps = 2000000, memory = 64 * 1024 * 1024 }
      local function action(body, limits)
         local dir = tmpdir { ["p.lua"] = pack_source("", ([[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m)
      %s
   end }]]):format(body)) }
         return rules.load(dir .. "/p.lua", { limits = limits or LIMITS }), dir .. "/p.lua"
      end

      it("refuses spans outside the text, set with rawset on the match or returned", function()
         for _, body in ipairs {
            "rawset(m, 'start', -100) rawset(m, 'stop', 1e15) return true",
            "return { { start = -100, stop = 1e15 } }",
            "return { { start = 0, stop = 2 } }",
            "return { { start = 1, stop = 0 } }",
            "return { { start = 0.5, stop = 1 } }",
            "return { { start = 0 / 0, stop = 1 } }",
         } do
            local pack, path = action(body)
            raises(function() pack:run { id = "d", text = "x" } end, path .. ":2: rule r: an annotation needs integer "
               .. "start <= stop within the text (0 to 1 bytes)")
         end
         local pack = action("return { { start = 0, stop = 1, type = {} } }")
         raises(function() pack:run("x") end, "rule r: an annotation's type must be a string")
         -- offsets given as floats with an integer value are taken as integers
         local anns = action("return { { start = 0.0, stop = 1.0 } }"):run("x")
         assert.same({ "integer", "integer" }, { math.type(anns[1].start), math.type(anns[1].stop) })
      end)

      it("names the rule of an error object whose __tostring loops, fails or returns no string", function()
         for body, needle in pairs {
            ["error(setmetatable({}, { __index = function() while true do end end, __tostring = function(t) "
               .. "return t.x end }))"] = "step limit exceeded",
            ["error(setmetatable({}, { __tostring = function() return {} end }))"] =
               "'__tostring' must return a string",
            ["error(setmetatable({}, { __tostring = function() error('inner', 0) end }))"] = "failed: inner",
         } do
            local pack, path = action(body)
            local err = raises(function() pack:run { id = "d", text = "x" } end,
               path .. ":3: rule r: action failed: (an error object whose __tostring failed: ", needle)
            assert.is_nil(err:find("quarry/", 1, true), err)
         end
      end)

      it("names the pack's line for misuse of the library functions the sandbox wraps", function()
         for body, needle in pairs {
            -- (Lua names a C function by where it finds it loaded: 'table.insert', or a
            -- library's alias of it, such as penlight's 'pl.List.push' under busted)
            ["table.insert({}, 5, 1)"] = "(position out of bounds)",
            ["table.insert(setmetatable({}, {}), 5, 1)"] = "bad argument #2 to 'table.insert' (position out of bounds)",
            ["table.move(1, 2, 3)"] = "bad argument #4 to '",
            ["table.concat(nil)"] = "bad argument #1 to 'table.concat' (table expected, got nil)",
            ["table.concat({ {} })"] = "invalid value (table) at index 1 in table for 'concat'",
            ["table.sort({ 3, 1, 2 }, function() error('mine', 0) end)"] = "mine",
            ["table.remove(5, 1)"] = "bad argument #1 to 'table.remove' (table expected, got number)",
            ["coroutine.resume(1)"] = "bad argument #1 to 'coroutine.resume' (coroutine expected, got number)",
            ["coroutine.create(nil)"] = "bad argument #1 to 'coroutine.create' (function expected, got nil)",
            ["coroutine.wrap(1)"] = "bad argument #1 to 'coroutine.wrap' (function expected, got number)",
            ["coroutine.close(coroutine.running())"] = "cannot close a running coroutine",
            ["string.rep('', 1e15, 'y')"] = "resulting string too large",
            ["('x'):rep({})"] = "bad argument #2 to '",
         } do
            local pack, path = action(body)
            local err = raises(function() pack:run { id = "d", text = "x" } end,
               path .. ":3: rule r: action failed: " .. path .. ":4: ", needle)
            assert.is_nil(err:find("sandbox.lua", 1, true), err)
         end
      end)

      it("stops a Lua pattern that backtracks without end inside one call (a child with a time limit)", function()
         -- Lua's matcher ran ("a"):rep(1e5):find(".-.-b") for hours in one C call, where no hook runs
         for _, body in ipairs {
            "return (string.rep('a', 1e5)):find('.-.-b') ~= nil",
            "return string.match(string.rep('a', 1e5), 'a*a*a*b') ~= nil",
            "for _ in string.rep('a', 1e5):gmatch('.-.-b') do end",
            "return select(2, string.rep('a', 1e5):gsub('.-.-b', '')) > 0",
            "local s = string.rep('(', 1e5) for _ in s:gmatch('%b()') do end",
         } do
            local code, out = probe_pack(pack_source("", ([[rule { name = "r", type = "t", pattern = P.word "x",
   action = function(m) %s end }]]):format(body)))
            assert.equal(0, code, out)
            assert.matches("^error: [^\n]*p%.lua:3: step limit exceeded %(more than 2000000 steps", out)
         end
      end)

      it("never names quarry's own files for a limit that trips where no line of the pack runs", function()
         -- a budget the rule engine spends on its own, before any action
         local pack = action("return true", { steps = 1000 })
         local err = raises(function() pack:run { id = "d", text = string.rep("x ", 2000) } end,
            "rule pack 'p', document 'd': ", "step limit exceeded (more than 1000 steps")
         assert.is_nil(err:find("quarry/", 1, true), err)
         assert.is_nil(err:find("security_spec", 1, true), err)   -- nor the caller of pack:run
      end)
   end)
end)
