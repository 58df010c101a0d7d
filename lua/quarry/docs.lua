--- Reading documents from text files, folders, JSONL and standard input.
-- A document is a table {id, text, title, date, source, url, path, meta}.
-- Text files: the first line is the headline when a blank line follows it.
-- JSONL: one object a line with id, text and optionally title, date,
-- source, url; other fields are kept in meta.
-- @module quarry.docs
local cjson = require "cjson.safe"
local lfs = require "lfs"
local core = require "quarry.core"

local error, ipairs, pairs, type, tostring = error, ipairs, pairs, type, tostring
local io_open, io_stdin = io.open, io.stdin
local string_format, utf8_char = string.format, utf8.char
local utf8_valid = core.utf8_valid
local math_tointeger = math.tointeger
local table_sort, pcall = table.sort, pcall

local docs = {}

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
   local first, rest = text:match("^[ \t]*([^\r\n]+)\r?\n[ \t]*\r?\n()")
   if first and rest then
      -- control characters (a stray NUL, a tab) are spaces in a title
      first = first:gsub("%c+", " "):gsub("^%s+", ""):gsub("%s+$", "")
      if first ~= "" then return first end
   end
   return nil
end

local function read_all(path)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local text, rerr = f:read("a")
   f:close()
   if not text then return nil, string_format("%s: %s", path, rerr or "read error") end
   return text
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

-- A document from one JSONL object. where is "file:line", or a function
-- returning it, called only when a message or an id needs it (ingesting
-- many small documents, formatting it for each one shows).
local function json_doc(obj, where, warn)
   if type(obj) ~= "table" then
      error((type(where) == "function" and where() or where) .. ": not a JSON object", 0)
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
      error((type(where) == "function" and where() or where) .. ": field 'id' must be a string or a number", 0)
   else
      id = field_text(id)   -- 7, not "7.0"
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

--- A document from one JSONL object; raises "where: problem" on a malformed one.
-- @param obj table one decoded JSONL object
-- @param where string "path:line", for messages
-- @param warn function optional: warn(message) hears about converted text and dates moved to meta
-- @return table the document {id, text, title, date, source, url, meta}
function docs.from_json(obj, where, warn)
   return json_doc(obj, where, warn)
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

