/* What every harness here shares: libFuzzer's entry point and the checks on what comes out. */
#ifndef MULTISEAT_TESTS_FUZZ_H
#define MULTISEAT_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A path that reads back exactly `size` bytes of `data` (a memfd, through /proc/self/fd),
 * for code that opens files by name. The same path each call; aborts when it cannot.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

/* Aborts unless `text` is one line (no '\n', '\r' or other control character but tab). */
void fuzz_check_line(const char *text);

#endif
