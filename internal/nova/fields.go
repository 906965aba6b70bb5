package nova

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// fieldReader reads the fields of one JSON object by name, and notes each
// field that is not of its documented type instead of failing the read: a
// field of the wrong type is no evidence, never a reason to lose the batch.
// Names match exactly, as the API documents them; a name sent twice, or a
// documented name spelt in another case ("Status"), is a doubt: either
// could carry what the documented field would have said.
type fieldReader struct {
	fields map[string]json.RawMessage
	// folded is every name sent, by its lower case.
	folded map[string][]string
	// doubts are sentences about fields that could not be used; they name
	// the field and what it was, never its value.
	doubts []string
}

// readFields reads an object; ok is false when raw is not a JSON object.
func readFields(raw json.RawMessage) (*fieldReader, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	f := &fieldReader{fields: map[string]json.RawMessage{}, folded: map[string][]string{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		if _, dup := f.fields[name]; dup {
			f.doubt(fmt.Sprintf("the field %q is sent more than once", Sanitize(name, ShortText)))
		}
		f.fields[name] = v
		key := strings.ToLower(name)
		f.folded[key] = append(f.folded[key], name)
	}
	return f, true
}

func (f *fieldReader) doubt(s string) { f.doubts = append(f.doubts, s) }

// value is the documented field's JSON when it was sent and is not null.
// Reading it notes a doubt for each other spelling of its name.
func (f *fieldReader) value(name string) (json.RawMessage, bool) {
	for _, other := range f.folded[strings.ToLower(name)] {
		if other != name {
			f.doubt(fmt.Sprintf("the field %q is not spelt as documented (%s)", Sanitize(other, ShortText), name))
		}
	}
	v, ok := f.fields[name]
	if !ok || jsonKind(v) == "null" {
		return nil, false
	}
	return v, true
}

// jsonKind names what a JSON value is, for a sentence.
func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "empty"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (f *fieldReader) wrongType(name string, v json.RawMessage, want string) {
	f.doubt(fmt.Sprintf("%s is %s, not %s; it is reported as null and not used as evidence", name, jsonKind(v), want))
}

func (f *fieldReader) str(name string) *string {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	var s string
	if jsonKind(v) != "a string" || json.Unmarshal(v, &s) != nil {
		f.wrongType(name, v, "a string")
		return nil
	}
	return &s
}

func (f *fieldReader) boolean(name string) *bool {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	var b bool
	if jsonKind(v) != "a boolean" || json.Unmarshal(v, &b) != nil {
		f.wrongType(name, v, "a boolean")
		return nil
	}
	return &b
}

// number reads a finite JSON number.
func (f *fieldReader) number(name string) *float64 {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	if jsonKind(v) != "a number" {
		f.wrongType(name, v, "a number")
		return nil
	}
	n, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		f.doubt(name + " is not a finite number; it is reported as null and not used as evidence")
		return nil
	}
	return &n
}

// count reads a whole number: 3 and 3.0 are both 3; 3.5, "3" and numbers
// beyond int64 are no evidence.
func (f *fieldReader) count(name string) *int64 {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	if jsonKind(v) != "a number" {
		f.wrongType(name, v, "a whole number")
		return nil
	}
	text := string(bytes.TrimSpace(v))
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return &n
	}
	x, err := strconv.ParseFloat(text, 64)
	// 2^63 itself is out of range; every float below it converts exactly.
	if err != nil || x != math.Trunc(x) || x >= math.Exp2(63) || x < -math.Exp2(63) {
		f.doubt(name + " is not a whole number in range; it is not used as evidence")
		return nil
	}
	n := int64(x)
	return &n
}

// timestamp reads a date-time; what is not one decodes as Invalid, for
// checkTimestamp to report.
func (f *fieldReader) timestamp(name string) *Timestamp {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	var ts Timestamp
	_ = ts.UnmarshalJSON(v) // never fails: a bad value is marked Invalid
	return &ts
}

// strList reads a list of strings; null or absent is an empty list.
func (f *fieldReader) strList(name string) []string {
	v, ok := f.value(name)
	if !ok {
		return []string{}
	}
	var list []string
	if jsonKind(v) != "a list" || json.Unmarshal(v, &list) != nil {
		f.wrongType(name, v, "a list of strings")
		return []string{}
	}
	return nonNil(list)
}

// list reads a JSON list of any values; ok is false when the field is
// absent or null, and a doubt is noted when it is not a list.
func (f *fieldReader) list(name string) ([]json.RawMessage, bool) {
	v, ok := f.value(name)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if jsonKind(v) != "a list" || json.Unmarshal(v, &items) != nil {
		f.doubt(fmt.Sprintf("%s is %s, not a list; it is not used as evidence", name, jsonKind(v)))
		return nil, false
	}
	return items, true
}

// object reads a nested object's fields; a doubt is noted when the field is
// sent but is not an object.
func (f *fieldReader) object(name string) (*fieldReader, bool) {
	v, ok := f.value(name)
	if !ok {
		return nil, false
	}
	o, ok := readFields(v)
	if !ok {
		f.wrongType(name, v, "an object")
		return nil, false
	}
	return o, true
}

// readBody reads a response body that must be one JSON object; the
// decoders of the batch and scoring-job answers start here.
func readBody(body []byte) (*fieldReader, error) {
	var raw json.RawMessage
	if err := decodeJSON(body, &raw); err != nil {
		return nil, err
	}
	top, ok := readFields(raw)
	if !ok {
		return nil, errors.New("the response is not a JSON object")
	}
	return top, nil
}

// decodeJSON decodes exactly one JSON value and nothing after it, so that a
// body with trailing garbage is not half-trusted.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("the response body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the response is not valid JSON of the expected shape: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the response has data after its JSON value")
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
