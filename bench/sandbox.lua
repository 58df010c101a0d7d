--- What the sandbox's limits cost (quarry.sandbox, docs/security.md).
--   lua5.4 bench/sandbox.lua CORPUS.jsonl [MB]
-- 1. The news pack over the first MB (default 1) of the corpus, rounds
--    interleaved in one run: unlimited (no sandbox around the documents),
--    the default limits (the step budget counted by the CPU clock, as for
--    a pack quarry ships, and by instructions, as for a user's pack), the
--    step budget alone, the memory ceiling alone.
-- 2. The steps (counted by instructions) and the Lua memory the news pack
--    takes per document.
-- 3. Loading a pack whose top level loops: with the step budget, without,
--    and under a Lua line hook like the one quarry used to record rules'
--    lines (about 40 times slower).
local quarry = require "quarry"
local core = require "quarry.core"
local sandbox = require "quarry.sandbox"
local cjson = require "cjson.safe"
local common = require "bench.common"

local path = assert(arg[1], "usage: bench/sandbox.lua CORPUS.jsonl [MB]")
local mb = tonumber(arg[2] or "1")

local docs, bytes = {}, 0
for line in io.lines(path) do
   local d = cjson.decode(line)
   if d and type(d.text) == "string" then
      docs[#docs + 1] = { id = tostring(d.id or #docs + 1), text = d.text, date = d.date }
      bytes = bytes + #d.text
      if bytes >= mb * 1e6 then break end
   end
end
print(string.format("sandbox benchmark: %s, %.2f MB in %d documents", path, bytes / 1e6, #docs))

local pack = quarry.rules.load("news")
local box = pack.box
local defaults = box.limits

-- Runs every document; failures (a document the pack raises on) are
-- counted, not fatal: the same ones fail in every configuration.
local function run_all()
   local failed = 0
   for _, d in ipairs(docs) do
      if not pcall(pack.run, pack, d) then failed = failed + 1 end
   end
   return failed
end

local function boxed(limits, by_instructions)
   return function()
      pack.box = box
      box.limits = limits
      box.clock = not by_instructions
   end
end
local configs = {
   { name = "unlimited (no sandbox)", setup = function() pack.box = nil end },
   { name = "default limits", setup = boxed(defaults) },
   { name = "default, by instructions", setup = boxed(defaults, true) },
   { name = "step budget only", setup = boxed { steps = defaults.steps, memory = 0 } },
   { name = "memory ceiling only", setup = boxed { steps = 0, memory = defaults.memory } },
}
local cases = {}
for _, c in ipairs(configs) do
   cases[#cases + 1] = { name = c.name, run = function() c.setup(); return run_all() end }
end
run_all()   -- warm up
local ROUNDS = tonumber(os.getenv("ROUNDS") or "") or 7
local best, failed = common.interleaved(cases, ROUNDS)
pack.box, box.limits = box, defaults
local base = best[configs[1].name]
print(string.format("  news pack, best of %d interleaved rounds:", ROUNDS))
for _, c in ipairs(configs) do
   local s = best[c.name]
   print(string.format("    %-24s %7.3f s  %6.2f MB/s  ratio %.3f  (%d documents failed)", c.name, s,
      bytes / 1e6 / s, s / base, failed[c.name]))
end

-- steps and memory per document, under the default limits, the steps
-- counted by instructions
box.clock = false
local steps_total, max_steps, max_bytes, max_doc = 0, 0, 0, "?"
for _, d in ipairs(docs) do
   pcall(pack.run, pack, d)
   local steps, grew = core.limit_stats()
   steps_total = steps_total + steps
   if steps > max_steps then max_steps, max_doc = steps, d.id end
   if grew > max_bytes then max_bytes = grew end
end
print(string.format("  news pack: %.1f steps a byte; at most %d steps (document %s; the default budget is %d) "
   .. "and %.1f MB of Lua memory added (the default ceiling is %d MB) on one document", steps_total / bytes,
   max_steps, max_doc, sandbox.DEFAULT_STEPS, max_bytes / 2 ^ 20, sandbox.DEFAULT_MEMORY // 2 ^ 20))

-- loading: top-level code under the step budget, without, and under the
-- line hook quarry used before
local dir = os.tmpname()
os.remove(dir)
assert(require("lfs").mkdir(dir))
local file = dir .. "/loop.lua"
local f = assert(io.open(file, "w"))
f:write([[
local t = {}
for i = 1, 3000000 do
   local x = i % 7
   if x == 3 then t[#t + 1] = x end
end
return { phases = { { rules = { rule { name = "r", type = "t", pattern = P.word "x" } } } } }
]])
f:close()
local last_line
local function old_line_hook(fn)
   return function()
      debug.sethook(function(_, line)
         local info = debug.getinfo(2, "S")
         if info.what ~= "C" then last_line = string.format("%s:%d", info.short_src, line) end
      end, "l")
      local ok, err = pcall(fn)
      debug.sethook()
      assert(ok and last_line, err)
   end
end
local load_cases = {
   { name = "no step budget", run = function() quarry.rules.load(file, { limits = { steps = 0 } }) end },
   { name = "default step budget", run = function() quarry.rules.load(file) end },
   { name = "old line hook", run = old_line_hook(function() quarry.rules.load(file, { limits = { steps = 0 } }) end) },
}
local lbest = common.interleaved(load_cases, 3)
os.remove(file)
os.remove(dir)
print("  loading a pack whose top level runs 3,000,000 loop iterations, best of 3:")
for _, c in ipairs(load_cases) do
   print(string.format("    %-24s %7.3f s  ratio %.2f", c.name, lbest[c.name], lbest[c.name] / lbest["no step budget"]))
end
