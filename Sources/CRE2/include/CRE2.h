// A C surface over RE2, the linear-time engine behind Go's regexp, for Swift: compile a pattern,
// search or match bytes, read the groups of a match, free. Offsets are bytes into the text.
#ifndef OSPREY_CRE2_H
#define OSPREY_CRE2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct osprey_re2 osprey_re2;

/// Where a match must lie: anywhere, starting at the search start, or spanning it to the end.
typedef enum {
    OSPREY_RE2_UNANCHORED = 0,
    OSPREY_RE2_ANCHOR_START = 1,
    OSPREY_RE2_ANCHOR_BOTH = 2,
} osprey_re2_anchor;

/// Compiles `length` bytes of UTF-8 with Go's defaults: Perl classes, `.` not matching `\n`,
/// leftmost-first (never POSIX longest) matches. NULL only when memory ran out; otherwise check
/// `osprey_re2_error_code`.
osprey_re2 *osprey_re2_new(const char *pattern, size_t length);

void osprey_re2_free(osprey_re2 *regex);

/// 0 when the pattern compiled, else RE2's `ErrorCode`.
int osprey_re2_error_code(const osprey_re2 *regex);

/// The part of the pattern the error is about; valid until `osprey_re2_free`.
const char *osprey_re2_error_arg(const osprey_re2 *regex, size_t *length);

/// The number of capturing groups, not counting the whole match.
int osprey_re2_group_count(const osprey_re2 *regex);

/// The name of group `index` (1-based), NULL for an unnamed group; valid until `osprey_re2_free`.
const char *osprey_re2_group_name(const osprey_re2 *regex, int index, size_t *length);

/// Searches `text[start..<length]`, the bytes before `start` counting as context for `^` and
/// `\b`. On a match returns 1 and writes `offsets[2*i]`, `offsets[2*i+1]` for the first `groups`
/// groups (group 0 is the whole match), -1 for a group that took no part.
int osprey_re2_match(
    const osprey_re2 *regex, const char *text, size_t length, size_t start, osprey_re2_anchor anchor,
    long *offsets, int groups);

#ifdef __cplusplus
}
#endif

#endif
