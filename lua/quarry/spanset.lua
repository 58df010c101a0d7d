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
-- @module quarry.spanset
local spanset = {}

local BUCKET = 256
spanset.BUCKET = BUCKET

local Set = {}
Set.__index = Set

--- A new, empty set: spanset.new() -> set.
-- @return a new, empty span set
function spanset.new()
   return setmetatable({ buckets = {} }, Set)
end

--- Whether a span of the set overlaps [s, e): set:overlaps(s, e) -> boolean.
-- @param s integer start byte
-- @param e integer stop byte (exclusive)
-- @return boolean
function Set:overlaps(s, e)
   local buckets = self.buckets
   local last = (e > s and e - 1 or s) // BUCKET
   for b = s // BUCKET, last do
      local list = buckets[b]
      if list then
         for k = 1, #list, 2 do
            if list[k] < e and s < list[k + 1] then return true end
         end
      end
   end
   return false
end

--- Adds [s, e) to the set: set:add(s, e). Each bucket of BUCKET bytes the
-- span touches lists it.
-- @param s integer start byte
-- @param e integer stop byte (exclusive)
-- @return nothing
function Set:add(s, e)
   local buckets = self.buckets
   local last = (e > s and e - 1 or s) // BUCKET
   for b = s // BUCKET, last do
      local list = buckets[b]
      if not list then
         list = {}
         buckets[b] = list
      end
      list[#list + 1] = s
      list[#list + 1] = e
   end
end

return spanset
