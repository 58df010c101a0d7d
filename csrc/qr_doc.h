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

#endif
