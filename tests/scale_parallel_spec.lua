-- The whole path of docs/scale.md on one machine, through GNU parallel
-- with two local "hosts" (--sshlogin 1/:,1/:, no SSH): annotations by
-- blocks of JSONL, and a corpus a shard merged with quarry merge, which
-- must give the search hits, spans and reports of one corpus ingested and
-- extracted in one go. On the first 240 articles of the Reuters corpus
-- when ../shared/corpora/reuters.jsonl is there (the whole of it takes
-- minutes, too long for the suite), else on sentences written here.
local cjson = require "cjson"
local quarry = require "quarry"
local support = require "tests.support"

local HOSTS = "--will-cite --sshlogin 1/:,1/:"
local ARTICLES = 240

local function reuters()
   for _, p in ipairs { "../shared/corpora/reuters.jsonl", "/work/shared/corpora/reuters.jsonl" } do
      local f = io.open(p, "rb")
      if f then return f end
   end
   return nil
end

-- The articles as JSONL: the Reuters subset, or our own.
local function articles()
   local f, lines = reuters(), {}
   if f then
      for line in f:lines() do
         lines[#lines + 1] = line
         if #lines == ARTICLES then break end
      end
      f:close()
      return table.concat(lines, "\n") .. "\n"
   end
   local people = { "Sergey Voronov", "Sergei Voronov", "Ana Ruiz", "Tomas Berg" }
   for i = 1, ARTICLES do
      local who = people[i % #people + 1]
      lines[i] = cjson.encode { id = "a" .. i, date = string.format("2024-03-%02d", i % 28 + 1),
         text = string.format("Foreign Minister %s met envoys in Geneva on item %d. \"We are ready,\" %s said. "
            .. "%s left for Lisbon on Tuesday.", who, i, who, who:match("%S+$")) }
   end
   return table.concat(lines, "\n") .. "\n"
end

local sh, dump = support.sh, support.rows

describe("GNU parallel with quarry (docs/scale.md) #slow", function()
   local dir, env
   setup(function()
      dir = support.tmpdir()
      -- `quarry` on PATH, as an installed one is on every host; the ASan
      -- run's LD_PRELOAD for quarry only (split and parallel abort under it)
      local root = io.popen("pwd"):read("l")
      local asan = ""
      for _, k in ipairs { "LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS" } do
         if os.getenv(k) then asan = asan .. k .. "='" .. os.getenv(k) .. "' " end
      end
      support.put(dir, "bin/quarry", string.format("#!/bin/sh\n%sLUA_PATH='%s/lua/?.lua;%s/lua/?/init.lua;;' "
         .. "LUA_CPATH='%s/%s;;' exec lua5.4 %s/bin/quarry \"$@\"\n", asan ~= "" and ("export " .. asan .. "; ") or "",
         root, root, root, support.CPATH, root))
      os.execute("chmod +x " .. dir .. "/bin/quarry")
      env = "cd " .. dir .. " && unset LD_PRELOAD && export PATH=" .. dir .. "/bin:$PATH && "
      support.put(dir, "articles.jsonl", articles())
   end)
   teardown(support.cleanup)

   it("writes the annotations of blocks of JSONL in input order: one quarry extract's bytes", function()
      local code, out = sh(env .. "parallel --pipe --block 100k -k " .. HOSTS
         .. " quarry extract - < articles.jsonl > annotations.jsonl")
      assert.equal(0, code, out)
      local one
      code, one = sh(env .. "quarry extract -j 1 articles.jsonl")
      assert.equal(0, code)
      local blocks = support.read(dir .. "/annotations.jsonl")
      assert.truthy(#blocks > 10000)
      assert.equal(one, blocks)
   end)

   it("makes a corpus a shard on each host, merged into the corpus of one ingest and extract", function()
      local code, out = sh(env .. "split -n l/4 -d --additional-suffix=.jsonl articles.jsonl shard- && "
         .. "ls shard-*.jsonl | parallel " .. HOSTS .. " --transferfile {} --return {.}.db --cleanup "
         .. "'quarry ingest {.}.db {} && quarry extract --db {.}.db' && "
         .. "quarry merge news.db shard-*.db")
      assert.equal(0, code, out)
      assert.matches("shard%-03%.db: %d+ documents: %d+ added", out)
      code, out = sh(env .. "quarry ingest one.db articles.jsonl && quarry extract --db one.db")
      assert.equal(0, code, out)
      local merged, one = dir .. "/news.db", dir .. "/one.db"
      assert.equal(dump(one, "SELECT rowid, id, title, date, text, meta, hash FROM docs ORDER BY rowid"),
         dump(merged, "SELECT rowid, id, title, date, text, meta, hash FROM docs ORDER BY rowid"))
      local spans = [[SELECT d.id AS doc, s.start, s.stop, s.type, s.rule, s.pack, s.attrs FROM spans s
JOIN docs d ON d.rowid = s.doc ORDER BY s.doc, s.start, s.stop, s.type, s.rule, s.attrs]]
      local want = dump(one, spans)
      assert.truthy(#want > 10000)
      assert.equal(want, dump(merged, spans))
      local a, b = assert(quarry.open(one, { readonly = true })), assert(quarry.open(merged, { readonly = true }))
      for _, q in ipairs { "minister", '"said on"', "Geneva OR Lisbon", "oil NOT crude", "NEAR(prices rise, 5)" } do
         assert.same(assert(a:search(q, { limit = 500 })), assert(b:search(q, { limit = 500 })), q)
      end
      a:close()
      b:close()
      for _, r in ipairs { "summary", "quotes", "entities", "timeline", "sources" } do
         local c1, r1 = support.quarry("report " .. one .. " " .. r .. " -f json")
         local c2, r2 = support.quarry("report " .. merged .. " " .. r .. " -f json")
         assert.equal(0, c1)
         assert.equal(0, c2)
         assert.equal(r1, r2, r)
      end
   end)
end)
