#!/usr/bin/env lua5.4
-- Generates csrc/qr_unidata.h from the Unicode Character Database.
--
--   lua5.4 tools/gen_unicode.lua [UNICODE_DIR] > csrc/qr_unidata.h
--
-- UNICODE_DIR defaults to /usr/share/unicode (Debian package unicode-data).
-- Every character property in the output is derived from UnicodeData.txt and
-- CaseFolding.txt; nothing is typed in by hand. The output is deterministic:
-- it depends only on the input files, never on hash-table iteration order.
--
-- The layout (block size, record fields, flag bits) is a contract with
-- csrc/qr_unicode.c; keep the constants below in sync with it.

local dir = arg[1] or "/usr/share/unicode"

local MAX_CP      = 0x10FFFF
local BLOCK_SHIFT = 7                     -- QR_UNI_BLOCK_SHIFT in qr_unicode.c
local BLOCK_SIZE  = 1 << BLOCK_SHIFT
local N_BLOCKS    = (MAX_CP + 1) >> BLOCK_SHIFT

-- Flag bits of a record (QR_UNI_F_* in qr_unicode.c).
local F_FOLD_SEQ   = 1   -- fold field is an index into qr_uni_fold_seq
local F_STRIP_DROP = 2   -- strip removes the code point entirely

-- Character classes, in the order of enum qr_uni_class in qr_unicode.h.
local CLASS_NAMES = {
  "OTHER", "SPACE", "LOWER", "UPPER", "TITLE", "LETTER", "MARK", "DIGIT",
  "NUMBER", "OPEN", "CLOSE", "INITIAL", "FINAL", "DASH", "PUNCT", "SYMBOL",
  "CURRENCY", "FORMAT",
}
local CLASS = {}
for i, name in ipairs(CLASS_NAMES) do CLASS[name] = i - 1 end

local GC_CLASS = {
  Cc = "OTHER", Cs = "OTHER", Co = "OTHER", Cn = "OTHER",
  Zs = "SPACE", Zl = "SPACE", Zp = "SPACE",
  Ll = "LOWER", Lu = "UPPER", Lt = "TITLE", Lm = "LETTER", Lo = "LETTER",
  Mn = "MARK", Mc = "MARK", Me = "MARK",
  Nd = "DIGIT", Nl = "NUMBER", No = "NUMBER",
  Ps = "OPEN", Pe = "CLOSE", Pi = "INITIAL", Pf = "FINAL", Pd = "DASH",
  Pc = "PUNCT", Po = "PUNCT",
  Sm = "SYMBOL", Sk = "SYMBOL", So = "SYMBOL", Sc = "CURRENCY",
  Cf = "FORMAT",
}

local function die(fmt, ...)
  io.stderr:write("gen_unicode: ", string.format(fmt, ...), "\n")
  os.exit(1)
end

local function open(name)
  local path = dir .. "/" .. name
  local f, err = io.open(path, "r")
  if not f then die("cannot open %s: %s", path, err) end
  return f
end

local function hex(s)
  local v = tonumber(s, 16)
  if not v or v < 0 or v > MAX_CP then die("bad code point %q", s) end
  return v
end

