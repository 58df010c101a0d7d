--- Helpers shared by the subcommands: loading packs, reading documents,
-- writing annotations as JSON lines.
local quarry = require "quarry"
local docs = require "quarry.docs"
local sandbox = require "quarry.sandbox"
local term = require "quarry.term"

local io_stderr, ipairs, next, pcall, tostring = io.stderr, ipairs, next, pcall, tostring
local table_concat = table.concat

local common = {}

--- Loads a pack for a command (limits: {steps, memory}, see
-- common.limits); returns the pack or nil, message.
function common.load_pack(name, trusted, limits)
   local ok, pack = pcall(quarry.rules.load, name, { trusted = trusted, limits = limits })
   if not ok then return nil, tostring(pack) end
   return pack
end

--- The help of the commands that read documents (ingest, extract, tokens):
-- what their paths may be, and how folders are read.
common.PATHS_HELP = "Text files, folders, JSONL files, or - for stdin."
common.READING_EPILOG = "Folders are read recursively, hidden files and folders left out. A symbolic link "
   .. "to a folder is followed once: a folder read already (the same device and inode) is skipped with a "
   .. "warning, so links cannot loop. A folder that cannot be read, a binary file (a NUL byte in its first "
   .. "8,000 bytes) and a file or JSONL line over --max-bytes are skipped with a message naming them "
   .. "(exit code 1); the rest is read."

--- Adds the options of the commands that read documents.
function common.reading_options(cmd)
   cmd:option("--max-bytes", "The largest document read, in bytes (a text file, or one JSONL line).",
      tostring(docs.MAX_BYTES)):convert(common.positive):argname("<n>")
   cmd:epilog(common.READING_EPILOG)
end

