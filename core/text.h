/*
 * core/text.h - make attacker-controlled bytes safe to carry as text:
 * valid UTF-8, bounded length.
 */
#ifndef VIGIE_TEXT_H
#define VIGIE_TEXT_H

#include <stddef.h>

/*
 * Copies src into dst (dstlen > 0) as valid UTF-8: each invalid byte
 * becomes U+FFFD, NUL becomes U+FFFD, and the copy stops on a character
 * boundary before dstlen. Always NUL-terminates. Returns the bytes written.
 */
size_t	text_utf8_clean(const char *src, size_t len, char *dst, size_t dstlen);

/* Whether src is valid UTF-8 without NUL (what text_utf8_clean keeps). */
int	text_utf8_valid(const char *src, size_t len);
/*
 * Length of the valid UTF-8 character at src (n > 0 bytes left): 1 to 4,
 * or 0 if the byte there starts no valid character (NUL included).
 */
size_t	text_utf8_char(const char *src, size_t n);

#endif
