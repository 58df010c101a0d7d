/*
 * Fuzz target: the document readers (lua/quarry/docs.lua: text files with
 * headlines, JSONL through lua-cjson, Latin-1 conversion) and the corpus
 * store they feed (lua/quarry/corpus.lua over csrc/qr_db.c and the FTS5
 * tokenizer), driven by tests/fuzz/fuzz_docs.lua with the input written to
 * files in a temporary folder made here.
 */
#define _POSIX_C_SOURCE 200809L     /* mkdtemp */
#include "fuzz_lua.h"

#include <string.h>
#include <unistd.h>

static char dir[64];

static void push_dir(lua_State *L, int *nargs)
{
    lua_pushstring(L, dir);
    *nargs = 1;
}

static void remove_dir(void)
{
    static const char *const names[] = { "input.jsonl", "input.txt", NULL };
    char path[128];
    int k;
    for (k = 0; names[k]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    strcpy(dir, "/tmp/quarry-fuzz-docs-XXXXXX");
    if (!mkdtemp(dir)) abort();
    atexit(remove_dir);
    fuzz_lua_init("fuzz_docs.lua", push_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(data, size);
    return 0;
}
