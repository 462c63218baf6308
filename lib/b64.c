/*
 * b64.c — strict, unpadded base64 in both alphabets. See b64.h.
 */
#include <stdint.h>

#include "b64.h"

static const char b64_chars[2][65] = {
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
};

int
b64_value(enum b64_alphabet a, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (unsigned char)b64_chars[a][62])
		return 62;
	if (c == (unsigned char)b64_chars[a][63])
		return 63;
	return -1;
}

size_t
b64_encode(enum b64_alphabet a, const void *src, size_t len, char *dst,
    size_t dstsz)
{
	const char		*chars = b64_chars[a];
	const unsigned char	*s = src;
	size_t			 i, o = 0, need;
	uint32_t		 v;

	if (dst == NULL || dstsz == 0)
		return (size_t)-1;
	dst[0] = '\0';
	if (len > (SIZE_MAX - 8) / 4 * 3)
		return (size_t)-1;
	need = len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
	if (need >= dstsz)
		return (size_t)-1;
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		dst[o++] = chars[(v >> 18) & 63];
		dst[o++] = chars[(v >> 12) & 63];
		dst[o++] = chars[(v >> 6) & 63];
		dst[o++] = chars[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)s[i] << 16;
		dst[o++] = chars[(v >> 18) & 63];
		dst[o++] = chars[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		dst[o++] = chars[(v >> 18) & 63];
		dst[o++] = chars[(v >> 12) & 63];
		dst[o++] = chars[(v >> 6) & 63];
	}
	dst[o] = '\0';
	return o;
}

size_t
b64_decode(enum b64_alphabet a, const char *src, size_t len,
    unsigned char *dst, size_t dstsz)
{
	size_t		 i, o = 0, need;
	uint32_t	 acc = 0;
	unsigned	 bits = 0;
	int		 v;

	if (len % 4 == 1)
		return (size_t)-1;
	need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (need > dstsz || (need > 0 && dst == NULL))
		return (size_t)-1;
	for (i = 0; i < len; i++) {
		if ((v = b64_value(a, (unsigned char)src[i])) < 0)
			return (size_t)-1;
		acc = ((acc << 6) | (uint32_t)v) & 0x3fff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dst[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return (size_t)-1;
	return o;
}
