-- Driver of build/fuzz/fuzz_regex (tests/fuzz/fuzz_regex.c).
-- Input: byte 1 = options (bit 0 caseless, 1 multiline, 2 dotall,
-- 3 extended, 4 anchored, 5 no JIT, 6 a small depth limit, 7 a tiny match
-- limit); byte 2 = the pattern's length n; the next n bytes = the pattern;
-- the rest = the subject; byte 3 of the subject (if any) also gives the
-- init offset for find. quarry raising is an expected result; a broken
-- invariant calls fuzz_fail.
local core = require "quarry.core"
local qregex = require "quarry.regex"

local fail = fuzz_fail    -- luacheck: globals fuzz_fail
local pcall, ipairs, pairs, type = pcall, ipairs, pairs, type

local function check_span(s, e, len, what)
   if type(s) ~= "number" or type(e) ~= "number" or s < 0 or e < s or e > len then
      fail(what .. ": bad span " .. tostring(s) .. ".." .. tostring(e) .. " in " .. len .. " bytes")
   end
end

local function check_caps(caps, len)
   for k, c in pairs(caps) do check_span(c[1], c[2], len, "capture " .. tostring(k)) end
end

return function(data)
   if #data < 2 then return end
   local flags, n = data:byte(1), data:byte(2)
   local pattern = data:sub(3, 2 + n)
   local subject = data:sub(3 + n)
   local len = #subject
   local opts = {
      caseless = flags & 1 ~= 0, multiline = flags & 2 ~= 0, dotall = flags & 4 ~= 0,
      extended = flags & 8 ~= 0, anchored = flags & 16 ~= 0, jit = flags & 32 == 0,
      depth_limit = flags & 64 ~= 0 and 50 or 10000,
      match_limit = flags & 128 ~= 0 and 20 or 100000,
   }
   local ok, re = pcall(core.regex, pattern, opts)
   if not ok then
      if not tostring(re):find("regex error at offset %d+") then fail("compile error without an offset: " .. re) end
      return
   end
   local info = re:info()
   if info.groups ~= #re:names() and #re:names() > info.groups then fail("more names than groups") end
   if re:source() ~= pattern then fail("source differs from the pattern") end

   local t = re:test(subject)
   local s, e, caps = re:find(subject)
   if s then
      if t ~= true then fail("find matched where test did not") end
      check_span(s, e, len, "find")
      check_caps(caps, len)
   elseif s == nil and e ~= nil and t == true then
      -- a limit may stop find after test succeeded only with the same limits: never
      fail("test matched, find failed: " .. tostring(e))
   end
   local init = len > 0 and (subject:byte(1) % (len + 1)) or 0
   local s2, e2, caps2 = re:find(subject, init)
   if s2 then
      check_span(s2, e2, len, "find from init")
      if s2 < init then fail("a match before init") end
      check_caps(caps2, len)
   end
   local list = re:find_all(subject)
   local toks
   if list then
      local last = -1
      for _, m in ipairs(list) do
         check_span(m.start, m.stop, len, "find_all")
         check_caps(m.captures, len)
         if m.start < last then fail("find_all went backwards") end
         last = m.stop
         if m.start < m.stop then
            toks = toks or core.tokenize(subject)
            local f, l, as, ae = qregex.align(toks, m.start, m.stop)
            if f then
               if not (f >= 1 and l >= f and l <= #toks and as >= 0 and as < ae and ae <= len) then
                  fail("align gave a bad span")
               end
            end
         end
      end
   end
   if len > 0 then
      -- what a declared regex rule makes (csrc/qr_ann.c): annotations on token
      -- bounds, their text their span's, a named group as span and attr
      toks = toks or core.tokenize(subject)
      local names = re:names()
      local spec = { type = "t", rule = "r", phase = "p", attrs = { { "m", "match" }, { "c", "const", 1 } } }
      if names[1] then
         spec.span = names[1]
         spec.attrs[3] = { "g", "cap", names[#names] }
      end
      local anns, starts = core.regex_annotations(re, subject, toks, spec)
      for i, a in ipairs(anns or {}) do
         check_span(a.start, a.stop, len, "regex_annotations")
         if a.text ~= subject:sub(a.start + 1, a.stop) or a.type ~= "t" or a.attrs.c ~= 1 then
            fail("regex_annotations: a bad annotation")
         end
         if not toks:at(a.start) or type(starts[i]) ~= "number" then fail("regex_annotations: off the tokens") end
      end
   end
   local count = 0
   pcall(function()
      for a, b in re:each(subject) do
         check_span(a, b, len, "each")
         count = count + 1
      end
   end)
   if list and count ~= #list then fail("each and find_all disagree") end
   if toks then toks:close() end
   re:close()
   re:close()
   if pcall(re.test, re, subject) then fail("a closed regex still works") end
end
