// libFuzzer's driver: the entry points in FuzzerDriver.c hand each target over to it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
