-- The manual's commands: every fenced block of README.md and docs/*.md
-- runs against the demo corpus, and what it prints is checked. The
-- conventions (sh, console and lua blocks; <!-- doctest: ... --> before a
-- block) are in docs/hacking.md, "The manual's commands".
local lfs = require "lfs"
local support = require "tests.support"

local ROOT = lfs.currentdir()
-- linked into each scratch folder (support.rmtree removes a link, never
-- what it points to)
local LINKED = { "examples", "tests", "lua", "bench", "tools", "docs", "rockspec" }

-- Single quotes for the shell.
local function shq(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function pages()
   local names = {}
   for name in lfs.dir("docs") do
      if name:match("%.md$") then names[#names + 1] = "docs/" .. name end
   end
   table.sort(names)
   table.insert(names, 1, "README.md")
   return names
end

local function lines_of(path)
   local lines = {}
   for l in io.lines(path) do lines[#lines + 1] = l end
   return lines
end

-- One directive's text -> {kind, arg, line}; raises on a malformed one.
local function directive(path, n, text)
   local kind, arg = text:match("^(%S+)%s*(.-)$")
   if kind == "copy" then arg = arg:match("^of%s+(%S+)$") end
   local where = path .. ":" .. n .. ": "
   if kind == "skip" and arg == "" then
      error(where .. "doctest: skip needs a reason (<!-- doctest: skip REASON -->)", 0)
   elseif (kind == "file" or kind == "copy") and not (arg and arg:match("^%S+$")) then
      error(where .. "doctest: " .. kind .. " needs one path", 0)
   elseif kind ~= "skip" and kind ~= "file" and kind ~= "copy" and kind ~= "fresh" then
      error(where .. "unknown doctest directive '" .. text .. "' (skip REASON, file NAME, copy of PATH, fresh)", 0)
   end
   return { kind = kind, arg = arg, line = n }
end

--- The fenced blocks of a page: {lang, body, line, directives}, and
-- whether the page starts without a corpus (<!-- doctest: fresh -->).
local function blocks_of(path)
   local lines = lines_of(path)
   local blocks, pending, fresh = {}, {}, false
   local i = 1
   while i <= #lines do
      local l = lines[i]
      local d = l:match("^%s*<!%-%-%s*doctest:%s*(.-)%s*%-%->%s*$")
      local indent, fence, info = l:match("^(%s*)(```+)%s*(.-)%s*$")
      if d then
         local dir = directive(path, i, d)
         if dir.kind == "fresh" then fresh = true else pending[#pending + 1] = dir end
      elseif fence then
         local body, start = {}, i
         i = i + 1
         while i <= #lines and not lines[i]:match("^%s*" .. fence .. "%s*$") do
            body[#body + 1] = lines[i]:sub(#indent + 1)
            i = i + 1
         end
         blocks[#blocks + 1] = { lang = info:match("^(%S*)"), body = table.concat(body, "\n") .. "\n",
            line = start, directives = pending }
         pending = {}
      elseif l:match("%S") and #pending > 0 then
         error(path .. ":" .. pending[1].line .. ": a doctest directive must come just before a fenced block", 0)
      end
      i = i + 1
   end
   return blocks, fresh
end

-- The environment that runs this checkout on the build the suite runs
-- against (the ASan run's too).
local function lua_env()
   return "LUA_PATH=" .. shq(ROOT .. "/lua/?.lua;" .. ROOT .. "/lua/?/init.lua;;")
      .. " LUA_CPATH=" .. shq(ROOT .. "/" .. support.CPATH .. ";;")
end

local function make_scratch(corpus)
   local dir = support.tmpdir()
   for _, name in ipairs(LINKED) do assert(lfs.link(ROOT .. "/" .. name, dir .. "/" .. name, true)) end
   assert(lfs.mkdir(dir .. "/.bin"))
   -- the ASan run's preload, for quarry only (GNU parallel and split
   -- abort under it: the recipe's shell unsets it)
   local asan = ""
   for _, k in ipairs { "LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS" } do
      if os.getenv(k) then asan = asan .. k .. "=" .. shq(os.getenv(k)) .. " " end
   end
   support.write(dir .. "/.bin/quarry", "#!/bin/sh\nexec env " .. asan .. lua_env() .. " lua5.4 "
      .. shq(ROOT .. "/bin/quarry") .. ' "$@"\n')
   os.execute("chmod +x " .. shq(dir .. "/.bin/quarry"))
   if corpus then support.write(dir .. "/news.db", support.read(corpus)) end
   return dir
end

-- Runs a shell command in dir: exit code, stdout, stderr (merged into
-- stdout when merge).
local function sh(dir, cmd, merge)
   support.write(dir .. "/.cmd", cmd .. "\n")
   local run = "cd " .. shq(dir) .. " && PATH=" .. shq(dir .. "/.bin") .. ":\"$PATH\" " .. lua_env()
      .. " bash -o pipefail .cmd > .out " .. (merge and "2>&1" or "2> .err") .. " < /dev/null"
   local _, _, code = os.execute(run)
   local out, err = support.read(dir .. "/.out"), merge and "" or support.read(dir .. "/.err")
   for _, f in ipairs { ".cmd", ".out", ".err" } do os.remove(dir .. "/" .. f) end
   -- head stopped reading early: fine, as on a terminal
   if code == 141 and cmd:match("|%s*head") then code = 0 end
   return code, out, err
end

-- The commands of an sh block: continuation lines joined, blank and
-- comment-only lines dropped.
local function commands(body)
   local cmds, cur = {}, nil
   for l in body:gmatch("([^\n]*)\n") do
      local line = cur and (cur .. "\n" .. l) or l
      if line:match("\\$") then
         cur = line
      else
         cur = nil
         if line:match("%S") and not line:match("^%s*#") then cmds[#cmds + 1] = line end
      end
   end
   if cur then cmds[#cmds + 1] = cur end
   return cmds
end

-- The file a command writes its output to (-o, --output, >), if any.
local function output_file(cmd)
   return cmd:match("%-o%s+([^%s|;]+)") or cmd:match("%-%-output[%s=]+([^%s|;]+)")
      or cmd:match("[^2]>%s*([^%s|;&]+)")
end

local EMPTY = { "no matches", "no documents match", "warning:" }

local function run_sh(dir, block, where)
   local problems = {}
   for _, cmd in ipairs(commands(block.body)) do
      local code, out, err = sh(dir, cmd)
      local file = output_file(cmd)
      local runs_quarry = cmd:match("^%s*quarry%s") or cmd:match("|%s*quarry%s")
      local wrote = out:match("%S") or err:match("%S") or not runs_quarry
         or (file and support.read(dir .. "/" .. file):match("%S"))
      local said
      for _, e in ipairs(EMPTY) do
         if (out .. err):find(e, 1, true) then said = e end
      end
      if code ~= 0 or not wrote or said then
         problems[#problems + 1] = ("%s: $ %s\n  exit %d%s%s\n  stdout: %s\n  stderr: %s"):format(where, cmd, code,
            wrote and "" or ", wrote nothing", said and (", said '" .. said .. "'") or "",
            out:sub(1, 400), err:sub(1, 400))
      end
   end
   return problems
end

local function escape_pattern(s) return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")) end

-- Whether the lines got match the lines want ("..." any lines; "..."
-- inside a line any text).
local function lines_match(want, got, wi, gi)
   wi, gi = wi or 1, gi or 1
   if wi > #want then return gi > #got end
   local w = want[wi]
   if w == "..." then
      for k = gi, #got + 1 do
         if lines_match(want, got, wi + 1, k) then return true end
      end
      return false
   end
   if gi > #got then return false end
   local ok
   if w:find("...", 1, true) then
      local parts = {}
      for piece in (w .. "..."):gmatch("(.-)%.%.%.") do parts[#parts + 1] = escape_pattern(piece) end
      ok = got[gi]:match("^" .. table.concat(parts, ".-") .. "$") ~= nil
   else
      ok = (w == got[gi])
   end
   return ok and lines_match(want, got, wi + 1, gi + 1)
end

local function rstripped_lines(s)
   local out = {}
   for l in (s .. "\n"):gmatch("([^\n]*)\n") do out[#out + 1] = (l:gsub("%s+$", "")) end
   while #out > 0 and out[#out] == "" do out[#out] = nil end
   return out
end

-- The sessions of a console block: {cmd, want = lines, code}, one a "$ " line.
local function sessions(body)
   local list, cur = {}, nil
   for l in body:gmatch("([^\n]*)\n") do
      if l:match("^%$ ") then
         cur = { cmd = l:sub(3), want = {}, code = 0 }
         list[#list + 1] = cur
      elseif cur and #cur.want == 0 and cur.cmd:match("\\$") then
         cur.cmd = cur.cmd .. "\n" .. l
      elseif cur then
         cur.want[#cur.want + 1] = (l:gsub("%s+$", ""))
      end
   end
   for _, s in ipairs(list) do
      while #s.want > 0 and s.want[#s.want] == "" do s.want[#s.want] = nil end
      local code = s.want[#s.want] and s.want[#s.want]:match("^%[(%d+)%]$")
      if code then
         s.code = tonumber(code)
         s.want[#s.want] = nil
      end
   end
   return list
end

local function run_console(dir, block, where)
   local problems = {}
   for _, s in ipairs(sessions(block.body)) do
      local code, out = sh(dir, s.cmd, true)
      local got = rstripped_lines(out)
      if code ~= s.code or not lines_match(s.want, got) then
         problems[#problems + 1] = ("%s: $ %s\n  exit %d (want %d)\n--- want\n%s\n--- got\n%s"):format(where, s.cmd,
            code, s.code, table.concat(s.want, "\n"), table.concat(got, "\n"))
      end
   end
   return problems
end

local function run_lua(dir, block, where)
   support.write(dir .. "/.block.lua", block.body)
   local code, out, err = sh(dir, "lua5.4 .block.lua")
   os.remove(dir .. "/.block.lua")
   if code ~= 0 then
      return { ("%s: the Lua block fails (exit %d)\n%s%s"):format(where, code, out:sub(1, 400), err:sub(1, 800)) }
   end
   return {}
end

local RUNNERS = { sh = run_sh, console = run_console, lua = run_lua }

-- Runs the blocks of a page; returns its problems (strings).
local function run_page(path, corpus)
   local blocks, fresh = blocks_of(path)
   local dir = make_scratch(not fresh and corpus)
   local problems = {}
   for _, b in ipairs(blocks) do
      local where = path .. ":" .. b.line
      local d = b.directives[1]
      if d and d.kind == "file" then
         support.write(dir .. "/" .. d.arg, b.body)
      elseif d and d.kind == "copy" then
         if support.read(ROOT .. "/" .. d.arg) ~= b.body then
            problems[#problems + 1] = where .. ": the block is not the text of " .. d.arg
         end
      elseif not d and RUNNERS[b.lang] then
         for _, p in ipairs(RUNNERS[b.lang](dir, b, where)) do problems[#problems + 1] = p end
      end
   end
   return problems
end

-- GitHub's anchors of a page's headings (outside code blocks).
local function anchors(path)
   local set, code = {}, false
   for _, l in ipairs(lines_of(path)) do
      if l:match("^%s*```") then code = not code end
      local h = not code and l:match("^#+%s+(.-)%s*$")
      if h then set[(h:lower():gsub("[^%w%s%-_\128-\255]", ""):gsub("%s", "-"))] = true end
   end
   return set
end

-- The links of a page that point at a missing file or heading.
local function broken_links(page)
   local broken = {}
   local base = page:match("^(.*/)") or ""
   for target in support.read(page):gmatch("%]%(([^)%s]+)%)") do
      if not target:match("^%a+:") then
         local file, anchor = target:match("^([^#]*)#?(.*)$")
         local path = (file == "" and page or base .. file):gsub("[^/]+/%.%./", "")
         if not lfs.attributes(path) then
            broken[#broken + 1] = page .. ": " .. target .. " (no " .. path .. ")"
         elseif anchor ~= "" and path:match("%.md$") and not anchors(path)[anchor] then
            broken[#broken + 1] = page .. ": " .. target .. " (no heading #" .. anchor .. " in " .. path .. ")"
         end
      end
   end
   return broken
end

-- The fenced blocks of a page's section: from the heading to the next
-- heading of its level or above.
local function section_blocks(path, heading)
   local level, from, to = nil, nil, math.huge
   for n, l in ipairs(lines_of(path)) do
      local hashes, title = l:match("^(#+)%s+(.-)%s*$")
      if hashes and from and n > from and #hashes <= level and to == math.huge then to = n end
      if hashes and title == heading and not from then level, from = #hashes, n end
   end
   assert(from, path .. " has no heading '" .. heading .. "'")
   local inside = {}
   for _, b in ipairs((blocks_of(path))) do
      if b.line > from and b.line < to then inside[#inside + 1] = b end
   end
   return inside
end

-- A corpus's documents as JSONL, one JSON document a line.
local function articles_jsonl(corpus)
   local cjson = require "cjson"
   local c = assert(require("quarry").open(corpus, { readonly = true }))
   local st = assert(c.db:prepare("SELECT id, title, date, source, url, text FROM docs ORDER BY rowid"))
   local lines = {}
   for row in st:rows() do lines[#lines + 1] = cjson.encode(row) end
   st:close()
   c:close()
   return table.concat(lines, "\n") .. "\n"
end

describe("the manual", function()
   local corpus
   setup(function()
      local dir = make_scratch(nil)
      local code, _, err = sh(dir, "quarry ingest news.db examples/articles --meta examples/articles.meta.jsonl"
         .. " && quarry extract --db news.db --rules news")
      assert(code == 0, "cannot build the demo corpus: " .. err)
      corpus = dir .. "/news.db"
   end)
   teardown(support.cleanup)

   for _, page in ipairs(pages()) do
      it("runs the commands of " .. page .. " #slow", function()
         local problems = run_page(page, corpus)
         assert(#problems == 0, #problems .. " of the commands of " .. page .. " fail:\n\n"
            .. table.concat(problems, "\n\n"))
      end)
   end

   it("shows in the README's scale section the recipes of docs/scale.md, command for command", function()
      local manual, missing, engines = {}, {}, {}
      for _, b in ipairs((blocks_of("docs/scale.md"))) do
         for _, c in ipairs(commands(b.body)) do manual[c] = true end
      end
      for _, b in ipairs(section_blocks("README.md", "At scale")) do
         for _, c in ipairs(commands(b.body)) do
            if not manual[c] then missing[#missing + 1] = c end
            for _, e in ipairs { "parallel %-%-pipe", "hadoop%-streaming", "%.pipe%(" } do
               if c:find(e) then engines[e] = true end
            end
         end
      end
      assert(#missing == 0, "README.md shows commands docs/scale.md does not:\n" .. table.concat(missing, "\n"))
      assert.same({ ["parallel %-%-pipe"] = true, ["hadoop%-streaming"] = true, ["%.pipe%("] = true }, engines)
   end)

   it("runs the README's GNU parallel recipe on the demo articles with two local hosts #slow", function()
      local recipe
      for _, b in ipairs(section_blocks("README.md", "At scale")) do
         if b.body:find("parallel --pipe", 1, true) then recipe = commands(b.body) end
      end
      assert.truthy(recipe, "README.md's scale section has no GNU parallel recipe")
      local dir = make_scratch(nil)
      support.write(dir .. "/hosts", "1/:\n1/:\n")   -- this machine twice: no SSH
      support.write(dir .. "/articles.jsonl", articles_jsonl(corpus))
      local code, out, err = sh(dir, "set -e\nunset LD_PRELOAD\n" .. table.concat(recipe, "\n"))
      assert(code == 0, "the recipe fails (exit " .. code .. ")\n" .. out .. err)
      -- the annotations: the bytes of one quarry extract, in input order
      local one
      code, one, err = sh(dir, "quarry extract -j 1 articles.jsonl")
      assert(code == 0, err)
      assert.truthy(#one > 10000)
      assert.equal(one, support.read(dir .. "/annotations.jsonl"))
      -- the merged shards: the documents and spans of the demo corpus
      local docs = "SELECT id, title, date, source, url, text FROM docs ORDER BY id"
      local spans = [[SELECT d.id AS doc, s.start, s.stop, s.type, s.rule, s.pack, s.attrs FROM spans s
JOIN docs d ON d.rowid = s.doc ORDER BY d.id, s.start, s.stop, s.type, s.rule, s.attrs]]
      assert.equal(14, #articles_jsonl(dir .. "/news.db"):gsub("[^\n]", ""))
      assert.equal(support.rows(corpus, docs), support.rows(dir .. "/news.db", docs))
      assert.equal(support.rows(corpus, spans), support.rows(dir .. "/news.db", spans))
   end)

   it("links every page of docs/ from the README and from the manual's index", function()
      local readme, index = support.read("README.md"), support.read("docs/README.md")
      for _, page in ipairs(pages()) do
         local name = page:match("^docs/(.+)$")
         if name and name ~= "README.md" then
            assert.is_truthy(readme:find("(docs/" .. name, 1, true), "README.md does not link docs/" .. name)
            assert.is_truthy(index:find("(" .. name, 1, true), "docs/README.md does not link " .. name)
         end
      end
   end)

   it("has no link to a file or heading that does not exist", function()
      local broken = {}
      for _, page in ipairs(pages()) do
         for _, b in ipairs(broken_links(page)) do broken[#broken + 1] = b end
      end
      assert(#broken == 0, "broken links:\n" .. table.concat(broken, "\n"))
   end)

   it("refuses a directive without its reason, and compares output with ... elided", function()
      local ok, err = pcall(directive, "x.md", 3, "skip")
      assert.is_false(ok)
      assert.equal("x.md:3: doctest: skip needs a reason (<!-- doctest: skip REASON -->)", err)
      ok, err = pcall(directive, "x.md", 4, "skp network")
      assert.is_false(ok)
      assert.matches("^x%.md:4: unknown doctest directive 'skp network'", err)
      assert.is_true(lines_match({ "a", "...", "d" }, { "a", "b", "c", "d" }))
      assert.is_true(lines_match({ "x ... z" }, { "x y.y z" }))
      assert.is_false(lines_match({ "a", "d" }, { "a", "b", "d" }))
      assert.is_false(lines_match({ "x ... z" }, { "x y" }))
      assert.same({ "quarry a \\\n  --b", "quarry c" }, commands("# comment\nquarry a \\\n  --b\n\nquarry c\n"))
   end)
end)
