#include "FuzzerDriver.h"

// Each fuzz target defines LLVMFuzzerTestOneInput (in Swift, @_cdecl). SwiftPM links an
// executable's `main` to `<Target>_main`: these hand over to libFuzzer's driver.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ENTRY(target) \
    int target##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(FuzzJSONParser)
FUZZ_ENTRY(FuzzJSONRPC)
FUZZ_ENTRY(FuzzRoutingHeaders)
FUZZ_ENTRY(FuzzURITemplate)
FUZZ_ENTRY(FuzzExpression)
FUZZ_ENTRY(FuzzRegex)
