package nova

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds for Sanitize: ShortText for codes, ids, statuses and other single
// tokens; LongText for messages a person reads.
const (
	ShortText = 128
	LongText  = 1024
)

// Sanitize is the one gate between text Nova sent and anything a person
// reads: diagnostics, warnings and log lines. Every API string (error codes,
// messages, statuses, ids, header values) passes through it before it is put
// in one, so that a hostile or broken server cannot rewrite the user's
// terminal or forge lines in a CI log, and cannot flood either.
//
// It removes every control character (C0, DEL and C1: ESC, CR and NUL
// included) and the Unicode bidirectional controls, which can make a
// terminal show text in a different order than it is. Newlines and tabs
// become spaces: the only line breaks in a diagnostic are the provider's
// own. Invalid UTF-8 becomes U+FFFD. The result is at most limit bytes plus
// a note that says it was truncated and how long the text was, cut on a rune
// boundary.
//
// strings.Map and unicode cover this; no library in the module graph does
// the whole job (x/text's secure/precis profiles reject rather than clean,
// and pull a dependency in for one function).
func Sanitize(s string, limit int) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(clean) <= limit {
		return clean
	}
	cut := max(limit, 0)
	for cut > 0 && !utf8.RuneStart(clean[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (truncated: %d bytes in all)", clean[:cut], len(clean))
}

// sanitizePtr is Sanitize for an optional field; absent reads "(none)".
func sanitizePtr(s *string, limit int) string {
	if s == nil {
		return "(none)"
	}
	return Sanitize(*s, limit)
}
