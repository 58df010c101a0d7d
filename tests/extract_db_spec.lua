-- corpus:extract and `quarry extract --db`: spans stored per document,
-- replaced on a rerun, and unchanged documents skipped.
local quarry = require "quarry"

local PACK = "tests/fixtures/packs/newsroom.lua"
local env = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. (os.getenv("QUARRY_CPATH") or "build/?.so") .. ";;' "

local function tmpdb()
   local path = os.tmpname()
   os.remove(path)
   return path .. ".db"
end

local function cleanup(path)
   for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(path .. suffix) end
end

local docs = {
   { id = "a", date = "2024-05-02",
     text = "Mayor Ana Ruiz said the bridge opens in Lisbon. “It is ready,” she added." },
   { id = "b", text = "President Ilse Marek told reporters in Geneva that talks go on." },
}

describe("corpus:extract", function()
   local path, corpus
   before_each(function()
      path = tmpdb()
      corpus = assert(quarry.open(path))
      assert(corpus:add_batch(docs))
   end)
   after_each(function()
      corpus:close()
      cleanup(path)
   end)

   it("stores the pack's annotations as spans of each document", function()
      local stats = assert(corpus:extract(PACK))
      assert.equal(2, stats.documents)
      assert.equal(0, stats.skipped)
      local people = corpus:spans { type = "person", doc = "a" }
      assert.equal(1, #people)
      assert.equal("Ana Ruiz", docs[1].text:sub(people[1].start + 1, people[1].stop))
      assert.equal("title_name", people[1].rule)
      local speech = corpus:spans { type = "speech", attrs = { speaker = "Ilse Marek" } }
      assert.equal(1, #speech)
      assert.equal(stats.spans, #corpus:spans {})
   end)

   it("skips unchanged documents, and reruns a changed one without duplicating spans", function()
      assert(corpus:extract(PACK))
      local spans_a = #corpus:spans { doc = "a" }
      local again = assert(corpus:extract(PACK))
      assert.equal(0, again.documents)
      assert.equal(2, again.skipped)
      local new_b = "Mayor Tomas Berg said nothing in Kraków."
      assert(corpus:add { id = "b", text = new_b })
      local third = assert(corpus:extract(PACK))
      assert.equal(1, third.documents)
      assert.equal(1, third.skipped)
      local b = corpus:spans { doc = "b", type = "person" }
      assert.equal(1, #b)
      assert.equal("Tomas Berg", new_b:sub(b[1].start + 1, b[1].stop))
      assert.equal(0, #corpus:spans { type = "speech", attrs = { speaker = "Ilse Marek" } })
      assert.equal(spans_a, #corpus:spans { doc = "a" })
      assert.equal(spans_a + #corpus:spans { doc = "b" }, #corpus:spans {})
   end)

   it("reruns everything with force, replacing rather than adding spans", function()
      assert(corpus:extract(PACK))
      local n = #corpus:spans {}
      local again = assert(corpus:extract(PACK, { force = true }))
      assert.equal(2, again.documents)
      assert.equal(n, #corpus:spans {})
   end)

   it("raises on a pack that does not load, naming it", function()
      assert.has_error(function() corpus:extract("tests/fixtures/packs/no_such_pack.lua") end)
      local ok, err = pcall(corpus.extract, corpus, "tests/fixtures/packs/broken_lookbehind.lua")
      assert.is_false(ok)
      assert.matches("broken_lookbehind%.lua:%d+", err)
   end)
end)

describe("quarry extract --db", function()
   it("runs over the corpus and stores the spans", function()
      local path = tmpdb()
      local c = assert(quarry.open(path))
      assert(c:add_batch(docs))
      c:close()
      local p = io.popen(env .. "lua5.4 bin/quarry extract --rules " .. PACK .. " --db " .. path .. " 2>&1")
      local out = p:read("a")
      local _, _, code = p:close()
      assert.equal(0, code)
      assert.matches("2 documents, 0 skipped unchanged, %d+ spans stored", out)
      c = assert(quarry.open(path))
      assert.is_true(#c:spans { type = "person" } >= 2)
      c:close()
      cleanup(path)
   end)
end)
