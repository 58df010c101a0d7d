/*
 * Fuzz target: the token-pattern compiler (lua/quarry/pattern.lua, through
 * rule packs in lua/quarry/rules.lua) and the matcher it builds in C
 * (csrc/qr_match.c, read and run by its binding csrc/qr_lmatch.c; declared
 * rules' annotations made by csrc/qr_ann.c), driven by tests/fuzz/fuzz_match.lua: either patterns
 * built from the input with the pattern language, in phases whose later
 * rules take the earlier ones' annotations as units, run over a text; or
 * a matcher description made from the input bytes directly, as a rule
 * pack with access to quarry.core could pass one.
 */
#include "fuzz_lua.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fuzz_lua_init("fuzz_match.lua", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(data, size);
    return 0;
}
