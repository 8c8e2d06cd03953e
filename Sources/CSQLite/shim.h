// The system's SQLite (Debian: libsqlite3-dev to build, libsqlite3-0 to run).
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bound value.
static inline void (*csqlite_transient(void))(void *) { return (void (*)(void *))-1; }
