#include "CConcurrencyHook.h"

#include <stdatomic.h>
#include <stddef.h>

// Defined by the Swift concurrency runtime as a function pointer; only its address and an
// atomic exchange are needed here. Weak: a runtime without it leaves the address null.
extern const void *_Atomic swift_task_enqueueGlobal_hook __attribute__((weak));

bool mcp_install_enqueue_global_hook(const void *hook) {
    if (&swift_task_enqueueGlobal_hook == NULL) {
        return false;
    }
    const void *expected = NULL;
    return atomic_compare_exchange_strong(&swift_task_enqueueGlobal_hook, &expected, hook);
}
