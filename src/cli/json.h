/* A small streaming JSON writer: always valid output, whatever the input bytes. */
#ifndef SMTPCODE_CLI_JSON_H
#define SMTPCODE_CLI_JSON_H

#include <stdio.h>
#include <stddef.h>

#define JSON_BUFFER 4096

/* Output collects in buf and goes to `out` in one fwrite when a top-level
 * value ends or buf is full: a record is one write, not dozens of stdio calls. */
struct json {
	FILE *out;
	int depth;
	int first;      /* no member written yet at this depth */
	int replaced;   /* invalid UTF-8 was replaced by U+FFFD somewhere */
	size_t used;    /* bytes in buf */
	char buf[JSON_BUFFER];
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
/* key may be NULL inside an array. */
void json_string(struct json *j, const char *key, const char *s);
void json_string_n(struct json *j, const char *key, const char *s, size_t len);
/* s is the program's own (a name from the data, a code it formatted): plain
 * ASCII with nothing to escape, so it is copied as it is. NULL: null. */
void json_name(struct json *j, const char *key, const char *s);
void json_int(struct json *j, const char *key, long v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* A finite number, as %.6g (0 for NaN and infinities). */
void json_double(struct json *j, const char *key, double v);
/* Writes what is buffered to out (json_end_object and json_end_array do at depth 0). */
void json_flush(struct json *j);
/* Writes s as a JSON string (quotes included). Returns 1 if bytes were replaced. */
int json_write_string(FILE *out, const char *s, size_t len);

#endif
