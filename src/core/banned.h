/*
 * banned.h - functions that overflow or hide errors, made compile errors
 * (git's habit).  meson.build force-includes it (-include) at the top of
 * every .c file, so no file can forget it.
 */
#ifndef C2C_CORE_BANNED_H
#define C2C_CORE_BANNED_H

/* The system headers that declare these come first, so their own inline
 * definitions (glibc's atoi) compile before the names are poisoned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_banned_in_c2c

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)

#endif
