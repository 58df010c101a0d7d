/*
 * Fuzz target: the regex binding (qr_lregex.c over qr_regex.c and PCRE2),
 * driven through quarry.core.regex by tests/fuzz/fuzz_regex.lua: any
 * pattern and options, any subject; test, find, find_all, each, info,
 * names, alignment to tokens, close. Input layout: see the driver.
 */
#include "fuzz_lua.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fuzz_lua_init("fuzz_regex.lua", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(data, size);
    return 0;
}
