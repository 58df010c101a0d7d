--- Charts as inline SVG, drawn in Lua (no network, no script needed to
-- see them): the timeline of dated items, and bar charts of a table's
-- counts. The timeline's axis covers the bulk of the items (statements,
-- dated by their documents, always inside it); items far outside it (a
-- "1800 hrs" read as a year) are counted at its ends instead of squeezing
-- everything else into a column. Marks, bars and the axis carry their day
-- numbers (data-day) so that the page's script can zoom to a range dragged
-- with the mouse (the brush).
local render = require "quarry.render"
local calendar = require "quarry.calendar"

local ipairs, pairs, tonumber, tostring, type = ipairs, pairs, tonumber, tostring, type
local math_floor, math_max, math_min, math_huge = math.floor, math.max, math.min, math.huge
local string_format, table_concat, table_sort = string.format, table.concat, table.sort

local svg = {}

local days_from_civil, civil_from_days = calendar.days_from_civil, calendar.civil_from_days

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local function esc(s)
   s = render.text(s)
   if not s:find("[&<>\"']") then return s end
   return (s:gsub("[&<>\"']", ESC))
end
svg.escape = esc

--- How many dated items the timeline draws one by one; above this it
-- draws bars counting them a month (or a day over a short span).
svg.MAX_MARKS = 3000

--- The share of items at each end that may lie outside the axis.
svg.TAIL = 0.05

--- The day number of an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, any
-- time after it ignored); nil when it is not one. A year or a month counts
-- from its first day.
function svg.day(date)
   if type(date) ~= "string" then return nil end
   local y, rest = date:match("^(%d%d%d%d)(.*)$")
   if not y then return nil end
   local m, d = 1, 1
   local mm, rest2 = rest:match("^%-(%d%d)(.*)$")
   if mm then
      m = tonumber(mm)
      local dd = rest2:match("^%-(%d%d)")
      if dd then d = tonumber(dd) end
   end
   if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
   return days_from_civil(tonumber(y), m, d)
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }

