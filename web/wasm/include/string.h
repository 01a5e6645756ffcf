/*
 * The few <string.h> functions smtpcode needs, for a WebAssembly build with
 * no C library (clang --target=wasm32 -nostdlib). explain.c defines them.
 */
#ifndef SMTPCODE_WASM_STRING_H
#define SMTPCODE_WASM_STRING_H

#include <stddef.h>

void *memchr(const void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#endif
