--- Reading documents from text files, folders, JSONL and standard input.
-- A document is a table {id, text, title, date, source, url, path, meta}.
-- Text files: the first line is the headline when a blank line follows it.
-- JSONL: one object a line with id, text and optionally title, date,
-- source, url; other fields are kept in meta.
-- @module quarry.docs
local cjson = require "cjson.safe"
local lfs = require "lfs"
local core = require "quarry.core"

local error, ipairs, next, pairs, type, tostring = error, ipairs, next, pairs, type, tostring
local io_open, io_stdin = io.open, io.stdin
local string_format, utf8_char = string.format, utf8.char
local utf8_valid = core.utf8_valid
local math_tointeger, math_type = math.tointeger, math.type
local table_sort, table_concat, pcall, select = table.sort, table.concat, pcall, select

local docs = {}

-- The UTF-8 byte order mark, which some editors put at the start of a file.
local BOM = "\239\187\191"

-- Windows-1252 differs from Latin-1 in 0x80-0x9F, where scraped "Latin-1"
-- text keeps its curly quotes and dashes.
local cp1252 = {
   [0x80] = 0x20AC, [0x82] = 0x201A, [0x83] = 0x0192, [0x84] = 0x201E, [0x85] = 0x2026,
   [0x86] = 0x2020, [0x87] = 0x2021, [0x88] = 0x02C6, [0x89] = 0x2030, [0x8A] = 0x0160,
   [0x8B] = 0x2039, [0x8C] = 0x0152, [0x8E] = 0x017D, [0x91] = 0x2018, [0x92] = 0x2019,
   [0x93] = 0x201C, [0x94] = 0x201D, [0x95] = 0x2022, [0x96] = 0x2013, [0x97] = 0x2014,
   [0x98] = 0x02DC, [0x99] = 0x2122, [0x9A] = 0x0161, [0x9B] = 0x203A, [0x9C] = 0x0153,
   [0x9E] = 0x017E, [0x9F] = 0x0178,
}

--- Text as valid UTF-8: returns it unchanged when it already is, else
-- converts it from Windows-1252/Latin-1 and returns the converted text and
-- the byte offset of the first invalid byte.
-- @param text string any bytes
-- @return string the text as valid UTF-8
-- @return integer the offset of the first invalid byte, when the text was converted (nil otherwise)
function docs.to_utf8(text)
   local ok, bad = utf8_valid(text)
   if ok then return text end
   local converted = text:gsub("[\128-\255]", function(c)
      local b = c:byte()
      return utf8_char(cp1252[b] or b)
   end)
   return converted, bad
end

--- A 64-bit hash of a string, as 16 hex digits (quarry.core.hash): ids for
-- documents that come without one; the corpus store's content hash.
-- @function hash
-- @param s string any bytes
-- @return string 16 hex digits
docs.hash = core.hash

--- The headline of a text: its first line when a blank line follows.
-- @param text string a text file's contents
-- @return string the headline, or nil when the first line is not followed by a blank line
function docs.headline(text)
   if text:sub(1, 3) == BOM then text = text:sub(4) end
   local first, rest = text:match("^[ \t]*([^\r\n]+)\r?\n[ \t]*\r?\n()")
   if first and rest then
      -- control characters (a stray NUL, a tab) are spaces in a title
      first = first:gsub("%c+", " "):gsub("^%s+", ""):gsub("%s+$", "")
      if first ~= "" then return first end
   end
   return nil
end

--- Where a text file looks binary: the offset of a NUL byte in its first
-- 8,000 bytes (text has none; git looks at as many), else nil.
-- @param text string a file's contents
-- @return integer the 0-based offset of a NUL byte, or nil for text
function docs.binary_offset(text)
   local at = text:find("\0", 1, true)
   if at and at <= 8000 then return at - 1 end
   return nil
end

local function binary_message(where, at)
   return string_format("%s: a binary file, not text (a NUL byte at offset %d); skipped", where, at)
end

--- The largest document quarry reads by default, in bytes (256 MiB): a
-- text file, or one JSONL line. A larger one is skipped with a message
-- naming it (a text file is not even read); option max_bytes of docs.each
-- and corpus:ingest, --max-bytes on the command line, set another limit.
docs.MAX_BYTES = 256 * 1024 * 1024

-- Files are read this much at a time.
local CHUNK = 64 * 1024

