/*
 * What the Lua-facing files of the C core share: metatable names and the
 * functions each stage uses to add itself to the quarry.core table.
 */
#ifndef QR_LUA_H
#define QR_LUA_H

#include <lua.h>
#include <lauxlib.h>
#include <stdint.h>

#define QR_TOKENS_MT "quarry.Tokens"
#define QR_TOKEN_MT  "quarry.Token"
#define QR_DB_MT     "quarry.Db"
#define QR_STMT_MT   "quarry.Stmt"
#define QR_REGEX_MT  "quarry.Regex"
#define QR_GAZ_MT    "quarry.Gazetteer"
#define QR_WORDSET_MT "quarry.WordSet"

/* Each adds its functions to the table on top of the stack. */
void qr_open_tokens(lua_State *L);
void qr_open_fts(lua_State *L);
void qr_open_db(lua_State *L);
void qr_open_match(lua_State *L);
void qr_open_regex(lua_State *L);
void qr_open_gazetteer(lua_State *L);
void qr_open_vocab(lua_State *L);
void qr_open_ann(lua_State *L);
void qr_open_sandbox(lua_State *L);
void qr_open_lpat(lua_State *L);

/* Work a C function did for the Lua code that called it, inside
 * core.limited: n steps more against the budget, and the CPU clock's
 * ticks taken; past either, raises the step limit's error (qr_sandbox.c).
 * Nothing outside core.limited or without a budget. */
void qr_limit_work(lua_State *L, long long n);
/* Inside core.limited, whether a limit has tripped (1: the step limit, 2:
 * the memory limit; 0: none): a C function's own protected call lets
 * that error go on up (qr_sandbox.c). */
int qr_limit_tripped(lua_State *L);
void qr_open_doc(lua_State *L);
void qr_open_quote(lua_State *L);
void qr_open_qdrive(lua_State *L);
void qr_open_tense(lua_State *L);
void qr_open_speak(lua_State *L);
void qr_open_page(lua_State *L);

struct qr_tokens;
struct qr_keys;

/* The tokens (and text) of the quarry.Tokens at idx; raises if closed. */
const struct qr_tokens *qr_check_tokens(lua_State *L, int idx, const char **text, size_t *len);
/* Keys of every token of the quarry.Tokens at idx (mode 0 or QR_KEY_BARE),
 * built on first use and kept until the Tokens is closed. */
const struct qr_keys *qr_tokens_keys(lua_State *L, int idx, unsigned mode);

struct qr_vocab;
/* The vocabulary of interned keys of this Lua state (qr_vocab.h), made on
 * first use; rules and word sets add their words to it. */
struct qr_vocab *qr_state_vocab(lua_State *L);
/* Ids in that vocabulary of the keys (mode 0 or QR_KEY_BARE) of every token
 * of the quarry.Tokens at idx, 0 for the keys it lacks: computed on first
 * use, and again for those keys when the vocabulary has grown since. */
const uint32_t *qr_tokens_ids(lua_State *L, int idx, unsigned mode);
/* The same ids, and the number of tokens in *n, for a C function called
 * often (a word set's scan): the quarry.Tokens at idx is told by its
 * metatable, compared with the value at mt (quarry.Tokens' metatable,
 * an upvalue of the caller), instead of a look-up by name (which still
 * checks anything else and raises its error); v is qr_state_vocab(L),
 * which the caller may keep. */
const uint32_t *qr_tokens_ids_by_mt(lua_State *L, int idx, int mt, struct qr_vocab *v, unsigned mode,
                                    size_t *n);

/* The tokens of the quarry.Tokens at idx, told by its metatable compared
 * with the value at mt (as qr_tokens_ids_by_mt); raises if closed or not
 * one. */
const struct qr_tokens *qr_tokens_by_mt(lua_State *L, int idx, int mt);

struct qr_gaz;
/* The gazetteer of the quarry.Gazetteer at idx (qr_gaz.h); raises if it is
 * not one or is closed. */
struct qr_gaz *qr_check_gaz(lua_State *L, int idx);

/* Raise "bad option" errors the same way everywhere. */
int qr_option_error(lua_State *L, int arg, const char *key, const char *what);

/* Field names kept as Lua strings in the registry, so that a binding that
 * sets them on many tables pushes them rather than interning them again
 * at each call. qr_names_store (at open) keeps names[0..n-1] as a list
 * at the registry's light key `key`; qr_names_push pushes the n names
 * kept there, in order, and returns the stack index of the first (the
 * caller makes room for n + 1 slots). */
void qr_names_store(lua_State *L, const void *key, const char *const *names, int n);
int qr_names_push(lua_State *L, const void *key, int n);

#endif
