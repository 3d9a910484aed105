/*
 * store_sqlite.h - private to store/: the SQLite connection under a store,
 * for the parts of store/ that call SQLite directly (store_backup.c's
 * online backup) without widening store.h.
 */
#ifndef C2C_STORE_STORE_SQLITE_H
#define C2C_STORE_STORE_SQLITE_H

#include <sqlite3.h>

struct store;

/* The connection of a SQLite store; NULL for a PostgreSQL one. */
sqlite3 *store_sqlite_db(struct store *st);

#endif
