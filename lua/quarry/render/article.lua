--- A document's text as HTML, with what was found in it highlighted:
-- people, organisations and places (links to their pages in the
-- explorer), dates, quotes (each followed by a link to its speaker),
-- terms (marks around words nobody says: dotted, no speaker), the
-- dateline; segments as blocks (headline, body; comments, related stories
-- and page furniture shaded as clutter). Spans nest as they lie in the
-- text; one that crosses the end of the span around it is cut there.
-- Every quote and date has the id "at-OFFSET" (its start, in bytes), which
-- links from the tables and other pages point at.
local svg = require "quarry.render.svg"

local ipairs, tostring = ipairs, tostring
local string_format, table_concat, table_sort = string.format, table.concat, table.sort
local esc = svg.escape

local article = {}

local ENTITY = { person = true, organization = true, location = true }
local TYPE_LABELS = { person = "person", organization = "organisation", location = "place" }

-- The opening and closing tags of a span.
local function tags(sp, linker)
   local t = sp.type
   if t == "segment" then
      local kind = sp.kind or "segment"
      return string_format('<span class="seg seg-%s" data-kind="%s">', esc(kind:gsub("[^%w]", "")), esc(kind)),
         "</span>"
   elseif t == "quote" then
      local who = sp.speaker
      local after = ""
      if who then
         local url = linker:page("speaker", { name = who })
         after = url and string_format('<sup class="who"><a href="%s" title="All quotes of %s">%s</a></sup>',
            esc(url), esc(who), esc(who)) or string_format('<sup class="who">%s</sup>', esc(who))
      end
      return string_format('<mark class="hl quote%s" id="at-%d" data-speaker="%s" title="%s">',
         sp.clutter and " clutter" or "", sp.start, esc(who or ""),
         esc("quote" .. (who and (" — " .. who) or ", speaker unknown") .. (sp.cue and (" (" .. sp.cue .. ")") or ""))),
         "</mark>" .. after
   elseif t == "term" then
      -- marks around words nobody says: a scare quote, a title, a nickname
      return string_format('<span class="hl term" data-kind="%s" title="%s">', esc(sp.kind or ""),
         esc("term" .. (sp.kind and (": " .. sp.kind) or "") .. ", not a quote")), "</span>"
   elseif ENTITY[t] then
      local url = sp.name and linker:page("entity", { name = sp.name })
      local title = esc(TYPE_LABELS[t] .. (sp.name and (": " .. sp.name) or "")
         .. (sp.title and (", " .. sp.title) or ""))
      if url then
         return string_format('<a class="hl %s" href="%s" title="%s">', t, esc(url), title), "</a>"
      end
      return string_format('<span class="hl %s" title="%s">', t, title), "</span>"
   elseif t == "date" then
      return string_format('<span class="hl date" id="at-%d" data-value="%s" title="%s">', sp.start,
         esc(sp.value or ""), esc("date: " .. (sp.value or "?"))), "</span>"
   elseif t == "dateline" then
      return string_format('<span class="hl dateline" title="%s">', esc("dateline" .. (sp.place and (": "
         .. sp.place) or "") .. (sp.source and (", " .. sp.source) or ""))), "</span>"
   end
   return nil
end

--- article.text(document, linker) -> HTML: the text with its spans.
function article.text(doc, linker)
   local text = doc.text or ""
   local spans = {}
   for _, sp in ipairs(doc.spans or {}) do
      if sp.start and sp.stop and sp.start >= 0 and sp.stop <= #text and sp.stop > sp.start then
         spans[#spans + 1] = sp
      end
   end
   -- outer first: by start, the longer first, segments before what they hold
   table_sort(spans, function(a, b)
      if a.start ~= b.start then return a.start < b.start end
      if a.stop ~= b.stop then return a.stop > b.stop end
      return (a.type == "segment" and 0 or 1) < (b.type == "segment" and 0 or 1)
   end)
   -- segments are blocks: the line breaks around them are theirs, not the text's
   local out, stack, pos, after_block = {}, {}, 0, false
   local function emit(to)
      if to > pos then
         local chunk = esc(text:sub(pos + 1, to))
         if after_block then chunk = chunk:gsub("^[\r\n]+", "") end
         out[#out + 1] = chunk
         pos = to
         after_block = after_block and chunk == ""
      end
   end
   local function close_to(at)
      while #stack > 0 and stack[#stack].stop <= at do
         local top = stack[#stack]
         emit(top.stop)
         out[#out + 1] = top.close
         stack[#stack] = nil
         after_block = top.block
      end
   end
   for _, sp in ipairs(spans) do
      close_to(sp.start)
      emit(sp.start)
      local stop = sp.stop
      if #stack > 0 and stop > stack[#stack].stop then stop = stack[#stack].stop end
      local open, close = tags(sp, linker)
      if open and stop > sp.start then
         if sp.type == "segment" and #out > 0 then out[#out] = out[#out]:gsub("[\r\n]+$", "") end
         out[#out + 1] = open
         stack[#stack + 1] = { stop = stop, close = close, block = sp.type == "segment" }
         after_block = false
      end
   end
   close_to(#text)
   emit(#text)
   return table_concat(out)
end

--- article.legend() -> HTML: what the colours mean.
function article.legend()
   return '<p class="legend"><span class="hl person">person</span> <span class="hl organization">organisation'
      .. '</span> <span class="hl location">place</span> <span class="hl date">date</span> <mark class="hl quote">'
      .. 'quote</mark><sup class="who">speaker</sup> <span class="hl dateline">dateline</span> '
      .. '<span class="seg-key">shaded: comments and other clutter</span></p>'
end

--- article.header(document, linker) -> HTML: source link and metadata.
function article.source(doc)
   local url = doc.url
   local safe = require("quarry.render.links").safe_url(url)
   if safe then
      return string_format('<p class="source">Source: <a href="%s" rel="noopener noreferrer">%s</a></p>', esc(safe),
         esc(safe))
   elseif url and url ~= "" then
      return string_format('<p class="source">Source: %s (not an http or https link)</p>', esc(tostring(url)))
   end
   return ""
end

return article
