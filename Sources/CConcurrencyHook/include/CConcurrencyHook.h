#ifndef C_CONCURRENCY_HOOK_H
#define C_CONCURRENCY_HOOK_H

#include <stdbool.h>

/// Sets the Swift runtime's global-enqueue hook (`swift_task_enqueueGlobal_hook`) to `hook`
/// unless a hook is set already. Returns false then, and when this runtime has no such hook.
///
/// The hook is referenced at link time, not looked up with `dlsym`: a binary linked with
/// `--static-swift-stdlib` keeps the runtime's symbols out of its dynamic symbol table, so a
/// `dlsym` look-up (what SwiftNIO's own installer does) finds nothing there.
bool mcp_install_enqueue_global_hook(const void *_Nonnull hook);

#endif
