// The C surface of include/CRE2.h over RE2's C++ class.
#include "CRE2.h"

#include <re2/re2.h>

#include <vector>

struct osprey_re2 {
    re2::RE2 regex;

    osprey_re2(const char *pattern, size_t length, const re2::RE2::Options &options)
        : regex(re2::StringPiece(pattern, length), options) {}
};

static re2::RE2::Options goOptions() {
    re2::RE2::Options options;
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_posix_syntax(false);  // Perl classes, \b, \pL, non-greedy operators, as Go.
    options.set_longest_match(false);  // Go's leftmost-first, not POSIX leftmost-longest.
    options.set_dot_nl(false);  // `.` does not match `\n` unless the pattern says `(?s)`.
    options.set_never_nl(false);
    options.set_case_sensitive(true);
    options.set_literal(false);
    options.set_log_errors(false);  // Errors go back to the caller, not to stderr.
    // Go sets no size budget; RE2's default 8 MiB refuses alternations of some thousands of
    // values, which dashboards send. The DFA cache takes a share, grown only as a search needs
    // it; past it RE2 falls back to its NFA, still linear.
    options.set_max_mem(int64_t(32) << 20);
    return options;
}

extern "C" {

osprey_re2 *osprey_re2_new(const char *pattern, size_t length) {
    static const re2::RE2::Options options = goOptions();
    // No C++ exception may cross into Swift; running out of memory answers NULL instead.
    try {
        return new osprey_re2(pattern == nullptr ? "" : pattern, length, options);
    } catch (...) {
        return nullptr;
    }
}

void osprey_re2_free(osprey_re2 *regex) { delete regex; }

int osprey_re2_error_code(const osprey_re2 *regex) { return regex->regex.error_code(); }

const char *osprey_re2_error_arg(const osprey_re2 *regex, size_t *length) {
    const std::string &arg = regex->regex.error_arg();
    *length = arg.size();
    return arg.data();
}

int osprey_re2_group_count(const osprey_re2 *regex) { return regex->regex.NumberOfCapturingGroups(); }

const char *osprey_re2_group_name(const osprey_re2 *regex, int index, size_t *length) {
    const std::map<int, std::string> &names = regex->regex.CapturingGroupNames();
    auto found = names.find(index);
    if (found == names.end()) {
        *length = 0;
        return nullptr;
    }
    *length = found->second.size();
    return found->second.data();
}

int osprey_re2_match(
    const osprey_re2 *regex, const char *text, size_t length, size_t start, osprey_re2_anchor anchor,
    long *offsets, int groups) {
    if (!regex->regex.ok() || start > length) return 0;
    // With a NULL text an empty group could not be told from one that took no part.
    static const char empty = 0;
    const char *base = text == nullptr ? &empty : text;
    re2::StringPiece subject(base, length);
    re2::RE2::Anchor re2Anchor = anchor == OSPREY_RE2_ANCHOR_BOTH ? re2::RE2::ANCHOR_BOTH
        : anchor == OSPREY_RE2_ANCHOR_START ? re2::RE2::ANCHOR_START : re2::RE2::UNANCHORED;
    if (groups <= 0) {
        return regex->regex.Match(subject, start, length, re2Anchor, nullptr, 0) ? 1 : 0;
    }
    re2::StringPiece small[8];
    std::vector<re2::StringPiece> large;
    re2::StringPiece *submatch = small;
    if (groups > 8) {
        try {
            large.resize(size_t(groups));
        } catch (...) {
            return 0;
        }
        submatch = large.data();
    }
    if (!regex->regex.Match(subject, start, length, re2Anchor, submatch, groups)) return 0;
    for (int group = 0; group < groups; group++) {
        const re2::StringPiece &piece = submatch[group];
        if (piece.data() == nullptr) {
            offsets[2 * group] = -1;
            offsets[2 * group + 1] = -1;
        } else {
            offsets[2 * group] = long(piece.data() - base);
            offsets[2 * group + 1] = long(piece.data() - base + piece.size());
        }
    }
    return 1;
}

}
