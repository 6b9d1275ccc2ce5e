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

#endif
