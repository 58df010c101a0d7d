-- The corpus store across processes, through the command line: ingest,
-- search and kwic; a kill -9 in the middle of an ingest; a reader while a
-- writer ingests; a locked file; a read-only file. No timing assertions:
-- the tests poll for states, never for durations.
local quarry = require "quarry"
local lfs = require "lfs"

local support = require "tests.support"
local tmpdir, write, read = support.tmpdir, support.write, support.read
local function run(args, input) return support.quarry(args, { input = input }) end
local cpath = support.CPATH
local env = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. cpath .. ";;' "




-- Runs `quarry ARGS` to completion: exit code, stdout, stderr.

-- Starts a command in the background; returns its pid.
local function spawn(cmd, outfile)
   local pidfile = os.tmpname()
   assert(os.execute(cmd .. " >" .. outfile .. " 2>&1 & echo $! >" .. pidfile))
   local pid = tonumber(read(pidfile):match("%d+"))
   os.remove(pidfile)
   return assert(pid)
end

local function alive(pid)
   return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true
end

local function sleep(s) os.execute("sleep " .. s) end

-- Waits (polling, with a generous cap against a hung test) until pred() holds.
local function wait_for(pred, what)
   for _ = 1, 6000 do
      if pred() then return end
      sleep(0.02)
   end
   error("gave up waiting for " .. what)
end

local function wait_exit(pid)
   wait_for(function() return not alive(pid) end, "process " .. pid .. " to exit")
end

-- Fictional documents, generated: n of them, ids doc-00001... in order.
local function make_jsonl(path, n, word)
   local f = assert(io.open(path, "wb"))
   for i = 1, n do
      local text = string.format("Council report %d\n\nThe council met on day %d to discuss item %d of the budget. "
         .. "Members said the %s plan would cost %d pounds. The mayor thanked the residents of ward %d "
         .. "and promised an answer before the next session.", i, i % 365, i * 7 % 1000, word or "road",
         i * 13, i % 40)
      f:write(string.format('{"id": "doc-%05d", "title": "Council report %d", "date": "2024-%02d-%02d", '
         .. '"source": "Gazette", "text": "%s"}\n', i, i, i % 12 + 1, i % 28 + 1, text:gsub("\n", "\\n")))
   end
   f:close()
end

local function count_of(db)
   local c = quarry.open(db, { readonly = true })
   if not c then return 0 end
   local n = c:count() or 0
   c:close()
   return n
end

local function integrity(db)
   local c <close> = assert(quarry.open(db))
   local st = assert(c.db:prepare("PRAGMA integrity_check"))
   assert.is_true(st:step())
   local result = st:values()
   st:close()
   -- the FTS5 index matches the documents it indexes
   assert(c.db:exec("INSERT INTO docs_fts(docs_fts) VALUES ('integrity-check')"))
   return result
end

