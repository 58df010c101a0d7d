--- Evaluating extractions against gold annotations: precision, recall and
-- F1 per type and per rule, the accuracy of attributes, quotations and
-- their speakers; and the readers for gold data (JSONL in the extract
-- format, BRAT standoff, CoNLL columns with IOB tags, TimeML).
-- @module quarry.eval
local calendar = require "quarry.calendar"
local cjson = require "cjson.safe"
local json = require "quarry.json"
local lfs = require "lfs"
local core = require "quarry.core"
local docs = require "quarry.docs"

local ipairs, next, pairs, tonumber, tostring, type = ipairs, next, pairs, tonumber, tostring, type
local io_open, string_format, table_concat, table_sort = io.open, string.format, table.concat, table.sort
local math_max, math_min = math.max, math.min
local null = cjson.null

local eval = {}

--- Byte offsets of character offsets: BRAT counts characters (code
-- points); quarry counts bytes. Returns a function char -> byte.
-- @param text string the document's text (UTF-8)
-- @return function char -> byte: the byte offset of a character offset
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

-- The T lines (text-bound annotations) and E lines (events) of a BRAT
-- .ann file: spans, events, spans by id; or nil, message.
local function parse_brat(path)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local spans, events, by_id, n = {}, {}, {}, 0
   local function bad(what)
      f:close()
      return nil, string_format("%s:%d: %s", path, n, what)
   end
   for line in f:lines() do
      n = n + 1
      -- an annotation line opens with its id and a tab; a line that does
      -- not is the rest of the previous one's text, which held a newline
      -- (a discontinuous span across a paragraph break)
      local kind = line:match("^([TE])%d+\t") or (line:match("^[TE]%d") and line:sub(1, 1))
      if kind == "T" then
         local id, typ, ranges, body = line:match("^(T%d+)\t(%S+) ([%d ;]+)\t(.*)$")
         if not id then return bad("malformed text-bound annotation") end
         local lo, hi
         for a, b in ranges:gmatch("(%d+) (%d+)") do
            a, b = tonumber(a), tonumber(b)
            if not lo or a < lo then lo = a end
            if not hi or b > hi then hi = b end
         end
         if not lo then return bad("malformed text-bound annotation") end
         local t = { id = id, type = typ, start = lo, stop = hi, text = (body:gsub("\r$", "")) }
         spans[#spans + 1] = t
         by_id[id] = t
      elseif kind == "E" then
         local id, args = line:match("^(E%d+)\t(.-)%s*$")
         if not id then return bad("malformed event") end
         local ev = { id = id, line = n, args = {} }
         for arg in args:gmatch("%S+") do
            local role, ref = arg:match("^([^:]+):([TE]%d+)$")
            if not role then return bad("malformed event argument '" .. arg .. "'") end
            ev.args[#ev.args + 1] = { role = role, ref = ref }
         end
         if #ev.args == 0 then return bad("malformed event") end
         events[#events + 1] = ev
      end
   end
   f:close()
   return spans, events, by_id
end

local function to_bytes(spans, text)
   local byte = eval.char_to_byte(text)
   for _, a in ipairs(spans) do a.start, a.stop = byte(a.start), byte(a.stop) end
end

--- Reads a BRAT .ann file: text-bound annotations (T lines) with
-- discontinuous spans joined to their outer bounds. Offsets are BRAT's
-- character offsets; give text to have them as byte offsets. Returns a list
-- of {id, type, start, stop, text} or nil, message.
-- @param path string the .ann file
-- @param text string optional: the document's text, to have byte offsets
-- @return table {{id, type, start, stop, text}, ...}; or nil, message
function eval.read_brat(path, text)
   local spans, err = parse_brat(path)
   if not spans then return nil, err end
   if text then to_bytes(spans, text) end
   return spans
end

--- Reads the attributions of a BRAT .ann file as PolNeAR writes them:
-- each event (E line) `E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`
-- becomes {id, type (the trigger's role, e.g. "Attribution-no-source"),
-- source, cue, contents}, source and cue being spans or nil and contents
-- the spans of the roles Content, Content2, ... Spans are as read_brat
-- gives them (byte offsets when text is given). Returns {spans,
-- attributions} or nil, message.
-- @param path string the .ann file
-- @param text string optional: the document's text, to have byte offsets
-- @return table {spans, attributions}; or nil, message
function eval.read_brat_attributions(path, text)
   local spans, events, by_id = parse_brat(path)
   if not spans then return nil, events end
   if text then to_bytes(spans, text) end
   local out = {}
   for _, ev in ipairs(events) do
      local a = { id = ev.id, contents = {} }
      for i, arg in ipairs(ev.args) do
         local t = by_id[arg.ref]
         if not t and arg.ref:sub(1, 1) == "T" then
            return nil, string_format("%s:%d: %s refers to %s, which is not defined", path, ev.line, ev.id, arg.ref)
         end
         local role = arg.role:gsub("%d+$", "")
         if i == 1 then a.type = arg.role
         elseif t and role == "Source" then a.source = a.source or t
         elseif t and role == "Cue" then a.cue = a.cue or t
         elseif t and role == "Content" then a.contents[#a.contents + 1] = t end
      end
      out[#out + 1] = a
   end
   return { spans = spans, attributions = out }
end

--- BRAT documents under dir: every .ann with its .txt beside it, or in a
-- sibling folder (text/ next to attributions/, as PolNeAR keeps them).
-- Returns a sorted list of {id, ann, txt}.
-- @param dir string the folder of BRAT files
-- @return table {{id, ann, txt}, ...} sorted by id
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
-- @param path string the gold file
-- @return table doc id -> {{type, start, stop, attrs}, ...}; or nil, message
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

-- The files under dir (recursively) whose names end in ext, sorted.
local function files_under(dir, ext, out)
   out = out or {}
   for name in lfs.dir(dir) do
      if name:sub(1, 1) ~= "." then
         local full = dir .. "/" .. name
         if lfs.attributes(full, "mode") == "directory" then files_under(full, ext, out)
         elseif name:sub(-#ext) == ext then out[#out + 1] = full end
      end
   end
   table_sort(out)
   return out
end

--- The TimeML files of a gold path: the path itself when it is a file,
-- else every .tml file under the folder (recursively), sorted. Returns the
-- list, or nil, message.
-- @param path string a .tml file or a folder
-- @return table the paths, sorted; or nil, message
function eval.timeml_files(path)
   local mode = lfs.attributes(path, "mode")
   if not mode then return nil, path .. ": no such file or folder" end
   if mode ~= "directory" then return { path } end
   local list = files_under(path, ".tml")
   if #list == 0 then return nil, path .. ": no .tml files in this folder" end
   return list
end

--- Reads a TimeML document (TempEval-3, TimeBank, AQUAINT): the text is
-- the character data of its TEXT element, tags left out and XML entities
-- decoded; the gold are its TIMEX3 elements inside TEXT, as {type (the
-- TIMEX3 type: DATE, TIME, DURATION or SET), start, stop (byte offsets
-- into the text), text, attrs = {value, tid}}; the date is the value (its
-- YYYY-MM-DD) of the TIMEX3 whose functionInDocument is CREATION_TIME (the
-- document creation time, in DCT). Empty TIMEX3 elements (TimeML's
-- implicit times) are left out. Returns {id (the DOCID, else the file's
-- base name), text, date, gold}, or nil, "path:line:column: problem".
-- @param path string the .tml file
-- @return table {id, text, date, gold}; or nil, "path:line:column: problem"
function eval.read_timeml(path)
   local ok, lxp = pcall(require, "lxp")
   if not ok then
      return nil, "reading TimeML needs LuaExpat (Debian: apt-get install lua-expat; LuaRocks: luaexpat)"
   end
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local content = f:read("a")
   f:close()
   if not content then return nil, path .. ": cannot read" end
   local parts, len, in_text, in_docid, open = {}, 0, 0, false, nil
   local doc = { gold = {} }
   local docid = {}
   local parser = lxp.new {
      StartElement = function(_, name, attrs)
         if name == "TEXT" then in_text = in_text + 1
         elseif name == "DOCID" then in_docid = true
         elseif name == "TIMEX3" then
            if attrs.functionInDocument == "CREATION_TIME" and not doc.date then
               local y, m, d = calendar.parse_iso(attrs.value)
               if d then doc.date = string_format("%04d-%02d-%02d", y, m, d) end
            end
            if in_text > 0 then
               open = { type = attrs.type, start = len, attrs = { value = attrs.value, tid = attrs.tid } }
            end
         end
      end,
      EndElement = function(_, name)
         if name == "TEXT" then in_text = in_text - 1
         elseif name == "DOCID" then in_docid = false
         elseif name == "TIMEX3" and open then
            open.stop = len
            if open.stop > open.start then doc.gold[#doc.gold + 1] = open end
            open = nil
         end
      end,
      CharacterData = function(_, s)
         if in_text > 0 then
            parts[#parts + 1] = s
            len = len + #s
         elseif in_docid then
            docid[#docid + 1] = s
         end
      end,
   }
   local res, msg, line, col = parser:parse(content)
   if res then res, msg, line, col = parser:parse() end
   pcall(parser.close, parser)   -- it raises on a document left unfinished
   if not res then return nil, string_format("%s:%d:%d: %s", path, line or 0, col or 0, msg) end
   doc.text = table_concat(parts)
   for _, g in ipairs(doc.gold) do g.text = doc.text:sub(g.start + 1, g.stop) end
   doc.id = table_concat(docid):match("^%s*(.-)%s*$")
   if doc.id == "" then doc.id = path:match("([^/]+)$"):gsub("%.tml$", "") end
   return doc
end

--- What kind of gold a path holds: "timeml" (a .tml file, or a folder
-- holding .tml files), "brat" (a folder of .ann files), "jsonl" (a file
-- whose first line opens a JSON object) or "conll" (a file whose first
-- line is columns ending in an IOB tag: `token POS chunk tag`, or at least
-- `token tag`). Returns the kind, or nil, message when the file cannot be
-- read.
-- @param path string the gold file or folder
-- @return string "timeml", "brat", "jsonl" or "conll"; or nil, message
function eval.gold_format(path)
   if lfs.attributes(path, "mode") == "directory" then
      if #files_under(path, ".ann") == 0 and #files_under(path, ".tml") > 0 then return "timeml" end
      return "brat"
   end
   if path:match("%.tml$") then return "timeml" end
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local kind = "jsonl"   -- what is neither: the JSONL reader says what is wrong
   for line in f:lines() do
      if line:find("%S") and not line:find("^%-DOCSTART%-") then
         local nfields, last = 0, nil
         for field in line:gmatch("%S+") do nfields, last = nfields + 1, field end
         if not line:find("^%s*{") and nfields >= 2 and (last == "O" or last:find("^[BI]%-%S")) then
            kind = "conll"
         end
         break
      end
   end
   f:close()
   return kind
end

--- Sentences a CoNLL document holds at most when the file marks no
-- document boundaries (no -DOCSTART- lines, no datelines).
eval.CONLL_SENTENCES = 40

-- A dateline sentence of CoNLL-2003 ("LONDON 1996-08-30"): at most eight
-- tokens, the last an ISO date. Returns the date.
local function dateline_date(tokens)
   if #tokens > 8 then return nil end
   local last = tokens[#tokens]
   return #last == 10 and select(3, calendar.parse_iso(last)) and last or nil
end

-- Where documents start, as indexes into sentences.
local function conll_starts(sentences)
   local starts, marked = {}, false
   for i, s in ipairs(sentences) do
      if s.docstart then marked = true end
      if i == 1 or s.docstart then starts[#starts + 1] = i end
   end
   if marked then return starts, "-DOCSTART- lines" end
   local found = false
   starts = { 1 }
   for i, s in ipairs(sentences) do
      if dateline_date(s.tokens) then
         found = true
         -- the headline before the dateline opens the document
         local first = i > 1 and i - 1 or i
         if first > starts[#starts] then starts[#starts + 1] = first end
      end
   end
   if found then return starts, "datelines" end
   starts = {}
   for i = 1, #sentences, eval.CONLL_SENTENCES do starts[#starts + 1] = i end
   return starts, "every " .. eval.CONLL_SENTENCES .. " sentences"
end

--- Reads CoNLL columns: one token a line with its tag in the last column
-- (CoNLL-2003: `token POS chunk tag`), a blank line between sentences.
-- Tags are IOB2 (B-TYPE opens an entity, I-TYPE continues it) or IOB1
-- (I-TYPE also opens one after O or another type; B-TYPE only separates
-- two entities of one type); `O` is outside.
--
-- Documents are rebuilt from the tokens: a sentence is its tokens joined by
-- one space, a document its sentences joined by a line break. A document
-- starts at each -DOCSTART- line when the file has any; else at each
-- dateline (a sentence of at most eight tokens ending in a date
-- YYYY-MM-DD, as "LONDON 1996-08-30") — together with the headline just
-- before it — and the dateline's date is the document's date; a file with
-- neither is cut every eval.CONLL_SENTENCES (40) sentences. Documents are
-- named FILE#1, FILE#2, ... after the file's base name.
--
-- Returns a list of documents {id, text, date, gold = {{type, start, stop,
-- text}}} (byte offsets, the gold types as tagged: PER, ORG, ...) and
-- {sentences, documents, split}; or nil, "path:line: problem".
-- opts.warn(message) hears about text read as Windows-1252.
-- @param path string the CoNLL file
-- @param opts table optional: warn (function(message))
-- @return table the documents {{id, text, date, gold}, ...}; or nil, "path:line: problem"
-- @return table {sentences, documents, split}
function eval.read_conll(path, opts)
   opts = opts or {}
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local content = f:read("a")
   f:close()
   if not content then return nil, path .. ": cannot read" end
   local converted, bad = docs.to_utf8(content)
   if bad and opts.warn then
      opts.warn(string_format("%s: not valid UTF-8 (first bad byte at offset %d); read as Windows-1252/Latin-1",
         path, bad))
   end
   local sentences, cur, docstart, n = {}, nil, false, 0
   local function finish()
      if cur then sentences[#sentences + 1] = cur end
      cur = nil
   end
   for line in (converted:gsub("\r\n", "\n") .. "\n"):gmatch("([^\n]*)\n") do
      n = n + 1
      if not line:find("%S") then
         finish()
      elseif line:find("^%s*%-DOCSTART%-") then
         finish()
         docstart = true
      else
         local fields = {}
         for field in line:gmatch("%S+") do fields[#fields + 1] = field end
         if #fields < 2 then
            return nil, string_format("%s:%d: expected a token and its tag (columns separated by spaces)", path, n)
         end
         local tag = fields[#fields]
         if tag ~= "O" and not tag:find("^[BI]%-%S") then
            return nil, string_format("%s:%d: '%s' is not an IOB tag (O, B-TYPE or I-TYPE)", path, n, tag)
         end
         if not cur then
            cur = { tokens = {}, tags = {}, docstart = docstart }
            docstart = false
         end
         cur.tokens[#cur.tokens + 1] = fields[1]
         cur.tags[#cur.tags + 1] = tag
      end
   end
   finish()
   local starts, split = conll_starts(sentences)
   local base = path:match("([^/]+)$")
   local out = {}
   for d, first in ipairs(starts) do
      local last = (starts[d + 1] or #sentences + 1) - 1
      local parts, gold, offset, date = {}, {}, 0, nil
      for si = first, last do
         local s = sentences[si]
         date = date or dateline_date(s.tokens)
         if si > first then offset = offset + 1 end   -- the line break
         local open
         local function close()
            if open then gold[#gold + 1] = open end
            open = nil
         end
         for i, tok in ipairs(s.tokens) do
            if i > 1 then offset = offset + 1 end      -- the space
            local start, stop = offset, offset + #tok
            local tag = s.tags[i]
            if tag == "O" then
               close()
            else
               local typ = tag:sub(3)
               if tag:byte(1) == 66 or not open or open.type ~= typ then   -- "B"
                  close()
                  open = { type = typ, start = start, stop = stop }
               else
                  open.stop = stop
               end
            end
            offset = stop
         end
         close()
         parts[#parts + 1] = table_concat(s.tokens, " ")
      end
      local text = table_concat(parts, "\n")
      for _, g in ipairs(gold) do g.text = text:sub(g.start + 1, g.stop) end
      out[#out + 1] = { id = string_format("%s#%d", base, d), text = text, date = date, gold = gold }
   end
   return out, { sentences = #sentences, documents = #out, split = split }
end

-- Quotation marks: “ and ” (U+201C, U+201D) and the straight ".
local OPEN_BEFORE = { ["("] = true, ["["] = true, ["{"] = true, ["-"] = true, ["/"] = true }
local CLOSE_AFTER = { ["."] = true, [","] = true, [";"] = true, [":"] = true, ["!"] = true, ["?"] = true,
   [")"] = true, ["]"] = true, ["}"] = true }
local WIDE = { ["\226\128\147"] = "dash", ["\226\128\148"] = "dash", ["\226\128\166"] = "ellipsis" }

-- The next quotation mark at or after byte pos (1-based) ending by byte
-- last: its first and last byte.
local function next_mark(text, pos, last)
   while true do
      local p = text:find('["\226]', pos)
      if not p or p > last then return nil end
      if text:byte(p) == 34 then return p, p end
      local b2, b3 = text:byte(p + 1, p + 2)
      if b2 == 128 and (b3 == 156 or b3 == 157) and p + 2 <= last then return p, p + 2 end
      pos = p + 1
   end
end

-- Which way a mark at bytes p..q faces by what stands around it: "open"
-- after a space, a line start, an opening bracket or a dash and before
-- anything else; "close" before a space, the end, punctuation or a dash
-- and after anything else; nil when both or neither hold.
local function mark_side(text, p, q)
   local before, after
   if p == 1 then before = true
   else
      local c = text:sub(p - 1, p - 1)
      before = c:find("%s") ~= nil or OPEN_BEFORE[c] or (p > 3 and WIDE[text:sub(p - 3, p - 1)] == "dash")
   end
   if q == #text then after = true
   else
      local c = text:sub(q + 1, q + 1)
      after = c:find("%s") ~= nil or CLOSE_AFTER[c] or WIDE[text:sub(q + 1, q + 3)] ~= nil
   end
   if before and not after then return "open" end
   if after and not before then return "close" end
   return nil
end

--- The quoted stretches of text[start, stop): the text between each
-- opening quotation mark and its closing one, marks excluded. The marks
-- are “, ” and the straight "; each faces by its context, not its glyph
-- (news text has ”Typos“): a mark after a space, a line start, an opening
-- bracket or a dash and before a letter opens; one after a letter or
-- punctuation and before a space, punctuation or the end closes; any other
-- opens when no quote is open and else closes. Quotes inside a quote are
-- part of it. A quote still open at stop runs to stop; a closing mark
-- before any quote opened closes a quote that runs from start (the span
-- began inside a quote); an opening mark in a later paragraph while a
-- quote is open (a quotation continued over paragraphs) ends the open
-- quote at its line break and starts another. Empty stretches are
-- dropped. Returns a list of {start, stop} (0-based bytes, stop exclusive).
-- @param text string the document's text
-- @param start integer where to look from (0-based byte)
-- @param stop integer where to stop (exclusive)
-- @return table {{start, stop}, ...}
function eval.quoted_stretches(text, start, stop)
   local out = {}
   local function emit(a, b)
      if b > a then out[#out + 1] = { start = a, stop = b } end
   end
   local depth, inside = 0, nil   -- inside: where the open quote's text starts (0-based)
   local pos = start + 1
   while true do
      local p, q = next_mark(text, pos, stop)
      if not p then break end
      local side = mark_side(text, p, q) or (depth == 0 and "open" or "close")
      if side == "open" then
         if depth == 0 then
            depth, inside = 1, q
         else
            local nl = text:find("\n", inside + 1, true)
            if nl and nl < p then
               local e = nl - 1
               while e > inside and text:sub(e, e):find("%s") do e = e - 1 end
               emit(inside, e)
               depth, inside = 1, q
            else
               depth = depth + 1
            end
         end
      elseif depth > 0 then
         depth = depth - 1
         if depth == 0 then emit(inside, p - 1) end
      elseif #out == 0 then
         emit(start, p - 1)
      end
      pos = q + 1
   end
   if depth > 0 then emit(inside, stop) end
   return out
end

-- A Content span in single curly marks and no double ones (a headline's
-- ‘Nobody told us,’ says mayor): the words inside them, as one stretch;
-- or none.
local function single_quoted(text, start, stop)
   local inner = text:sub(start + 1, stop)
   local lead = inner:match("^%s*\u{2018}()")
   local tail = inner:match("()\u{2019}[%.,;:!?]?%s*$")
   if lead and tail and tail > lead then return { { start = start + lead - 1, stop = start + tail - 1 } } end
   return {}
end

--- The gold quotations of a document from its BRAT attributions (as
-- read_brat_attributions returns them, in byte offsets): every quoted
-- stretch (eval.quoted_stretches) of the Content spans (outer bounds) of
-- each attribution, with the attribution's id and its Source span {start,
-- stop, text} (nil for an attribution without one). Returns the quotes
-- sorted by start, and the Content spans of the document (quoted or not).
-- @param text string the document's text
-- @param brat table its attributions, as eval.read_brat_attributions returns them
-- @return table the gold quotes sorted by start: {{start, stop, id, source}, ...}
-- @return table the Content spans of the document
function eval.gold_quotes(text, brat)
   local quotes, contents = {}, {}
   for _, t in ipairs(brat.spans) do
      if t.type:find("^Content%d*$") then contents[#contents + 1] = { start = t.start, stop = t.stop } end
   end
   for _, a in ipairs(brat.attributions) do
      local src = a.source and { start = a.source.start, stop = a.source.stop, text = a.source.text }
      for _, c in ipairs(a.contents) do
         local stretches = eval.quoted_stretches(text, c.start, c.stop)
         if #stretches == 0 then stretches = single_quoted(text, c.start, c.stop) end
         for _, s in ipairs(stretches) do
            quotes[#quotes + 1] = { start = s.start, stop = s.stop, text = text:sub(s.start + 1, s.stop),
               attribution = a.id, source = src }
         end
      end
   end
   table_sort(quotes, function(x, y)
      if x.start ~= y.start then return x.start < y.start end
      return x.stop < y.stop
   end)
   return quotes, contents
end

-- Capitalised words that do not name anyone (keys, without a final period).
local NOT_NAMES = {}
for w in ([[the a an this that these those his her its their our my your he she it they we i you him them us
   mr mrs ms miss dr prof sir dame lord lady rev sen rep gov gen col lt sgt capt adm
   president vice senator representative congressman congresswoman governor secretary minister prime mayor
   chairman chairwoman chair chief director spokesman spokeswoman spokesperson official officials
   former general judge justice ambassador candidate nominee leader sources source aide aides
   according but and or in on of for]]):gmatch("%S+") do
   NOT_NAMES[w] = true
end

--- The name tokens of a string, as a set of keys: words in title case,
-- capitals or mixed case, of two characters or more, compared without
-- case or diacritics, leaving out possessive 's and capitalised words that
-- are not names (articles, pronouns, honorifics, titles: "The", "He",
-- "Mr.", "Sen.", "President", ...).
-- @param s string a name or a mention
-- @return table a set: key -> true
function eval.name_tokens(s)
   local keys = {}
   if type(s) ~= "string" or s == "" then return keys end
   local toks <close> = core.tokenize(s)
   for i = 1, #toks do
      if toks:kind(i) == "word" and not toks:get(i, "clitic") then
         local case = toks:get(i, "case")
         if case == "title" or case == "upper" or case == "mixed" then
            local key = toks:key(i, true):gsub("%.$", "")
            if (utf8.len(key) or #key) >= 2 and not NOT_NAMES[key] then keys[key] = true end
         end
      end
   end
   return keys
end

--- Whether a quote's speaker is the gold source {start, stop, text}: the
-- speaker mention [attrs.speaker_start, attrs.speaker_end) overlaps the
-- source's span, or the canonical name attrs.speaker and the source's text
-- share a name token (eval.name_tokens: "Kessler" and "Ada Kessler").
-- Returns true, "mention" or "name"; or false.
-- @param attrs table a system quote's attrs (speaker, speaker_start, speaker_end)
-- @param source table the gold Source {start, stop, text}
-- @return true, "mention" or "name" when they match; false otherwise
function eval.speaker_matches(attrs, source)
   attrs = attrs or {}
   local ss, se = attrs.speaker_start, attrs.speaker_end
   if type(ss) == "number" and type(se) == "number" and ss < source.stop and source.start < se then
      return true, "mention"
   end
   if type(attrs.speaker) == "string" then
      local gold = eval.name_tokens(source.text)
      for k in pairs(eval.name_tokens(attrs.speaker)) do
         if gold[k] then return true, "name" end
      end
   end
   return false
end

local function overlap(a, b)
   return math_min(a.stop, b.stop) - math_max(a.start, b.start)
end

--- Whether spans a and b match: mode "exact" (same start and stop),
-- "overlap" (they share a byte) or "half" (they share at least half of
-- the shorter one's bytes; equal spans always match).
-- @param a table a span {start, stop}
-- @param b table a span {start, stop}
-- @param mode string "exact", "overlap" or "half"
-- @return boolean
function eval.spans_match(a, b, mode)
   if a.start == b.start and a.stop == b.stop then return true end
   if mode == "overlap" then return a.start < b.stop and b.start < a.stop end
   if mode == "half" then
      local o = overlap(a, b)
      return o > 0 and 2 * o >= math_min(a.stop - a.start, b.stop - b.start)
   end
   return false
end

--- One-to-one greedy matching of system spans to gold spans: of every
-- pair that matches (eval.spans_match), the one sharing the most bytes is
-- taken first (ties: the earlier gold span, then the earlier system span),
-- and each span is taken once. Returns system index -> gold index and
-- gold index -> system index.
-- @param system table the system spans {start, stop}
-- @param gold table the gold spans {start, stop}
-- @param mode string as for eval.spans_match
-- @return table system index -> gold index
-- @return table gold index -> system index
function eval.match_greedy(system, gold, mode)
   local cands = {}
   for i, a in ipairs(system) do
      for j, g in ipairs(gold) do
         if eval.spans_match(a, g, mode) then cands[#cands + 1] = { i, j, overlap(a, g) } end
      end
   end
   table_sort(cands, function(x, y)
      if x[3] ~= y[3] then return x[3] > y[3] end
      if x[2] ~= y[2] then return x[2] < y[2] end
      return x[1] < y[1]
   end)
   local s2g, g2s = {}, {}
   for _, c in ipairs(cands) do
      if not s2g[c[1]] and not g2s[c[2]] then s2g[c[1]], g2s[c[2]] = c[2], c[1] end
   end
   return s2g, g2s
end

--- A stretch of text around [start, stop) for error reports: up to width
-- (60) bytes each side, cut at character boundaries, white space squeezed.
-- @param text string the document's text
-- @param start integer the span's start (0-based byte)
-- @param stop integer the span's end (exclusive)
-- @param width integer optional: bytes each side (60)
-- @return string
function eval.context(text, start, stop, width)
   width = width or 60
   local a, b = math_max(0, start - width), math_min(#text, stop + width)
   while a > 0 and (text:byte(a + 1) or 0) & 0xC0 == 0x80 do a = a - 1 end
   while b < #text and text:byte(b + 1) & 0xC0 == 0x80 do b = b + 1 end
   return (text:sub(a + 1, b):gsub("%s+", " "))
end

local ERROR_KEYS = { "doc", "kind", "type", "start", "end", "text", "context" }
local ERROR_KEY = {}
for _, k in ipairs(ERROR_KEYS) do ERROR_KEY[k] = true end

--- An error record as one JSON line, its keys in a fixed order: doc, kind,
-- type, start, end, text, context, then the others sorted.
-- @param rec table an error record {doc, kind, type, start, end, text, context, ...}
-- @return string one line of JSON, without the line break
function eval.error_json(rec)
   local parts = {}
   local function put(k, v)
      if v ~= nil then parts[#parts + 1] = json.string(k) .. ":" .. json.encode(v) end
   end
   for _, k in ipairs(ERROR_KEYS) do put(k, rec[k]) end
   local rest = {}
   for k in pairs(rec) do
      if not ERROR_KEY[k] then rest[#rest + 1] = k end
   end
   table_sort(rest)
   for _, k in ipairs(rest) do put(k, rec[k]) end
   return "{" .. table_concat(parts, ",") .. "}"
end

local function error_record(doc, kind, span, extra)
   local rec = { doc = doc and doc.id, kind = kind, type = span.type, start = span.start, ["end"] = span.stop }
   if doc and doc.text then
      rec.text = doc.text:sub(span.start + 1, span.stop)
      rec.context = eval.context(doc.text, span.start, span.stop)
   else
      rec.text = span.text
   end
   for k, v in pairs(extra or {}) do rec[k] = v end
   return rec
end

local function prf(c)
   local p = (c.tp + c.fp) > 0 and c.tp / (c.tp + c.fp) or 0
   local r = (c.tp + c.fn) > 0 and c.tp / (c.tp + c.fn) or 0
   local f = (p + r) > 0 and 2 * p * r / (p + r) or 0
   return { tp = c.tp, fp = c.fp, fn = c.fn, precision = p, recall = r, f1 = f }
end
eval.prf = prf

--- Precision, recall and F1 of counts: eval.prf{tp, fp, fn} -> {tp, fp, fn, precision, recall, f1}.
-- @function prf
-- @param c table the counts {tp, fp, fn}
-- @return table the counts and precision, recall and f1 (0 where undefined)

-- Attribute values are equal: the same value, JSON null as nil, tables
-- compared by their contents.
local function same_value(a, b)
   if a == null then a = nil end
   if b == null then b = nil end
   if a == b then return true end
   if type(a) == "table" and type(b) == "table" then
      for k, v in pairs(a) do
         if not same_value(v, b[k]) then return false end
      end
      for k, v in pairs(b) do
         if a[k] == nil and not same_value(v, nil) then return false end
      end
      return true
   end
   return false
end
eval.same_value = same_value

--- Whether two attribute values are equal: eval.same_value(a, b) -> boolean
-- (JSON null is nil; tables compared by their contents).
-- @function same_value
-- @param a a value
-- @param b a value
-- @return boolean

-- Compares the attributes named in attrs of system span a with those of
-- the gold span g it matched, counting into by_attr[type][name]
-- {scored, correct}; on_error hears a wrong one, with the gold's own span
-- (a relaxed match may cover other words).
local function check_attrs(by_attr, attrs, on_error, a, g, doc)
   for _, name in ipairs(attrs) do
      local want = g.attrs and g.attrs[name]
      if want ~= nil and want ~= null then
         local by_name = by_attr[a.type] or {}
         by_attr[a.type] = by_name
         local c = by_name[name] or { scored = 0, correct = 0 }
         by_name[name] = c
         c.scored = c.scored + 1
         local got = a.attrs and a.attrs[name]
         if same_value(got, want) then
            c.correct = c.correct + 1
         elseif on_error then
            local rec = error_record(doc, "wrong_attr", a, { attr = name, gold = want,
               system = (got == nil) and null or got, gold_start = g.start, gold_end = g.stop })
            if doc and doc.text then rec.gold_text = doc.text:sub(g.start + 1, g.stop) end
            on_error(rec)
         end
      end
   end
end

--- A scorer: score:add(system, gold [, doc]) per document, then
-- score:report(). opts.match: "exact" (default), "overlap" or "half"
-- (eval.spans_match); opts.types: list of types to score (default: every
-- type seen); opts.attrs: names of attributes whose values are compared
-- on matched pairs whose gold has one: the report gives their accuracy
-- (correct of scored) and their F1 as TempEval-3 gives a value's (correct
-- over the system's spans of the type, and over the gold's);
-- The report's false_positives_over counts, per system type, the false
-- positives that overlap gold of a type not scored (by gold type).
-- opts.errors(record): hears each miss, false positive and wrong attribute
-- ({doc, kind, type, start, end, text, context, ...}; doc {id, text} gives
-- doc, text and context).
-- @param opts table optional: match, types, attrs, errors (see above)
-- @return table a scorer with add(system, gold [, doc]) and report()
function eval.scorer(opts)
   opts = opts or {}
   local s = { by_type = {}, by_rule = {}, by_attr = {}, over = {}, match = opts.match or "exact", only = nil }
   if opts.types then
      s.only = {}
      for _, t in ipairs(opts.types) do s.only[t] = true end
   end
   local attrs, on_error = opts.attrs, opts.errors
   local function cell(tab, key)
      local c = tab[key]
      if not c then c = { tp = 0, fp = 0, fn = 0 }; tab[key] = c end
      return c
   end
   function s.add(_, system, gold, doc)
      local used = {}
      for _, a in ipairs(system) do
         if not s.only or s.only[a.type] then
            local hit
            for gi, g in ipairs(gold) do
               if not used[gi] and g.type == a.type and eval.spans_match(a, g, s.match) then hit = gi; break end
            end
            local ct, cr = cell(s.by_type, a.type), cell(s.by_rule, a.rule or "?")
            if hit then
               used[hit] = true
               ct.tp, cr.tp = ct.tp + 1, cr.tp + 1
               if attrs then check_attrs(s.by_attr, attrs, on_error, a, gold[hit], doc) end
            else
               ct.fp, cr.fp = ct.fp + 1, cr.fp + 1
               -- a false positive on gold of a type not scored (a date on a
               -- TimeML TIME, an organisation on a CoNLL MISC) is told apart
               local over
               for _, g in ipairs(gold) do
                  if s.only and not s.only[g.type] and eval.spans_match(a, g, "overlap") then over = g.type; break end
               end
               if over then
                  local row = s.over[a.type] or {}
                  s.over[a.type] = row
                  row[over] = (row[over] or 0) + 1
               end
               if on_error then
                  on_error(error_record(doc, "false_positive", a, { rule = a.rule, gold_type = over }))
               end
            end
         end
      end
      for gi, g in ipairs(gold) do
         if not used[gi] and (not s.only or s.only[g.type]) then
            local ct = cell(s.by_type, g.type)
            ct.fn = ct.fn + 1
            if on_error then on_error(error_record(doc, "missed", g)) end
         end
      end
   end
   function s.report()
      local out = { types = {}, rules = {}, total = { tp = 0, fp = 0, fn = 0 } }
      for t, c in pairs(s.by_type) do
         out.types[t] = prf(c)
         out.total.tp, out.total.fp, out.total.fn = out.total.tp + c.tp, out.total.fp + c.fp, out.total.fn + c.fn
      end
      for r, c in pairs(s.by_rule) do out.rules[r] = prf(c) end
      if next(s.over) then out.false_positives_over = s.over end
      out.total = prf(out.total)
      if attrs then
         -- per type and attribute, and "all" types per attribute
         local all = {}
         out.attributes = { types = {}, all = all }
         for _, name in ipairs(attrs) do all[name] = { scored = 0, correct = 0, accuracy = 0 } end
         for t, by_name in pairs(s.by_attr) do
            local row = {}
            out.attributes.types[t] = row
            for name, c in pairs(by_name) do
               row[name] = { scored = c.scored, correct = c.correct, accuracy = c.correct / c.scored }
               local a = all[name]
               a.scored, a.correct = a.scored + c.scored, a.correct + c.correct
            end
         end
         -- attribute F1 (TempEval-3's value F1): a system span counts
         -- when it matches and its attribute equals the gold's
         for t, row in pairs(out.attributes.types) do
            local c = s.by_type[t] or { tp = 0, fp = 0, fn = 0 }
            for _, a in pairs(row) do
               a.system, a.gold = c.tp + c.fp, c.tp + c.fn
               local p, r = a.system > 0 and a.correct / a.system or 0, a.gold > 0 and a.correct / a.gold or 0
               a.precision, a.recall, a.f1 = p, r, (p + r) > 0 and 2 * p * r / (p + r) or 0
            end
         end
         for name, a in pairs(all) do
            a.accuracy = a.scored > 0 and a.correct / a.scored or 0
            a.system, a.gold = 0, 0
            for _, row in pairs(out.attributes.types) do
               if row[name] then a.system, a.gold = a.system + row[name].system, a.gold + row[name].gold end
            end
            local p, r = a.system > 0 and a.correct / a.system or 0, a.gold > 0 and a.correct / a.gold or 0
            a.precision, a.recall, a.f1 = p, r, (p + r) > 0 and 2 * p * r / (p + r) or 0
         end
      end
      return out
   end
   return s
end

--- A scorer of quotations and their speakers: score:add(annotations,
-- gold_quotes, contents [, doc]) per document (eval.gold_quotes gives the
-- gold quotes and the Content spans), then score:report().
--
-- The system's quotes are its annotations of type opts.type ("quote").
-- They are matched one-to-one to the gold quotes (eval.match_greedy, by
-- opts.match: "half" by default, or "exact" or "overlap"). An unmatched
-- system quote that overlaps no gold Content span is "unattributed" (scare
-- quotes, titles, quotes no attribution covers); one that does is a plain
-- false positive. Precision is given twice: "strict" counts every
-- unmatched system quote as a false positive; "attributed" leaves the
-- unattributed ones out. Recall is the same in both.
--
-- Speakers are checked on matched quotes whose gold attribution has a
-- Source (eval.speaker_matches on the system quote's attrs); matched
-- quotes of attributions without one are counted apart.
--
-- Words in quotation marks that the pack says nobody speaks (annotations
-- of type opts.term_type, "term": scare quotes, titles, nicknames) are not
-- quotes; those that match a gold quote the system's quotes left unmatched
-- are counted as terms_missed (part of the misses), the others as
-- terms_right.
-- opts.errors(record) hears misses ("missed", or "term_missed" with the
-- term's kind), false positives ("false_positive", "unattributed") and
-- wrong speakers ("wrong_speaker", with the deciding strategy).
-- @param opts table optional: type ("quote"), term_type ("term"), match ("half"), errors (function(record))
-- @return table a scorer with add(annotations, gold_quotes, contents [, doc]) and report()
function eval.quote_scorer(opts)
   opts = opts or {}
   local s = { match = opts.match or "half", type = opts.type or "quote", term_type = opts.term_type or "term",
      documents = 0, gold = 0, system = 0, tp = 0, fn = 0, fp = 0, unattributed = 0, terms = 0, terms_missed = 0,
      speaker_scored = 0, speaker_correct = 0, speaker_by_mention = 0, no_gold_source = 0 }
   local on_error = opts.errors
   function s.add(_, annotations, gold, contents, doc)
      s.documents = s.documents + 1
      local system, terms = {}, {}
      for _, a in ipairs(annotations) do
         if a.type == s.type then system[#system + 1] = a
         elseif a.type == s.term_type then terms[#terms + 1] = a end
      end
      s.terms = s.terms + #terms
      s.gold, s.system = s.gold + #gold, s.system + #system
      local s2g, g2s = eval.match_greedy(system, gold, s.match)
      for i, a in ipairs(system) do
         local gi = s2g[i]
         if gi then
            s.tp = s.tp + 1
            local g = gold[gi]
            if not g.source then
               s.no_gold_source = s.no_gold_source + 1
            else
               s.speaker_scored = s.speaker_scored + 1
               local ok, how = eval.speaker_matches(a.attrs, g.source)
               if ok then
                  s.speaker_correct = s.speaker_correct + 1
                  if how == "mention" then s.speaker_by_mention = s.speaker_by_mention + 1 end
               elseif on_error then
                  local at = a.attrs or {}
                  on_error(error_record(doc, "wrong_speaker", a, {
                     gold_start = g.start, gold_end = g.stop,
                     gold_speaker = g.source.text,
                     gold_speaker_start = g.source.start, gold_speaker_end = g.source.stop,
                     speaker = at.speaker == nil and null or at.speaker,
                     speaker_start = at.speaker_start, speaker_end = at.speaker_end,
                     speaker_type = type(at.speaker_type) == "string" and at.speaker_type or nil,
                     strategy = type(at.strategy) == "string" and at.strategy or nil }))
               end
            end
         else
            local inside = false
            for _, c in ipairs(contents) do
               if a.start < c.stop and c.start < a.stop then inside = true; break end
            end
            if inside then s.fp = s.fp + 1 else s.unattributed = s.unattributed + 1 end
            if on_error then
               on_error(error_record(doc, inside and "false_positive" or "unattributed", a, { rule = a.rule }))
            end
         end
      end
      -- the gold quotes left unmatched that the system typed as terms
      local missed, missed_index = {}, {}
      for gi, g in ipairs(gold) do
         if not g2s[gi] then missed[#missed + 1], missed_index[#missed + 1] = g, gi end
      end
      local t2g = eval.match_greedy(terms, missed, s.match)
      local termed = {}
      for ti, mi in pairs(t2g) do termed[missed_index[mi]] = terms[ti] end
      for gi, g in ipairs(gold) do
         if not g2s[gi] then
            s.fn = s.fn + 1
            local t = termed[gi]
            if t then s.terms_missed = s.terms_missed + 1 end
            if on_error then
               on_error(error_record(doc, t and "term_missed" or "missed",
                  { type = s.type, start = g.start, stop = g.stop, text = g.text },
                  { gold_speaker = g.source and g.source.text or null, attribution = g.attribution,
                    term_kind = t and t.attrs and t.attrs.kind or nil,
                    why = t and type(t.trace) == "table" and t.trace.term or nil }))
            end
         end
      end
   end
   function s.report()
      local strict = prf { tp = s.tp, fp = s.fp + s.unattributed, fn = s.fn }
      local attributed = prf { tp = s.tp, fp = s.fp, fn = s.fn }
      return {
         documents = s.documents, match = s.match,
         quotes = { gold = s.gold, system = s.system, tp = s.tp, fn = s.fn, fp = s.fp + s.unattributed,
            unattributed = s.unattributed, strict = strict, attributed = attributed },
         terms = { system = s.terms, missed = s.terms_missed, right = s.terms - s.terms_missed },
         speaker = { scored = s.speaker_scored, correct = s.speaker_correct,
            accuracy = s.speaker_scored > 0 and s.speaker_correct / s.speaker_scored or 0,
            by_mention = s.speaker_by_mention, by_name = s.speaker_correct - s.speaker_by_mention,
            no_gold_source = s.no_gold_source },
      }
   end
   return s
end

return eval