-- Text files under dir, sorted, recursively; hidden entries are skipped.
local function walk(dir, out)
   local names = {}
   for name in lfs.dir(dir) do
      if name:sub(1, 1) ~= "." then names[#names + 1] = name end
   end
   table_sort(names)
   for _, name in ipairs(names) do
      local full = dir .. "/" .. name
      local mode = lfs.attributes(full, "mode")
      if mode == "directory" then walk(full, out)
      elseif mode == "file" and is_text_name(name) then out[#out + 1] = full end
   end
end

--- How many documents paths hold: one a text file, one a non-blank line
-- of a JSONL file. For progress reports; nil when a path is "-" (stdin).
-- @param paths table files, folders, JSONL files and "-"
-- @return integer the number of documents, or nil when one of the paths is "-"
function docs.count(paths)
   if type(paths) == "string" then paths = { paths } end
   local total = 0
   for _, path in ipairs(paths) do
      if path == "-" then return nil end
      local files = {}
      local mode = lfs.attributes(path, "mode")
      if mode == "directory" then walk(path, files) elseif mode then files[1] = path end
      for _, file in ipairs(files) do
         if is_jsonl(file) then
            local f = io_open(file, "rb")
            if f then
               for line in f:lines() do
                  if line:find("%S") then total = total + 1 end
               end
               f:close()
            end
         else
            total = total + 1
         end
      end
   end
   return total
end

-- Streams a JSONL file line by line, so memory stays flat however long it
-- is. With raw, each line goes out undecoded (docs.from_line decodes it).
local function each_jsonl_line(next_line, where, warn, emit, first, raw)
   local n = 0
   local line = first or next_line()
   local function where_of() return string_format("%s:%d", where, n) end
   while line do
      n = n + 1
      if line:byte(1) == 123 or line:find("%S") then    -- "{": no need to look further
         if raw then
            emit({ raw = line, file = where, line = n })
         else
            local obj, err = cjson.decode(line)
            if obj == nil then
               error(string_format("%s:%d: bad JSON: %s", where, n, err), 0)
            end
            emit(json_doc(obj, where_of, warn))
         end
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
   local obj, err = cjson.decode(unit.raw)
   if obj == nil then error(string_format("%s:%d: bad JSON: %s", unit.file, unit.line, err), 0) end
   return json_doc(obj, function() return string_format("%s:%d", unit.file, unit.line) end, warn)
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
      if line:find("%S") then
         local obj, jerr = cjson.decode(line)
         if type(obj) ~= "table" then
            f:close()
            return nil, string_format("%s:%d: %s", path, n, jerr and ("bad JSON: " .. jerr) or "not a JSON object")
         end
         if type(obj.file) ~= "string" or obj.file == "" then
            f:close()
            return nil, string_format("%s:%d: field 'file' (the text file's name) must be a string", path, n)
         end
         for _, k in ipairs({ "id", "title", "date", "source", "url" }) do
            if type(obj[k]) == "table" then
               f:close()
               return nil, string_format("%s:%d: field '%s' must be a string", path, n, k)
            end
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

--- Iterates over the documents of paths (files, folders, JSONL, "-" for
-- stdin). opts.warn(message) hears about converted text; opts.fail(message)
-- about unreadable and binary files (a NUL byte in the first 8,000 bytes),
-- which are skipped. Malformed JSONL raises.
-- opts.meta (from docs.read_meta) gives text files their id, date, source...
-- opts.raw: JSONL lines come out undecoded, as {raw, file, line}, for
-- docs.from_line to decode elsewhere (a worker process).
-- Returns an iterator yielding documents.
-- @param paths table files, folders, JSONL files and "-" (stdin); a string is one path
-- @param opts table optional: warn (function(message)), fail (function(message)), meta (from docs.read_meta)
-- @return function an iterator yielding documents {id, text, title, date, source, url, path, meta}
function docs.each(paths, opts)
   opts = opts or {}
   if type(paths) == "string" then paths = { paths } end
   if type(paths) ~= "table" then error("docs.each: paths must be a string or a list", 2) end
   local warn = opts.warn
   local fail = opts.fail or function(msg) error(msg, 0) end
   -- coroutine.wrap would prefix errors with its own position; resume keeps
   -- the message as it was raised ("file:line: ...").
   local co = coroutine.create(function()
      local function emit(doc) coroutine.yield(doc) end
      for _, path in ipairs(paths) do
         if path == "-" then
            -- JSONL when the first line opens an object, else one text
            local first = io_stdin:read("L")
            if first and first:match("^%s*{") then
               each_jsonl_line(io_stdin:lines(), "stdin", warn, emit, (first:gsub("\n$", "")), opts.raw)
            elseif first then
               local text = first .. (io_stdin:read("a") or "")
               local at = docs.binary_offset(text)
               if at then fail(binary_message("stdin", at))
               else emit(docs.from_text(text, { warn = warn })) end
            end
         else
            local mode, err = lfs.attributes(path, "mode")
            local files = {}
            if mode == "directory" then walk(path, files)
            elseif mode then files[1] = path
            else fail(string_format("%s: %s", path, (err or "no such file"):match("[^:]*$"):gsub("^%s+", ""))) end
            for _, file in ipairs(files) do
               if is_jsonl(file) then
                  local f, ferr = io_open(file, "rb")
                  if not f then fail(ferr)
                  else
                     local ok, e = pcall(each_jsonl_line, f:lines(), file, warn, emit, nil, opts.raw)
                     f:close()
                     if not ok then error(e, 0) end
                  end
               else
                  local text, rerr = read_all(file)
                  local at = text and docs.binary_offset(text)
                  if not text then fail(rerr)
                  elseif at then fail(binary_message(file, at))
                  else
                     local doc = docs.from_text(text, { path = file, warn = warn })
                     if opts.meta then doc = with_meta(doc, meta_of(opts.meta, file)) end
                     emit(doc)
                  end
               end
            end
         end
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
