-- The table of bad input and faults (issue 7): quarry reads text nobody
-- checked — scraped pages, user rule packs, user queries — and must never
-- crash, hang or corrupt a corpus. Each row names an input or a fault and
-- the clear error or sane result it must give, through the Lua API and the
-- command line. Where another spec already proves a point exactly, the row
-- names that test ("proven_by") and checks that it still exists; its own
-- check covers the rest.
--
-- No timing assertions (the guide keeps speed in benchmarks): a row passes
-- by completing with the right results. How soon the match limit stops a
-- catastrophic regex is measured by bench/regex.lua. Rows tagged #slow
-- (the 50 MB line, the kill -9 during extract) are left out of the run
-- under valgrind (make valgrind), which would take too long on them.
local quarry = require "quarry"
local core = require "quarry.core"
local rules = require "quarry.rules"
local P = require "quarry.pattern"
local cjson = require "cjson"
local lfs = require "lfs"
local support = require "tests.support"
local raises, read, write, put = support.raises, support.read, support.write, support.put

local PACK = "tests/fixtures/packs/newsroom.lua"
local ENV = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' "

local function tmpdir(files)
   local dir = support.tmpdir(files)
   assert(os.execute("chmod 777 '" .. dir .. "'"))     -- nobody writes here too (see as_nobody)
   return dir
end

local as_nobody, sh, has = support.as_nobody, support.run, support.has

local function cli(args, input) return support.quarry(args, { input = input }) end

local function pragma(c, sql)
   local st = assert(c.db:prepare(sql))
   assert.is_true(st:step())
   local v = st:values()
   st:close()
   return v
end

-- PRAGMA integrity_check and FTS5's own check of the index.
local function intact(c)
   assert.equal("ok", pragma(c, "PRAGMA integrity_check"))
   assert(c.db:exec("INSERT INTO docs_fts(docs_fts) VALUES ('integrity-check')"))
end

-- Bytes that are no text: a deterministic generator, NUL bytes included.
local function binary_bytes(n)
   local out, x = {}, 2463534242
   for i = 1, n do
      x = x ~ (x << 13) & 0xFFFFFFFF
      x = x ~ (x >> 17)
      x = x ~ (x << 5) & 0xFFFFFFFF
      out[i] = string.char(x % 256)
   end
   return "\127ELF\2\1\1\0" .. table.concat(out)
end

local function spawn(cmd, log)
   local pidfile = os.tmpname()
   assert(os.execute(cmd .. " >" .. log .. " 2>&1 & echo $! >" .. pidfile))
   local pid = tonumber(read(pidfile):match("%d+"))
   os.remove(pidfile)
   return assert(pid)
end

local function alive(pid) return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true end

local function wait_for(pred, what)
   for _ = 1, 6000 do
      if pred() then return end
      os.execute("sleep 0.02")
   end
   error("gave up waiting for " .. what)
end

-- --- the rows ---------------------------------------------------------------

