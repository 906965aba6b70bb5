package nova

import (
	"fmt"
	"strings"
)

// Warning is something an answer held that was tolerated but deserves a
// person's attention. Text names no candidate (no application id, scoring
// job id or score), so that the privacy-preserving reads can show it;
// Subject names the record it is about, for the full record only.
type Warning struct {
	// Subject names the record, such as `scoring job "sj-3"`; empty for
	// what is about the batch as a whole.
	Subject string
	// Text is a sentence about the record. It may name a field, a
	// sanitised unknown status word or counter values, never a candidate.
	Text string
}

// String is the warning as the full record shows it: subject and text.
func (w Warning) String() string {
	if w.Subject == "" {
		return w.Text
	}
	return w.Subject + ": " + w.Text
}

// Anonymous is the warning without its subject, for the reads that name no
// candidate: which kind of record it is about, and the text.
func (w Warning) Anonymous() string {
	switch kind := w.Kind(); {
	case kind == "":
		return w.Text
	case strings.HasSuffix(kind, "s"):
		return kind + ": " + w.Text
	case strings.ContainsRune("aeiou", rune(kind[0])):
		return "an " + kind + ": " + w.Text
	default:
		return "a " + kind + ": " + w.Text
	}
}

// Kind is what sort of record the warning is about ("scoring job",
// "scoring jobs", "applications"), without naming it; empty for a
// batch-level warning.
func (w Warning) Kind() string {
	if w.Subject == "" {
		return ""
	}
	for _, kind := range []string{"scoring jobs", "scoring job", "applications", "application"} {
		if strings.HasPrefix(w.Subject, kind) {
			return kind
		}
	}
	return "record"
}

// quotedPtr is an optional API string, sanitised and quoted; absent reads
// (no id).
func quotedPtr(s *string) string {
	if s == nil {
		return "(no id)"
	}
	return fmt.Sprintf("%q", sanitizePtr(s, ShortText))
}
