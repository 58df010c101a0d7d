-- Joins TAP files into one, on standard output, numbering their tests in
-- the order given; comment lines ("# ...") are kept, plan lines replaced by
-- one plan at the end. A file that is missing, or whose plan is missing or
-- does not match its results (its job crashed or was killed before it
-- finished), adds a failed test of its own that names it, so a job that
-- did not run cannot pass unseen.
--
--   lua5.4 tests/tap_join.lua FILE...      (make valgrind, make fuzz)
local n = 0
for _, path in ipairs(arg) do
   local f = io.open(path, "r")
   local ran, plan = 0, nil
   if f then
      for line in f:lines() do
         local verdict, rest = line:match("^(not ok) %d+(.*)$")
         if not verdict then verdict, rest = line:match("^(ok) %d+(.*)$") end
         if verdict then
            n, ran = n + 1, ran + 1
            print(string.format("%s %d%s", verdict, n, rest))
         elseif line:match("^1%.%.%d+") then
            plan = tonumber(line:match("^1%.%.(%d+)"))
         elseif line:match("^#") then
            print(line)
         end
      end
      f:close()
   end
   if plan ~= ran then
      n = n + 1
      print(string.format("not ok %d - %s: %s", n, path,
         not f and "missing: its job did not run"
         or not plan and "no plan line: its job crashed or was killed"
         or string.format("plan %d, ran %d: its job stopped early", plan, ran)))
   end
end
print("1.." .. n)