local function split(line, sep)
  local fields = {}
  for field in (line .. sep):gmatch("(.-)" .. sep) do fields[#fields + 1] = field end
  return fields
end

------------------------------------------------------------------------------
-- UnicodeData.txt

local gc     = {}   -- cp -> general category (absent = Cn)
local decomp = {}   -- cp -> canonical decomposition { cp, ... }
local name_of = {}  -- cp -> name (only for individually listed characters)
local by_name = {}  -- name -> cp

do
  local f = open("UnicodeData.txt")
  local range_start, range_name
  for line in f:lines() do
    if line ~= "" then
      local fld = split(line, ";")
      if #fld < 15 then die("UnicodeData.txt: malformed line %q", line) end
      local cp, name, cat = hex(fld[1]), fld[2], fld[3]
      -- Large blocks (CJK, Hangul, private use, ...) are given as a pair of
      -- lines; every code point in between shares the category.
      local first = name:match("^<(.*), First>$")
      local last  = name:match("^<(.*), Last>$")
      if first then
        range_start, range_name = cp, first
      elseif last then
        if range_name ~= last then die("UnicodeData.txt: unmatched range end %q", name) end
        for c = range_start, cp do gc[c] = cat end
        range_start, range_name = nil, nil
      else
        if range_start then die("UnicodeData.txt: range %q not closed", range_name) end
        gc[cp] = cat
        if name:sub(1, 1) ~= "<" then
          name_of[cp] = name
          by_name[name] = cp
        end
        local d = fld[6]
        if d ~= "" and d:sub(1, 1) ~= "<" then
          local seq = {}
          for h in d:gmatch("%x+") do seq[#seq + 1] = hex(h) end
          decomp[cp] = seq
        end
      end
    end
  end
  f:close()
end

local function category(cp) return gc[cp] or "Cn" end
local function is_mark(cp) return category(cp):sub(1, 1) == "M" end
local function is_letter(cp) return category(cp):sub(1, 1) == "L" end

------------------------------------------------------------------------------
-- CaseFolding.txt: statuses C (common) and F (full) give full case folding.

local fold = {}     -- cp -> { cp, ... }

do
  local f = open("CaseFolding.txt")
  for line in f:lines() do
    local data = line:gsub("#.*", "")
    if data:match("%S") then
      local fld = split(data, ";")
      local status = fld[2] and fld[2]:match("^%s*(%a)%s*$")
      if not status or not fld[3] then die("CaseFolding.txt: malformed line %q", line) end
      if status == "C" or status == "F" then
        local cp = hex(fld[1]:match("%x+"))
        local seq = {}
        for h in fld[3]:gmatch("%x+") do seq[#seq + 1] = hex(h) end
        if #seq < 1 or #seq > 3 then die("CaseFolding.txt: fold of %04X has %d code points", cp, #seq) end
        if fold[cp] then die("CaseFolding.txt: duplicate C/F entry for %04X", cp) end
        fold[cp] = seq
      end
    end
  end
  f:close()
end

------------------------------------------------------------------------------
-- Diacritic stripping.

-- Full canonical decomposition, applied recursively.
local function full_decomp(cp, out)
  local d = decomp[cp]
  if d then
    for _, c in ipairs(d) do full_decomp(c, out) end
  else
    out[#out + 1] = cp
  end
  return out
end

-- Base letter of a letter, or the letter itself. Alternates between the two
-- derivations so that e.g. U+01FF (o with stroke and acute) goes through its
-- decomposition to U+00F8 and then through the name rule to "o".
local function strip_base(cp)
  local seen = {}
  while not seen[cp] do
    seen[cp] = true
    local next_cp
    local seq = full_decomp(cp, {})
    if #seq >= 1 and seq[1] ~= cp then
      local all_marks = true
      for i = 2, #seq do
        if not is_mark(seq[i]) then all_marks = false; break end
      end
      if all_marks then next_cp = seq[1] end
    end
    if not next_cp and name_of[cp] then
      local x = name_of[cp]:match("^(.-) WITH ")
      local target = x and by_name[x]
      if target and is_letter(target) then next_cp = target end
    end
    if not next_cp then break end
    cp = next_cp
  end
  return cp
end

------------------------------------------------------------------------------
-- Records.

local function class_of(cp)
  if (cp >= 0x09 and cp <= 0x0D) or cp == 0x85 then return CLASS.SPACE end
  local cls = GC_CLASS[category(cp)]
  if not cls then die("unknown general category %q at %04X", category(cp), cp) end
  return CLASS[cls]
end

local fold_seqs = {}       -- list of { a, b, c } (zero padded)
local fold_seq_index = {}  -- "a,b,c" -> 0-based index

local records = {}         -- list of { cls, flags, fold, strip }
local record_index = {}    -- key -> 0-based index
local cp_record = {}       -- cp -> 0-based record index

local function record_for(cp)
  local cls, flags, fold_v, strip_v = class_of(cp), 0, 0, 0

  local seq = fold[cp]
  if seq and #seq == 1 then
    fold_v = seq[1] - cp
  elseif seq then
    local key = table.concat(seq, ",")
    local idx = fold_seq_index[key]
    if not idx then
      idx = #fold_seqs
      fold_seqs[#fold_seqs + 1] = { seq[1], seq[2] or 0, seq[3] or 0 }
      fold_seq_index[key] = idx
    end
    flags = flags | F_FOLD_SEQ
    fold_v = idx
  end

  if cls == CLASS.MARK then
    flags = flags | F_STRIP_DROP
  elseif is_letter(cp) then
    strip_v = strip_base(cp) - cp
  end

  return cls, flags, fold_v, strip_v
end

for cp = 0, MAX_CP do
  local cls, flags, fold_v, strip_v = record_for(cp)
  local key = cls .. ":" .. flags .. ":" .. fold_v .. ":" .. strip_v
  local idx = record_index[key]
  if not idx then
    idx = #records
    records[#records + 1] = { cls, flags, fold_v, strip_v }
    record_index[key] = idx
  end
  cp_record[cp] = idx
end
if #records > 0xFFFF then die("too many records (%d) for uint16 indices", #records) end

-- qr_unicode.c relies on these to handle out-of-range input and to find the
-- end of a zero-padded fold sequence.
do
  local r = records[cp_record[MAX_CP] + 1]
  if r[1] ~= CLASS.OTHER or r[2] ~= 0 or r[3] ~= 0 or r[4] ~= 0 then
    die("U+%04X is expected to have no properties", MAX_CP)
  end
  for cp, seq in pairs(fold) do
    for _, c in ipairs(seq) do
      if c == 0 then die("fold of U+%04X contains U+0000", cp) end
    end
  end
end

-- Two-stage table: identical blocks are stored once.
local stage1 = {}
local blocks = {}          -- list of { rec, ... } (BLOCK_SIZE entries)
local block_index = {}     -- serialised block -> 0-based index

for b = 0, N_BLOCKS - 1 do
  local blk = {}
  local base = b << BLOCK_SHIFT
  for i = 0, BLOCK_SIZE - 1 do blk[i + 1] = cp_record[base + i] end
  local key = table.concat(blk, ",")
  local idx = block_index[key]
  if not idx then
    idx = #blocks
    blocks[#blocks + 1] = blk
    block_index[key] = idx
  end
  stage1[b + 1] = idx
end

------------------------------------------------------------------------------
-- Output.

local function unicode_version()
  for _, name in ipairs({ "CaseFolding.txt", "DerivedAge.txt", "ReadMe.txt" }) do
    local f = io.open(dir .. "/" .. name, "r")
    if f then
      local first = f:read("l") or ""
      f:close()
      local v = first:match("%-(%d+%.%d+%.%d+)%.txt") or first:match("[Vv]ersion%s+(%d+%.%d+%.%d+)")
      if v then return v, name end
    end
  end
  return nil
end

local out = {}
local function emit(s) out[#out + 1] = s end

-- Numbers are emitted as a comma-separated list wrapped at ~100 columns.
local function emit_list(values, fmt)
  local line = " "
  for i, v in ipairs(values) do
    local item = string.format(fmt, v) .. (i < #values and "," or "")
    if #line + #item > 100 then
      emit(line .. "\n")
      line = " "
    end
    line = line .. item
  end
  if line ~= " " then emit(line .. "\n") end
end

local version, version_file = unicode_version()
emit("/*\n")
emit(" * qr_unidata.h -- GENERATED FILE, DO NOT EDIT.\n")
emit(" *\n")
emit(" * Generated by tools/gen_unicode.lua from UnicodeData.txt and CaseFolding.txt\n")
if version then
  emit(string.format(" * of Unicode %s (version taken from %s).\n", version, version_file))
else
  emit(" * (Unicode version not stated in the input files).\n")
end
emit(" * Regenerate with:\n")
emit(" *   lua5.4 tools/gen_unicode.lua [UNICODE_DIR] > csrc/qr_unidata.h\n")
emit(" *\n")
emit(" * Included only by qr_unicode.c, which defines struct qr_uni_record and the\n")
emit(" * flag bits. Layout: code point cp has record\n")
emit(string.format(" *   qr_uni_records[qr_uni_stage2[(qr_uni_stage1[cp >> %d] << %d) | (cp & %d)]]\n",
  BLOCK_SHIFT, BLOCK_SHIFT, BLOCK_SIZE - 1))
emit(string.format(" * %d records, %d distinct blocks of %d code points, %d multi-code-point folds.\n",
  #records, #blocks, BLOCK_SIZE, #fold_seqs))
emit(" */\n\n")

emit("/* {class, flags, fold, strip} */\n")
emit(string.format("static const struct qr_uni_record qr_uni_records[%d] = {\n", #records))
for _, r in ipairs(records) do
  emit(string.format("  {%d,%d,%d,%d},\n", r[1], r[2], r[3], r[4]))
end
emit("};\n\n")

emit(string.format("static const uint32_t qr_uni_fold_seq[%d][3] = {\n", #fold_seqs))
for _, s in ipairs(fold_seqs) do
  emit(string.format("  {0x%04X,0x%04X,0x%04X},\n", s[1], s[2], s[3]))
end
emit("};\n\n")

local stage1_type = #blocks <= 0x100 and "uint8_t" or "uint16_t"
emit(string.format("static const %s qr_uni_stage1[%d] = {\n", stage1_type, N_BLOCKS))
emit_list(stage1, "%d")
emit("};\n\n")

local flat = {}
for _, blk in ipairs(blocks) do
  for _, v in ipairs(blk) do flat[#flat + 1] = v end
end
emit(string.format("static const uint16_t qr_uni_stage2[%d] = {\n", #flat))
emit_list(flat, "%d")
emit("};\n")

io.write(table.concat(out))
io.stderr:write(string.format("gen_unicode: Unicode %s, %d records, %d blocks, %d fold sequences\n",
  version or "?", #records, #blocks, #fold_seqs))
