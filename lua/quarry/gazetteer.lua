--- Gazetteers: phrase lists (people, places, organisations...) with
-- canonical names, aliases and types, matched on normalised tokens by a
-- trie in C (see README, "Gazetteers").
--
-- gazetteer.new([{fold = "case"|"bare"|"exact"}]) -> quarry.Gazetteer
-- gazetteer.load(path_or_list [, {fold, format, type}])
--    -> quarry.Gazetteer | nil, message
--
-- The quarry.Gazetteer methods (add, load, load_table, match, entry,
-- phrases, close, ...) are the C ones; this module builds and fills one.
-- @module quarry.gazetteer
local core = require "quarry.core"
local cjson = require "cjson"

local error, getmetatable, ipairs, pairs, pcall = error, getmetatable, ipairs, pairs, pcall
local tostring, type = tostring, type
local string_format, table_unpack = string.format, table.unpack

local gazetteer = {}

local LOAD_OPTIONS = { fold = true, format = true, type = true }

-- An error of a C function called through pcall, as an error of argument
-- `arg` of the function `fname` of this module.
local function as_arg_error(err, fname, arg)
   local what = type(err) == "string" and err:match("^bad argument #%d+ to '[^']*' %((.*)%)$")
   if what then return string_format("bad argument #%d to '%s' (%s)", arg, fname, what) end
   return err
end

--- Is v a quarry.Gazetteer?
-- @param v any value
-- @return boolean
function gazetteer.is_gazetteer(v)
   local mt = type(v) == "userdata" and getmetatable(v)
   return type(mt) == "table" and mt.__name == "quarry.Gazetteer"
end

--- A new, empty gazetteer. fold: "case" (the default: case-folded keys,
-- quotes unified), "bare" (diacritics stripped too) or "exact" (token text
-- as is).
-- @param opts table optional: fold ("case", "bare" or "exact")
-- @return quarry.Gazetteer
function gazetteer.new(opts)
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #1 to 'new' (table expected, got " .. type(opts) .. ")", 2)
   end
   local ok, g = pcall(core.gazetteer, opts)
   if not ok then error(as_arg_error(g, "new", 1), 2) end
   return g
end

-- The list with attrs given as tables encoded as JSON (a new list only
-- when there is something to encode); nil, message when one cannot be.
local function encode_attrs(list)
   local out
   for i, item in ipairs(list) do
      if type(item) == "table" and type(item.attrs) == "table" then
         out = out or { table_unpack(list, 1, i - 1) }
         local copy = {}
         for k, v in pairs(item) do copy[k] = v end
         local ok, json = pcall(cjson.encode, item.attrs)
         if not ok then return nil, string_format("item %d: attrs cannot be encoded as JSON (%s)", i, json) end
         copy.attrs = json
         out[i] = copy
      elseif out then
         out[i] = item
      end
   end
   return out or list
end

--- A gazetteer filled from a file (TSV: phrase<TAB>canonical<TAB>type
-- [<TAB>attrs JSON]; or format = "lines": one phrase a line) or from a list
-- (items: "phrase", {phrase, canonical =, type =, attrs =} or
-- {names = {...}, canonical =, type =, attrs =}; attrs may be a table).
-- opts: fold (see new), format ("tsv" or "lines", files only), type (the
-- type of entries that have none). A file that cannot be read or has a
-- malformed line gives nil, "path[:line]: problem"; misuse raises.
-- @param src string or table a file's path, or a list of items
-- @param opts table optional: fold, format ("tsv" or "lines"), type
-- @return quarry.Gazetteer; or nil, "path[:line]: problem"
function gazetteer.load(src, opts)
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'load' (table expected, got " .. type(opts) .. ")", 2)
   end
   opts = opts or {}
   for k in pairs(opts) do
      if not LOAD_OPTIONS[k] then
         error(string_format("bad argument #2 to 'load' (unknown option '%s')", tostring(k)), 2)
      end
   end
   local list
   if type(src) == "table" then
      if opts.format ~= nil then error("bad argument #2 to 'load' (option 'format' applies to files only)", 2) end
      local why
      list, why = encode_attrs(src)
      if not list then error("bad argument #1 to 'load' (" .. why .. ")", 2) end
   elseif type(src) ~= "string" then
      error("bad argument #1 to 'load' (a path or a list expected, got " .. type(src) .. ")", 2)
   end
   local ok, g = pcall(core.gazetteer, opts.fold ~= nil and { fold = opts.fold } or nil)
   if not ok then error(as_arg_error(g, "load", 2), 2) end
   local n, err
   if list then
      ok, n = pcall(g.load_table, g, list, { type = opts.type })
      if not ok then
         g:close()
         -- load_table's argument 2 is the list, 3 its options
         local opts_error = type(n) == "string" and n:match("^bad argument #3")
         error(as_arg_error(n, "load", opts_error and 2 or 1), 2)
      end
   else
      ok, n, err = pcall(g.load, g, src, { format = opts.format, type = opts.type })
      if not ok then
         g:close()
         error(as_arg_error(n, "load", 2), 2)
      end
   end
   if not n then
      g:close()
      return nil, err
   end
   return g
end

return gazetteer
