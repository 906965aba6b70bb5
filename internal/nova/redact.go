package nova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Response bodies are logged (at Trace) for debugging, and CI systems keep
// those logs as artifacts. A body holds candidates' personal data: their
// application ids, scoring job ids, scores, assessments and the error
// messages about their resumes. So a body is logged as its structure with
// only the values known to be about the batch or the request kept (statuses,
// counters, codes, timestamps, batch, job and criteria ids, trace ids), and
// every other string or number masked. The list is of what to keep, not of
// what to hide: a field Nova adds tomorrow (a candidate's name, say) is
// masked until someone decides it is safe.

// masked replaces a value in a logged body.
const masked = "(masked)"

// keptKeys are the members whose scalar values say nothing about a
// candidate, wherever they appear. Keys are compared in lower case, so
// "Status" and "STATUS" are kept and "Assessment" is masked like
// "assessment".
var keptKeys = map[string]bool{
	"status": true, "code": true, "errorcode": true, "reason": true, "type": true, "field": true,
	"traceid": true, "requestid": true, "retryable": true,
	"totaljobs": true, "completedjobs": true, "failedjobs": true, "pendingjobs": true,
	"createdat": true, "completedat": true, "queuedat": true, "startedat": true, "failedat": true, "archivedat": true,
	"jobid": true, "criteriaversionid": true, "version": true, "importance": true, "order": true,
}

// candidateObjects are the members whose objects describe one candidate: an
// "id" inside them is a scoring job's (or an application's), not a batch's.
var candidateObjects = map[string]bool{
	"scoringjob": true, "scoringjobs": true, "acceptedapplications": true, "rejectedapplications": true, "applications": true,
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
	out, err := json.Marshal(redactValue(v, ""))
	if err != nil {
		return fmt.Sprintf("(%d bytes, not logged: %v)", len(body), err)
	}
	return string(out)
}

// redactValue masks v, the value of the member named key (lower case; ""
// at top level). Objects and arrays keep their shape; null and booleans say
// nothing about a candidate and are kept.
func redactValue(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, member := range t {
			t[k] = redactMember(member, strings.ToLower(k), key)
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i], key)
		}
		return t
	case nil, bool:
		return t
	default:
		if keptKeys[key] {
			return t
		}
		return masked
	}
}

// redactMember masks the member key of an object that is (an element of)
// the member parent.
func redactMember(v any, key, parent string) any {
	switch {
	case key == "id" && !candidateObjects[parent]:
		// A batch's, a criteria version's or a criterion's id.
		return keepScalar(v, key)
	case key == "text" && parent == "criteria":
		// A criterion's text is the hiring team's, not a candidate's.
		return keepScalar(v, key)
	}
	return redactValue(v, key)
}

// keepScalar keeps a string or number; an object or array in its place is
// walked like any other.
func keepScalar(v any, key string) any {
	switch v.(type) {
	case map[string]any, []any:
		return redactValue(v, key)
	}
	return v
}