local function too_large(where, max)
   return string_format("%s: larger than the limit of %d bytes for one document (max_bytes, --max-bytes); skipped",
      where, max)
end

-- The text of a file whose first bytes (head) were read already: the rest,
-- read a chunk at a time, up to max bytes in all. Returns the text or nil,
-- message naming where.
local function read_rest(f, head, where, max)
   local at = f:seek("cur")
   local size = at and f:seek("end")
   if size then
      if #head + size - at > max then return nil, too_large(where, max) end
      f:seek("set", at)
   end
   local parts, n = { head }, #head
   while true do
      local chunk, err = f:read(CHUNK)
      if not chunk then
         if err then return nil, string_format("%s: %s", where, err) end
         break
      end
      n = n + #chunk
      if n > max then return nil, too_large(where, max) end
      parts[#parts + 1] = chunk
   end
   return table_concat(parts)
end

-- The text of a file, or nil, message naming it: a binary file (a NUL byte
-- in its first 8,000 bytes) is told from those bytes alone, before the rest
-- is read; a file over max bytes is not read (see docs.MAX_BYTES); running
-- out of memory names the file too.
local function read_text(f, where, max, head)
   local ok, text, err = pcall(function()
      local first, ferr = head, nil
      if not first then first, ferr = f:read(8000) end
      if not first then
         if ferr then return nil, string_format("%s: %s", where, ferr) end
         return ""
      end
      local at = docs.binary_offset(first)
      if at then return nil, binary_message(where, at) end
      if #first > max then return nil, too_large(where, max) end
      if #first < 8000 then return first end     -- a short read: the end of the file
      return read_rest(f, first, where, max)
   end)
   if not ok then return nil, string_format("%s: %s; skipped", where, tostring(text)) end
   return text, err
end

--- A document from a text and where it came from.
-- opts: id, path, warn(message)
-- @param text string the text
-- @param opts table optional: id, path, warn (function(message))
-- @return table the document {id, text, title, path}
function docs.from_text(text, opts)
   opts = opts or {}
   local utf8_text, bad = docs.to_utf8(text)
   if bad and opts.warn then
      opts.warn(string_format("%s: not valid UTF-8 (first bad byte at offset %d); read as Windows-1252/Latin-1",
         opts.path or "input", bad))
   end
   local id = opts.id
   if not id then
      id = opts.path and opts.path:gsub("^%./", "") or docs.hash(utf8_text)
   end
   return { id = id, text = utf8_text, title = docs.headline(utf8_text), path = opts.path }
end

-- A metadata field as the store and the reports take it: a string of valid
-- UTF-8 on one line (titles scraped from HTML carry newlines and tabs, and
-- a title with a line break would break every Markdown table and CSV row
-- that shows it), trimmed; numbers without a trailing ".0".
local function field_text(v)
   if type(v) == "number" then return tostring(math_tointeger(v) or v) end
   local s = docs.to_utf8(tostring(v))
   if s:find("[%c]") then s = s:gsub("%c+", " ") end
   return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end
docs.field_text = field_text

--- docs.field_text(v) -> a document field as the store takes it (see field_text above).
-- @function field_text
-- @param v a string or a number
-- @return string one trimmed line of valid UTF-8

local known = { id = true, text = true, title = true, date = true, source = true, url = true }
local FIELDS = { "title", "date", "source", "url" }
local null = cjson.null

-- --- ids as written -------------------------------------------------------------
-- lua-cjson reads every JSON number as a double: 12345678901234567 would
-- come back as ...568, and 1.0 as 1. A number id is therefore taken from
-- the line as it is written, and must be an integer.

-- The index after the JSON string that opens at i.
local function string_end(s, i)
   local j = i + 1
   while true do
      local k = s:find('["\\]', j)
      if not k then return #s + 1 end
      if s:byte(k) == 92 then j = k + 2 else return k + 1 end
   end
end

-- The index after the JSON value that starts at i.
local function value_end(s, i)
   local c = s:byte(i)
   if c == 34 then return string_end(s, i) end
   if c == 123 or c == 91 then
      local depth, j = 0, i
      while true do
         local k = s:find('[%[%]{}"]', j)
         if not k then return #s + 1 end
         local b = s:byte(k)
         if b == 34 then
            j = string_end(s, k)
         else
            depth = depth + ((b == 123 or b == 91) and 1 or -1)
            j = k + 1
            if depth == 0 then return j end
         end
      end
   end
   return s:find("[%s,}%]]", i) or #s + 1
end

-- The value of key in the JSON object written on line, as it is written
-- there (the last one when the key repeats, as lua-cjson keeps), or nil.
-- The line is valid JSON: lua-cjson decoded it.
local function raw_member(line, key)
   local i = line:find("{", 1, true)
   local found
   while i do
      i = line:find("[^%s,{]", i)
      if not i or line:byte(i) ~= 34 then return found end
      local kend = string_end(line, i)
      local name = line:sub(i + 1, kend - 2)
      if name:find("\\", 1, true) then name = cjson.decode(line:sub(i, kend - 1)) end
      local v = line:find("[^%s:]", kend)
      if not v then return found end
      i = value_end(line, v)
      if name == key then found = line:sub(v, i - 1) end
   end
   return found
end

-- The id a JSON number stands for: the integer as written on line (digit
-- for digit), or, without the line, an integer a double holds exactly.
-- Returns nil and the number as written when it is no integer.
local function number_id(v, line)
   local written = line and raw_member(line, "id")
   if written then
      if written:find("^%-?%d+$") then return written end
      return nil, written
   end
   if math_type(v) == "integer" then return tostring(v) end
   if v == v and v % 1 == 0 and v >= -2 ^ 53 and v <= 2 ^ 53 then return string_format("%d", v) end
   return nil, tostring(v)
end

local function id_message(where, written)
   return string_format("%s: field 'id' must be a string or an integer, not %s (write it as a string to keep "
      .. "it as it is)", where, written)
end

-- What a decoded JSON value is, for messages.
local function json_kind(v)
   if type(v) == "table" then return (next(v) == nil or #v > 0) and "an array" or "an object" end
   if v == null then return "null" end
   return "a " .. type(v)
end

local function not_object(where, v)
   return string_format('%s: not a JSON object but %s (each line holds one object: {"id": ..., "text": ...})',
      where, json_kind(v))
end

-- A document from one JSONL object. where is "file:line", or a function
-- returning it, called only when a message or an id needs it (ingesting
-- many small documents, formatting it for each one shows). line is the
-- object as written, when there is one (for number ids).
local function json_doc(obj, where, warn, line)
   if type(obj) ~= "table" or (obj.text == nil and #obj > 0) then
      error(not_object(type(where) == "function" and where() or where, obj), 0)
   end
   local text = obj.text
   if type(text) ~= "string" then
      error((type(where) == "function" and where() or where) .. ": field 'text' must be a string", 0)
   end
   local utf8_text, bad = docs.to_utf8(text)
   if bad and warn then
      warn(string_format("%s: not valid UTF-8 (first bad byte at offset %d); read as Windows-1252/Latin-1",
         type(where) == "function" and where() or where, bad))
   end
   local id = obj.id
   if id == nil or id == null then
      id = (type(where) == "function" and where() or where):gsub("^%./", "")
   elseif type(id) == "table" then
      error((type(where) == "function" and where() or where) .. ": field 'id' must be a string or an integer", 0)
   elseif type(id) == "number" then
      local written
      id, written = number_id(id, line)
      if not id then error(id_message(type(where) == "function" and where() or where, written), 0) end
   else
      id = field_text(id)
      if id == "" then
         error((type(where) == "function" and where() or where) .. ": field 'id' is empty", 0)
      end
   end
   local doc = { id = id, text = utf8_text }
   for i = 1, 4 do
      local k = FIELDS[i]
      local v = obj[k]
      if v ~= nil and v ~= null then
         if type(v) == "table" then
            error(string_format("%s: field '%s' must be a string, not a JSON %s",
               type(where) == "function" and where() or where, k, #v > 0 and "array" or "object"), 0)
         end
         v = field_text(v)
         if v ~= "" then doc[k] = v end
      end
   end
   if not doc.title then doc.title = docs.headline(utf8_text) end
   local meta
   for k, v in pairs(obj) do
      if not known[k] then
         meta = meta or {}
         meta[k] = v
      end
   end
   doc.meta = meta
   return doc
end

--- A document from one JSONL object; raises "where: problem" on a malformed
-- one. line, the object as written, keeps a number id digit for digit
-- (without it, a number id must be an integer a double holds exactly).
-- @param obj table one decoded JSONL object
-- @param where string "path:line", for messages
-- @param warn function optional: warn(message) hears about converted text and dates moved to meta
-- @param line string optional: the object as written (a number id kept digit for digit)
-- @return table the document {id, text, title, date, source, url, meta}
function docs.from_json(obj, where, warn, line)
   return json_doc(obj, where, warn, line)
end

local function is_jsonl(path)
   return path:match("%.jsonl$") or path:match("%.ndjson$")
end

-- Files a folder contributes: text and JSONL, or no extension at all. A
-- file named explicitly is always read.
local function is_text_name(name)
   local ext = name:match("%.([^./]+)$")
   return not ext or ext == "txt" or ext == "text" or ext == "jsonl" or ext == "ndjson"
end

-- The names in a folder, hidden ones left out, sorted; or nil, why not.
local function list_folder(dir)
   local ok, names = pcall(function()
      local t = {}
      for name in lfs.dir(dir) do
         if name:sub(1, 1) ~= "." then t[#t + 1] = name end
      end
      return t
   end)
   if not ok then return nil, (tostring(names):match(": ([^:]+)$") or tostring(names)) end
   table_sort(names)
   return names
end

-- Appends the text files under root to out, sorted, recursively; hidden
-- entries are skipped. Each folder is listed once, known by its device and
-- inode in seen (shared by the paths of one reading), so symbolic links
-- cannot loop: a link to a folder is followed after the other entries (a
-- file inside the tree keeps its own path) and only to a folder not read
-- yet. report("fail", message) hears of a folder that cannot be listed
-- (skipped), report("warn", message) of a folder reached again.
local function walk(root, out, seen, report)
   local links = {}
   local function visit(dir)
      local attr = lfs.attributes(dir)
      if not attr then return end
      local key = attr.dev .. ":" .. attr.ino
      if seen[key] then
         report("warn", string_format("%s: the same folder as %s, read already; skipped", dir, seen[key]))
         return
      end
      seen[key] = dir
      local names, err = list_folder(dir)
      if not names then
         report("fail", string_format("%s: %s; the folder is skipped", dir, err))
         return
      end
      for _, name in ipairs(names) do
         local full = dir .. "/" .. name
         local mode = lfs.attributes(full, "mode")
         if mode == "directory" then
            if lfs.symlinkattributes(full, "mode") == "link" then links[#links + 1] = full else visit(full) end
         elseif mode == "file" and is_text_name(name) then
            out[#out + 1] = full
         end
      end
   end
   visit(root)
   local i = 1
   while links[i] do
      visit(links[i])
      i = i + 1
   end
end

local function ignore() end

--- Whether reading paths may wait for a writer: "-" (stdin), a FIFO, a
-- device (a folder's walk reads only its regular files). Worker pools read
-- such input with SIGINT and SIGTERM doing what they do by default.
-- @param paths table files, folders, JSONL files and "-"
-- @return boolean
function docs.may_wait(paths)
   if type(paths) == "string" then paths = { paths } end
   for _, path in ipairs(paths) do
      local mode = path ~= "-" and lfs.attributes(path, "mode")
      if path == "-" or (mode and mode ~= "file" and mode ~= "directory") then return true end
   end
   return false
end

--- How many documents paths hold: one a text file, one a non-blank line
-- of a JSONL file. For progress reports; nil when a path is "-" (stdin).
-- @param paths table files, folders, JSONL files and "-"
-- @return integer the number of documents, or nil when one of the paths is "-"
function docs.count(paths)
   if type(paths) == "string" then paths = { paths } end
   local total, seen = 0, {}
   for _, path in ipairs(paths) do
      if path == "-" then return nil end
      local files = {}
      local mode = lfs.attributes(path, "mode")
      if mode == "directory" then walk(path, files, seen, ignore) elseif mode then files[1] = path end
      for _, file in ipairs(files) do
         if is_jsonl(file) then
            local f = io_open(file, "rb")
            if f then
               pcall(function()
                  for line in f:lines() do
                     if line:find("%S") then total = total + 1 end
                  end
               end)
               f:close()
            end
         else
            total = total + 1
         end
      end
   end
   return total
end

-- The document of JSONL line n of where; raises "where:n: problem".
local function line_doc(line, where, n, where_of, warn)
   local obj, err = cjson.decode(line)
   if obj == nil then error(string_format("%s:%d: bad JSON: %s", where, n, err), 0) end
   if line:byte(1) ~= 123 and not line:find("^%s*{") then error(not_object(where_of(), obj), 0) end
   return json_doc(obj, where_of, warn, line)
end

-- Streams a JSONL file line by line, so memory stays flat however long it
-- is. n0: the lines before first, when first is given. A line longer than
-- max is skipped (fail hears of it); a malformed one raises. With opts.raw,
-- each line goes out undecoded (docs.from_line decodes it).
local function each_jsonl_line(next_line, where, opts, first, n0)
   local warn, emit, max, raw = opts.warn, opts.emit, opts.max, opts.raw
   local n = n0 or 0
   local line = first or next_line()
   local function where_of() return string_format("%s:%d", where, n) end
   if line and line:sub(1, 3) == BOM then line = line:sub(4) end
   while line do
      n = n + 1
      if #line > max then
         opts.fail(too_large(where_of(), max))
      elseif raw and (line:byte(1) == 123 or line:find("%S")) then
         emit({ raw = line, file = where, line = n })
      elseif line:byte(1) == 123 or line:find("%S") then    -- "{": no need to look further
         emit(line_doc(line, where, n, where_of, warn))
      end
      line = next_line()
   end
end

--- The document of a raw JSONL line {raw, file, line} that docs.each
-- gave with opts.raw; raises "file:line: problem" as docs.each would.
-- @param unit table {raw, file, line}
-- @param warn function optional: warn(message)
-- @return table the document
function docs.from_line(unit, warn)
   return line_doc(unit.raw, unit.file, unit.line, function() return string_format("%s:%d", unit.file, unit.line) end,
      warn)
end

--- Reads a metadata sidecar for text files: JSON lines
-- {"file": "name.txt", "id": ..., "date": ..., "source": ..., "url": ...,
-- "title": ...}; other keys go to the document's meta. Returns a table
-- keyed by file name, or nil, "path:line: problem".
-- @param path string the sidecar file
-- @return table the metadata by file name; or nil, "path:line: problem"
function docs.read_meta(path)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local out, n = {}, 0
   for line in f:lines() do
      n = n + 1
      if n == 1 and line:sub(1, 3) == BOM then line = line:sub(4) end
      if line:find("%S") then
         local obj, jerr = cjson.decode(line)
         local where = string_format("%s:%d", path, n)
         local msg
         if obj == nil then
            msg = where .. ": bad JSON: " .. jerr
         elseif type(obj) ~= "table" or not line:find("^%s*{") then
            msg = not_object(where, obj)
         elseif type(obj.file) ~= "string" or obj.file == "" then
            msg = where .. ": field 'file' (the text file's name) must be a string"
         end
         for _, k in ipairs({ "id", "title", "date", "source", "url" }) do
            if not msg and type(obj[k]) == "table" then
               msg = string_format("%s: field '%s' must be a string", where, k)
            end
         end
         if not msg and type(obj.id) == "number" then
            local id, written = number_id(obj.id, line)
            if id then obj.id = id else msg = id_message(where, written) end
         end
         if msg then
            f:close()
            return nil, msg
         end
         out[obj.file] = obj
      end
   end
   f:close()
   return out
end

-- The sidecar record of a text file: by its path as written, then by the
-- path without leading "./", then by its name.
local function meta_of(meta, path)
   return meta[path] or meta[(path:gsub("^%./", ""))] or meta[path:match("([^/]+)$")]
end

-- A text document with its sidecar record applied.
local function with_meta(doc, rec)
   if not rec then return doc end
   for k, v in pairs(rec) do
      if k == "id" or k == "title" or k == "date" or k == "source" or k == "url" then
         if v ~= null then
            v = field_text(v)
            if v ~= "" then doc[k] = v end
         end
      elseif k ~= "file" then
         doc.meta = doc.meta or {}
         doc.meta[k] = v
      end
   end
   return doc
end

-- Standard input: JSONL when the first thing that is not white space (nor
-- a byte order mark) opens an object, else one text. Only those first bytes
-- are read before deciding, a byte at a time, so JSONL flows line by line.
local function read_stdin(opts)
   local head = ""
   while #head < 8000 do
      local c = io_stdin:read(1)
      if not c then break end
      head = head .. c
      if not (#head <= 3 and BOM:sub(1, #head) == head) and not c:find("^%s$") then break end
   end
   if head == "" then return end
   if head:byte(-1) == 123 then      -- "{"
      local blank = select(2, head:gsub("\n", "\n"))
      local first = head:gsub("^.*\n", "") .. (io_stdin:read("l") or "")
      if first:sub(1, 3) == BOM then first = first:sub(4) end
      each_jsonl_line(io_stdin:lines(), "stdin", opts, first, blank)
      return
   end
   if #head < 8000 then head = head .. (io_stdin:read(8000 - #head) or "") end
   local text, err = read_text(io_stdin, "stdin", opts.max, head)
   if text then opts.emit(docs.from_text(text, { warn = opts.warn })) else opts.fail(err) end
end

-- The documents of one file, or of a folder's files.
local function read_path(path, opts, seen)
   local fail = opts.fail
   local mode, err = lfs.attributes(path, "mode")
   local files = {}
   if mode == "directory" then
      walk(path, files, seen, function(kind, msg)
         if kind == "fail" then fail(msg) elseif opts.warn then opts.warn(msg) end
      end)
   elseif mode then files[1] = path
   else fail(string_format("%s: %s", path, (err or "no such file"):match("[^:]*$"):gsub("^%s+", ""))) end
   for _, file in ipairs(files) do
      local f, ferr = io_open(file, "rb")
      if not f then
         fail(ferr)
      elseif is_jsonl(file) then
         local ok, e = pcall(each_jsonl_line, f:lines(), file, opts)
         f:close()
         if not ok then error(e, 0) end
      else
         local text, rerr = read_text(f, file, opts.max)
         f:close()
         if not text then
            fail(rerr)
         else
            local doc = docs.from_text(text, { path = file, warn = opts.warn })
            if opts.meta then doc = with_meta(doc, meta_of(opts.meta, file)) end
            opts.emit(doc)
         end
      end
   end
end

--- Iterates over the documents of paths (files, folders, JSONL, "-" for
-- stdin). opts.warn(message) hears about converted text and folders
-- reached twice; opts.fail(message) about unreadable files and folders,
-- binary files (told by a NUL byte in their first 8,000 bytes, before the
-- rest is read), files and JSONL lines larger than opts.max_bytes (default
-- docs.MAX_BYTES), all of which are skipped. Malformed JSONL raises.
-- Folders are read recursively; hidden entries are skipped; a symbolic link
-- to a folder is followed unless that folder (by device and inode) was read
-- already, so links cannot loop.
-- opts.meta (from docs.read_meta) gives text files their id, date, source...
-- opts.raw: JSONL lines come out undecoded, as {raw, file, line}, for
-- docs.from_line to decode elsewhere (a worker process).
-- Returns an iterator yielding documents.
-- @param paths table files, folders, JSONL files and "-" (stdin); a string is one path
-- @param opts table optional: warn (function(message)), fail (function(message)), meta (from docs.read_meta),
-- max_bytes (the largest document, default docs.MAX_BYTES), raw (JSONL lines undecoded)
-- @return function an iterator yielding documents {id, text, title, date, source, url, path, meta}
function docs.each(paths, opts)
   opts = opts or {}
   if type(paths) == "string" then paths = { paths } end
   if type(paths) ~= "table" then error("docs.each: paths must be a string or a list", 2) end
   local max = opts.max_bytes or docs.MAX_BYTES
   if math_type(max) ~= "integer" or max < 1 then
      error("docs.each: option 'max_bytes' must be a positive integer", 2)
   end
   local state = {
      warn = opts.warn, meta = opts.meta, max = max, raw = opts.raw,
      fail = opts.fail or function(msg) error(msg, 0) end,
      emit = function(doc) coroutine.yield(doc) end,
   }
   -- coroutine.wrap would prefix errors with its own position; resume keeps
   -- the message as it was raised ("file:line: ...").
   local co = coroutine.create(function()
      local seen = {}
      for _, path in ipairs(paths) do
         if path == "-" then read_stdin(state) else read_path(path, state, seen) end
      end
   end)
   return function()
      if coroutine.status(co) == "dead" then return nil end
      local ok, doc = coroutine.resume(co)
      if not ok then error(doc, 0) end
      return doc
   end
end

return docs
