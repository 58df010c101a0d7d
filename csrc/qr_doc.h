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

/* --- Clusters of one person's mentions ---------------------------------- */

/* A mention of a person, as qr_name_clusters takes it: its number of words
 * (qr_name_words; 0: none, in no cluster), the variant keys (in lower
 * case) of its first and last word, and its form (the words joined by one
 * space). */
typedef struct qr_name_mention {
    size_t nwords;
    const char *first, *last, *form;
    size_t first_len, last_len, form_len;
} qr_name_mention;

#define QR_NO_MENTION ((size_t)-1)

/* A cluster: the mention whose first variant is its first name
 * (QR_NO_MENTION: none, a cluster of one-word names), the one whose last
 * variant is its last name, and the one whose form names it. */
typedef struct qr_name_cluster {
    size_t first, last, canonical;
} qr_name_cluster;

/* What qr_name_clusters tells of its work: report(ud, units) every
 * QR_NAME_WORK_TICK units or so (a unit: a slot of a hash table probed, a
 * cluster tried for a full name), so that a caller can bound work that
 * grows faster than n (many full names of one last name, keys whose
 * hashes collide). report may not return (a longjmp): qr_name_clusters
 * holds nothing but what its caller gave it. */
#define QR_NAME_WORK_TICK 4096
typedef void (*qr_name_report)(void *ud, size_t units);

/* The number of size_t qr_name_clusters needs as scratch for n mentions. */
size_t qr_name_clusters_scratch(size_t n);

/* Clusters the n mentions m of persons in a document (in text order):
 * cluster_of[i] gets the cluster of mention i (QR_NO_MENTION: none),
 * clusters[0 ..] the clusters in the order they are made; returns how many
 * (at most n). First the names of two words or more, in order: each joins
 * the latest cluster of its last variant whose first variant is its own,
 * or an initial of it, or it of the cluster's ("J" and "john"); else a new
 * one. Then the one-word names, in order: the latest cluster of that last
 * variant, else the one cluster of the full names with that first variant,
 * else a new one. A cluster's name is the form its full names are written
 * in most often, the first written on a tie; without full names, its first
 * one-word name. scratch: qr_name_clusters_scratch(n) size_t; report
 * (NULL: none) hears of the work, with ud. */
size_t qr_name_clusters(const qr_name_mention *m, size_t n, size_t *cluster_of, qr_name_cluster *clusters,
                        size_t *scratch, qr_name_report report, void *ud);

/* --- Persons a document shows to be organisations ----------------------- */

/* An entity kept in a document, as qr_orgs_first takes it: an
 * organisation, a person (titled: with a title) or another; its text. */
enum { QR_ENTITY_OTHER, QR_ENTITY_ORG, QR_ENTITY_PERSON };
typedef struct qr_entity_text {
    int kind, titled;
    const char *text;
    size_t len;
} qr_entity_text;

/* The number of size_t qr_orgs_first needs as scratch for n entities. */
size_t qr_orgs_first_scratch(size_t n);

/* Which persons of the n entities e (in text order) the document shows to
 * be organisations: as_org[i] gets, for such a person i, the organisation
 * whose name it takes, else QR_NO_MENTION. A person without a title whose
 * text is an organisation's takes the first such organisation's; then,
 * when some person left is one word (no ASCII white space in it), each
 * such without a title whose text is the first word of an organisation's
 * ("Lumora" of "Lumora Systems": the bytes before its first white space,
 * not ending in ASCII punctuation) takes the first such organisation's,
 * unless it is the last word of a person's name of several words left
 * (the bytes after its last white space). The same as the Lua of the news
 * pack's resolve phase (organisations_first) on texts in the C locale.
 * scratch: qr_orgs_first_scratch(n) size_t; report (NULL: none) hears of
 * the work (a unit: a slot of a hash table probed), with ud. Returns the
 * number of persons left. */
size_t qr_orgs_first(const qr_entity_text *e, size_t n, size_t *as_org, size_t *scratch, qr_name_report report,
                     void *ud);

#endif
