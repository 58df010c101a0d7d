-- A smoke test of the news pack on real text: every document of the
-- shared corpora (BBC, Reuters, PolNeAR train and dev, CoNLL-2003 train
-- and testa as text) and of the seed articles runs with no error, within
-- a time and memory bound. The corpora are not part of quarry: without
-- them (QUARRY_CORPORA, or ../shared/corpora beside the checkout) the
-- spec says so and does not run. Bounds: at most 10 s of CPU a MB of text
-- (the pack runs at about 1 MB/s; a search over a whole paragraph for
-- each quote, as once, takes minutes on one of these documents), at most
-- 20 s for any one document, and a peak RSS of at most 512 MB; built with
-- AddressSanitizer (the suite's second run), every 10th document only,
-- with four times the time and memory.
-- #slow: about a minute.
local support = require "tests.support"
local cjson = require "cjson"
local lfs = require "lfs"

local function corpora_dir()
   for _, dir in ipairs { os.getenv("QUARRY_CORPORA") or "", "../shared/corpora", "../../shared/corpora",
      "/work/shared/corpora" } do
      if dir ~= "" and lfs.attributes(dir .. "/bbc.jsonl", "mode") == "file" then return dir end
   end
   return nil
end

describe("the news pack on every document of the shared corpora #slow", function()
   local dir = corpora_dir()
   local asan = support.CPATH:find("asan", 1, true) ~= nil
   local stride, scale = asan and 10 or 1, asan and 4 or 1

   if not dir then
      pending("no corpora: set QUARRY_CORPORA to a folder with bbc.jsonl, reuters.jsonl, polnear/, conll2003/")
      return
   end

   it("runs with no error, at most 10 s of CPU a MB, 20 s a document and 512 MB of RSS", function()
      local seeds = dir:gsub("corpora$", "seeds")
      local cmd = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH .. ";;' lua5.4 "
         .. "tests/news/smoke.lua '" .. dir .. "' '" .. seeds .. "' " .. stride
      local p = assert(io.popen(cmd))
      local out = p:read("a")
      p:close()
      local ok, r = pcall(cjson.decode, out)
      assert.is_true(ok, "the smoke run printed: " .. out)
      assert.is_true(r.documents > (asan and 2000 or 20000), "documents: " .. r.documents)
      assert.equal(0, r.errors, table.concat(r.first_errors, "\n"))
      local mb = r.bytes / 1e6
      assert.is_true(r.cpu_seconds <= 10 * mb * scale,
         string.format("%.1f s for %.1f MB (at most %.1f)", r.cpu_seconds, mb, 10 * mb * scale))
      assert.is_true(r.slowest.seconds <= 20 * scale,
         string.format("%s took %.1f s", tostring(r.slowest.id), r.slowest.seconds))
      assert.is_true(r.peak_rss_kb <= 512 * 1024 * scale, string.format("peak RSS %d kB", r.peak_rss_kb))
   end)
end)
