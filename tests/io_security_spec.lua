-- Input and output that an attacker or a careless user controls (issue 12,
-- "Input and output"): folders with symbolic links that loop, folders that
-- cannot be read, huge and sparse files, JSON ids that a double would round,
-- byte order marks, read-only folders, and text that reaches a spreadsheet,
-- a terminal or a Markdown page, and queries that would run for minutes.
-- No timing assertions: a hang fails through `timeout`, memory through
-- `ulimit -v`.
local quarry = require "quarry"
local docs = require "quarry.docs"
local lfs = require "lfs"
local support = require "tests.support"
local write = support.write

local ENV = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' "
-- A command line (no double quotes in it) run with at most kb kilobytes of
-- address space (ulimit -v), on the normal build, in a shell started
-- without the ASan preload of the ASan run (ASan reserves terabytes of
-- address space, and fails under the limit).
local function limited(kb, cmd)
   return "env -u LD_PRELOAD sh -c \"ulimit -v " .. kb
      .. "; LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='build/?.so;;' " .. cmd .. "\""
end

local sh, has = support.run, support.has

local function collect(paths, opts)
   local out = {}
   for doc in docs.each(paths, opts) do out[#out + 1] = doc end
   return out
end

-- A prefix that runs a command without the capabilities that let root read
-- any file whatever its mode (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so
-- that chmod 000 means what it says; "" for other users. nil, reason when
-- running as root with no way to drop them.
local function unprivileged()
   if not support.is_root() then return "" end
   local prefix = "setpriv --bounding-set=-dac_override,-dac_read_search "
   if os.execute(prefix .. "true 2>/dev/null") then return prefix end
   return nil, "running as root without setpriv(1): root reads folders whatever their mode"
end

describe("reading folders", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function() support.cleanup() end)

   it("reads a folder once however many symbolic links lead to it, and says so", function()
      support.put(dir, "d/a.txt", "The council met.")
      support.put(dir, "d/sub/b.txt", "The mayor spoke.")
      assert(lfs.link(".", dir .. "/d/self", true))
      assert(lfs.link(".", dir .. "/d/again", true))          -- two loops: used to hang
      assert(lfs.link("..", dir .. "/d/sub/up", true))
      assert(lfs.link("sub", dir .. "/d/alias", true))        -- sorts before sub: sub keeps its own path
      -- the command line first, bounded: the walk used to loop
      local code, out, err = sh(ENV .. "timeout 60 lua5.4 bin/quarry ingest " .. dir .. "/c.db " .. dir .. "/d")
      assert.equal(0, code)
      has(out, "2 added")
      has(err, "quarry ingest: warning: " .. dir .. "/d/self: the same folder as " .. dir .. "/d, read already")
      local warnings = {}
      local got = collect({ dir .. "/d" }, { warn = function(m) warnings[#warnings + 1] = m end })
      local ids = {}
      for i, d in ipairs(got) do ids[i] = d.id end
      assert.same({ dir .. "/d/a.txt", dir .. "/d/sub/b.txt" }, ids)
      table.sort(warnings)
      assert.same({
         dir .. "/d/again: the same folder as " .. dir .. "/d, read already; skipped",
         dir .. "/d/alias: the same folder as " .. dir .. "/d/sub, read already; skipped",
         dir .. "/d/self: the same folder as " .. dir .. "/d, read already; skipped",
         dir .. "/d/sub/up: the same folder as " .. dir .. "/d, read already; skipped",
      }, warnings)
      assert.equal(2, docs.count { dir .. "/d" })
   end)

   it("follows a link to a folder outside the tree, once", function()
      support.put(dir, "outside/x.txt", "The envoy left.")
      support.put(dir, "d/a.txt", "The council met.")
      assert(lfs.link("../outside", dir .. "/d/ext", true))
      local got = collect { dir .. "/d", dir .. "/outside" }
      assert.equal(2, #got)
      assert.equal(dir .. "/d/ext/x.txt", got[2].id)
   end)

   it("says in --help how folders and links are read", function()
      for _, cmd in ipairs { "ingest", "extract", "tokens" } do
         local code, out = support.quarry(cmd .. " --help")
         assert.equal(0, code)
         has(out:gsub("%s+", " "), "A symbolic link to a folder is followed once: a folder read already "
            .. "(the same device and inode) is skipped with a warning, so links cannot loop.")
      end
   end)

   it("skips a folder it cannot read, naming it, and reads the rest", function()
      local prefix, why = unprivileged()
      if not prefix then return pending(why) end
      support.put(dir, "d/a.txt", "The council met.")
      support.put(dir, "d/locked/b.txt", "Classified.")
      support.put(dir, "d/z.txt", "The mayor spoke.")
      assert(os.execute("chmod 000 '" .. dir .. "/d/locked'"))
      local code, out, err = sh(ENV .. prefix .. "lua5.4 bin/quarry ingest " .. dir .. "/c.db " .. dir .. "/d")
      assert.equal(1, code)
      assert.equal("quarry ingest: " .. dir .. "/d/locked: Permission denied; the folder is skipped\n", err)
      has(out, "2 added")
      local c <close> = assert(quarry.open(dir .. "/c.db", { readonly = true }))
      assert.equal(2, c:count())
      -- through the library: fail hears of it, the iteration goes on
      code, out = sh(ENV .. prefix .. "lua5.4 -e \"for d in require('quarry.docs').each({'" .. dir .. "/d'}, "
         .. "{fail = function(m) print('fail', m) end}) do print(d.id) end\"")
      assert(os.execute("chmod 755 '" .. dir .. "/d/locked'"))
      assert.equal(0, code)
      assert.equal("fail\t" .. dir .. "/d/locked: Permission denied; the folder is skipped\n"
         .. dir .. "/d/a.txt\n" .. dir .. "/d/z.txt\n", out)
   end)
end)

describe("input that waits for a writer", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function() support.cleanup() end)

   -- A command reading a FIFO nobody writes to, sent SIGTERM once it
   -- waits: its exit status (143 when the signal ended it; 137 when a
   -- guard had to kill it 10 s later, the signal unheard).
   local function terminated_while_waiting(cmd)
      local fifo = dir .. "/fifo.jsonl"
      assert(os.execute("mkfifo '" .. fifo .. "'"))
      local script = ENV .. "lua5.4 bin/quarry " .. cmd:gsub("FIFO", fifo) .. [[ 2>/dev/null & pid=$!
sleep 2
kill -TERM $pid
( sleep 10; kill -9 $pid ) >/dev/null 2>&1 & guard=$!
wait $pid; status=$?
kill $guard 2>/dev/null
echo "status=$status"]]
      local _, out = sh(script)
      os.remove(fifo)
      return out
   end

   it("ends at SIGTERM while it waits, with worker processes too (libuv's handler swallowed it)", function()
      has(terminated_while_waiting("extract -j 2 --rules tests/fixtures/packs/newsroom.lua FIFO"), "status=143")
      has(terminated_while_waiting("ingest -j 2 " .. dir .. "/c.db FIFO"), "status=143")
   end)
end)

describe("reading large and binary files", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function() support.cleanup() end)

   -- A sparse file of size bytes starting with head (zeros after it).
   local function sparse(path, head, size)
      local f = assert(io.open(path, "wb"))
      f:write(head)
      f:seek("set", size - 1)
      f:write("\0")
      f:close()
   end

   it("tells a binary file from its first bytes, without reading the rest", function()
      sparse(dir .. "/zeros.txt", "", 1024 ^ 3)               -- 1 GB of NUL, no disk used
      write(dir .. "/ok.txt", "The council met.")
      -- 200 MB of address space: reading the gigabyte would not fit
      local code, out, err = sh(limited(200000, "lua5.4 bin/quarry ingest " .. dir .. "/c.db "
         .. dir .. "/zeros.txt " .. dir .. "/ok.txt"))
      assert.equal(1, code)
      assert.equal("quarry ingest: " .. dir .. "/zeros.txt: a binary file, not text (a NUL byte at offset 0); "
         .. "skipped\n", err)
      has(out, "1 added")
   end)

   it("skips a file larger than max_bytes before reading it, naming it", function()
      sparse(dir .. "/huge.txt", ("The council met. "):rep(1000), 1024 ^ 3)  -- text for its first 17,000 bytes
      write(dir .. "/small.txt", ("The mayor spoke. "):rep(100))
      write(dir .. "/lines.jsonl", '{"id": "a", "text": "' .. ("x"):rep(3000) .. '"}\n{"id": "b", "text": "B."}\n')
      local failures = {}
      local got = collect({ dir .. "/huge.txt", dir .. "/small.txt", dir .. "/lines.jsonl" },
         { max_bytes = 2000, fail = function(m) failures[#failures + 1] = m end })
      assert.equal(2, #got)
      assert.equal(dir .. "/small.txt", got[1].id)
      assert.equal("b", got[2].id)
      assert.same({
         dir .. "/huge.txt: larger than the limit of 2000 bytes for one document (max_bytes, --max-bytes); skipped",
         dir .. "/lines.jsonl:1: larger than the limit of 2000 bytes for one document (max_bytes, --max-bytes); "
            .. "skipped",
      }, failures)
      -- the default limit skips the gigabyte too, within 200 MB
      local code, out, err = sh(limited(200000, "lua5.4 bin/quarry ingest " .. dir .. "/c.db "
         .. dir .. "/huge.txt " .. dir .. "/small.txt"))
      assert.equal(1, code)
      has(err, dir .. "/huge.txt: larger than the limit of 268435456 bytes for one document")
      has(out, "1 added")
      -- from a pipe, where the size is not known before reading
      code, out, err = sh("head -c 5000 /dev/zero | tr '\\0' x | " .. ENV .. "lua5.4 bin/quarry tokens "
         .. "--max-bytes 4000 -")
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("quarry tokens: stdin: larger than the limit of 4000 bytes for one document (max_bytes, "
         .. "--max-bytes); skipped\n", err)
   end)

   it("names the file that does not fit in memory, and reads the next", function()
      sparse(dir .. "/big.txt", ("The council met. "):rep(1000), 1024 ^ 3)
      write(dir .. "/ok.txt", "The mayor spoke.")
      local code, out, err = sh(limited(400000, "lua5.4 bin/quarry ingest --max-bytes 2000000000 "
         .. dir .. "/c.db " .. dir .. "/big.txt " .. dir .. "/ok.txt"))
      assert.equal(1, code)
      assert.equal("quarry ingest: " .. dir .. "/big.txt: not enough memory; skipped\n", err)
      has(out, "1 added")
   end)
end)

describe("JSONL input", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function() support.cleanup() end)

   local function refusal(contents)
      write(dir .. "/x.jsonl", contents)
      local ok, err = pcall(collect, { dir .. "/x.jsonl" })
      assert.is_false(ok)
      return err
   end

   it("keeps number ids digit for digit", function()
      write(dir .. "/ids.jsonl", '{"id": 12345678901234567, "text": "First."}\n'
         .. '{"text": "Second.", "id": 12345678901234568}\n'
         .. '{"id": -42, "text": "Third.", "meta": {"id": 1.5}}\n'
         .. '{"id": 1, "id": 99999999999999999999, "text": "Fourth: the last id counts, as in cjson."}\n'
         .. '{"x": {"id": 2.5, "s": "a\\"}b"}, "\\u0069d": 12345678901234569, "text": "Fifth: a key escaped."}\n')
      local got = collect { dir .. "/ids.jsonl" }
      assert.same({ "12345678901234567", "12345678901234568", "-42", "99999999999999999999", "12345678901234569" },
         { got[1].id, got[2].id, got[3].id, got[4].id, got[5].id })
      local c <close> = assert(quarry.open(":memory:"))
      local s = assert(c:ingest { dir .. "/ids.jsonl" })
      assert.same({ 5, 0 }, { s.added, s.skipped })
      assert.equal("Second.", c:get("12345678901234568").text)
      -- through worker processes, which decode the lines
      local code, out = support.quarry("ingest -j 2 " .. dir .. "/w.db " .. dir .. "/ids.jsonl")
      assert.equal(0, code)
      has(out, "5 added")
      local w <close> = assert(quarry.open(dir .. "/w.db", { readonly = true }))
      assert.equal("Fifth: a key escaped.", w:get("12345678901234569").text)
      -- an id in a metadata sidecar too
      write(dir .. "/a.txt", "Body.")
      write(dir .. "/meta.jsonl", '{"file": "a.txt", "id": 12345678901234567}\n')
      local meta = assert(docs.read_meta(dir .. "/meta.jsonl"))
      assert.equal("12345678901234567", collect({ dir .. "/a.txt" }, { meta = meta })[1].id)
   end)

   it("refuses a number id that is not an integer as written", function()
      assert.equal(dir .. "/x.jsonl:2: field 'id' must be a string or an integer, not 1.0 (write it as a string "
         .. "to keep it as it is)", refusal('{"id": "1", "text": "A."}\n{"id": 1.0, "text": "B."}\n'))
      assert.matches("x%.jsonl:1: field 'id' must be a string or an integer, not 1e3",
         refusal('{"text": "A.", "id": 1e3}\n'))
      write(dir .. "/meta.jsonl", '{"file": "a.txt", "id": 2.50}\n')
      local meta, err = docs.read_meta(dir .. "/meta.jsonl")
      assert.is_nil(meta)
      assert.matches("meta%.jsonl:1: field 'id' must be a string or an integer, not 2%.50", err)
      -- through the table API there is no line: an integer a double holds exactly
      assert.equal("7", docs.from_json({ id = 7.0, text = "A." }, "t").id)
      assert.has_error(function() docs.from_json({ id = 2 ^ 60, text = "A." }, "t") end)
   end)

   it("accepts a byte order mark before the first line", function()
      write(dir .. "/bom.jsonl", '\239\187\191{"id": "a", "text": "A."}\n{"id": "b", "text": "B."}\n')
      local got = collect { dir .. "/bom.jsonl" }
      assert.same({ "a", "b" }, { got[1].id, got[2].id })
      local code, out = support.quarry("tokens --json -", { input = '\239\187\191{"id": "s", "text": "A b."}\n' })
      assert.equal(0, code)
      assert.equal("s", require("cjson").decode(out).documents[1].doc)
      write(dir .. "/meta.jsonl", '\239\187\191{"file": "a.txt", "id": "m"}\n')
      assert.equal("m", assert(docs.read_meta(dir .. "/meta.jsonl"))["a.txt"].id)
      -- a text file keeps its mark in the text, but not in the headline
      write(dir .. "/t.txt", "\239\187\191Talks resume\n\nBody.")
      assert.equal("Talks resume", collect({ dir .. "/t.txt" })[1].title)
   end)

   it("says that a line is not a JSON object, with file and line", function()
      assert.equal(dir .. '/x.jsonl:2: not a JSON object but an array (each line holds one object: '
         .. '{"id": ..., "text": ...})', refusal('{"id": "a", "text": "A."}\n[1,2,3]\n'))
      assert.matches("x%.jsonl:1: not a JSON object but an array", refusal("[]\n"))
      assert.matches("x%.jsonl:1: not a JSON object but a string", refusal('"text"\n'))
      assert.matches("x%.jsonl:1: not a JSON object but null", refusal("null\n"))
      local code, _, err = support.quarry("ingest " .. dir .. "/c.db -", { input = '{"id": "a", "text": "A."}\n[1]\n' })
      assert.equal(1, code)
      has(err, "stdin:2: not a JSON object but an array")
      write(dir .. "/meta.jsonl", '[{"file": "a.txt"}]\n')
      local meta, merr = docs.read_meta(dir .. "/meta.jsonl")
      assert.is_nil(meta)
      assert.matches("meta%.jsonl:1: not a JSON object but an array", merr)
   end)

   it("reads JSONL from stdin after blank lines, with the right line numbers", function()
      local code, _, err = support.quarry("ingest " .. support.tmpdir() .. "/c.db -",
         { input = '\n  \n{"id": "a", "text": "A."}\n{"id": 2.5, "text": "B."}\n' })
      assert.equal(1, code)
      has(err, "stdin:4: field 'id' must be a string or an integer, not 2.5")
   end)
end)

describe("a corpus in a folder that cannot be written", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function()
      os.execute("chmod -R u+w '" .. dir .. "'")
      support.cleanup()
   end)

   it("is searched and reported on, read-only", function()
      local prefix, why = unprivileged()
      if not prefix then return pending(why) end
      write(dir .. "/a.txt", "Talks resume\n\nThe council met in Geneva.")
      support.put(dir, "ro/keep", "")
      local code = support.quarry("ingest " .. dir .. "/ro/c.db " .. dir .. "/a.txt")
      assert.equal(0, code)
      assert(os.execute("chmod 555 '" .. dir .. "/ro'"))
      local out, err
      code, out, err = sh(ENV .. prefix .. "lua5.4 bin/quarry search " .. dir .. "/ro/c.db Geneva")
      assert.equal("", err)
      assert.equal(0, code)
      has(out, "1. " .. dir .. "/a.txt  Talks resume")
      code, out, err = sh(ENV .. prefix .. "lua5.4 bin/quarry report " .. dir .. "/ro/c.db summary --format json")
      assert.equal(0, code, err)
      has(out, '"report": "summary"')
      code, out = sh(ENV .. prefix .. "lua5.4 bin/quarry kwic " .. dir .. "/ro/c.db council")
      assert.equal(0, code)
      has(out, "council")
      code, out = sh(ENV .. prefix .. "lua5.4 -e \"local c = assert(require('quarry').open('" .. dir
         .. "/ro/c.db', {readonly = true})); print(c:count(), c.immutable, c:add{id = 'x', text = 'y'})\"")
      assert.equal(0, code)
      assert.matches("^1\ttrue\tnil\t.*attempt to write a readonly database.*\treadonly\n$", out)
      -- writing is refused as before, naming the file
      local _
      code, _, err = sh(ENV .. prefix .. "lua5.4 bin/quarry ingest " .. dir .. "/ro/c.db " .. dir .. "/a.txt")
      assert.equal(1, code)
      has(err, dir .. "/ro/c.db: ")
      assert.same({ "c.db", "keep" }, (function()
         local names = {}
         for name in lfs.dir(dir .. "/ro") do
            if name ~= "." and name ~= ".." then names[#names + 1] = name end
         end
         table.sort(names)
         return names
      end)())
   end)

   it("is refused, saying why, when its write-ahead log holds changes it could not read", function()
      local prefix, why = unprivileged()
      if not prefix then return pending(why) end
      assert(lfs.mkdir(dir .. "/ro"))
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      assert(c:add { id = "a", text = "The council met." })
      -- the writer is still open: its changes are in c.db-wal only
      assert(os.execute("cp '" .. dir .. "/c.db' '" .. dir .. "/c.db-wal' '" .. dir .. "/ro/'"))
      assert(os.execute("chmod 555 '" .. dir .. "/ro'"))
      local code, out, err = sh(ENV .. prefix .. "lua5.4 bin/quarry search " .. dir .. "/ro/c.db council")
      assert.equal(1, code)
      assert.equal("", out)
      has(err, "its write-ahead log " .. dir .. "/ro/c.db-wal holds changes, and reading them needs a "
         .. dir .. "/ro/c.db-shm file that quarry may not create in that folder")
   end)
end)

describe("the cost of a query", function()
   -- 50 documents of 100 different words starting with c: 300 prefixes c*
   -- make FTS5 expand and intersect for seconds (66 s on a larger corpus)
   local function corpus(opts)
      local c = assert(quarry.open(":memory:", opts))
      local batch, x = {}, 7
      for i = 1, 50 do
         local words = {}
         for j = 1, 100 do
            x = (x * 1103515245 + 12345) % 2147483648
            words[j] = string.format("c%x", x % 65536)
         end
         batch[i] = { id = "d" .. i, text = "Geneva talks. " .. table.concat(words, " ") }
      end
      assert(c:add_batch(batch))
      return c
   end
   local SLOW = ("c* "):rep(300)

   it("stops a search, a concordance or a report past the time limit, and says so", function()
      local dir = support.tmpdir()
      do
         local c <close> = corpus()
         assert(c.db:exec("VACUUM INTO '" .. dir .. "/c.db'"))
      end
      local path = dir .. "/c.db"
      local c <close> = assert(quarry.open(path, { readonly = true, time_limit_ms = 5 }))
      local stopped = path .. ": the query took longer than the time limit of 5 ms"
      local res, err, code = c:search(SLOW)
      assert.is_nil(res)
      assert.same({ stopped, "timeout" }, { err, code })
      res, err, code = c:kwic(SLOW, { query = true })
      assert.is_nil(res)
      assert.same({ stopped, "timeout" }, { err, code })
      local reports = require "quarry.reports"
      res, err, code = reports.run(c, "search", { query = SLOW })
      assert.is_nil(res)
      assert.same({ stopped, "timeout" }, { err, code })
      assert.equal(50, c:count())                        -- the corpus goes on
      assert.equal("d1", c:get("d1").id)
      -- a limit that leaves room changes nothing (5 ms is too little for a
      -- report on a busy machine)
      local roomy <close> = assert(quarry.open(path, { readonly = true, time_limit_ms = 60000 }))
      assert.equal(1, #assert(roomy:search("Geneva", { limit = 1 })))
      assert.equal(50, #assert(roomy:kwic("Geneva")))
      assert.truthy(reports.run(roomy, "summary", {}))
      local ok, oerr = pcall(quarry.open, ":memory:", { time_limit_ms = -1 })
      assert.is_false(ok)
      has(oerr, "option 'time_limit_ms' must be a non-negative integer")
      support.cleanup()
   end)

   it("answers the explorer's page of a query past the limit with a 400 that says so", function()
      local dir = support.tmpdir()
      do
         local c <close> = corpus()
         assert(c.db:exec("VACUUM INTO '" .. dir .. "/c.db'"))
      end
      local c <close> = assert(quarry.open(dir .. "/c.db", { readonly = true, time_limit_ms = 5 }))
      local app = { corpus = c, base = "/", name = "c.db", log = function() end,
         data_version = function() return 1 end }
      local pages = require "quarry.serve.pages"
      local status, _, body = pages.handle(app, "GET", "/?format=json&q=" .. SLOW:gsub(" ", "+"))
      assert.equal(400, status)
      has(body, "the query took longer than the time limit of 5 ms")
      -- under a limit that leaves room (5 ms is too little for a page on a busy machine)
      local roomy <close> = assert(quarry.open(dir .. "/c.db", { readonly = true, time_limit_ms = 60000 }))
      app.corpus = roomy
      status, _, body = pages.handle(app, "GET", "/?format=json&q=Geneva")
      assert.equal(200, status, body)
      support.cleanup()
   end)

   it("has a --timeout in search, kwic, report and serve, with a default", function()
      local dir = support.tmpdir()
      do
         local c <close> = corpus()
         assert(c.db:exec("VACUUM INTO '" .. dir .. "/c.db'"))
      end
      for _, cmd in ipairs {
         "search --timeout 5 " .. dir .. "/c.db '" .. SLOW .. "'",
         "kwic --query --timeout 5 " .. dir .. "/c.db '" .. SLOW .. "'",
         "report --timeout 5 " .. dir .. "/c.db search --query '" .. SLOW .. "'",
      } do
         local code, out, err = support.quarry(cmd)
         assert.equal(1, code)
         assert.equal("", out)
         assert.matches("^quarry %a+: " .. dir:gsub("%p", "%%%0") .. "/c%.db: the query took longer than the time "
            .. "limit of 5 ms; raise the limit with %-%-timeout MS, or %-%-timeout 0 for none\n$", err)
      end
      for cmd, default in pairs { search = 10000, kwic = 10000, report = 60000, serve = 10000 } do
         local _, out = support.quarry(cmd .. " --help")
         has(out, "--timeout <ms>")
         has(out, "(default: " .. default .. ")")
      end
      support.cleanup()
   end)
end)

describe("output that a spreadsheet, a terminal or a Markdown page reads", function()
   local render = require "quarry.render"
   local term = require "quarry.term"
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(function() support.cleanup() end)

   local function model(values, kind)
      local rows = {}
      for i, v in ipairs(values) do rows[i] = { v = v } end
      return { report = "t", title = "T", columns = { { key = "v", label = "v", kind = kind } },
         sections = { { rows = rows } } }
   end

   -- A corpus file whose text, title and id carry terminal controls
   -- (corpus:add keeps them; ingest makes spaces of those in ids and titles).
   local function hostile_corpus()
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      assert(c:add { id = "evil\27]0;pwned\7", title = "\27[31mRed alert\27[0m",
         text = "The council met \27[2J in Geneva \7 today, \194\1556n said Ana." })
      assert(c:add { id = "b", title = "=cmd|' /C calc'!A0", text = "The council met again in Geneva." })
      return dir .. "/c.db"
   end

   local function no_controls(s, what)
      assert.is_nil(s:find("[%z\1-\8\11-\31\127]"), what .. " holds a control character: " .. ("%q"):format(s))
      assert.is_nil(s:find("\194[\128-\159]"), what .. " holds a C1 control")
   end

   it("neutralises CSV cells a spreadsheet would run as formulas, and keeps numbers", function()
      local out = render.to_string(model { '=HYPERLINK("http://x.example","y")', "+1+2", "-2+3", "@SUM(A1)",
         "\tTab", "\rCR", "-3", "+2.5", "-1.5e3", ".5", -3, 2.5, "plain", "a=b", "" }, "csv")
      assert.equal(table.concat({ "v",
         '"\'=HYPERLINK(""http://x.example"",""y"")"', "'+1+2", "'-2+3", "'@SUM(A1)", "'\tTab", '"\'\rCR"',
         "-3", "+2.5", "-1.5e3", ".5", "-3", "2.5", "plain", "a=b", "", "" }, "\r\n"), out)
      local db = hostile_corpus()
      local code, csv = support.quarry("report " .. db .. " search --format csv")
      assert.equal(0, code)
      has(csv, "'=cmd|' /C calc'!A0")
      assert.is_nil(csv:find("[\n,]=cmd"))
   end)

   it("escapes control characters in one helper", function()
      assert.equal("a\\x1B[2Jb\\x07 \\ é \\u{9B} x\\x9By\\xFF\\t", term.escape("a\27[2Jb\7 \\ é \194\155 x\155y\255\t"))
      assert.equal("a\\tb\\\\c", term.escape("a\tb\\c", true))
      assert.equal("Geneva — “talks”", term.escape("Geneva — “talks”"))
   end)

   it("writes no control character to the terminal in search, kwic, tables and tokens", function()
      local db = hostile_corpus()
      local code, out = support.quarry("search " .. db .. " Geneva")
      assert.equal(0, code)
      no_controls(out, "search")
      has(out, "evil\\x1B]0;pwned\\x07  \\x1B[31mRed alert\\x1B[0m")
      has(out, "met \\x1B[2J in [Geneva] \\x07 today, \\u{9B}6n said")
      code, out = support.quarry("kwic " .. db .. " Geneva")
      assert.equal(0, code)
      no_controls(out, "kwic")
      has(out, "The council met \\x1B[2J in Geneva \\x07 today, \\u{9B}6n said Ana.")
      has(out, "  evil\\x1B]0;pwned\\x07\n")
      code, out = support.quarry("report " .. db .. " search --format table")
      assert.equal(0, code)
      no_controls(out, "report --format table")
      has(out, "\\x1B[31mRed alert")
      code, out = support.quarry("report " .. db .. " search")
      assert.equal(0, code)
      no_controls(out, "report --format md")
      -- a file name that holds controls, in tokens --list and in messages
      local name = dir .. "/x\27]2;title\7.txt"
      write(name, "Geneva talks.")
      write(dir .. "/y\27[2J.txt", "\0binary")
      local err
      code, out, err = support.quarry("tokens --list '" .. name .. "' '" .. dir .. "/y\27[2J.txt'")
      assert.equal(1, code)
      no_controls(out, "tokens --list")
      has(out, "/x\\x1B]2;title\\x07.txt\t1\t0\t6\t")
      no_controls(err, "a message")
      has(err, "/y\\x1B[2J.txt: a binary file")
      code, out = support.quarry("explain --rules tests/fixtures/packs/newsroom.lua '" .. name .. "'")
      assert.equal(0, code)
      no_controls(out, "explain")
      has(out, "== " .. dir .. "/x\\x1B]2;title\\x07.txt\n")
      code, out = support.quarry("tokens '" .. name .. "'")
      assert.equal(0, code)
      no_controls(out, "tokens")
      has(out, "x\\x1B]2;title\\x07.txt")
   end)

   it("writes out the bidirectional overrides that reorder a terminal's line (Trojan Source)", function()
      assert.equal("a\\u{202E}b\\u{2066}c\\u{2069}d\\u{202A}e\u{200F}f",
         term.escape("a\u{202E}b\u{2066}c\u{2069}d\u{202A}e\u{200F}f"))
      local c <close> = assert(quarry.open(dir .. "/bidi.db"))
      assert(c:add { id = "b", title = "Invoice \u{202E}fdp.exe", text = "Paid \u{202E}0001$ to Ana \u{2067}today." })
      local db = dir .. "/bidi.db"
      for _, cmd in ipairs { "report " .. db .. " search --format table", "report " .. db .. " search",
         "search " .. db .. " Paid", "kwic " .. db .. " Paid" } do
         local code, out = support.quarry(cmd)
         assert.equal(0, code, cmd)
         assert.is_nil(out:find("\226\128\174", 1, true), cmd .. ": " .. out)
         assert.is_nil(out:find("\226\129\167", 1, true), cmd .. ": " .. out)
         has(out, "\\u{202E}")
      end
   end)

   it("escapes what a pack says in quarry rules and in messages: names, errors, example texts", function()
      local pack = dir .. "/p.lua"
      write(pack, [[
return { name = "p\27]0;pwned\7", phases = { { name = "ph", rules = {
   rule { name = "r\27[2J", type = "t", pattern = P.word "x",
      examples = { { text = "no match \27]8;;http://x.example\7here\27[31m", expect = { { text = "x\27[5m" } } } } },
} } } }
]])
      local code, out = support.quarry("rules test " .. pack)
      assert.equal(1, code)
      no_controls(out, "rules test")
      has(out, "in: no match \\x1B]8;;http://x.example\\x07here\\x1B[31m")
      code, out = support.quarry("rules check " .. pack)
      assert.equal(0, code)
      no_controls(out, "rules check")
      code, out = support.quarry("rules list " .. pack)
      assert.equal(0, code)
      no_controls(out, "rules list")
      write(pack, 'error("broken \\27]0;pwned\\7 pack")')
      for _, cmd in ipairs { "rules check ", "extract -j 1 " .. dir .. "/none.txt --rules ", "explain --rules " } do
         local err
         code, _, err = support.quarry(cmd .. pack .. (cmd:find("explain") and (" " .. pack) or ""))
         assert.is_true(code ~= 0, cmd)
         no_controls(err, cmd)
         has(err, "broken \\x1B]0;pwned\\x07 pack")
      end
   end)

   it("escapes raw HTML, links and entities in Markdown reports", function()
      local m = model { "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "<javascript:alert(1)>",
         "![img](http://x.example/p.png)", "`code`", "&lt;b&gt; &amp; AT&T", "a | b \\ c" }
      m.title = "<b>Title</b>"
      m.description = "<script>alert(1)</script>\n[x]: javascript:alert(1)"
      m.notes = { "<!-- hidden -->" }
      local md = render.to_string(m, "md")
      assert.equal(table.concat({
         "# \\<b\\>Title\\</b\\>", "",
         "\\<script\\>alert(1)\\</script\\> \\[x\\]: javascript:alert(1)", "",
         "> \\<!-- hidden --\\>", "",
         "| v |", "| --- |",
         "| \\<img src=x onerror=alert(1)\\> |",
         "| \\[click\\](javascript:alert(1)) |",
         "| \\<javascript:alert(1)\\> |",
         "| !\\[img\\](http://x.example/p.png) |",
         "| \\`code\\` |",
         "| \\&lt;b\\&gt; \\&amp; AT&T |",
         "| a \\| b \\\\ c |", "", "" }, "\n"), md)
      -- no unescaped character opens HTML or a link
      assert.is_nil(md:find("[^\\]<"))
      assert.is_nil(md:find("[^\\]%["))
   end)
end)
