-- The corpus in any SQLite tool (docs/sql.md): the sqlite3 shell loads the
-- extension quarry_sqlite (build/quarry_sqlite.so) and searches the
-- full-text index; the views quotes and mentions give plain columns and
-- cannot be written. Skipped, saying so, where the sqlite3 shell is missing.
local support = require "tests.support"
local fixture = require "tests.report_corpus"

local EXT = "build/quarry_sqlite"

local function have_shell()
   local p = io.popen("command -v sqlite3 2>/dev/null")
   local path = p:read("l")
   p:close()
   return path and path ~= ""
end

-- Runs the sqlite3 shell on db (SQL on its standard input, as a user types
-- it); returns exit code, stdout, stderr. The shell is no part of quarry:
-- not under the ASan run's LD_PRELOAD.
local function shell(db, sql, args)
   return support.run(string.format("env -u LD_PRELOAD -u ASAN_OPTIONS sqlite3 -bail -noheader %s %q",
      args or "", db), sql)
end

describe("the corpus in the sqlite3 shell", function()
   local dir, db
   setup(function()
      dir = support.tmpdir()
      db = dir .. "/fx.db"
      fixture.build(db):close()
   end)
   teardown(support.cleanup)

   local function skip()
      if not have_shell() then
         pending("the sqlite3 shell is not installed (Debian: apt-get install sqlite3); SQL spec skipped")
         return true
      end
   end

   it("cannot search without the extension, and can with it", function()
      if skip() then return end
      local search = "SELECT d.id FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid "
         .. "WHERE docs_fts MATCH 'lisbon' ORDER BY d.id;\n"
      local code, _, err = shell(db, search)
      assert.is_not.equal(0, code)
      assert.matches("no such tokenizer: quarry", err)
      local out
      code, out, err = shell(db, search, "-cmd " .. string.format("%q", ".load " .. EXT))
      assert.equal(0, code, err)
      assert.equal("a\nc\n", out)
      -- quarry's keys: case and diacritics folded as the Lua side folds them
      code, out = shell(db, ".load " .. EXT .. "\nSELECT rowid FROM docs_fts WHERE docs_fts MATCH 'krakow';\n")
      assert.equal(0, code)
      assert.equal("4\n", out)
      -- its auxiliary function: byte offsets of the hits
      code, out = shell(db, ".load " .. EXT .. "\nSELECT quarry_hits(docs_fts, 1) FROM docs_fts "
         .. "WHERE docs_fts MATCH 'voronov' AND rowid = 3;\n")
      assert.equal(0, code)
      local text = fixture.docs[3].text
      local s = text:find("Voronov", 1, true)
      assert.equal(string.format("%d %d", s - 1, s - 1 + 7), out:match("^(%d+ %d+)"))
   end)

   it("has views with plain columns for quotes and mentions", function()
      if skip() then return end
      local code, out, err = shell(db, ".mode tabs\nSELECT document, date, outlet, speaker, quote, cue FROM quotes "
         .. "WHERE speaker = 'Ana Ruiz';\n")
      assert.equal(0, code, err)
      assert.equal("a\t2024-03-04\tHarbour Herald\tAna Ruiz\tThe bridge is ready,\tsaid\n", out)
      code, out = shell(db, ".mode tabs\nSELECT document, type, name, text FROM mentions WHERE name = 'Sergei Voronov' "
         .. "ORDER BY document, start;\n")
      assert.equal(0, code)
      assert.equal("b\tperson\tSergei Voronov\tSergey Voronov\nc\tperson\tSergei Voronov\tVoronov\n"
         .. "c\tperson\tSergei Voronov\tSergei Voronov\nc\tperson\tSergei Voronov\tVoronov\n", out)
      code, out = shell(db, "SELECT count(*) FROM quotes; SELECT count(*) FROM mentions;\n")
      assert.equal(0, code)
      local nperson = fixture.count("person") + fixture.count("organization") + fixture.count("location")
      assert.equal(fixture.count("quote") .. "\n" .. nperson .. "\n", out)
   end)

   it("refuses writes through the views", function()
      if skip() then return end
      local code, _, err = shell(db, "DELETE FROM quotes;\n")
      assert.is_not.equal(0, code)
      assert.matches("cannot modify quotes because it is a view", err)
      code, _, err = shell(db, "UPDATE mentions SET name = 'x';\n")
      assert.is_not.equal(0, code)
      assert.matches("cannot modify mentions because it is a view", err)
   end)
end)