local ROWS = {}
local function row(t) ROWS[#ROWS + 1] = t end

row { input = "an empty input",
   gives = "no tokens and no annotations; an empty file is an empty document, an empty JSONL file none; "
      .. "an empty query a clear error",
   proven_by = {
      { "tests/tokenize_spec.lua", "tokenises the empty text to nothing" },
      { "tests/pattern_spec.lua", "finds nothing in an empty text" },
   },
   check = function(dir)
      local toks <close> = quarry.tokenize("")
      assert.equal(0, #toks)
      assert.equal(0, toks:nparagraphs())
      assert.same({}, quarry.extract("", PACK))
      assert.same({}, core.regex("\\w+"):find_all(""))
      local s0, e0 = core.regex(""):find("")
      assert.same({ 0, 0 }, { s0, e0 })
      assert.equal("", quarry.normalize(""))
      write(dir .. "/empty.txt", "")
      write(dir .. "/empty.jsonl", "")
      local g = assert(quarry.gazetteer.load(dir .. "/empty.txt"))
      assert.equal(0, #g)
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      assert.equal(1, assert(c:ingest { dir .. "/empty.txt" }).added)
      assert.equal("", c:get(dir .. "/empty.txt").text)
      assert.equal(0, assert(c:ingest { dir .. "/empty.jsonl" }).added)
      local res, err, code = c:search("")
      assert.is_nil(res)
      assert.equal("bad query '': fts5: syntax error near \"\"", err)
      assert.equal("query", code)
      assert.same({}, assert(c:kwic("")))
      local rc, out = cli("tokens -", "")
      assert.equal(0, rc)
      assert.matches("tokenised 0 documents, 0 bytes", out)
      rc, out = cli("extract --rules " .. PACK .. " -", "")
      assert.equal(0, rc)
      assert.equal("", out)
   end }

row { input = "NUL bytes",
   gives = "NUL separates tokens and stays in the stored text; a NUL inside a regex is matched; "
      .. "a gazetteer line with one is malformed (file:line); a file with one early on is binary (see there)",
   proven_by = {
      { "tests/tokenize_spec.lua", "separates tokens at NUL and other control characters" },
      { "tests/c/test_regex.c", "NUL inside a pattern" },
   },
   check = function(dir)
      local text = "Voronov\0said talks\0\0went on."
      local toks <close> = quarry.tokenize(text)
      assert.same({ "Voronov", "said", "talks", "went", "on", "." }, (function()
         local t = {}
         for i = 1, #toks do t[i] = toks:text(i) end
         return t
      end)())
      assert.same({ 8, 12 }, { toks:span(2) })
      local c <close> = assert(quarry.open(":memory:"))
      assert.equal("added", c:add { id = "nul", text = text })
      assert.equal(text, c:get("nul").text)
      assert.equal(1, #assert(c:search("said")))
      local lines = assert(c:kwic("said"))
      assert.equal(8, lines[1].start)
      write(dir .. "/nul.jsonl", '{"id": "j", "text": "council\\u0000met"}\n')
      assert.equal(1, assert(c:ingest { dir .. "/nul.jsonl" }).added)
      assert.equal("council\0met", c:get("j").text)
      local s, e = core.regex("a\0b"):find("xa\0b")
      assert.same({ 1, 4 }, { s, e })
      write(dir .. "/gaz.tsv", "Voronov\tVoronov\tperson\nVor\0onov\tVoronov\tperson\n")
      local g, err = quarry.gazetteer.load(dir .. "/gaz.tsv")
      assert.is_nil(g)
      assert.equal(dir .. "/gaz.tsv:2: a NUL byte at byte offset 3 of the line (not a text file?)", err)
   end }

row { input = "invalid and overlong UTF-8",
   gives = "tokens flagged invalid with valid keys and byte offsets into the original; files and JSONL "
      .. "read as Windows-1252 with a warning naming file (and line) and byte offset; a pattern with it "
      .. "raises naming the offset; subjects and queries never fail",
   proven_by = {
      { "tests/tokenize_spec.lua", "treats Latin-1 bytes as letters inside words" },
      { "tests/tokenize_spec.lua", "keeps byte offsets into the original text after invalid bytes" },
      { "tests/regex_spec.lua", "never fails on invalid UTF-8 in the subject" },
      { "tests/corpus_spec.lua", "converts Latin-1 files with a warning naming the file" },
   },
   check = function(dir)
      -- overlong '/', a surrogate, a code point above U+10FFFF, a truncated sequence
      local text = "Over\xC0\xAFlong \xED\xA0\x80 \xF4\x90\x80\x80 x\xE2\x80 end"
      local toks <close> = quarry.tokenize(text)
      local invalid = 0
      for i = 1, #toks do
         if toks[i].invalid then invalid = invalid + 1 end
         assert.is_true(core.utf8_valid(toks:key(i)), "key " .. i)
      end
      assert.is_true(invalid >= 3)
      assert.same({ #text - 3, #text }, { toks:span(#toks) })
      assert.is_true(core.utf8_valid(quarry.normalize(text)))
      write(dir .. "/over.txt", text)
      write(dir .. "/over.jsonl", '{"id": "a", "text": "fine"}\n{"id": "b", "text": "Over\xC0\xAFlong"}\n')
      local warnings = {}
      local c <close> = assert(quarry.open(":memory:"))
      assert(c:ingest({ dir .. "/over.txt", dir .. "/over.jsonl" },
         { warn = function(m) warnings[#warnings + 1] = m end }))
      assert.same({
         dir .. "/over.txt: not valid UTF-8 (first bad byte at offset 4); read as Windows-1252/Latin-1",
         dir .. "/over.jsonl:2: not valid UTF-8 (first bad byte at offset 4); read as Windows-1252/Latin-1",
      }, warnings)
      assert.equal("OverÀ¯long", c:get("b").text)
      assert.is_true(core.utf8_valid(c:get(dir .. "/over.txt").text))
      assert.equal(1, #assert(c:search("end")))
      assert.same({}, assert(c:search("\xC0\xAF")))
      assert.equal(4, #assert(core.regex("\\w+"):find_all(text)))     -- Over, long, x, end
      raises(function() core.regex("ab\xC0\xAF") end, "regex error at offset 2")
      local code, _, err = cli("ingest " .. dir .. "/c.db " .. dir .. "/over.txt")
      assert.equal(0, code)
      has(err, "quarry ingest: warning: " .. dir .. "/over.txt: not valid UTF-8 (first bad byte at offset 4)")
   end }

row { input = "a 50 MB single line", slow = true,
   gives = "tokenised, stored, searched (a snippet in linear time), concordanced and extracted in one piece; "
      .. "as a gazetteer line it is refused naming file and line",
   check = function(dir)
      local unit = "The council met again to discuss the budget and the new tram line. "   -- 14 tokens
      local reps = 50 * 1024 * 1024 // #unit + 1
      local big = unit:rep(reps)
      assert.is_true(#big >= 50 * 1024 * 1024)
      do
         local toks <close> = quarry.tokenize(big)
         assert.equal(14 * reps, #toks)
         assert.equal(1, toks:nparagraphs())
         assert.equal(reps, toks:nsentences())
      end
      write(dir .. "/big.txt", big)
      write(dir .. "/big.jsonl", '{"id": "json", "text": "' .. big .. '"}\n')
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      assert.equal(2, assert(c:ingest { dir .. "/big.txt", dir .. "/big.jsonl" }).added)
      assert.equal(#big, #c:get("json").text)
      local res = assert(c:search("tram"))
      assert.equal(2, #res)
      assert.matches("%[tram%] line", res[1].snippet)
      local lines = assert(c:kwic("tram line", { limit = 3, width = 20 }))
      assert.equal(3, #lines)
      assert.equal("budget and the new ", lines[1].left)      -- whole tokens within 20 characters
      assert.equal("tram line", lines[1].match)
      local g, err = quarry.gazetteer.load(dir .. "/big.txt", { format = "lines" })
      assert.is_nil(g)
      assert.equal(dir .. "/big.txt:1: the phrase is longer than 128 tokens", err)
      assert.same({}, quarry.extract(big, PACK))
      assert.equal(reps, #assert(core.regex("tram"):find_all(big)))
      local code, out = cli("search " .. dir .. "/c.db tram --limit 1")
      assert.equal(0, code)
      assert.matches("%[tram%]", out)
   end }

row { input = "100,000 nested quotation marks",
   gives = "200,001 tokens, one quote annotation, found by search and KWIC; a rule matching them all "
      .. "stops at its step limit naming the rule; JSON nested as deep is refused naming file and line; "
      .. "a query of 100,000 quotation marks finds nothing",
   check = function(dir)
      local text = ("“"):rep(100000) .. "Voronov" .. ("”"):rep(100000)
      local straight = ('"'):rep(100000) .. "Voronov" .. ('"'):rep(100000)
      for _, t in ipairs { text, straight } do
         local toks <close> = quarry.tokenize(t)
         assert.equal(200001, #toks)
         assert.equal("open_quote", toks:kind(1))
         assert.equal("Voronov", toks:text(100001))
         assert.equal("close_quote", toks:kind(#toks))
      end
      local anns = quarry.extract(text, PACK)
      assert.equal(1, #anns)
      assert.equal("quote", anns[1].type)
      assert.equal(("“"):rep(99999) .. "Voronov", anns[1].text)
      raises(function() P.compile(P.kind "open_quote" ^ 1, { name = "quotes" }):run(quarry.tokenize(text)) end,
         "rule quotes: the pattern took more than 100000 steps at token 1 (a match longer than the limit allows")
      local c <close> = assert(quarry.open(":memory:"))
      assert(c:add { id = "q", text = text })
      assert.equal(1, #assert(c:search('"Voronov"')))
      local lines = assert(c:kwic("Voronov", { width = 5 }))
      assert.same({ "“““““", "Voronov", "”””””" }, { lines[1].left, lines[1].match, lines[1].right })
      assert.same({}, assert(c:search(('"'):rep(100000))))
      write(dir .. "/nested.jsonl", '{"id": "ok", "text": "x"}\n' .. ("["):rep(100000) .. ("]"):rep(100000) .. "\n")
      local s, err, code = c:ingest { dir .. "/nested.jsonl" }
      assert.is_nil(s)
      has(err, dir .. "/nested.jsonl:2: bad JSON: Found too many nested data structures")
      assert.equal("input", code)
      assert.is_table(c:get("ok"))
   end }

row { input = "a 1 MB token",
   gives = "one token with its key and a capped shape; stored, indexed and found by prefix and KWIC; "
      .. "a gazetteer phrase of it matches; regexes find it",
   check = function()
      local big = ("a"):rep(1024 * 1024)
      local text = "x " .. big .. " y"
      local toks <close> = quarry.tokenize(text)
      assert.equal(3, #toks)
      assert.same({ 2, 2 + #big }, { toks:span(2) })
      assert.equal("word", toks:kind(2))
      assert.equal(#big, #toks:key(2))
      assert.equal("xxxx", toks:shape(2))
      local c <close> = assert(quarry.open(":memory:"))
      assert(c:add { id = "big", text = text })
      assert.equal(1, #assert(c:search(big:sub(1, 100) .. "*")))
      assert.equal(1, #assert(c:search(big)))
      local lines = assert(c:kwic("aaaa*"))
      assert.equal(#big, #lines[1].match)
      local g = quarry.gazetteer.new()
      g:add(big, "long one", "thing")
      local m = g:match(toks)
      assert.equal(1, #m)
      assert.equal("long one", m[1].canonical)
      assert.equal(3, #core.regex("\\w+"):find_all(text))
   end }

row { input = "a binary file",
   gives = "skipped with a message naming it and the offset of its first NUL byte; the other files are "
      .. "read; exit code 1; as JSONL or a gazetteer it is malformed at file:line",
   check = function(dir)
      local bin = binary_bytes(4096)
      write(dir .. "/blob.bin", bin)
      write(dir .. "/ok.txt", "The council met.")
      put(dir, "folder/noext", bin)
      put(dir, "folder/note.txt", "The mayor spoke.")
      local failures = {}
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      local s = assert(c:ingest({ dir .. "/blob.bin", dir .. "/ok.txt", dir .. "/folder" },
         { fail = function(m) failures[#failures + 1] = m end }))
      assert.same({ 2, 2 }, { s.added, s.failed })
      assert.same({
         dir .. "/blob.bin: a binary file, not text (a NUL byte at offset 7); skipped",
         dir .. "/folder/noext: a binary file, not text (a NUL byte at offset 7); skipped",
      }, failures)
      local code, out, err = cli("ingest " .. dir .. "/d.db " .. dir .. "/blob.bin " .. dir .. "/ok.txt")
      assert.equal(1, code)
      has(err, "quarry ingest: " .. dir .. "/blob.bin: a binary file, not text")
      assert.matches("1 added", out)
      code, out, err = cli("tokens -", bin)
      assert.equal("", out)          -- nothing was read: no table
      assert.equal(1, code)
      has(err, "quarry tokens: stdin: a binary file, not text (a NUL byte at offset 7); skipped")
      write(dir .. "/blob.jsonl", bin)
      local ok, jerr, jcode = c:ingest { dir .. "/blob.jsonl" }
      assert.is_nil(ok)
      has(jerr, dir .. "/blob.jsonl:1: bad JSON")
      assert.equal("input", jcode)
      local g, gerr = quarry.gazetteer.load(dir .. "/blob.bin", { format = "lines" })
      assert.is_nil(g)
      has(gerr, dir .. "/blob.bin:1: a NUL byte at byte offset 7 of the line")
      assert.equal(2, c:count())
   end }

row { input = "an unreadable file",
   gives = "skipped with 'path: Permission denied', the other files read, exit code 1; an unreadable "
      .. "gazetteer or rule pack is an error naming it",
   proven_by = { { "tests/corpus_spec.lua", "reports unreadable paths and goes on" } },
   check = function(dir)
      write(dir .. "/secret.txt", "Classified.")
      write(dir .. "/ok.txt", "The council met.")
      write(dir .. "/pack.lua", read(PACK))
      assert(os.execute("chmod 000 '" .. dir .. "/secret.txt' '" .. dir .. "/pack.lua'"))
      assert(os.execute("chmod 644 '" .. dir .. "/ok.txt'"))
      local as = as_nobody()
      local code, out, err = sh(ENV .. as .. "lua5.4 bin/quarry ingest " .. dir .. "/c.db " .. dir .. "/secret.txt "
         .. dir .. "/ok.txt")
      assert.equal(1, code)
      has(err, "quarry ingest: " .. dir .. "/secret.txt: Permission denied")
      assert.matches("1 added", out)
      code, out, err = sh(ENV .. as .. "lua5.4 bin/quarry extract --rules " .. dir .. "/pack.lua " .. dir .. "/ok.txt")
      assert.equal("", out)
      assert.equal(1, code)
      assert.equal("quarry extract: " .. dir .. "/pack.lua: Permission denied\n", err)
      code, out = sh(ENV .. as .. "lua5.4 -e 'print(require(\"quarry\").gazetteer.load(\"" .. dir .. "/secret.txt\"))'")
      assert.equal(0, code)
      assert.equal("nil\t" .. dir .. "/secret.txt: Permission denied\n", out)
      local c <close> = assert(quarry.open(dir .. "/c.db", { readonly = true }))
      assert.equal(1, c:count())
   end }

row { input = "a locked database",
   gives = "nil, 'path: database is locked (another connection holds the write lock; ...)', 'busy'; "
      .. "reading goes on, nothing is lost",
   proven_by = { { "tests/ingest_spec.lua", "gives a clear error on a locked file and loses nothing" } } }

row { input = "a read-only database",
   gives = "nil, 'path: attempt to write a readonly database (...)', 'readonly'; reading goes on",
   proven_by = {
      { "tests/corpus_spec.lua", "reads, and refuses writes with a clear message, losing nothing" },
      { "tests/ingest_spec.lua", "gives a clear error on a read-only file, and reads it" },
   } }

row { input = "a corrupt database",
   gives = "every read and write returns nil, 'path: database disk image is malformed (the file is "
      .. "damaged: ...)', 'corrupt'; the command line exits 1 naming the file; a file that is no "
      .. "database is refused when opened",
   proven_by = { { "tests/corpus_spec.lua", "refuses other SQLite databases and files that are not databases" } },
   check = function(dir)
      local path = dir .. "/c.db"
      do
         local c <close> = assert(quarry.open(path))
         local batch = {}
         for i = 1, 200 do batch[i] = { id = "d" .. i, text = ("The council met on day %d. "):format(i):rep(50) } end
         assert(c:add_batch(batch))
         assert(c:extract(PACK))
      end
      -- garbage over every page but the first (which holds the schema)
      local f = assert(io.open(path, "r+b"))
      local size = f:seek("end")
      assert.is_true(size > 4 * 16384)
      f:seek("set", 16384)
      f:write(("\xDE\xAD\xBE\xEF"):rep((size - 16384) // 4))
      f:close()
      local c <close> = assert(quarry.open(path))
      local function corrupt(ok, err, code)
         assert.is_nil(ok)
         assert.equal("corrupt", code)
         has(err, path .. ": ")
         has(err, "(the file is damaged: restore it from a copy, or ingest the documents into a new corpus)")
      end
      corrupt(c:count())
      corrupt(c:get("d1"))
      corrupt(c:search("council"))
      corrupt(c:kwic("council"))
      corrupt(c:add { id = "new", text = "New." })
      corrupt(c:ingest { "tests/fixtures/tokens_news.txt" })
      corrupt(c:extract(PACK, { force = true }))
      corrupt(c:spans {})
      corrupt(c:count_spans { by = "type" })
      local code, _, err = cli("search " .. path .. " council")
      assert.equal(1, code)
      has(err, "quarry search: " .. path .. ": ")
      has(err, "the file is damaged")
   end }

row { input = "a database from a newer schema version",
   gives = "refused when opened: nil, 'path: made by a newer version of quarry (corpus schema version N; ...)', "
      .. "'version'; the command line exits 1 saying so",
   proven_by = { { "tests/corpus_spec.lua", "refuses a file from a newer version of quarry, saying so" } },
   check = function(dir)
      local path = dir .. "/new.db"
      do
         local c <close> = assert(quarry.open(path))
         assert(c:add { id = "a", text = "Kept." })
         assert(c.db:exec("PRAGMA user_version = 2"))
      end
      for _, args in ipairs { "search " .. path .. " kept", "ingest " .. path .. " -",
         "extract --rules " .. PACK .. " --db " .. path } do
         local code, _, err = cli(args, "More text.")
         assert.equal(1, code, args)
         has(err, path .. ": made by a newer version of quarry (corpus schema version 2; this quarry reads version 1")
      end
   end }

row { input = "a full database (PRAGMA max_page_count)",
   gives = "the batch that does not fit fails cleanly: nil, 'path: database or disk is full (...)', 'full'; "
      .. "earlier batches stay intact and searchable; the file passes integrity_check; with room again "
      .. "the same ingest completes",
   check = function(dir)
      local path = dir .. "/full.db"
      local c <close> = assert(quarry.open(path))
      local function batch(from, n, word)
         local b = {}
         for i = from, from + n - 1 do
            local text = ("The council met on day %d about the %s. "):format(i, word):rep(40)
            b[#b + 1] = { id = ("d%05d"):format(i), text = text }
         end
         return b
      end
      assert.same({ added = 50, replaced = 0, unchanged = 0, skipped = 0 }, assert(c:add_batch(batch(1, 50, "bridge"))))
      local pages = pragma(c, "PRAGMA page_count")
      assert.equal(pages + 2, pragma(c, "PRAGMA max_page_count = " .. (pages + 2)))
      local ok, err, code = c:add_batch(batch(51, 500, "tunnel"))
      assert.is_nil(ok)
      assert.equal(path .. ": database or disk is full (the disk, or the size limit set for the database, is full; "
         .. "the write that failed stored nothing, earlier ones are kept)", err)
      assert.equal("full", code)
      assert.equal(50, c:count())
      assert.equal(50, #assert(c:search("bridge", { limit = 100 })))
      assert.same({}, assert(c:search("tunnel")))
      intact(c)
      -- ingest commits batch by batch: the batches before the full one stay
      local f = assert(io.open(dir .. "/more.jsonl", "wb"))
      for i = 1, 400 do
         f:write(cjson.encode { id = ("j%03d"):format(i), text = ("Tunnel works on day %d. "):format(i):rep(40) }, "\n")
      end
      f:close()
      local s
      s, err, code = c:ingest({ dir .. "/more.jsonl" }, { batch = 10 })
      assert.is_nil(s)
      has(err, "database or disk is full")
      assert.equal("full", code)
      local kept = c:count() - 50
      assert.is_true(kept >= 0 and kept < 400 and kept % 10 == 0, "kept " .. kept)
      intact(c)
      pragma(c, "PRAGMA max_page_count = 1000000")
      s = assert(c:ingest({ dir .. "/more.jsonl" }, { batch = 10 }))
      assert.same({ 400 - kept, kept }, { s.added, s.skipped })
      assert.equal(450, c:count())
      intact(c)
   end }

-- --- faults ---------------------------------------------------------------------

row { input = "kill -9 during ingest",
   gives = "a valid corpus holding exactly the committed batches; the same ingest again completes it",
   proven_by = {
      { "tests/ingest_spec.lua", "survives kill -9 in the middle of an ingest, and a second run completes it" },
   } }

local TEMPLATE = "Mayor Ana Ruiz%d said the bridge opens in Lisbon on day %d. “It is ready,” she added. "
   .. "President Ilse Marek told reporters in Geneva that talks go on."

row { input = "kill -9 during extract", slow = true,
   gives = "a valid corpus holding the spans of exactly the committed batches, each document's spans with "
      .. "its run record; running extract again completes the job",
   check = function(dir)
      local path, n, batch = dir .. "/c.db", 6000, 10
      do
         local c <close> = assert(quarry.open(path))
         local docs = {}
         for i = 1, n do
            docs[i] = { id = ("doc-%05d"):format(i), text = TEMPLATE:format(i, i) }
         end
         assert(c:add_batch(docs))
      end
      local per_doc = #rules.load(PACK):run(TEMPLATE:format(7, 7))
      assert.is_true(per_doc >= 4)
      write(dir .. "/extract.lua", ([[
         local quarry = require "quarry"
         local c = assert(quarry.open(%q))
         print(assert(c:extract(%q, { batch = %d })).documents)
      ]]):format(path, PACK, batch))
      local function runs()
         local c = quarry.open(path, { readonly = true })
         if not c then return 0 end
         local v = pragma(c, "SELECT count(*) FROM runs")
         c:close()
         return v
      end
      local pid = spawn(ENV .. "exec lua5.4 " .. dir .. "/extract.lua", dir .. "/extract.log")
      wait_for(function() return runs() >= 4 * batch or not alive(pid) end, "the first batches")
      assert.is_true(alive(pid), "the extract finished before it could be killed: " .. read(dir .. "/extract.log"))
      assert(os.execute("kill -9 " .. pid))
      wait_for(function() return not alive(pid) end, "the extract to die")

      local c <close> = assert(quarry.open(path))
      intact(c)
      local kept = runs()
      assert.is_true(kept > 0 and kept < n, "kept " .. kept)
      assert.equal(0, kept % batch, "exactly the committed batches")
      assert.equal(0, pragma(c, "SELECT count(*) FROM spans WHERE doc NOT IN (SELECT doc FROM runs)"))
      assert.equal(kept * per_doc, pragma(c, "SELECT count(*) FROM spans"))

      local code, _, err = cli("extract --rules " .. PACK .. " --db " .. path)
      assert.equal(0, code, err)
      assert.equal(("quarry extract: %d documents, %d skipped unchanged, %d spans stored\n")
         :format(n - kept, kept, (n - kept) * per_doc), err)
      assert.equal(n, runs())
      assert.equal(n * per_doc, pragma(c, "SELECT count(*) FROM spans"))
      assert.equal(per_doc, pragma(c, "SELECT min(k) FROM (SELECT count(*) AS k FROM spans GROUP BY doc)"))
      assert.equal(per_doc, pragma(c, "SELECT max(k) FROM (SELECT count(*) AS k FROM spans GROUP BY doc)"))
      intact(c)
   end }

row { input = "a reader and a writer at the same time",
   gives = "the reader searches while the writer ingests and sees whole batches, in order",
   proven_by = { { "tests/ingest_spec.lua", "lets a reader search while a writer ingests" } } }

row { input = "a catastrophic regex",
   gives = "stops at the match limit: 'match limit exceeded', naming the rule, its file:line and the "
      .. "document; the other documents are still extracted (how soon: bench/regex.lua)",
   proven_by = {
      { "tests/regex_spec.lua", "fails a catastrophic pattern with 'match limit exceeded' instead of hanging #slow" },
      { "tests/rules_spec.lua", "a catastrophic regex fails with an error naming the rule" },
      { "tests/c/test_regex.c", "catastrophic pattern: PCRE2_ERROR_MATCHLIMIT" },
   },
   check = function(dir)
      write(dir .. "/cat.lua", [[
return { name = "cat", phases = { { rules = {
   rule { name = "catastrophic", type = "t", regex = "(a+)+$" },
} } } }
]])
      write(dir .. "/a.txt", ("a"):rep(40) .. "b")
      write(dir .. "/b.txt", "aaaa")
      local code, out, err = cli("extract --rules " .. dir .. "/cat.lua " .. dir .. "/a.txt " .. dir .. "/b.txt")
      assert.equal(1, code)
      assert.equal("quarry extract: " .. dir .. "/a.txt: " .. dir .. "/cat.lua:2: rule catastrophic: regex failed: "
         .. "match limit exceeded\n", err)
      local a = cjson.decode(out)
      assert.same({ dir .. "/b.txt", "t", 0, 4 }, { a.doc, a.type, a.start, a["end"] })
      local c <close> = assert(quarry.open(":memory:"))
      assert(c:add { id = "cat", text = ("a"):rep(40) .. "b" })
      local ok, xerr = pcall(c.extract, c, dir .. "/cat.lua")
      assert.is_false(ok)
      has(tostring(xerr), "document cat: " .. dir .. "/cat.lua:2: rule catastrophic: regex failed: "
         .. "match limit exceeded")
      assert.equal(0, c:count_spans {})
   end }

row { input = "a rule pack calling os.execute or io.open",
   gives = "refused unless trusted, naming the pack's file:line, at load or when the action runs; nothing "
      .. "is stored; trusted, it runs",
   proven_by = {
      { "tests/rules_spec.lua", "refuses os at load time unless trusted" },
      { "tests/rules_spec.lua", "refuses io and os inside an action at run time unless trusted" },
      { "tests/rules_cli_spec.lua", "refuses a pack that needs os and io unless --trusted" },
   },
   check = function(dir)
      local marker = dir .. "/ran"
      write(dir .. "/shell.lua", ([[
return { name = "shell", phases = { { rules = {
   rule { name = "writer", type = "t", pattern = P.word "council",
      action = function() local f = io.open(%q, "w"); f:write("x"); f:close(); return true end },
   rule { name = "exec", type = "u", pattern = P.word "met", action = function() os.execute("true"); return true end },
} } } }
]]):format(marker))
      local c <close> = assert(quarry.open(":memory:"))
      assert(c:add { id = "a", text = "The council met." })
      local ok, err = pcall(c.extract, c, dir .. "/shell.lua")
      assert.is_false(ok)
      has(tostring(err), "document a: " .. dir .. "/shell.lua:3: rule writer: action failed")
      has(tostring(err), "global 'io'")
      assert.is_nil(lfs.attributes(marker))
      assert.equal(0, c:count_spans {})
      local stats = assert(c:extract(dir .. "/shell.lua", { trusted = true }))
      assert.equal(2, stats.spans)
      assert.equal("x", read(marker))
   end }

-- --- running the table ------------------------------------------------------------

-- Whether file still defines the test called name: it("name" in a spec,
-- an ok(..., "name...") description in a C test.
local function defines(file, name)
   local src = read(file)
   assert.is_true(#src > 0, "cannot read " .. file)
   local needle = file:match("%.c$") and '"' .. name or 'it("' .. name .. '"'
   return src:find(needle, 1, true) ~= nil
end

describe("bad input and faults", function()
   local dir
   before_each(function() dir = tmpdir() end)
   after_each(function() support.cleanup() end)

   for _, r in ipairs(ROWS) do
      it(r.input .. " gives " .. r.gives .. (r.slow and " #slow" or ""), function()
         assert.is_true(r.check ~= nil or r.proven_by ~= nil, "a row needs a check or a proof elsewhere")
         for _, ref in ipairs(r.proven_by or {}) do
            assert.is_true(defines(ref[1], ref[2]), ref[1] .. " no longer has the test '" .. ref[2] .. "'")
         end
         if r.check then r.check(dir) end
      end)
   end
end)
