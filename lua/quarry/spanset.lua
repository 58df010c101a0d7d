--- A set of byte spans with an overlap test, for choosing among
-- overlapping candidates: each test and each addition costs about the
-- span's length over BUCKET, whatever the number of spans already in the
-- set (a sorted list with insertion is quadratic over a long document).
--
--   local set = spanset.new()
--   if not set:overlaps(s, e) then set:add(s, e) end
--
-- Spans are [start, stop) in bytes. Two spans overlap when each starts
-- before the other stops; an empty span [p, p) overlaps a span that holds
-- p strictly inside it.
--
-- spanset.sort(list [, ranks]) sorts a list of spans as table.sort does
-- with the comparator that orders them by start (or by rank, length and
-- start), ties left in the same order, with the comparisons in C.
--
-- spanset.select(list, classes [, starts, stops]) sorts out the
-- annotations of a list by class in one scan in C, leaving out those that
-- start inside given spans.
-- @module quarry.spanset
local core = require "quarry.core"

local core_sort_spans, core_spanset, core_select_spans = core.sort_spans, core.spanset, core.select_spans
local spanset = {}

local BUCKET = 256
spanset.BUCKET = BUCKET

--- A new, empty set: spanset.new() -> set (a quarry.SpanSet, in C:
-- csrc/qr_spans.c).
-- @return a new, empty span set
function spanset.new()
   return core_spanset()
end

--- Methods of a span set.
-- @type Set

--- Whether a span of the set overlaps [s, e): set:overlaps(s, e) -> boolean.
-- @function Set:overlaps
-- @param s integer start byte
-- @param e integer stop byte (exclusive)
-- @return boolean

--- Adds [s, e) to the set: set:add(s, e). Each bucket of BUCKET bytes the
-- span touches lists it.
-- @function Set:add
-- @param s integer start byte
-- @param e integer stop byte (exclusive)
-- @return nothing

--- Takes from a list of spans (tables with integer start and stop), in
-- order, those that overlap no span of the set nor one taken before them,
-- adding each: set:claim(list [, ranks]) -> kept, in one call, as
--   for _, a in ipairs(list) do
--      if not set:overlaps(a.start, a.stop) then set:add(a.start, a.stop); kept[#kept + 1] = a end
--   end
-- With ranks (ranks[i] the number of list[i]), in the order
-- spanset.sort(list, ranks) would give them (the higher rank first, then
-- the longer span, then the earlier start), the list left as it is; a rank
-- that is no number (or NaN) raises.
-- @function Set:claim
-- @param list table the spans, the best first
-- @param ranks table optional: a number for each span
-- @return table the spans taken, in the list's order (with ranks, in theirs)

--- Takes from a list of spans as set:claim(list, ranks) does, each
-- span's rank read off it: set:claim_by_rank(list, default, ambiguous [,
-- by_start]) -> kept [, sorted], with the rank of a
--   a.attrs and a.attrs.ambiguous and ambiguous or a.rank or default
-- (the rank a rule gives its annotations, docs/rules.md; a name a
-- gazetteer marks ambiguous ranks ambiguous), in one call in C. With
-- by_start, kept comes sorted by start when no two of its spans start at
-- one byte and none is empty (their one order by start: as
-- spanset.sort(kept) leaves it), else in the order of the ranks; sorted
-- tells which.
-- @function Set:claim_by_rank
-- @param list table the spans
-- @param default number the rank of a span without one
-- @param ambiguous number the rank of a span whose attrs.ambiguous is true
-- @param by_start boolean optional: kept sorted by start when it can be
-- @return table the spans taken, in the order of their ranks (or by start)
-- @return boolean with by_start: whether kept is sorted by start

--- Sorting.
-- @section sorting

local function by_start(x, y) return x.start < y.start end

--- Sorts a list of spans (tables with integer start and stop) in place:
-- spanset.sort(list [, ranks]) -> list. Without ranks, by start: the order
-- table.sort(list, function(x, y) return x.start < y.start end) gives,
-- spans of one start (ties) included. With ranks (ranks[i] the number of
-- list[i]): the higher rank first, then the longer span, then the earlier
-- start, as table.sort with that comparator orders them. The comparisons
-- are made in C (quarry.core.sort_spans) on keys read once, or by
-- table.sort itself when a start is not an integer.
-- @param list table the spans
-- @param ranks table optional: a number for each span, in the list's order
-- @return table the list
function spanset.sort(list, ranks)
   if core_sort_spans(list, ranks) then return list end
   if not ranks then
      table.sort(list, by_start)
      return list
   end
   local rank_of = {}
   for i, a in ipairs(list) do rank_of[a] = ranks[i] end
   table.sort(list, function(x, y)
      local rx, ry = rank_of[x], rank_of[y]
      if rx ~= ry then return rx > ry end
      local lx, ly = x.stop - x.start, y.stop - y.start
      if lx ~= ly then return lx > ly end
      return x.start < y.start
   end)
   return list
end

--- Selection.
-- @section selection

--- Sorts out the annotations of a list by class, in one scan in C
-- (quarry.core.select_spans): spanset.select(list, classes [, starts,
-- stops]) -> groups, where groups[c] lists, in the list's order, the
-- annotations a whose classes[a.type] is c and whose start lies in none of
-- the spans [starts[k], stops[k]) (merged: sorted, each starting after the
-- one before stops; without them, no annotation is left out). A class
-- with no annotation has no list. Raises when an element is no table, when
-- the spans are not merged, or when a start to test is no integer.
--
--   local groups = spanset.select(anns, { person = "entity", date = "date" })
--   for _, a in ipairs(groups.entity or {}) do ... end
-- @param list table the annotations (tables with a type and an integer start)
-- @param classes table type -> class (any value but nil)
-- @param starts table optional: the spans' starts, in increasing order
-- @param stops table optional: the spans' stops (as many)
-- @return table class -> list of annotations
function spanset.select(list, classes, starts, stops)
   local ok, groups = pcall(core_select_spans, list, classes, starts, stops)
   if not ok then error(groups, 2) end
   return groups
end

return spanset
