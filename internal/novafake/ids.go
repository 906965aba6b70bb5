package novafake

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// newID returns a 25-character id shaped like Nova's cuids
// ("cmlz26em4002cwp61t7ukh3lb"): opaque, lower-case, starting with "c".
func newID() string {
	return "c" + strings.ToLower(rand.Text()[:24])
}

// newTraceID returns 32 lower-case hex characters, like X-Trace-Id.
func newTraceID() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return hex.EncodeToString(b)
}
