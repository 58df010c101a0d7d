/*
 * Per-document helpers of the document phases (pure C, no Lua): the
 * spelling-variant key of a name, by which mentions of one person meet
 * ("Sergey"/"Sergei", "Sarkisian"/"Sarkissian", "Mikhail"/"Mihail").
 */
#ifndef QR_DOC_H
#define QR_DOC_H

#include <stddef.h>

/* The variant key of the bytes s[0..len) into out (room for len bytes):
 * a final "'s" (or "’s": the apostrophe's last byte) dropped; ASCII spaces
 * and punctuation dropped; y -> i, kh -> h, ph -> f, w -> v; an ASCII letter
 * written twice in a row once. The same, byte for byte, as the Lua
 *   key:gsub("[\u{2019}']s$", ""):gsub("[%s%p]", ""):gsub("y", "i")
 *      :gsub("kh", "h"):gsub("ph", "f"):gsub("w", "v"):gsub("(%a)%1", "%1")
 * in the C locale. Returns the length of the key. */
size_t qr_name_variant(const char *s, size_t len, char *out);

/* The words of a name as a cluster of one person's mentions takes them:
 * the runs of bytes between ASCII spaces (" \t\n\v\f\r") that are not
 * ASCII punctuation only, less the titles that open it ("Mr." "Dr.": a
 * word of at most five bytes that ends in a full stop and is not capitals
 * and full stops only, "U.S.") while more than one word is left. The same
 * words as the Lua
 *   for w in s:gmatch("[^%s]+") do if not w:match("^%p+$") then words[#words + 1] = w end end
 *   while #words > 1 and #words[1] <= 5 and words[1]:sub(-1) == "." and not words[1]:match("^[%u%.]+$") do
 *      table.remove(words, 1)
 *   end
 * in the C locale. Writes the words joined by one space into form (room
 * for len bytes) and its length into *form_len; *first and *last get the
 * offsets in s of the first and last word (their lengths into first_len,
 * last_len). Returns the number of words (0: none, the rest untouched). */
size_t qr_name_words(const char *s, size_t len, char *form, size_t *form_len, size_t *first, size_t *first_len,
                     size_t *last, size_t *last_len);

#endif
