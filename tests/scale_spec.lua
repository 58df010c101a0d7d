-- Scale: -j N worker processes give what one process gives; a worker that
-- dies is named with its documents; Ctrl-C stops every worker; quarry
-- extract - as a streaming mapper; quarry merge; reports over shards.
-- (The whole path through GNU parallel is in tests/scale_parallel_spec.lua.)
local cjson = require "cjson"
local quarry = require "quarry"
local support = require "tests.support"

local PACK = "tests/fixtures/packs/scale.lua"
local FAULTS = "tests/fixtures/packs/scale_faults.lua"
local ENV = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' "

local FIRST = { "Sergey", "Sergei", "Anna", "Ana", "Tomas" }
local LAST = { "Voronov", "Ruiz", "Berg", "Marek" }
local CITY = { "Geneva", "Lisbon", "Kraków" }

-- n documents of sentences we write ourselves; `first` ids from first on.
local function documents(n, first)
   first = first or 1
   local out = {}
   for i = first, first + n - 1 do
      local who = FIRST[i % #FIRST + 1] .. " " .. LAST[i % #LAST + 1]
      out[#out + 1] = {
         id = "doc-" .. i, date = string.format("2024-%02d-%02d", i % 12 + 1, i % 28 + 1),
         title = "Talks in " .. CITY[i % #CITY + 1],
         text = string.format("Minister %s met Mayor %s in %s. The talks on item %d went on; "
            .. "“We are ready,” the minister said of the %s plan.", who, FIRST[(i + 2) % #FIRST + 1] .. " "
            .. LAST[(i + 1) % #LAST + 1], CITY[i % #CITY + 1], i, CITY[(i + 1) % #CITY + 1]),
      }
   end
   return out
end

local function jsonl(docs)
   local lines = {}
   for i, d in ipairs(docs) do lines[i] = cjson.encode(d) end
   return table.concat(lines, "\n") .. "\n"
end

local dump = support.rows

-- The processes of a process group (from /proc: ps hangs under the ASan
-- run's LD_PRELOAD).
local function process_group(pgid)
   local out = {}
   for name in require("lfs").dir("/proc") do
      if name:match("^%d+$") then
         local stat = support.read("/proc/" .. name .. "/stat")
         -- pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses
         local pgrp = stat:match("%) %S+ %d+ (%d+)")
         if pgrp == tostring(pgid) then out[#out + 1] = name end
      end
   end
   return out
end

local SPANS = [[SELECT d.id AS doc, s.start, s.stop, s.type, s.rule, s.pack, s.attrs FROM spans s
JOIN docs d ON d.rowid = s.doc ORDER BY d.id, s.start, s.stop, s.type, s.rule, s.attrs]]
local DOCS = "SELECT rowid, id, title, date, source, url, text, meta, hash FROM docs ORDER BY rowid"

describe("quarry extract -j N", function()
   local dir
   before_each(function()
      dir = support.tmpdir()
      for i, d in ipairs(documents(6)) do
         support.put(dir, string.format("texts/%02d.txt", i), d.title .. "\n\n" .. d.text)
      end
      support.put(dir, "more.jsonl", jsonl(documents(40, 100)))
   end)
   after_each(support.cleanup)

   it("writes the bytes -j 1 writes, in the same document order, over folders, JSONL and stdin", function()
      local args = " -r " .. PACK .. " " .. dir .. "/texts " .. dir .. "/more.jsonl"
      local c1, one = support.quarry("extract -j 1" .. args)
      local c3, three = support.quarry("extract -j 3" .. args)
      assert.equal(0, c1)
      assert.equal(0, c3)
      assert.truthy(#one > 1000)
      assert.equal(one, three)
      local input = jsonl(documents(25))
      local s1, from_stdin1 = support.quarry("extract -j 1 -r " .. PACK .. " -", { input = input })
      local s2, from_stdin2 = support.quarry("extract -j 2 -r " .. PACK .. " -", { input = input })
      assert.equal(0, s1)
      assert.equal(0, s2)
      assert.equal(from_stdin1, from_stdin2)
   end)

   it("stores with --db the rows -j 1 stores, and merges the names the same way", function()
      local dbs = {}
      for _, j in ipairs { 1, 2 } do
         dbs[j] = dir .. "/j" .. j .. ".db"
         assert.equal(0, (support.quarry("ingest -j " .. j .. " " .. dbs[j] .. " " .. dir .. "/more.jsonl "
            .. dir .. "/texts")))
         local code, _, err = support.quarry("extract -j " .. j .. " -r " .. PACK .. " --db " .. dbs[j])
         assert.equal(0, code, err)
      end
      assert.equal(dump(dbs[1], DOCS), dump(dbs[2], DOCS))
      local spans = dump(dbs[1], SPANS)
      assert.truthy(spans:find("_spelled", 1, true), "no name was merged: the spec lost its point")
      assert.equal(spans, dump(dbs[1], SPANS))
      assert.equal(spans, dump(dbs[2], SPANS))
      local runs = "SELECT doc, pack, version, hash FROM runs ORDER BY doc, pack"
      assert.equal(dump(dbs[1], runs), dump(dbs[2], runs))
   end)

   it("names a worker that dies with the documents it held, runs them again alone, and writes every other one",
      function()
      local docs = documents(40)
      docs[17].text = docs[17].text .. " KILL-WORKER"
      support.put(dir, "faults.jsonl", jsonl(docs))
      local args = " --trusted -r " .. FAULTS .. " " .. dir .. "/faults.jsonl"
      local code, out, err = support.quarry("extract -j 2" .. args)
      assert.equal(1, code)
      -- the death, with every document the worker held; they run again one at a time
      local held = err:match("worker %d %(pid %d+%) was killed by signal 9 %(SIGKILL%) while it held ([^\n;]+); "
         .. "running them again one at a time\n")
      assert.truthy(held, err)
      assert.truthy((" " .. held .. ","):find(" doc-17,", 1, true), held)
      assert.truthy(held:find(",", 1, true), "the worker held one document: the spec lost its point")
      -- then the one it dies on alone is the only one not annotated
      assert.matches("quarry extract: doc%-17: not annotated: worker %d %(pid %d+%) was killed by signal 9 "
         .. "%(SIGKILL%) while it held doc%-17\n", err)
      assert.equal(1, select(2, err:gsub("not annotated", "")))
      -- and the output is one process's over the others, in order
      local others = {}
      for i, d in ipairs(docs) do
         if i ~= 17 then others[#others + 1] = d end
      end
      support.put(dir, "rest.jsonl", jsonl(others))
      local _, alone = support.quarry("extract -j 1 --trusted -r " .. FAULTS .. " " .. dir .. "/rest.jsonl")
      assert.equal(alone, out)
   end)

   it("with --db, stores every document but a dead worker's, which the next run does", function()
      local path = dir .. "/c.db"
      local c = assert(quarry.open(path))
      local docs = documents(10)
      docs[8].text = docs[8].text .. " KILL-WORKER"
      assert(c:add_batch(docs))
      local failed = {}
      local stats = assert(c:extract(FAULTS, { trusted = true, jobs = 2, batch = 3,
         on_failure = function(id, msg) failed[id] = msg end }))
      assert.matches("^not annotated: worker %d %(pid %d+%) was killed by signal 9", failed["doc-8"])
      local lost = {}
      for id in pairs(failed) do lost[#lost + 1] = id end
      assert.equal(#lost, stats.failed)
      assert.equal(10 - #lost, stats.documents)
      c:close()
      -- without on_failure: raised once the others are stored (a corpus of
      -- its own: here only the failed documents are pending, and one would
      -- run in this process, which the pack would kill)
      local other <close> = assert(quarry.open(":memory:"))
      assert(other:add_batch(docs))
      local ok, err = pcall(other.extract, other, FAULTS, { trusted = true, jobs = 2, batch = 3 })
      assert.is_false(ok)
      assert.matches("%d of 10 documents failed, the other %d stored", tostring(err))
      assert.matches("the first: document doc%-%d+: not annotated: worker %d %(pid %d+%) was killed by signal 9 "
         .. "%(SIGKILL%) while it held [^\n]*doc%-8", tostring(err))
      local stored = {}
      for i = 1, 10 do
         if not failed["doc-" .. i] then stored[#stored + 1] = "doc=" .. i end
      end
      assert.equal(table.concat(stored, "\n"), dump(path, "SELECT DISTINCT doc FROM runs ORDER BY doc"))
      assert.equal("", dump(path, "SELECT DISTINCT doc FROM spans WHERE doc = 8"))
      assert.equal("integrity_check=ok", dump(path, "PRAGMA integrity_check"))
   end)

   it("stops every worker on Ctrl-C and leaves the corpus consistent", function()
      local path = dir .. "/c.db"
      local c = assert(quarry.open(path))
      local docs = documents(60)
      for _, d in ipairs(docs) do d.text = d.text .. " SLOW" end
      assert(c:add_batch(docs))
      c:close()
      local pidf, rcf = dir .. "/pid", dir .. "/rc"
      -- its own process group, as a terminal's foreground job is
      support.write(dir .. "/run.sh", string.format("echo $$ > %s\nexec env %s lua5.4 bin/quarry extract -j 2 "
         .. "--trusted -r %s --db %s\n", pidf, ENV, FAULTS, path))
      os.execute(string.format("(setsid sh %s/run.sh > %s/out 2>&1; echo $? > %s) &", dir, dir, rcf))
      local pid
      for _ = 1, 100 do
         pid = support.read(pidf):match("%d+")
         if pid then break end
         os.execute("sleep 0.05")
      end
      assert.truthy(pid)
      -- let the workers start and a batch or two go by
      local group
      for _ = 1, 100 do
         os.execute("sleep 0.1")
         group = process_group(pid)
         if #group >= 3 then break end
      end
      assert.truthy(#group >= 3, "the workers did not start")
      os.execute("sleep 0.5")
      -- (procps's kill, as bash's: dash's takes no process group; not under the ASan run's LD_PRELOAD)
      os.execute("env -u LD_PRELOAD /usr/bin/kill -s INT -- -" .. pid)
      for _ = 1, 100 do
         if support.read(rcf) ~= "" then break end
         os.execute("sleep 0.1")
      end
      assert.equal("130", support.read(rcf):match("%d+"))
      assert.matches("quarry extract: interrupted by SIGINT", support.read(dir .. "/out"))
      for _, p in ipairs(group) do
         assert.is_false(os.execute("kill -0 " .. p .. " 2>/dev/null") == true, "process " .. p .. " still runs")
      end
      assert.equal("integrity_check=ok", dump(path, "PRAGMA integrity_check"))
      -- every document the pack ran on has its spans, none other has any
      assert.equal("", dump(path, "SELECT doc FROM spans EXCEPT SELECT doc FROM runs"))
      assert.equal("", dump(path, "SELECT doc FROM runs EXCEPT SELECT doc FROM spans"))
      -- and running again finishes the job
      local code, _, err = support.quarry("extract -j 2 --trusted -r " .. FAULTS .. " --db " .. path)
      assert.equal(0, code, err)
      assert.equal("n=60", dump(path, "SELECT count(DISTINCT doc) AS n FROM runs"))
   end)
end)

describe("quarry ingest -j N", function()
   after_each(support.cleanup)

   it("stores the rows -j 1 stores, and the index finds the same documents", function()
      local dir = support.tmpdir()
      local docs = documents(300)
      docs[7].meta_b, docs[7].meta_a = "b", { nested = { x = 1, y = "z" } }
      support.put(dir, "in.jsonl", jsonl(docs))
      for _, j in ipairs { 1, 2 } do
         assert.equal(0, (support.quarry("ingest -j " .. j .. " " .. dir .. "/j" .. j .. ".db " .. dir .. "/in.jsonl")))
      end
      assert.equal(dump(dir .. "/j1.db", DOCS), dump(dir .. "/j2.db", DOCS))
      for _, q in ipairs { "Voronov", '"Mayor Ana"', "Genev*", "Lisbon NOT Kraków" } do
         local a = assert(quarry.open(dir .. "/j1.db", { readonly = true }))
         local b = assert(quarry.open(dir .. "/j2.db", { readonly = true }))
         assert.same(assert(a:search(q, { limit = 1000 })), assert(b:search(q, { limit = 1000 })))
         a:close()
         b:close()
      end
   end)

   it("keeps what came before a malformed line and names its file and line", function()
      local dir = support.tmpdir()
      support.put(dir, "in.jsonl", jsonl(documents(50)) .. "{not json\n" .. jsonl(documents(5, 900)))
      local code, _, err = support.quarry("ingest -j 2 " .. dir .. "/c.db " .. dir .. "/in.jsonl")
      assert.equal(1, code)
      assert.matches("in%.jsonl:51: bad JSON", err)
      assert.equal("n=50", dump(dir .. "/c.db", "SELECT count(*) AS n FROM docs"))
   end)
end)

describe("quarry extract - as a streaming mapper (Hadoop Streaming, Spark's RDD.pipe)", function()
   after_each(support.cleanup)

   it("reads a document a line, writes only annotations, errors on stderr, exit status", function()
      local docs = documents(8)
      local lines = {}
      for i, d in ipairs(docs) do lines[i] = cjson.encode(d) end
      -- as the engines feed it: lines on stdin, no terminal
      for _, j in ipairs { "-j 1", "" } do
         local code, out, err = support.quarry("extract " .. j .. " -r " .. PACK .. " -",
            { input = table.concat(lines, "\n") .. "\n" })
         assert.equal(0, code, err)
         assert.equal("", err)
         local n = 0
         for line in out:gmatch("([^\n]*)\n") do
            local a = cjson.decode(line)
            assert.truthy(a.doc and a.type and a.start and a["end"], line)
            n = n + 1
         end
         assert.truthy(n >= 3 * #docs)
         assert.equal("\n", out:sub(-1))
         -- a bad line: named on stderr with its line, the lines before it written, exit 1
         local bad = table.concat(lines, "\n", 1, 3) .. "\n{\"id\": \"x\", \"text\": 7}\n" .. lines[4] .. "\n"
         code, out, err = support.quarry("extract " .. j .. " -r " .. PACK .. " -", { input = bad })
         assert.equal(1, code)
         assert.matches("^quarry extract: stdin:4: field 'text' must be a string\n$", err)
         for line in out:gmatch("[^\n]+") do
            assert.truthy(({ ["doc-1"] = true, ["doc-2"] = true, ["doc-3"] = true })[cjson.decode(line).doc])
         end
      end
   end)
end)

describe("quarry merge", function()
   local dir
   before_each(function() dir = support.tmpdir() end)
   after_each(support.cleanup)

   -- shard i: documents first .. first + n - 1, ingested and extracted
   local function shard(name, n, first)
      local path = dir .. "/" .. name .. ".db"
      local c = assert(quarry.open(path))
      assert(c:add_batch(documents(n, first)))
      assert(c:extract(PACK))
      c:close()
      return path
   end

   it("gives the documents, index, spans and names of one corpus of them all; twice adds nothing", function()
      local a, b, c = shard("a", 30, 1), shard("b", 25, 31), shard("c", 20, 56)
      local one = dir .. "/one.db"
      local all = assert(quarry.open(one))
      assert(all:add_batch(documents(75, 1)))
      assert(all:extract(PACK))
      all:close()
      local out = dir .. "/out.db"
      local code, said, err = support.quarry("merge " .. out .. " " .. a .. " " .. b .. " " .. c)
      assert.equal(0, code, err)
      assert.matches("b%.db: 25 documents: 25 added", said)
      assert.equal(dump(one, DOCS), dump(out, DOCS))
      assert.equal(dump(one, SPANS), dump(out, SPANS))
      assert.truthy(dump(out, SPANS):find("_spelled", 1, true))
      local x, y = assert(quarry.open(one, { readonly = true })), assert(quarry.open(out, { readonly = true }))
      assert.same(assert(x:search("Voronov", { limit = 100 })), assert(y:search("Voronov", { limit = 100 })))
      x:close()
      y:close()
      local before = dump(out, SPANS)
      code, said = support.quarry("merge " .. out .. " " .. b .. " " .. a)
      assert.equal(0, code)
      assert.matches("a%.db: 30 documents: 0 added, 30 already in [^\n]* %(0 pack runs added%)[^\n]*; 0 spans added",
         said)
      assert.equal(before, dump(out, SPANS))
      assert.equal(dump(one, DOCS), dump(out, DOCS))
   end)

   it("refuses a shard of another schema version, or of another version of a pack, before merging any", function()
      local a, b = shard("a", 5, 1), shard("b", 5, 10)
      local newer = dir .. "/newer.db"
      support.write(newer, support.read(b))
      local c = require("quarry.core").db_open(newer)
      assert(c:exec("PRAGMA user_version = 2"))
      c:close()
      local out = dir .. "/out.db"
      local code, _, err = support.quarry("merge " .. out .. " " .. a .. " " .. newer)
      assert.equal(1, code)
      assert.matches("newer%.db: made by a newer version of quarry %(corpus schema version 2", err)
      assert.equal("", support.read(out))
      -- spans of another version of the pack
      local other = dir .. "/other.db"
      support.write(other, support.read(b))
      c = require("quarry.core").db_open(other)
      assert(c:exec("UPDATE runs SET version = 'elsewhere'; UPDATE packs SET version = 'elsewhere'"))
      c:close()
      code, _, err = support.quarry("merge " .. out .. " " .. a .. " " .. other)
      assert.equal(1, code)
      assert.matches("other%.db: its spans come from version elsewhere of pack 'scale'", err)
      assert.equal("n=5", dump(out, "SELECT count(*) AS n FROM docs"))
   end)

   it("survives kill -9 midway: every shard is in whole or not at all, and merging again completes it", function()
      local shards = { shard("s1", 300, 1) }
      -- a long second shard (not extracted): the kill lands while it is merged
      local big = dir .. "/s2.db"
      local c = assert(quarry.open(big))
      local docs = documents(1500, 1000)
      for _, d in ipairs(docs) do d.text = string.rep(d.text .. " ", 30) end
      assert(c:add_batch(docs))
      c:close()
      shards[2], shards[3] = big, shard("s3", 300, 5000)
      local out = dir .. "/out.db"
      os.execute(string.format("(exec env %s lua5.4 bin/quarry merge %s %s > /dev/null 2>&1) & echo $! > %s/pid",
         ENV, out, table.concat(shards, " "), dir))
      local pid = support.read(dir .. "/pid"):match("%d+")
      -- once the first shard is in, the second is on its way
      local count = "SELECT count(*) AS n FROM docs"
      for _ = 1, 200 do
         local o = io.open(out, "rb")
         if o then o:close() end
         if o and select(2, pcall(dump, out, count)) == "n=300" then break end
         os.execute("sleep 0.02")
      end
      os.execute("kill -9 " .. pid)
      os.execute("sleep 0.2")
      assert.equal("integrity_check=ok", dump(out, "PRAGMA integrity_check"))
      local n = dump(out, count)
      assert.truthy(n == "n=300" or n == "n=1800" or n == "n=2100", "a shard half in: " .. n)
      assert.equal("", dump(out, "SELECT doc FROM runs EXCEPT SELECT doc FROM spans"))
      assert.equal("", dump(out, "SELECT doc FROM spans EXCEPT SELECT doc FROM runs"))
      local code, _, err = support.quarry("merge " .. out .. " " .. table.concat(shards, " "))
      assert.equal(0, code, err)
      assert.equal("n=2100", dump(out, count))
      assert.equal("n=2100", dump(out, "SELECT count(*) AS n FROM docs_fts WHERE docs_fts MATCH 'minister'"))
   end)
end)

describe("quarry report over shards", function()
   after_each(support.cleanup)

   it("reads several corpus files as one, as their merge would read", function()
      local dir = support.tmpdir()
      local paths = {}
      for i = 1, 3 do
         paths[i] = dir .. "/s" .. i .. ".db"
         local c = assert(quarry.open(paths[i]))
         assert(c:add_batch(documents(20, i * 100)))
         assert(c:extract(PACK))
         c:close()
      end
      local out = dir .. "/out.db"
      assert.equal(0, (support.quarry("merge " .. out .. " " .. table.concat(paths, " "))))
      -- names are merged in each shard alone, so compare what names do not change
      for _, r in ipairs { "summary -f json", "sources -f json", "search -q minister -f jsonl",
         "kwic -q Geneva -f json", "timeline -f json" } do
         local c1, merged = support.quarry("report " .. out .. " " .. r)
         local c2, apart, err = support.quarry("report " .. table.concat(paths, " ") .. " " .. r)
         assert.equal(0, c1)
         assert.equal(0, c2, err)
         if r:find("^search") then
            -- bm25 weighs each shard's own statistics: the same documents, maybe in another order
            local function sorted(s)
               local t = {}
               for l in s:gmatch("[^\n]+") do t[#t + 1] = l end
               table.sort(t)
               return t
            end
            assert.same(sorted(merged), sorted(apart))
         else
            assert.equal(merged, apart)
         end
      end
   end)

   it("says how many shards SQLite can attach", function()
      local dir = support.tmpdir()
      local paths = {}
      for i = 1, 12 do
         paths[i] = dir .. "/s" .. i .. ".db"
         local c = assert(quarry.open(paths[i]))
         assert(c:add { id = "d" .. i, text = "Mayor Ana Ruiz spoke." })
         c:close()
      end
      local code, _, err = support.quarry("report " .. table.concat(paths, " ") .. " summary")
      assert.equal(1, code)
      assert.matches("s12%.db: a report reads at most 11 shards at once %(SQLite attaches at most 10", err)
      code = support.quarry("report " .. table.concat(paths, " ", 1, 11) .. " summary")
      assert.equal(0, code)
   end)
end)
