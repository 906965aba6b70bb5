package nova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Timestamp is a date-time exactly as the API sent it. The text is kept, not
// re-rendered, so that fractional seconds and the offset Nova chose survive
// into state. A value that is not an RFC 3339 date-time does not fail the
// whole read: it decodes with Malformed set, and normalisation turns it into
// a warning on that one field and a null.
type Timestamp struct {
	Text string    // as received; empty when Invalid
	Time time.Time // parsed from Text
	// Invalid is set when what arrived was not a date-time; Malformed holds
	// it, sanitised for the warning. A flag and not Malformed != "": an
	// empty string is malformed too, and must not pass as a date.
	Invalid   bool
	Malformed string
}

// ParseTimestamp reads an RFC 3339 date-time, with or without fractional
// seconds.
func ParseTimestamp(s string) (*Timestamp, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an RFC 3339 date-time: %w", Sanitize(s, 64), err)
	}
	return &Timestamp{Text: s, Time: t}, nil
}

// UnmarshalJSON never fails, so that one bad field cannot cost the batch.
// JSON null never reaches it: a *Timestamp stays nil for null.
func (ts *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		*ts = Timestamp{Invalid: true, Malformed: Sanitize(string(bytes.TrimSpace(b)), 64)}
		return nil //nolint:nilerr // reported as a warning by normalisation instead
	}
	parsed, err := ParseTimestamp(s)
	if err != nil {
		*ts = Timestamp{Invalid: true, Malformed: Sanitize(s, 64)}
		return nil //nolint:nilerr // reported as a warning by normalisation instead
	}
	*ts = *parsed
	return nil
}

// checkTimestamp turns a malformed timestamp into nil and returns a
// sentence naming the field (never its value: the privacy-preserving reads
// show it too), or "" when the timestamp is absent or valid.
func checkTimestamp(ts **Timestamp, field string) string {
	if *ts == nil || !(*ts).Invalid {
		return ""
	}
	empty := (*ts).Malformed == ""
	*ts = nil
	if empty {
		return field + " is empty, not an RFC 3339 date-time; it is reported as null and not used as evidence"
	}
	return field + " is not an RFC 3339 date-time; it is reported as null and not used as evidence"
}
