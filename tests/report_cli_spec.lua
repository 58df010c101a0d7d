-- `quarry report` and the command line around it: formats, filters, exit
-- codes, pipelines, progress bars, --help, and the demo script.
local cjson = require "cjson"
local reports = require "quarry.reports"
local support = require "tests.support"
local fixture = require "tests.report_corpus"

local STANDIN = "tests/fixtures/packs/standin_news.lua"

local function run(cmdline, input)
   return support.quarry(cmdline, { input = input })
end

local lines = support.lines

-- The command line for a shell, with the build the suite runs on.
local function shell_quarry()
   return "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' lua5.4 bin/quarry"
end

describe("quarry report", function()
   local dir, db
   setup(function()
      dir = support.tmpdir()
      db = dir .. "/fx.db"
      fixture.build(db):close()
   end)
   teardown(support.cleanup)

   it("renders every shipped report in every format", function()
      for _, name in ipairs(reports.SHIPPED) do
         local needs = { kwic = " --query Lisbon", article = " --doc a", profile = " --speaker 'Ana Ruiz'" }
         local extra = needs[name] or ""
         for _, fmt in ipairs { "md", "json", "jsonl", "csv", "html", "table" } do
            local code, out, err = run(("report %s %s --format %s%s"):format(db, name, fmt, extra))
            assert.equal(0, code, name .. " " .. fmt .. ": " .. err)
            assert.equal("", err)
            if fmt == "json" then
               assert.equal(name, cjson.decode(out).report)
            elseif fmt == "jsonl" then
               for _, l in ipairs(lines(out)) do assert.is_table(cjson.decode(l)) end
               assert.is_true(#lines(out) > 0)
            elseif fmt == "csv" then
               assert.matches("\r\n$", out)
            elseif fmt == "html" then
               assert.matches("^<!DOCTYPE html>", out)
            elseif fmt == "md" then
               assert.matches("^# ", out)
            else
               assert.matches("\n[═]+\n", out)
            end
         end
      end
   end)

   it("applies the filters", function()
      local code, out = run("report " .. db .. " quotes --format jsonl --speaker 'sergey voronov' --from 2024-05")
      assert.equal(0, code)
      local rows = lines(out)
      assert.equal(1, #rows)
      local row = cjson.decode(rows[1])
      assert.same({ "Sergei Voronov", "Lisbon is beautiful,", "c" }, { row.speaker, row.quote, row.doc })
      code, out = run("report " .. db .. " entities --format csv --entity 'PORT AUTHORITY'")
      assert.equal(0, code)
      assert.equal(2, #lines(out))
      assert.matches("\nPort Authority,organization,", out)
      code, out = run("report " .. db .. " timeline --format jsonl --to 2024-03 -n 2")
      assert.equal(0, code)
      assert.same({ "2023", "2024-03-04" }, { cjson.decode(lines(out)[1]).date, cjson.decode(lines(out)[2]).date })
      code, out = run("report " .. db .. " search --format jsonl --query 'bridge OR Geneva'")
      assert.equal(0, code)
      assert.equal(2, #lines(out))
   end)

   it("says when a name matches nothing, on stderr", function()
      local code, out, err = run("report " .. db .. " quotes --speaker Nobody")
      assert.equal(0, code)
      assert.matches("No quotes match", out)
      assert.matches("quarry report: No speaker named 'Nobody' in the corpus", err)
      -- a digest says it once, though each of its parts uses the name
      code, out, err = run("report " .. db .. " digest --speaker Nobody")
      assert.equal(0, code)
      assert.equal("quarry report: No speaker named 'Nobody' in the corpus.\n", err)
      local _, n = out:gsub("No speaker named", "")
      assert.equal(1, n)
   end)

   it("runs a user's report given by path", function()
      local code, out = run("report " .. db .. " examples/reports/titles.lua --format csv")
      assert.equal(0, code)
      assert.equal("name,title,mentions,documents\r\nAna Ruiz,Mayor,1,1\r\nIlse Marek,Envoy,1,1\r\n"
         .. "Tomas Berg,Minister,1,1\r\n", out)
   end)

   it("writes to a file with --output, and nothing to stdout", function()
      local path = dir .. "/out/report.html"
      local code, _, err = run("report " .. db .. " digest --format html -o " .. path)
      assert.equal(1, code)      -- no such folder
      assert.matches("out/report%.html", err)
      os.execute("mkdir -p " .. dir .. "/out")
      local out
      code, out, err = run("report " .. db .. " digest --format html -o " .. path)
      assert.equal(0, code, err)
      assert.equal("", out)
      assert.matches("^<!DOCTYPE html>", support.read(path))
      assert.equal("", support.read(path .. ".tmp"))
   end)

   it("exits 2 on usage errors and 1 on failures, saying what is wrong", function()
      local code, _, err = run("report " .. db .. " no_such_report")
      assert.equal(2, code)
      assert.matches("quarry report: unknown report 'no_such_report' %(reports: summary, quotes, entities", err)
      code, _, err = run("report " .. dir .. "/missing.db quotes")
      assert.equal(1, code)
      assert.matches("missing%.db: no such corpus file", err)
      code, _, err = run("report " .. db .. " quotes --from yesterday")
      assert.equal(2, code)
      assert.matches("%-%-from must be an ISO 8601 date", err)
      code, _, err = run("report " .. db .. " quotes --format pdf")
      assert.equal(2, code)
      assert.matches("'%-%-format' must be one of 'md', 'json', 'jsonl', 'csv', 'html', 'table'", err)
      code, _, err = run("report " .. db .. " kwic")
      assert.equal(2, code)
      assert.matches("needs something to look for", err)
      code, _, err = run("report " .. db)
      assert.equal(2, code)
      assert.matches("missing argument 'report'", err)
      code, _, err = run("report " .. db .. " quotes --query '\"unclosed'")
      assert.equal(1, code)
      assert.matches("bad query", err)
      local broken = support.put(dir, "broken.lua", "return { run = function() error('boom') end }")
      code, _, err = run("report " .. db .. " " .. broken)
      assert.equal(1, code)
      assert.matches("broken%.lua:1: boom", err)
      code, _, err = run("report " .. db .. " " .. dir .. "/nothere.lua")
      assert.equal(2, code)
      assert.matches("nothere%.lua: no such report file", err)
   end)

   it("lists the reports and the filters in --help", function()
      local code, out = run("report --help")
      assert.equal(0, code)
      for _, name in ipairs(reports.SHIPPED) do assert.matches("\n   " .. name .. " ", out) end
      for _, opt in ipairs { "--format", "--speaker", "--entity", "--from", "--to", "--query", "--limit" } do
         assert.matches(opt:gsub("%-", "%%-"), out)
      end
   end)
end)

describe("the command line in pipelines", function()
   local dir
   setup(function() dir = support.tmpdir() end)
   teardown(support.cleanup)

   local docs = table.concat({
      cjson.encode { id = "p1", date = "2024-05-02", source = "Test Wire",
         text = "Talks in Geneva\n\nGENEVA (Test Wire) — “We are close,” Voronov said on May 2, 2024." },
      cjson.encode { id = "p2", date = "2024-05-03",
         text = "Talks end\n\n“It is over,” Sardaryan said in Yerevan." },
   }, "\n") .. "\n"

   it("reads documents from stdin and writes annotations to stdout", function()
      local code, out, err = run("extract --rules " .. STANDIN .. " -", docs)
      assert.equal(0, code, err)
      local quotes = {}
      for _, l in ipairs(lines(out)) do
         local a = cjson.decode(l)
         if a.type == "quote" then quotes[#quotes + 1] = a.attrs.speaker .. ": " .. a.text end
      end
      assert.same({ "Sergei Voronov: We are close,", "Hayk Sardaryan: It is over," }, quotes)
   end)

   it("goes from stdin to a corpus to a report that another program reads", function()
      local db = dir .. "/p.db"
      local cmd = shell_quarry()
      local script = table.concat({
         cmd .. " ingest " .. db .. " - >/dev/null",
         cmd .. " extract --db " .. db .. " --rules " .. STANDIN .. " 2>/dev/null",
         cmd .. " report " .. db .. " quotes --format jsonl | wc -l",
      }, " && ")
      local input = dir .. "/docs.jsonl"
      support.write(input, docs)
      local p = io.popen("sh -c '" .. script:gsub("'", "'\\''") .. "' < " .. input)
      local out = p:read("a")
      assert.is_true(p:close())
      assert.equal(2, tonumber(out))
      local code, jsonl = run("report " .. db .. " quotes --format jsonl")
      assert.equal(0, code)
      local speakers = {}
      for _, l in ipairs(lines(jsonl)) do speakers[#speakers + 1] = cjson.decode(l).speaker end
      table.sort(speakers)
      assert.same({ "Hayk Sardaryan", "Sergei Voronov" }, speakers)
   end)

   it("draws no progress bar when stderr is not a terminal", function()
      local db = dir .. "/q.db"
      local code, _, err = run("ingest " .. db .. " -", docs)
      assert.equal(0, code)
      assert.equal("", err)
      code, _, err = run("extract --db " .. db .. " --rules " .. STANDIN)
      assert.equal(0, code)
      assert.matches("^quarry extract: 2 documents, 0 skipped unchanged, %d+ spans stored\n$", err)
      code, _, err = run("extract --rules " .. STANDIN .. " -", docs)
      assert.equal(0, code)
      assert.equal("", err)
   end)

   it("draws a progress bar on stderr when it is a terminal", function()
      if not os.execute("command -v script >/dev/null 2>&1") then
         pending("the 'script' command (util-linux) is missing: cannot give the command a terminal")
         return
      end
      local input = support.put(dir, "docs.jsonl", docs)
      local db = dir .. "/tty.db"
      -- script gives the command a terminal; its stdout goes to a file
      local function on_tty(args)
         local cmd = shell_quarry() .. " " .. args .. " > " .. dir .. "/stdout.txt"
         local p = io.popen("script -qec \"" .. cmd:gsub('"', '\\"') .. "\" /dev/null < /dev/null")
         local out = p:read("a")
         p:close()
         return out
      end
      local shown = on_tty("ingest " .. db .. " " .. input)
      assert.truthy(shown:find("\27[K", 1, true), "no progress bar: " .. shown)
      assert.truthy(shown:find("2/2 documents", 1, true))
      shown = on_tty("extract --rules " .. STANDIN .. " " .. input)
      assert.truthy(shown:find("\27[K", 1, true), "no progress bar: " .. shown)
      assert.matches('"type":"quote"', support.read(dir .. "/stdout.txt"))
   end)

   it("gives every subcommand its own --help", function()
      for _, cmd in ipairs { "ingest", "extract", "search", "kwic", "report", "rules", "explain", "eval", "tokens" } do
         local code, out = run(cmd .. " --help")
         assert.equal(0, code, cmd)
         assert.matches("^Usage: quarry " .. cmd, out)
      end
      local _, out = run("rules --help")
      assert.matches("check", out)
      assert.matches("list", out)
   end)
end)

-- The environment the demo script runs quarry from this build in.
local function demo_env()
   return "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' QUARRY='lua5.4 bin/quarry'"
end

describe("the demo", function()
   teardown(support.cleanup)

   it("builds the corpus, extracts, prints a Markdown summary and writes the HTML report", function()
      local out = support.tmpdir() .. "/demo"
      local cmd = demo_env() .. " QUARRY_RULES=" .. STANDIN .. " sh examples/demo.sh " .. out
      local code, md, err = support.run(cmd)
      assert.equal(0, code, err)
      assert.matches("^# Corpus summary\n", md)
      assert.matches("%- %*%*Documents%*%*: 14\n", md)
      assert.matches("## Most quoted\n\n| Speaker | Quotes | Documents |\n| %-%-%- | %-%-%-: | %-%-%-: |\n"
         .. "| Sergei Voronov", md)
      assert.matches("HTML report written to " .. out:gsub("%p", "%%%0") .. "/report%.html", err)
      local page = support.read(out .. "/report.html")
      assert.matches("^<!DOCTYPE html>", page)
      assert.truthy(page:find("<h2>Quotes by speaker</h2>", 1, true))
      assert.truthy(page:find('<circle class="mark"', 1, true))
   end)

   it("stops with the extractor's message when the rule pack is missing", function()
      local out = support.tmpdir() .. "/demo"
      local cmd = demo_env() .. " QUARRY_RULES=no_such_pack sh examples/demo.sh " .. out
      local p = io.popen(cmd .. " 2>&1")
      local text = p:read("a")
      assert.is_nil(p:close())
      assert.matches("quarry extract: no rule pack 'no_such_pack': no file or folder of that name here", text)
   end)
end)
