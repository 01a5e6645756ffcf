/* message_records.c built on the single header instead of the library. */
#define SMTPCODE_IMPLEMENTATION
#include "message_records.c"
