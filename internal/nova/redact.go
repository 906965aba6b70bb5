package nova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Response bodies are logged (at Trace) for debugging, and CI systems keep
// those logs as artifacts. A body holds candidates' personal data: their
// application ids, scoring job ids, scores, assessments and the error
// messages about their resumes. So a body is logged as its structure with
// only the values known to be about the batch or the request kept, and
// everything else masked.
//
// The rule is an allow-list by full path: a value is kept only when its
// member is listed for the object it sits in (a scoring job's "status", a
// batch's "id"), and only when it is a scalar. The same key elsewhere is not
// trusted: an "id" inside an object the list does not know may be anyone's.
// A member the list does not know is masked whole, object or array alike,
// and so is its name (an object keyed by application ids or e-mail
// addresses would otherwise log them): unknown members are logged as a
// count. A field Nova adds tomorrow is masked until someone decides it is
// safe.

// masked replaces a value in a logged body.
const masked = "(masked)"

// unknownMembers is the member that counts an object's unknown members.
const unknownMembers = "(unknown members)"

// bodyShape is what the log may show of one kind of object. Member names
// are compared in lower case, so "Status" and "STATUS" are kept and
// "Assessment" is masked like "assessment".
type bodyShape struct {
	// keep are the members whose scalar values say nothing about a
	// candidate.
	keep []string
	// mask are members that are known but hold candidate data: their name
	// is shown, their value masked (null stays null).
	mask []string
	// nested are members that hold an object, or a list of objects, of the
	// named shape.
	nested map[string]string
}

// bodyShapes are the objects of Nova's responses (CONTRACT.md, Batches,
// Scoring jobs, Criteria versions and Errors),
// by name; "" is the top level, where every response shape starts: a batch
// ({"batch", "scoringJobs", "rejectedApplications"}), a job
// ({"scoringJob"}), an error (flat or under "error") and a criteria version
// (at top level or under "criteriaVersion").
var bodyShapes = map[string]bodyShape{
	"": {
		keep: []string{"code", "type", "status", "retryable", "traceid", "requestid", "id", "version", "createdat", "archivedat"},
		mask: []string{"message", "title", "detail"},
		nested: map[string]string{
			"batch": "batch", "scoringjobs": "job", "scoringjob": "job", "rejectedapplications": "rejected",
			"error": "error", "details": "detail", "criteriaversion": "criteria version", "criteria": "criterion",
		},
	},
	"batch": {keep: []string{"id", "jobid", "status", "totaljobs", "completedjobs", "failedjobs", "pendingjobs", "createdat", "completedat"}},
	"job": {
		keep: []string{"jobid", "criteriaversionid", "status", "isrescore", "errorcode", "queuedat", "startedat", "completedat", "failedat"},
		mask: []string{"id", "applicationid", "score", "assessment", "errormessage"},
	},
	"rejected":         {mask: []string{"applicationid"}, nested: map[string]string{"error": "rejection"}},
	"rejection":        {keep: []string{"reason", "code"}, mask: []string{"message"}},
	"error":            {keep: []string{"code", "type", "status", "retryable", "traceid", "requestid"}, mask: []string{"message", "title", "detail"}, nested: map[string]string{"details": "detail"}},
	"detail":           {keep: []string{"field", "code"}, mask: []string{"message"}},
	"criteria version": {keep: []string{"id", "version", "status", "createdat", "archivedat"}, nested: map[string]string{"criteria": "criterion"}},
	// A criterion's text is the hiring team's, not a candidate's.
	"criterion": {keep: []string{"id", "text", "importance", "order"}},
}

// redactBody renders a response body for the log with every candidate value
// masked. A body that is not JSON cannot be searched reliably (a truncated
// one may still hold an assessment), so only its size is logged.
func redactBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep kept numbers exactly as sent
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("(%d bytes, not logged: not JSON, so candidate data could not be masked)", len(body))
	}
	out, err := json.Marshal(redactObject(v, ""))
	if err != nil {
		return fmt.Sprintf("(%d bytes, not logged: %v)", len(body), err)
	}
	return string(out)
}

// redactObject renders v, which should be an object of the named shape (or
// a list of them); anything else in its place is masked whole.
func redactObject(v any, shapeName string) any {
	switch t := v.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = redactObject(e, shapeName)
		}
		return out
	case map[string]any:
		shape := bodyShapes[shapeName]
		out := make(map[string]any, len(t))
		unknown := 0
		for k, member := range t {
			key := strings.ToLower(k)
			switch {
			case slices.Contains(shape.keep, key):
				out[k] = keptScalar(member)
			case slices.Contains(shape.mask, key):
				if member == nil {
					out[k] = nil
				} else {
					out[k] = masked
				}
			case shape.nested[key] != "":
				out[k] = redactObject(member, shape.nested[key])
			default:
				unknown++
			}
		}
		if unknown > 0 {
			out[unknownMembers] = unknown
		}
		return out
	case nil:
		return nil
	default:
		return masked
	}
}

// keptScalar keeps a string, number, boolean or null; an object or array in
// a scalar's place is masked whole.
func keptScalar(v any) any {
	switch t := v.(type) {
	case string:
		return Sanitize(t, LongText)
	case json.Number, bool, nil:
		return t
	}
	return masked
}
