--- quarry's one JSON writer, for all machine output: `quarry extract`,
-- `search --json`, `kwic --json`, `tokens --json`, `eval --json` and its
-- error file, the json and jsonl reports, the explorer's JSON.
--
--   local json = require "quarry.json"
--   json.encode({ doc = "a", start = 0, ["end"] = 4 }, { "doc", "start", "end" })
--   --> {"doc":"a","start":0,"end":4}
--
-- Keys come in the order given, else sorted, so the same data gives the same
-- bytes in every process (Lua's table order is seeded per process); "/" is
-- not escaped (cjson writes "\/": valid, but noisy in URLs and paths);
-- integers are written without a fraction, and floats with 14 digits.
-- @module quarry.json
local cjson = require "cjson"

local ipairs, pairs, type, tostring = ipairs, pairs, type, tostring
local math_type, math_huge, math_floor = math.type, math.huge, math.floor
local string_format, table_concat, table_sort = string.format, table.concat, table.sort
local cjson_encode, null = cjson.encode, cjson.null

local json = {}

local function str(s)
   return (cjson_encode(s):gsub("\\/", "/"))
end

--- A JSON string: json.string(s) -> text.
-- @function string
-- @param s string the text
-- @return string the JSON string, quotes included
json.string = str

local function number(v)
   if math_type(v) == "integer" then return tostring(v) end
   if v ~= v or v == math_huge or v == -math_huge then return "null" end
   if v == math_floor(v) and v > -1e15 and v < 1e15 then return string_format("%d", v) end
   return string_format("%.14g", v)
end

-- A table is an array when its keys are 1..n (an empty table is an array).
local function is_array(t)
   local n = #t
   for k in pairs(t) do
      if math_type(k) ~= "integer" or k < 1 or k > n then return false end
   end
   return true
end

local encode

--- A Lua value as JSON: json.encode(v [, keys]) -> text.
-- nil and cjson.null are null; a table whose keys are 1..n is an array (an
-- empty table too), any other an object; keys, when given, are the
-- object's keys in order (those whose value is nil are left out), else its
-- keys are sorted.
-- @param v the value
-- @param keys table optional: the keys of the object v, in order
-- @return string
encode = function(v, keys)
   local t = type(v)
   if v == nil or v == null then return "null" end
   if t == "string" then return str(v) end
   if t == "number" then return number(v) end
   if t == "boolean" then return v and "true" or "false" end
   if t ~= "table" then return str(tostring(v)) end
   if not keys and is_array(v) then
      local parts = {}
      for i, x in ipairs(v) do parts[i] = encode(x) end
      return "[" .. table_concat(parts, ",") .. "]"
   end
   local order = keys
   if not order then
      order = {}
      for k in pairs(v) do order[#order + 1] = tostring(k) end
      table_sort(order)
   end
   local parts = {}
   for _, k in ipairs(order) do
      local x = v[k]
      if x ~= nil then parts[#parts + 1] = str(k) .. ":" .. encode(x) end
   end
   return "{" .. table_concat(parts, ",") .. "}"
end
json.encode = encode

return json
