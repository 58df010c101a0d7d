-- Reading documents: text files with headlines, folders, JSONL, stdin,
-- Latin-1 conversion, and the errors that name file and line.
local docs = require "quarry.docs"
local lfs = require "lfs"
local support = require "tests.support"
local tmpdir, write = support.tmpdir, support.write



local function collect(paths, opts)
   local out = {}
   for doc in docs.each(paths, opts) do out[#out + 1] = doc end
   return out
end

describe("quarry.docs", function()
   local dir
   before_each(function() dir = tmpdir() end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   -- The error of reading a file written with these contents (it must fail).
   local function refusal(name, contents)
      write(dir .. "/" .. name, contents)
      local ok, err = pcall(collect, { dir .. "/" .. name })
      assert.is_false(ok)
      return err
   end

   it("takes the first line as headline only when a blank line follows", function()
      assert.equal("Talks resume in Geneva", docs.headline("Talks resume in Geneva\n\nGENEVA — Envoys met."))
      assert.equal("Talks resume", docs.headline("Talks resume  \r\n \r\nBody"))
      assert.is_nil(docs.headline("GENEVA — Envoys met.\nThey talked."))
      -- control bytes scraped into a title are spaces
      assert.equal("Talks resume", docs.headline("\1\0Talks\tresume \1\n\nBody"))
      assert.is_nil(docs.headline("\1\n\nBody"))
   end)

   it("reads a folder recursively, sorted, text and JSONL files only", function()
      assert(lfs.mkdir(dir .. "/sub"))
      write(dir .. "/b.txt", "Second story\n\nBody two.")
      write(dir .. "/a.txt", "First story\n\nBody one.")
      write(dir .. "/sub/c.jsonl", '{"id": "c1", "text": "Third.", "date": "2024-03-01", "source": "Wire"}\n')
      write(dir .. "/notes.md", "not an article")
      write(dir .. "/.hidden.txt", "hidden")
      local got = collect { dir }
      assert.equal(3, #got)
      assert.equal(dir .. "/a.txt", got[1].id)
      assert.equal("First story", got[1].title)
      assert.equal("First story\n\nBody one.", got[1].text)
      assert.equal("c1", got[3].id)
      assert.equal("2024-03-01", got[3].date)
      assert.equal("Wire", got[3].source)
   end)

   it("keeps unknown JSONL fields as metadata", function()
      write(dir .. "/x.jsonl", '{"id": 7, "text": "A.", "section": "world", "tags": ["a"]}\n')
      local got = collect { dir .. "/x.jsonl" }
      assert.equal("7", got[1].id)
      assert.same({ section = "world", tags = { "a" } }, got[1].meta)
   end)

   it("names file and line of malformed JSONL", function()
      assert.matches("bad%.jsonl:3: bad JSON", refusal("bad.jsonl", '{"id": 1, "text": "ok"}\n\n{"id": 2, "text": \n'))
      assert.matches("notext%.jsonl:1: field 'text' must be a string",
         refusal("notext.jsonl", '{"id": 1, "body": "x"}\n'))
   end)

   it("puts JSONL titles, dates, sources and urls on one trimmed line of UTF-8", function()
      write(dir .. "/t.jsonl", '{"id": "t1", "text": "A.", "title": " Talks\\n\\tresume\\r\\n", '
         .. '"source": "Wire\\u0000", "date": 2024, "url": "  "}\n')
      local got = collect { dir .. "/t.jsonl" }
      assert.equal("Talks resume", got[1].title)
      assert.equal("Wire", got[1].source)
      assert.equal("2024", got[1].date)
      assert.is_nil(got[1].url)   -- blank: as if absent
   end)

   it("refuses a JSONL document with an empty id or a field that is not text", function()
      assert.matches("e%.jsonl:2: field 'id' is empty",
         refusal("e.jsonl", '{"id": "ok", "text": "A."}\n{"id": "", "text": "B."}\n'))
      assert.matches("a%.jsonl:1: field 'title' must be a string, not a JSON array",
         refusal("a.jsonl", '{"id": "x", "text": "A.", "title": ["Talks"]}\n'))
   end)

   it("converts Latin-1 text to UTF-8 with a warning naming the file", function()
      write(dir .. "/latin1.txt", "Caf\233 owner says \147no\148 to the plan")
      local warnings = {}
      local got = collect({ dir .. "/latin1.txt" }, { warn = function(m) warnings[#warnings + 1] = m end })
      assert.equal("Café owner says “no” to the plan", got[1].text)
      assert.equal(1, #warnings)
      assert.matches("latin1%.txt: not valid UTF%-8 %(first bad byte at offset 3%)", warnings[1])
   end)

   it("reports unreadable paths through fail and goes on", function()
      write(dir .. "/ok.txt", "Fine.")
      local failures = {}
      local got = collect({ dir .. "/missing.txt", dir .. "/ok.txt" },
         { fail = function(m) failures[#failures + 1] = m end })
      assert.equal(1, #got)
      assert.equal(1, #failures)
      assert.matches("missing%.txt: No such file or directory", failures[1])
   end)

   it("derives a stable id from the content when there is no path", function()
      local a = docs.from_text("Same text.")
      local b = docs.from_text("Same text.")
      local c = docs.from_text("Other text.")
      assert.equal(a.id, b.id)
      assert.not_equal(a.id, c.id)
      assert.matches("^%x+$", a.id)
      assert.equal(16, #a.id)
   end)
end)