describe("quarry ingest, search and kwic", function()
   local dir
   before_each(function() dir = tmpdir() end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   it("ingest stores files, folders and stdin and prints a summary", function()
      assert(lfs.mkdir(dir .. "/in"))
      write(dir .. "/in/a.txt", "Envoys meet in Geneva\n\nThe envoys met on Monday in Geneva.")
      write(dir .. "/in/b.jsonl", '{"id": "b1", "text": "The tram line opened in Lodz.", "date": "2024-03-08"}\n')
      local code, out, err = run("ingest " .. dir .. "/c.db " .. dir .. "/in")
      assert.equal(0, code, err)
      assert.matches("ingested 2 documents into .-c%.db: 2 added, 0 replaced, 0 unchanged, 0 skipped", out)
      assert.equal("", err)             -- no progress bar: stderr is not a terminal
      code, out = run("ingest " .. dir .. "/c.db -", "Peace talks stall\n\nNo agreement was reached.")
      assert.equal(0, code)
      assert.matches("1 added", out)
      assert.matches("3 documents in the corpus", out)
   end)

   it("ingest warns about Latin-1 files, naming them", function()
      write(dir .. "/latin1.txt", "Caf\233 society\n\nThe caf\233 reopened.")
      local code, _, err = run("ingest " .. dir .. "/c.db " .. dir .. "/latin1.txt")
      assert.equal(0, code)
      assert.matches("quarry ingest: warning: .-latin1%.txt: not valid UTF%-8", err)
      code = select(1, run("search " .. dir .. "/c.db cafe"))
      assert.equal(0, code)
   end)

   it("ingest shows a progress bar when stderr is a terminal", function()
      make_jsonl(dir .. "/docs.jsonl", 300)
      local logf = dir .. "/tty.log"
      local cmd = env .. "lua5.4 bin/quarry ingest --batch 50 " .. dir .. "/c.db " .. dir .. "/docs.jsonl"
      assert(os.execute("script -qec \"" .. cmd .. "\" " .. logf .. " >/dev/null 2>&1"))
      local log = read(logf)
      assert.matches("\r", log)
      assert.matches("%d+/300 documents", log)
      assert.matches("300 added", log)
   end)

   it("search prints ranked results with snippets, or JSON", function()
      make_jsonl(dir .. "/docs.jsonl", 30, "bridge")
      assert.equal(0, (run("ingest " .. dir .. "/c.db " .. dir .. "/docs.jsonl")))
      local code, out = run("search " .. dir .. "/c.db '\"council report 7\"' --limit 3")
      assert.equal(0, code)
      -- the best column's snippet: here the title, the phrase highlighted as one
      assert.matches("^1%. doc%-00007  2024%-08%-08  Council report 7\n   %[Council report 7%]\n", out)
      code, out = run("search " .. dir .. "/c.db bridge --json --limit 2 --from 2024-06 --source Gazette")
      assert.equal(0, code)
      local cjson = require "cjson"
      local n = 0
      for line in out:gmatch("[^\n]+") do
         local r = cjson.decode(line)
         assert.is_true(r.date >= "2024-06")
         assert.matches("%[bridge%]", r.snippet)
         n = n + 1
      end
      assert.equal(2, n)
   end)

   it("search and kwic exit 1 on a bad query or a missing corpus, 2 on a usage error", function()
      make_jsonl(dir .. "/docs.jsonl", 5)
      assert.equal(0, (run("ingest " .. dir .. "/c.db " .. dir .. "/docs.jsonl")))
      local code, _, err = run("search " .. dir .. "/c.db 'council AND ('")
      assert.equal(1, code)
      assert.matches("quarry search: bad query 'council AND %(': fts5: syntax error", err)
      code, _, err = run("search " .. dir .. "/none.db council")
      assert.equal(1, code)
      assert.matches("none%.db: no such corpus file", err)
      code, _, err = run("kwic " .. dir .. "/c.db 'NEAR(council' --query")
      assert.equal(1, code)
      assert.matches("bad query", err)
      code = run("search " .. dir .. "/c.db")
      assert.equal(2, code)
      code = run("ingest " .. dir .. "/c.db x --batch 0")
      assert.equal(2, code)
   end)

   it("kwic prints aligned concordance lines", function()
      make_jsonl(dir .. "/docs.jsonl", 3)
      assert.equal(0, (run("ingest " .. dir .. "/c.db " .. dir .. "/docs.jsonl")))
      local code, out = run("kwic " .. dir .. "/c.db 'the mayor' --width 20")
      assert.equal(0, code)
      local lines = {}
      for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.equal(3, #lines)
      for i, line in ipairs(lines) do
         -- the match starts in column 21 on every line; the document id ends it
         assert.equal("The mayor", line:sub(21, 29))
         assert.matches(string.format("doc%%-%05d$", i), line)
      end
      code, out = run("kwic " .. dir .. "/c.db mayor --json --limit 1")
      assert.equal(0, code)
      local l = require("cjson").decode(out)
      assert.equal("mayor", l.match)
      assert.equal("doc-00001", l.doc)
   end)
end)

describe("the corpus store under stress", function()
   local dir
   before_each(function()
      dir = tmpdir()
      assert(os.execute("chmod 777 '" .. dir .. "'"))
   end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   it("survives kill -9 in the middle of an ingest, and a second run completes it", function()
      local n, batch = 20000, 50
      local db, src = dir .. "/c.db", dir .. "/docs.jsonl"
      make_jsonl(src, n)
      local pid = spawn(env .. "exec lua5.4 bin/quarry ingest --batch " .. batch .. " " .. db .. " " .. src,
         dir .. "/ingest.log")
      -- kill it once a few batches are committed
      wait_for(function() return count_of(db) >= 4 * batch or not alive(pid) end, "the first batches")
      assert.is_true(alive(pid), "the ingest finished before it could be killed")
      assert(os.execute("kill -9 " .. pid))
      wait_exit(pid)

      assert.equal("ok", integrity(db))
      local kept = count_of(db)
      assert.is_true(kept > 0 and kept < n, "kept " .. kept)
      assert.equal(0, kept % batch, "exactly the committed batches")
      do
         local c <close> = assert(quarry.open(db, { readonly = true }))
         local st = assert(c.db:prepare("SELECT min(id) AS lo, max(id) AS hi, count(DISTINCT id) AS n FROM docs"))
         assert.is_true(st:step())
         assert.same({ lo = "doc-00001", hi = string.format("doc-%05d", kept), n = kept }, st:row())
         st:close()
      end

      -- the same ingest again: skips what is there, adds the rest
      local code, out, err = run("ingest --batch " .. batch .. " " .. db .. " " .. src)
      assert.equal(0, code, err)
      assert.matches(string.format("%d added, 0 replaced, 0 unchanged, %d skipped", n - kept, kept), out)
      assert.equal(n, count_of(db))
      assert.equal("ok", integrity(db))

      -- --replace stores the new texts
      make_jsonl(src, n, "zebra crossing")
      code, out = run("ingest --replace " .. db .. " " .. src)
      assert.equal(0, code)
      assert.matches(string.format("0 added, %d replaced", n), out)
      local c <close> = assert(quarry.open(db, { readonly = true }))
      assert.equal(n, c:count())
      assert.equal(5, #assert(c:search("zebra", { limit = 5 })))
      assert.equal(0, #assert(c:search("road")))
   end)

   it("lets a reader search while a writer ingests", function()
      local n = 5000
      local db, src = dir .. "/c.db", dir .. "/docs.jsonl"
      make_jsonl(src, n)
      local pid = spawn(env .. "exec lua5.4 bin/quarry ingest --batch 20 " .. db .. " " .. src, dir .. "/ingest.log")
      wait_for(function() return count_of(db) > 0 or not alive(pid) end, "the first batch")
      local reads, during, last = 0, 0, 0
      local c <close> = assert(quarry.open(db, { readonly = true }))
      repeat
         local writing = alive(pid)
         local res = assert(c:search("council", { limit = 3 }))
         local count = assert(c:count())
         assert.is_true(#res > 0)
         assert.is_true(count >= last)      -- a reader sees whole batches, in order
         last = count
         reads = reads + 1
         if writing then during = during + 1 end
      until not writing
      assert.is_true(during > 0)
      wait_exit(pid)
      assert.matches(n .. " added", read(dir .. "/ingest.log"))
      assert.equal(n, c:count())
   end)

   it("gives a clear error on a locked file and loses nothing", function()
      local db = dir .. "/c.db"
      local c <close> = assert(quarry.open(db, { timeout_ms = 100 }))
      assert(c:add { id = "a", text = "The council met." })
      -- another process takes the write lock and holds it
      local holder = dir .. "/hold.lua"
      write(holder, string.format([[
         local core = require "quarry.core"
         local db = assert(core.db_open(%q))
         assert(db:exec("BEGIN IMMEDIATE"))
         assert(db:exec("INSERT INTO docs(id, text, hash) VALUES ('held', 'Uncommitted.', 'x')"))
         io.open(%q, "w"):close()
         while not io.open(%q) do os.execute("sleep 0.02") end
         db:exec("ROLLBACK")
      ]], db, dir .. "/locked", dir .. "/release"))
      local pid = spawn(env .. "exec lua5.4 " .. holder, dir .. "/holder.log")
      wait_for(function() return io.open(dir .. "/locked") ~= nil or not alive(pid) end, "the lock")
      assert.is_true(alive(pid), read(dir .. "/holder.log"))

      local ok, err, code = c:add { id = "b", text = "The mayor spoke." }
      assert.is_nil(ok)
      assert.matches("c%.db: database is locked %(another connection holds the write lock", err)
      assert.equal("busy", code)
      local rc, _, cli_err = run("ingest --timeout 100 " .. db .. " -", "The mayor spoke.")
      assert.equal(1, rc)
      assert.matches("quarry ingest: .-c%.db: database is locked", cli_err)
      -- reading goes on
      assert.equal(1, #assert(c:search("council")))
      assert.equal(1, c:count())

      write(dir .. "/release", "")
      wait_exit(pid)
      assert.equal("added", c:add { id = "b", text = "The mayor spoke." })
      assert.equal(2, c:count())
      assert.is_nil(c:get("held"))
   end)

   it("gives a clear error on a read-only file, and reads it", function()
      local db = dir .. "/c.db"
      do
         local c <close> = assert(quarry.open(db))
         assert(c:add { id = "a", text = "The council met." })
      end
      assert(os.execute("chmod 444 '" .. db .. "'"))
      -- root writes whatever the mode says: run the commands as nobody then
      local as = support.as_nobody()
      write(dir .. "/more.txt", "The mayor spoke.")
      assert(os.execute("chmod 644 '" .. dir .. "/more.txt'"))
      local function quarry_cmd(args) return support.run(env .. as .. "lua5.4 bin/quarry " .. args) end
      local code, _, err = quarry_cmd("ingest " .. db .. " " .. dir .. "/more.txt")
      assert.equal(1, code)
      assert.matches("c%.db: attempt to write a readonly database", err)
      local out
      code, out = quarry_cmd("search " .. db .. " council")
      assert.equal(0, code)
      assert.matches("^1%. a", out)
      assert(os.execute("chmod 644 '" .. db .. "'"))
      assert.equal(1, count_of(db))
   end)
end)
