--- Evaluating extractions against gold annotations: precision, recall and
-- F1 per type and per rule, and the readers for gold data (JSONL in the
-- extract format, BRAT standoff).
local cjson = require "cjson.safe"
local lfs = require "lfs"

local ipairs, pairs, tonumber, tostring, type = ipairs, pairs, tonumber, tostring, type
local io_open, string_format, table_sort = io.open, string.format, table.sort

local eval = {}

--- Byte offsets of character offsets: BRAT counts characters (code
-- points); quarry counts bytes. Returns a function char -> byte.
function eval.char_to_byte(text)
   -- ASCII, or not UTF-8 at all: characters are bytes
   if not text:find("[\128-\255]") or not utf8.len(text) then return function(c) return c end end
   local map, c = {}, 0
   for pos in utf8.codes(text) do
      map[c] = pos - 1
      c = c + 1
   end
   map[c] = #text
   return function(ch) return map[ch] or #text end
end

--- Reads a BRAT .ann file: text-bound annotations (T lines) with
-- discontinuous spans joined to their outer bounds. Offsets are BRAT's
-- character offsets; give text to have them as byte offsets. Returns a list
-- of {id, type, start, stop, text} or nil, message.
function eval.read_brat(path, text)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local out, n = {}, 0
   for line in f:lines() do
      n = n + 1
      if line:sub(1, 1) == "T" then
         local id, typ, spans, body = line:match("^(T%d+)\t(%S+) ([%d ;]+)\t(.*)$")
         if not id then
            f:close()
            return nil, string_format("%s:%d: malformed text-bound annotation", path, n)
         end
         local lo, hi
         for a, b in spans:gmatch("(%d+) (%d+)") do
            a, b = tonumber(a), tonumber(b)
            if not lo or a < lo then lo = a end
            if not hi or b > hi then hi = b end
         end
         out[#out + 1] = { id = id, type = typ, start = lo, stop = hi, text = body }
      end
   end
   f:close()
   if text then
      local byte = eval.char_to_byte(text)
      for _, a in ipairs(out) do a.start, a.stop = byte(a.start), byte(a.stop) end
   end
   return out
end

--- BRAT documents under dir: every .ann with its .txt beside it, or in a
-- sibling folder (text/ next to attributions/, as PolNeAR keeps them).
-- Returns a sorted list of {id, ann, txt}.
function eval.brat_pairs(dir)
   local pairs_ = {}
   local function walk(d)
      for name in lfs.dir(d) do
         if name:sub(1, 1) ~= "." then
            local full = d .. "/" .. name
            local mode = lfs.attributes(full, "mode")
            if mode == "directory" then walk(full)
            elseif name:match("%.ann$") then
               local base = name:gsub("%.ann$", "")
               -- PolNeAR names an .ann after its text plus the annotator:
               -- text/vote.txt, attributions/vote_c3d9.ann
               local bases = { base, (base:gsub("_%x%x%x%x$", "")) }
               local txt
               for _, b in ipairs(bases) do
                  txt = d .. "/" .. b .. ".txt"
                  if lfs.attributes(txt) then break end
                  txt = nil
                  local parent = d:match("^(.*)/[^/]+$") or "."
                  for sub in lfs.dir(parent) do
                     local cand = parent .. "/" .. sub .. "/" .. b .. ".txt"
                     if sub:sub(1, 1) ~= "." and lfs.attributes(cand) then txt = cand; break end
                  end
                  if txt then break end
               end
               if txt then pairs_[#pairs_ + 1] = { id = base, ann = full, txt = txt } end
            end
         end
      end
   end
   if lfs.attributes(dir, "mode") ~= "directory" then return nil, dir .. ": not a folder" end
   walk(dir)
   table_sort(pairs_, function(a, b) return a.id < b.id end)
   return pairs_
end

--- Reads gold JSONL in the extract format: {doc, type, start, end, ...}
-- a line. Returns a table doc -> list of {type, start, stop, attrs}.
function eval.read_jsonl(path)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local by_doc, n = {}, 0
   for line in f:lines() do
      n = n + 1
      if line:match("%S") then
         local obj, jerr = cjson.decode(line)
         if type(obj) ~= "table" or obj.doc == nil or type(obj.start) ~= "number" or type(obj["end"]) ~= "number" then
            f:close()
            return nil, string_format("%s:%d: %s", path, n, jerr or "expected {doc, type, start, end}")
         end
         local doc = obj.doc
         if math.type(doc) == "float" and math.tointeger(doc) then doc = math.tointeger(doc) end
         doc = tostring(doc)
         by_doc[doc] = by_doc[doc] or {}
         local list = by_doc[doc]
         list[#list + 1] = { type = obj.type, start = obj.start, stop = obj["end"], attrs = obj.attrs }
      end
   end
   f:close()
   return by_doc
end

local function same_span(a, b, mode)
   if mode == "overlap" then return a.start < b.stop and b.start < a.stop end
   return a.start == b.start and a.stop == b.stop
end

--- A scorer: score:add(system, gold) per document, then score:report().
-- opts.match: "exact" (default) or "overlap"; opts.types: list of types
-- to score (default: every type seen in the gold).
function eval.scorer(opts)
   opts = opts or {}
   local s = { by_type = {}, by_rule = {}, match = opts.match or "exact", only = nil }
   if opts.types then
      s.only = {}
      for _, t in ipairs(opts.types) do s.only[t] = true end
   end
   local function cell(tab, key)
      local c = tab[key]
      if not c then c = { tp = 0, fp = 0, fn = 0 }; tab[key] = c end
      return c
   end
   function s.add(_, system, gold)
      local used = {}
      for _, a in ipairs(system) do
         if not s.only or s.only[a.type] then
            local hit
            for gi, g in ipairs(gold) do
               if not used[gi] and g.type == a.type and same_span(a, g, s.match) then hit = gi; break end
            end
            local ct, cr = cell(s.by_type, a.type), cell(s.by_rule, a.rule or "?")
            if hit then
               used[hit] = true
               ct.tp, cr.tp = ct.tp + 1, cr.tp + 1
            else
               ct.fp, cr.fp = ct.fp + 1, cr.fp + 1
            end
         end
      end
      for gi, g in ipairs(gold) do
         if not used[gi] and (not s.only or s.only[g.type]) then
            local ct = cell(s.by_type, g.type)
            ct.fn = ct.fn + 1
         end
      end
   end
   function s.report()
      local function prf(c)
         local p = (c.tp + c.fp) > 0 and c.tp / (c.tp + c.fp) or 0
         local r = (c.tp + c.fn) > 0 and c.tp / (c.tp + c.fn) or 0
         local f = (p + r) > 0 and 2 * p * r / (p + r) or 0
         return { tp = c.tp, fp = c.fp, fn = c.fn, precision = p, recall = r, f1 = f }
      end
      local out = { types = {}, rules = {}, total = { tp = 0, fp = 0, fn = 0 } }
      for t, c in pairs(s.by_type) do
         out.types[t] = prf(c)
         out.total.tp, out.total.fp, out.total.fn = out.total.tp + c.tp, out.total.fp + c.fp, out.total.fn + c.fn
      end
      for r, c in pairs(s.by_rule) do out.rules[r] = prf(c) end
      out.total = prf(out.total)
      return out
   end
   return s
end

return eval
