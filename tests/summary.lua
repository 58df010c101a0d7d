-- Adds up TAP files: prints one line per suite and the closing
-- "N passed, N failed" line; exits non-zero on any failure, and treats a
-- suite whose plan is missing or does not match its results (a crash) as a
-- failure of its own.
local passed, failed = 0, 0
for _, path in ipairs(arg) do
   local ok_n, fail_n, plan = 0, 0, nil
   local f = io.open(path, "r")
   if f then
      for line in f:lines() do
         if line:match("^ok %d") then ok_n = ok_n + 1
         elseif line:match("^not ok %d") then fail_n = fail_n + 1
         else
            local n = line:match("^1%.%.(%d+)")
            if n then plan = tonumber(n) end
         end
      end
      f:close()
   end
   local name = path:match("([^/]+)%.tap$") or path
   local note = ""
   if not plan or plan ~= ok_n + fail_n then
      fail_n = fail_n + 1
      note = plan and string.format(" (plan %d, ran %d: the suite stopped early)", plan, ok_n + fail_n - 1)
         or " (no plan line: the suite crashed or did not run)"
   end
   print(string.format("  %-12s %5d passed, %d failed%s", name, ok_n, fail_n, note))
   passed, failed = passed + ok_n, failed + fail_n
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and passed > 0 and 0 or 1)