--- The axis of a list of day numbers: lo, hi (the days the axis spans).
-- With keep (the documents' own dates: the corpus's range) the axis spans
-- those, widened by a quarter of their span on each side to take in the
-- days near them. Without, it spans the bulk of the days: TAIL of them at
-- each end may fall outside when they lie far from the rest (more than
-- half the bulk's width away).
function svg.range(days, keep)
   local sorted = {}
   for i, d in ipairs(days) do sorted[i] = d end
   table_sort(sorted)
   local n = #sorted
   if n == 0 then return nil end
   local p_lo, p_hi, reach
   if keep and #keep > 0 then
      p_lo, p_hi = math_huge, -math_huge
      for _, d in ipairs(keep) do p_lo, p_hi = math_min(p_lo, d), math_max(p_hi, d) end
      reach = math_max(p_hi - p_lo, 60) / 4
   else
      local cut = math_floor(n * svg.TAIL)
      p_lo, p_hi = sorted[cut + 1], sorted[n - cut]
      reach = math_max(p_hi - p_lo, 60) / 2
   end
   local lo, hi = p_lo, p_hi
   for _, d in ipairs(sorted) do
      if d >= p_lo - reach and d <= p_hi + reach then
         lo, hi = math_min(lo, d), math_max(hi, d)
      end
   end
   if hi - lo < 14 then lo, hi = lo - 7, hi + 7 end
   return lo, hi
end

--- The ticks of an axis from day lo to day hi: {{day, label}}.
function svg.ticks(lo, hi)
   local out = {}
   local span = hi - lo
   local y0 = civil_from_days(lo)
   if span > 3 * 366 then
      local y1 = civil_from_days(hi)
      local step = math_max(1, (y1 - y0) // 10)
      for y = y0, y1 + 1, step do
         local d = days_from_civil(y, 1, 1)
         if d >= lo and d <= hi then out[#out + 1] = { day = d, label = tostring(y) } end
      end
   elseif span > 62 then
      local y, m = civil_from_days(lo)
      local step = span > 500 and 3 or 1
      while true do
         local d = days_from_civil(y, m, 1)
         if d > hi then break end
         if d >= lo then out[#out + 1] = { day = d, label = MONTHS[m] .. (m == 1 and (" " .. y) or "") } end
         m = m + step
         if m > 12 then m, y = m - 12, y + 1 end
      end
      if #out > 0 and not out[1].label:find("%d") then
         out[1].label = out[1].label .. " " .. civil_from_days(out[1].day)
      end
   else
      local step = span > 20 and 7 or (span > 8 and 2 or 1)
      for d = lo, hi, step do
         local y, m, dd = civil_from_days(d)
         out[#out + 1] = { day = d, label = string_format("%d %s", dd, MONTHS[m]) .. (d == lo and (" " .. y) or "") }
      end
   end
   return out
end

local COLORS = { statement = "#2f6db5", event = "#d9822b" }
local OTHER_COLORS = { "#3a9d5d", "#a74fb0", "#c2453e", "#6c7a89" }
local LANE_LABELS = { statement = "quotes (date published)", event = "dates in the text" }

local function date_of(d)
   local y, m, dd = civil_from_days(d)
   return string_format("%04d-%02d-%02d", y, m, dd)
end

-- The lanes (one a kind of item, statements first) and their colours.
local function lanes_of(items)
   local lanes, lane_of = {}, {}
   for _, k in ipairs { "statement", "event" } do
      for _, it in ipairs(items) do
         if it.kind == k then
            lanes[#lanes + 1], lane_of[k] = k, #lanes + 1
            break
         end
      end
   end
   for _, it in ipairs(items) do
      local k = it.kind or "item"
      if not lane_of[k] then lanes[#lanes + 1], lane_of[k] = k, #lanes + 1 end
   end
   local colors = {}
   for i, k in ipairs(lanes) do colors[i] = COLORS[k] or OTHER_COLORS[(i - 1) % #OTHER_COLORS + 1] end
   return lanes, lane_of, colors
end

-- Bars: the items (or the counts given) a month, or a day over a short span.
local function buckets_of(items, lane_of, lo, hi)
   local by_day = (hi - lo) <= 120
   local buckets = {}
   for _, it in ipairs(items) do
      local b, w = it.day, 1
      if not by_day then
         local yy, mm = civil_from_days(it.day)
         b = days_from_civil(yy, mm, 1)
         local ny, nm = yy + (mm == 12 and 1 or 0), mm == 12 and 1 or mm + 1
         w = days_from_civil(ny, nm, 1) - b
      end
      local lane = lane_of[it.kind or "item"]
      buckets[lane] = buckets[lane] or {}
      local bk = buckets[lane][b]
      if not bk then
         bk = { day = b, days = w, n = 0 }
         buckets[lane][b] = bk
      end
      bk.n = bk.n + (it.n or 1)
   end
   return buckets
end

-- The marks of one lane, stacked upwards where they would overlap; returns
-- the lane's height.
local function stack_marks(items, lane, lane_of, x_of, r)
   local cols, max = {}, 0
   for _, it in ipairs(items) do
      if lane_of[it.kind or "item"] == lane and it.inside then
         local col = math_floor(x_of(it.day) / (2 * r + 1))
         local n = cols[col] or 0
         cols[col] = n + 1
         it.stack = n
         max = math_max(max, n)
      end
   end
   return math_min(max, 14) * 11 + 2 * r + 8
end

-- The items outside [lo, hi], counted at each end of a lane.
local function outside(items, lo, hi)
   local before, after = {}, {}
   for _, it in ipairs(items) do
      local k = it.kind or "item"
      if it.day < lo then
         before[k] = before[k] or { n = 0, first = it.day, last = it.day }
         local o = before[k]
         o.n, o.first, o.last = o.n + (it.n or 1), math_min(o.first, it.day), math_max(o.last, it.day)
      elseif it.day > hi then
         after[k] = after[k] or { n = 0, first = it.day, last = it.day }
         local o = after[k]
         o.n, o.first, o.last = o.n + (it.n or 1), math_min(o.first, it.day), math_max(o.last, it.day)
      else
         it.inside = true
      end
   end
   return before, after
end

local function outlier_label(o, side, x, y, zoom)
   local range = date_of(o.first) .. (o.first ~= o.last and (" – " .. date_of(o.last)) or "")
   local text = side == "before" and string_format("◀ %d earlier", o.n) or string_format("%d later ▶", o.n)
   local link = zoom and zoom(date_of(o.first), date_of(o.last))
   local t = string_format('<text class="outlier" x="%.1f" y="%.1f" text-anchor="%s" data-first="%d" data-last="%d">'
      .. '<title>%s outside the axis: %s</title>%s</text>', x, y, side == "before" and "start" or "end",
      o.first, o.last, esc(string_format("%d item%s", o.n, o.n == 1 and "" or "s")), esc(range), esc(text))
   if link then t = '<a href="' .. esc(link) .. '">' .. t .. "</a>" end
   return t
end

--- svg.timeline(items, opts) -> SVG markup. items: {{day, date, kind,
-- label, id}} (id: the row a mark links to), or with opts.counts
-- {{day, kind, n}} drawn as bars. opts.keep: days the axis must cover;
-- opts.zoom(from, to) -> a URL showing that range of ISO dates (the explorer), used
-- for the counts outside the axis and by the brush (data-zoom).
function svg.timeline(items, opts)
   opts = opts or {}
   local days = {}
   for i, it in ipairs(items) do days[i] = it.day end
   local lo, hi = svg.range(days, opts.keep)
   local left, right, width = 150, 24, 1000
   local plot = width - left - right
   local function x_of(day) return left + (day - lo) / (hi - lo) * plot end
   local lanes, lane_of, colors = lanes_of(items)
   local before, after = outside(items, lo, hi)
   local bars = opts.counts or #items > (opts.max_marks or svg.MAX_MARKS)
   local r = 5
   local buckets = bars and buckets_of(items, lane_of, lo, hi) or nil
   local tops, heights, y = {}, {}, 18
   for li in ipairs(lanes) do
      tops[li] = y
      heights[li] = bars and 70 or stack_marks(items, li, lane_of, x_of, r)
      y = y + heights[li] + 12
   end
   local parts = {}
   parts[#parts + 1] = string_format('<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
      .. 'viewBox="0 0 %d %d" role="img" aria-label="%s" data-lo="%d" data-hi="%d" data-left="%d" data-plot="%d" '
      .. 'data-axis="%d"%s>', width, y + 22, width, y + 22, bars and "Dated items per period" or "Dated items", lo, hi,
      left, plot, y, opts.zoom and (' data-zoom="' .. esc(opts.zoom("0000-01-01", "0000-01-02")) .. '"') or "")
   parts[#parts + 1] = '<g class="ticks">'
   for _, t in ipairs(svg.ticks(lo, hi)) do
      local x = x_of(t.day)
      parts[#parts + 1] = string_format('<line class="tick" x1="%.1f" y1="10" x2="%.1f" y2="%d"/>'
         .. '<text x="%.1f" y="%d" text-anchor="middle">%s</text>', x, x, y, x, y + 15, esc(t.label))
   end
   parts[#parts + 1] = "</g>"
   parts[#parts + 1] = string_format('<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>', left, y, width - right, y)
   for li, k in ipairs(lanes) do
      local base = tops[li] + heights[li]
      parts[#parts + 1] = string_format('<text class="lane" x="6" y="%.1f">%s</text>', base - heights[li] / 2 + 4,
         esc(LANE_LABELS[k] or (k:match("s$") and k or (k .. "s"))))
      parts[#parts + 1] = string_format('<line class="tick" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>', left, base,
         width - right, base)
      if before[k] then parts[#parts + 1] = outlier_label(before[k], "before", left + 2, tops[li] + 10, opts.zoom) end
      if after[k] then
         parts[#parts + 1] = outlier_label(after[k], "after", width - right - 2, tops[li] + 10, opts.zoom)
      end
      if bars then
         svg.lane_bars(parts, buckets[li] or {}, base, heights[li] - 16, colors[li], x_of, lo, hi)
      else
         for _, it in ipairs(items) do
            if it.inside and lane_of[it.kind or "item"] == li then
               parts[#parts + 1] = string_format('<circle class="mark" cx="%.1f" cy="%.1f" r="%d" fill="%s" '
                  .. 'data-day="%d"%s><title>%s</title></circle>', x_of(it.day),
                  base - r - 4 - math_min(it.stack, 14) * 11, r, colors[li], it.day,
                  it.id and (' data-row="' .. esc(it.id) .. '"') or "",
                  esc(it.date .. " — " .. render.text(it.label)))
            end
         end
      end
   end
   parts[#parts + 1] = string_format('<rect class="brush-area" x="%d" y="0" width="%d" height="%d" fill="transparent"/>'
      .. '<rect class="brush" x="0" y="0" width="0" height="%d"/>', left, plot, y, y)
   parts[#parts + 1] = "</svg>"
   return table_concat(parts, "\n")
end

--- The bars of one lane of the timeline (into parts).
function svg.lane_bars(parts, buckets, base, height, color, x_of, lo, hi)
   local maxc, list = 0, {}
   for _, b in pairs(buckets) do
      if b.day + b.days > lo and b.day <= hi then
         list[#list + 1] = b
         maxc = math_max(maxc, b.n)
      end
   end
   table_sort(list, function(a, b) return a.day < b.day end)
   for _, b in ipairs(list) do
      local h = math_max(1, b.n / maxc * height)
      local x0, x1 = x_of(math_max(b.day, lo)), x_of(math_min(b.day + b.days, hi + 1))
      parts[#parts + 1] = string_format('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" '
         .. 'data-day="%d" data-days="%d"><title>%s: %d</title></rect>', x0, base - h, math_max(1.5, x1 - x0 - 0.5),
         h, color, b.day, b.days, esc(b.days > 1 and date_of(b.day):sub(1, 7) or date_of(b.day)), b.n)
   end
end

local function short(s, n)
   s = render.text(s)
   if (utf8.len(s) or #s) <= n then return s end
   return s:sub(1, (utf8.offset(s, n) or (n + 1)) - 1) .. "…"
end

--- svg.bars(rows, spec [, link]) -> SVG markup: one horizontal bar a row,
-- labelled by rows[i][spec.label], as long as rows[i][spec.value];
-- link(row) -> a URL for a label, or nil. Dates (months) as labels make a
-- column chart in date order instead (spec.time).
function svg.bars(rows, spec, link)
   local maxv = 0
   for _, r in ipairs(rows) do maxv = math_max(maxv, tonumber(r[spec.value]) or 0) end
   if maxv <= 0 then maxv = 1 end
   if spec.time then return svg.columns(rows, spec, maxv) end
   local left, width, step = 190, 560, 20
   local height = #rows * step + 6
   local parts = { string_format('<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
      .. 'viewBox="0 0 %d %d" role="img" aria-label="%s">', width, height, width, height, esc(spec.title or "Counts")) }
   for i, r in ipairs(rows) do
      local v = tonumber(r[spec.value]) or 0
      local y = (i - 1) * step + 3
      local w = v / maxv * (width - left - 60)
      local label = string_format('<text class="label" x="%d" y="%d" text-anchor="end">%s</text>', left - 8, y + 13,
         esc(short(r[spec.label], 28)))
      local url = link and link(r)
      if url then label = '<a href="' .. esc(url) .. '">' .. label .. "</a>" end
      parts[#parts + 1] = label .. string_format('<rect class="bar" x="%d" y="%d" width="%.1f" height="%d">'
         .. '<title>%s: %s</title></rect><text class="value" x="%.1f" y="%d">%s</text>', left, y + 2, math_max(w, 1),
         step - 6, esc(r[spec.label]), esc(r[spec.value]), left + w + 6, y + 13, esc(r[spec.value]))
   end
   parts[#parts + 1] = "</svg>"
   return table_concat(parts, "\n")
end

--- A column chart of counts a month (rows labelled YYYY-MM), months
-- without a row drawn as gaps, the axis over the first to the last.
function svg.columns(rows, spec, maxv)
   local first, last = math_huge, -math_huge
   local by_month = {}
   for _, r in ipairs(rows) do
      local y, m = tostring(r[spec.label] or ""):match("^(%d%d%d%d)%-(%d%d)")
      if y then
         local k = tonumber(y) * 12 + tonumber(m) - 1
         by_month[k] = (by_month[k] or 0) + (tonumber(r[spec.value]) or 0)
         first, last = math_min(first, k), math_max(last, k)
      end
   end
   if first > last then return "" end
   local n = last - first + 1
   local left, width, height, top = 40, 1000, 110, 10
   local cw = math_min((width - left - 10) / n, 48)
   local parts = { string_format('<svg class="columns" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
      .. 'viewBox="0 0 %d %d" role="img" aria-label="%s">', width, height + 30, width, height + 30,
      esc(spec.title or "Counts a month")) }
   parts[#parts + 1] = string_format('<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>', left, top + height,
      width - 10, top + height)
   parts[#parts + 1] = string_format('<text x="%d" y="%d" text-anchor="end">%s</text>', left - 4, top + 10, esc(maxv))
   local every = math_max(1, math.ceil(n / 12))
   for k = first, last do
      local i = k - first
      local x = left + i * cw
      local v = by_month[k] or 0
      local label = string_format("%04d-%02d", k // 12, k % 12 + 1)
      if v > 0 then
         local h = v / maxv * height
         parts[#parts + 1] = string_format('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f">'
            .. '<title>%s: %s</title></rect>', x + 1, top + height - h, math_max(cw - 2, 1), h, label, esc(v))
      end
      if i % every == 0 then
         parts[#parts + 1] = string_format('<text x="%.1f" y="%d" text-anchor="middle">%s</text>', x + cw / 2,
            top + height + 16, (k % 12 == 0 or i == 0) and label or MONTHS[k % 12 + 1])
      end
   end
   parts[#parts + 1] = "</svg>"
   return table_concat(parts, "\n")
end

return svg
