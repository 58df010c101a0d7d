--- An LDoc filter (`ldoc --filter tools.ldoc_items.filter .`): prints each
-- documented item as one line, for tests/apidoc_spec.lua:
--   module <TAB> item <TAB> kind <TAB> params (comma separated) <TAB> returns <TAB> summary
-- LDoc runs under Lua 5.1 or 5.2: plain Lua, no 5.4 syntax.
local M = {}

local function params_of(item)
   local names = {}
   for _, p in ipairs(item.params or {}) do names[#names + 1] = p end
   return table.concat(names, ",")
end

local function returns_of(item)
   local n = 0
   for _, group in ipairs(item.retgroups or {}) do n = n + #group end
   return n
end

--- Prints the items of every module.
-- @param docs the modules LDoc parsed
function M.filter(docs)
   for _, mod in ipairs(docs) do
      for item in mod.items:iter() do
         local summary = (item.summary or ""):gsub("%s+", " ")
         print(table.concat({ mod.name, item.name, item.type, params_of(item), tostring(returns_of(item)), summary },
            "\t"))
      end
   end
end

return M
