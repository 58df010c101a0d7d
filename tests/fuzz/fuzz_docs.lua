-- Driver of build/fuzz/fuzz_docs (tests/fuzz/fuzz_docs.c); its argument
-- is a temporary folder. The input is written there as input.jsonl and as
-- input.txt; both are read with quarry.docs, and one (JSONL when the input
-- opens with "{") is ingested into an in-memory corpus, which is then
-- searched and emptied again. quarry raising or
-- returning nil, message is an expected result; a broken invariant calls
-- fuzz_fail: every document read has a non-empty id and valid UTF-8 text,
-- its title, date, source and url are one line of valid UTF-8,
-- and what a successful ingest reports added is in the corpus.
local dir = ...
local docs = require "quarry.docs"
local corpus = require "quarry.corpus"
local core = require "quarry.core"

local fail = fuzz_fail    -- luacheck: globals fuzz_fail
local pcall, type, tostring, io_open = pcall, type, tostring, io.open

local c = assert(corpus.open(":memory:"))

local function write(path, data)
   local f = assert(io_open(path, "wb"))
   f:write(data)
   f:close()
end

local function read_all(path)
   local out, failed = {}, {}
   local ok = pcall(function()
      for doc in docs.each({ path }, { warn = function() end, fail = function(m) failed[#failed + 1] = m end }) do
         out[#out + 1] = doc
      end
   end)
   return out, failed, ok
end

local function check_doc(doc, where)
   if type(doc.text) ~= "string" or not core.utf8_valid(doc.text) then fail(where .. ": text not valid UTF-8") end
   if type(doc.id) ~= "string" then fail(where .. ": id is not a string") end
   for _, k in ipairs({ "title", "date", "source", "url" }) do
      local v = doc[k]
      if v ~= nil and (type(v) ~= "string" or v == "" or v:find("%c") or not core.utf8_valid(v)) then
         fail(string.format("%s: bad %s %q", where, k, tostring(v)))
      end
   end
   if doc.id == "" then fail(where .. ": empty id") end
end

local function ingest(path)
   local s = c:ingest({ path }, { batch = 3, warn = function() end })
   if s then
      local n = c:count()
      if n ~= s.added then fail(path .. ": ingest reported " .. s.added .. " added, the corpus holds " .. n) end
      for doc in c:documents() do
         if not core.utf8_valid(doc.text) then fail("stored text not valid UTF-8") end
      end
      c:search("council OR talks", { limit = 3 })
      c:kwic("the", { limit = 3 })
   end
   assert(c.db:exec("DELETE FROM docs"))
end

return function(data)
   local jsonl, txt = dir .. "/input.jsonl", dir .. "/input.txt"
   write(jsonl, data)
   write(txt, data)
   -- documents read before a malformed line are checked too
   local list = read_all(jsonl)
   for i, doc in ipairs(list) do check_doc(doc, "jsonl doc " .. i) end
   local failed, ok
   list, failed, ok = read_all(txt)
   if not ok then list = nil end
   if docs.binary_offset(data) then       -- a NUL byte early on: skipped, saying so
      if not list or #list ~= 0 or #failed ~= 1 or not failed[1]:find("binary file", 1, true) then
         fail("a binary file was not refused")
      end
   else
      if not list or #list ~= 1 then fail("a text file did not give one document") end
      check_doc(list[1], "text file")
   end
   local d = docs.from_text(data)
   check_doc(d, "from_text")
   if d.id ~= docs.hash(d.text) then fail("from_text: id is not the hash of the text") end
   -- into the corpus: JSONL when it looks like it, else the text file
   ingest(data:find("^%s*{") and jsonl or txt)
end
