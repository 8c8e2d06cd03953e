// libFuzzer's driver, called from each target's entry point. SwiftPM links an executable with
// `main` pointing at `<Target>_main`, so the targets define that and hand over to libFuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
