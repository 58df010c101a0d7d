-- What tests/lpat_spec.lua and the fuzz driver tests/fuzz/fuzz_lpat.lua
-- compare of quarry's pattern functions and Lua's own.
local M = {}

--- outcome(f, ...) -> string: what calling f gives, as one string: its
-- results, or the error without its position.
function M.outcome(f, ...)
   local r = table.pack(pcall(f, ...))
   local parts = {}
   for i = 1, r.n do
      local v = r[i]
      if i == 2 and not r[1] then v = tostring(v):gsub("^[^:]*:%d+: ", "") end
      parts[i] = type(v) .. ":" .. tostring(v)
   end
   return table.concat(parts, "|")
end

--- all_of(gmatch [, most]) -> function(s, p, init) -> string: every match
-- gmatch gives (the first `most` of them), as one string.
function M.all_of(gmatch, most)
   return function(s, p, init)
      local out = {}
      for a, b, c in gmatch(s, p, init) do
         if most and #out >= most then break end
         out[#out + 1] = tostring(a) .. "/" .. tostring(b) .. "/" .. tostring(c)
      end
      return table.concat(out, " ")
   end
end

return M
