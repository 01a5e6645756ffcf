/* A small streaming JSON writer: always valid output, whatever the input bytes. */
#ifndef SMTPCODE_CLI_JSON_H
#define SMTPCODE_CLI_JSON_H

#include <stdio.h>
#include <stddef.h>

struct json {
	FILE *out;
	int depth;
	int first;      /* no member written yet at this depth */
	int replaced;   /* invalid UTF-8 was replaced by U+FFFD somewhere */
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
/* key may be NULL inside an array. */
void json_string(struct json *j, const char *key, const char *s);
void json_string_n(struct json *j, const char *key, const char *s, size_t len);
void json_int(struct json *j, const char *key, long v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* A finite number, as %.6g (0 for NaN and infinities). */
void json_double(struct json *j, const char *key, double v);
/* Writes s as a JSON string (quotes included). Returns 1 if bytes were replaced. */
int json_write_string(FILE *out, const char *s, size_t len);

#endif
