/*
 * b64.h — strict, unpadded base64 (RFC 4648 §4 standard and §5 URL
 * alphabets): the encoding of JWS segments and of PHC salts and hashes.
 */
#ifndef PAT_B64_H
#define PAT_B64_H

#include <stddef.h>

enum b64_alphabet {
	B64_STD,	/* A-Z a-z 0-9 + / */
	B64_URL		/* A-Z a-z 0-9 - _ */
};

/* The value (0..63) of character c in alphabet a, or -1. */
int b64_value(enum b64_alphabet a, unsigned char c);

/*
 * Encodes len bytes of src without padding into dst (size dstsz, always
 * NUL-terminated when dstsz > 0). Returns the number of characters
 * written, or (size_t)-1 if dst is too small.
 */
size_t b64_encode(enum b64_alphabet a, const void *src, size_t len,
    char *dst, size_t dstsz);

/*
 * Decodes exactly len characters of src into dst (dstsz bytes). Strict:
 * only the alphabet's 64 characters, no '=', no whitespace, no length of
 * the form 4n+1, and the unused low bits of the last character zero (one
 * canonical encoding per byte string). Returns the number of bytes
 * written, or (size_t)-1.
 */
size_t b64_decode(enum b64_alphabet a, const char *src, size_t len,
    unsigned char *dst, size_t dstsz);

#endif
