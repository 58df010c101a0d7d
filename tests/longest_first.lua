-- Prints the TAP files of make valgrind and make fuzz, longest job first,
-- for make -j to start them in that order: the long jobs start at once and
-- the short ones fill in at the end, so the workers finish close together
-- (no core idles while one long job runs on).
--
--   lua5.4 tests/longest_first.lua COSTS FUZZ_TIME FILE...
--
-- A fuzz target's job (build/fuzz/tap/TARGET.tap) takes FUZZ_TIME seconds.
-- A valgrind job's (build/valgrind/tap/JOB.tap) is its CPU seconds in COSTS
-- (tests/valgrind.costs: "JOB SECONDS" lines, written by make
-- valgrind-costs); a job COSTS does not know yet (a new spec file) goes
-- first, since it may be long. Equal costs keep the order given.
local costs_path, fuzz_time = arg[1], tonumber(arg[2]) or 0
local costs = {}
local f = io.open(costs_path, "r")
if f then
   for line in f:lines() do
      local job, seconds = line:match("^(%S+)%s+(%d+)")
      if job then costs[job] = tonumber(seconds) end
   end
   f:close()
end
local files = {}
for i = 3, #arg do
   local path = arg[i]
   local cost
   if path:match("^build/fuzz/tap/") then
      cost = fuzz_time
   else
      cost = costs[path:match("^build/valgrind/tap/(.+)%.tap$") or path] or math.huge
   end
   files[#files + 1] = { path = path, cost = cost, order = #files }
end
table.sort(files, function(a, b)
   if a.cost ~= b.cost then return a.cost > b.cost end
   return a.order < b.order
end)
local paths = {}
for i, file in ipairs(files) do paths[i] = file.path end
print(table.concat(paths, " "))