-- "a/b/../c" as "a/c", "./x" as "x".
local function tidy_path(path)
   local parts = {}
   for part in path:gmatch("[^/]+") do
      if part == ".." and #parts > 0 and parts[#parts] ~= ".." then
         parts[#parts] = nil
      elseif part ~= "." then
         parts[#parts + 1] = part
      end
   end
   return (path:sub(1, 1) == "/" and "/" or "") .. table_concat(parts, "/")
end

--- Where a file of quarry's examples is, for the help to name a path that
-- works: in a checkout, examples/ beside lua/; in an installed rock, the
-- rock's folder, where LuaRocks copies examples/ (copy_directories).
-- @param name string the file, relative to examples/ ("reports/titles.lua")
-- @return string its path (relative to the working directory when under it), or nil
function common.example(name)
   local init = package.searchpath("quarry", package.path)
   if not init then return nil end
   local root = init:gsub("/?quarry/init%.lua$", "")
   if root == "" then root = "." end
   local candidates = { root .. "/../examples/" .. name }
   local tree = root:match("^(.*)/share/lua/5%.4$")
   if tree then
      local lfs = require "lfs"
      local rocks = tree .. "/lib/luarocks/rocks-5.4/quarry"
      if lfs.attributes(rocks, "mode") == "directory" then
         for version in lfs.dir(rocks) do
            if version:sub(1, 1) ~= "." then
               candidates[#candidates + 1] = rocks .. "/" .. version .. "/examples/" .. name
            end
         end
      end
   end
   for _, path in ipairs(candidates) do
      local f = io.open(path, "rb")
      if f then
         f:close()
         return tidy_path(path)
      end
   end
   return nil
end

--- Declares the -r/--rules option of a command that runs a pack over
-- documents (extract, explain, eval): one spelling in every command.
function common.rules_option(cmd)
   cmd:option("-r --rules", "Rule pack: a name (quarry.rules.NAME) or a path (default: news).")
      :argname("<pack>")
end

-- Whether a command-line word names a rule pack rather than a document:
-- a .lua file, a folder with an init.lua, or an installed pack's name
-- that is no file here.
local function names_pack(word)
   if word == nil or word == "-" then return false end
   if word:match("%.lua$") then return true end
   local f = io.open(word .. "/init.lua", "rb")
   if f then f:close(); return true end
   f = io.open(word, "rb")
   if f then f:close(); return false end
   return package.searchpath("quarry.rules." .. word, package.path) ~= nil
end

--- The pack a command runs: --rules, else (the form before --rules, kept
-- with a note on stderr) a first argument that names a pack, else "news".
-- Takes that argument out of args[key].
function common.rules_of(cmd, args, key)
   if args.rules then return args.rules end
   local list = args[key]
   if list and names_pack(list[1]) then
      common.say(cmd, "note: the pack as first argument is deprecated; use --rules ", list[1])
      return table.remove(list, 1)
   end
   return "news"
end

--- Adds --timeout to a command that queries a corpus (search, kwic,
-- report): the milliseconds its queries may take, default_ms by default.
function common.timeout_option(cmd, default_ms)
   cmd:option("--timeout", "Give up when the query takes longer than this many milliseconds (0: no limit).",
      tostring(default_ms)):convert(common.count):argname("<ms>")
end

--- The message of a failed query, with what to do when it took too long.
function common.query_error(err, code)
   if code == "timeout" then
      return err .. "; raise the limit with --timeout MS, or --timeout 0 for none"
   end
   return err
end

--- Iterates over the documents of paths, warning and failing on stderr
-- (clearing bar, a progress bar, first). Returns the iterator and a
-- function telling whether anything failed. max_bytes: see quarry.docs.each.
function common.documents(cmd, paths, bar, max_bytes)
   local failed = false
   local iter = docs.each(paths, {
      max_bytes = max_bytes,
      warn = function(msg)
         if bar then bar.clear() end
         common.warn(cmd, msg)
      end,
      fail = function(msg)
         if bar then bar.clear() end
         common.complain(cmd, msg)
         failed = true
      end,
   })
   return iter, function() return failed end
end

-- the one JSON writer: keys in a fixed order (attrs sorted), "/" unescaped
local json = require "quarry.json"
local encode, jstring = json.encode, json.string
local function json_attrs(attrs)
   if attrs == nil or next(attrs) == nil then return "{}" end
   return encode(attrs)
end

--- One annotation as a JSON line in the extract format (fixed key order):
-- {"doc", "type", "start", "end", "text", "rule", "attrs"}.
-- @param doc_id string the document's id
-- @param a table the annotation {type, start, stop, text, rule, attrs}
-- @return string one line of JSON, without the line break
function common.annotation_json(doc_id, a)
   return table_concat {
      '{"doc":', jstring(doc_id), ',"type":', jstring(a.type), ',"start":', tostring(a.start),
      ',"end":', tostring(a.stop), ',"text":', jstring(a.text or ""), ',"rule":', jstring(a.rule or ""),
      ',"attrs":', json_attrs(a.attrs), "}",
   }
end

local calendar = require "quarry.calendar"

--- An argparse converter for ISO 8601 dates of real days: YYYY, YYYY-MM or
-- YYYY-MM-DD (quarry.calendar.parse_iso: 2024-13 and 2024-02-31 are refused).
-- @param s string the option's value
-- @return string s; or nil, message
function common.iso_date(s)
   if calendar.parse_iso(s) and s:match("^%d%d%d%d[%-%d]*$") then return s end
   return nil, "must be an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) of a real day"
end

--- An argparse converter for a whole date, YYYY-MM-DD, of a real day.
-- @param s string the option's value
-- @return string s; or nil, message
function common.day(s)
   local y, m, d = calendar.parse_iso(s)
   if y and m and d and s:match("^%d%d%d%d%-%d%d%-%d%d$") then return s end
   return nil, "must be a date YYYY-MM-DD of a real day"
end

--- An argparse converter for options that take a count (0, 1, 2, ...).
function common.count(s)
   local n = math.tointeger(tonumber(s))
   if n and n >= 0 then return n end
   return nil, "must be a non-negative integer"
end

--- The argparse converter of --max-memory: bytes, as 1000000, 512M, 2G.
function common.size(s)
   local n, err = sandbox.parse_size(s)
   if not n then return nil, "--max-memory: " .. err end
   return n
end

--- The --max-steps and --max-memory options of a command that runs the
-- code of a pack or a report (what: "pack" or "report").
function common.limit_options(cmd, what)
   local report = what == "report"
   cmd:option("--max-steps", string.format("At most N Lua steps in each call of the %s's code: %s. A step is a "
      .. "VM instruction and at most 100 ns of CPU time%s. 0: no limit. Default: %d%s.", what,
      report and "loading it, running it" or "loading it, each document",
      report and "" or " (a pack quarry ships, such as news, is counted by its CPU time alone)",
      sandbox.DEFAULT_STEPS, report and "" or ", or a lower limits.steps the pack sets"))
      :convert(common.count):argname("<n>")
   cmd:option("--max-memory", string.format("At most SIZE bytes (512M, 2G) of Lua memory added by each call of "
      .. "the %s's code. 0: no limit. Default: %dM%s.", what, sandbox.DEFAULT_MEMORY // (1024 * 1024),
      report and "" or ", or a lower limits.memory the pack sets")):convert(common.size):argname("<size>")
end

--- The limits the options give: {steps, memory}, nil where not given.
function common.limits(args)
   return { steps = args.max_steps, memory = args.max_memory }
end

--- An argparse converter for options that take a positive count (1, 2, ...).
function common.positive(s)
   local n = math.tointeger(tonumber(s))
   if n and n > 0 then return n end
   return nil, "must be a positive integer"
end

--- Whether --quiet was given: no progress bar, no summary, no notes (set
-- by quarry.cli for the command it runs). Warnings and errors still show.
common.quiet = false

--- Writes an informational line on stderr ("quarry CMD: ..."), unless quiet.
-- @param cmd string the command's name
-- @param ... the message's parts
-- @return nothing
function common.say(cmd, ...)
   if not common.quiet then io_stderr:write("quarry ", cmd, ": ", ...) io_stderr:write("\n") end
end

--- Writes an error line on stderr, "quarry CMD: MESSAGE", the message
-- escaped for the terminal (what files, packs and the corpus say may hold
-- control characters); shown even when quiet.
-- @param cmd string the command's name
-- @param msg any the message (tostring'd)
-- @return nothing
function common.complain(cmd, msg)
   io_stderr:write("quarry ", cmd, ": ", term.escape(tostring(msg)), "\n")
end

--- Writes a warning line on stderr, "quarry CMD: warning: MESSAGE",
-- escaped as common.complain does; shown even when quiet.
-- @param cmd string the command's name
-- @param msg any the message (tostring'd)
-- @return nothing
function common.warn(cmd, msg)
   io_stderr:write("quarry ", cmd, ": warning: ", term.escape(tostring(msg)), "\n")
end

--- Whether stderr is a terminal (progress bars are drawn only there).
-- @return boolean
function common.stderr_is_tty()
   return os.execute("test -t 2") == true
end

--- Whether to colour (embolden) what is written to standard output: only on
-- a terminal, and not when NO_COLOR is set to anything (no-color.org).
-- @return boolean
function common.color()
   local no = os.getenv("NO_COLOR")
   return (no == nil or no == "") and os.execute("test -t 1") == true
end

-- Seconds on a monotonic clock (luv), or os.time's whole seconds without it.
local now = (function()
   local ok, uv = pcall(require, "luv")
   if ok and uv.hrtime then return function() return uv.hrtime() / 1e9 end end
   return os.time
end)()

-- 75 s as "1m15s", 4000 s as "1h06m".
local function duration(s)
   s = math.floor(s + 0.5)
   if s < 60 then return s .. "s" end
   if s < 3600 then return string.format("%dm%02ds", s // 60, s % 60) end
   return string.format("%dh%02dm", s // 3600, (s % 3600) // 60)
end

--- A progress bar on stderr, redrawn at most every tenth of a second, or
-- nil when stderr is not a terminal or with --quiet (then nothing extra is
-- written): the share done, the count, the rate, and the time left (ETA)
-- while it runs, the time taken at the end.
-- bar.update(done, total_or_nil), bar.clear() (before other messages).
-- @param unit string what is counted ("documents")
-- @return table the bar, or nil
function common.progress_bar(unit)
   if common.quiet or not common.stderr_is_tty() then return nil end
   unit = unit or "documents"
   local bar = { shown = false }
   local started = now()
   local last = -1
   function bar.update(done, total)
      local t = now()
      if t - last < 0.1 and done ~= total then return end
      last = t
      local elapsed = t - started
      local rate = elapsed > 0 and done / elapsed or 0
      local line
      if total and total > 0 then
         local frac = done / total
         if frac > 1 then frac = 1 end
         local filled = math.floor(frac * 30 + 0.5)
         line = string.format("[%s%s] %3d%% %d/%d %s", string.rep("#", filled), string.rep(".", 30 - filled),
            math.floor(frac * 100), done, total, unit)
         if done >= total then
            line = line .. string.format(", %.0f/s, %s", rate, duration(elapsed))
         elseif rate > 0 then
            line = line .. string.format(", %.0f/s, ETA %s", rate, duration((total - done) / rate))
         end
      else
         line = string.format("%d %s, %.0f/s, %s", done, unit, rate, duration(elapsed))
      end
      io_stderr:write("\r\27[K", line)
      bar.shown = true
   end
   function bar.clear()
      if bar.shown then io_stderr:write("\r\27[K") end
      bar.shown = false
   end
   return bar
end

--- Pads and prints rows of cells as an aligned table, control characters
-- escaped (quarry.term).
function common.print_table(out, header, rows)
   local widths = {}
   for i, h in ipairs(header) do widths[i] = #h end
   local shown = {}      -- the cells as the terminal gets them (quarry.term)
   for ri, r in ipairs(rows) do
      shown[ri] = {}
      for i, c in ipairs(r) do
         local s = term.escape(tostring(c))
         shown[ri][i] = s
         local n = utf8.len(s) or #s
         if n > widths[i] then widths[i] = n end
      end
   end
   local function line(cells)
      local parts = {}
      for i, s in ipairs(cells) do
         parts[i] = s .. string.rep(" ", widths[i] - (utf8.len(s) or #s))
      end
      out:write(table_concat(parts, "  "):gsub("%s+$", ""), "\n")
   end
   line(header)
   for _, r in ipairs(shown) do line(r) end
end

return common
