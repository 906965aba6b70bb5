package novafake

import (
	"net/http"
	"strings"
)

const (
	prefixTest = "sk_test_"
	prefixLive = "sk_live_"
)

// parseBearer returns the token and its environment when the header carries
// a well-formed Nova key; otherwise "" and "".
func parseBearer(header string) (string, Env) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.ContainsAny(token, " \t") {
		return "", ""
	}
	switch {
	case len(token) > len(prefixTest) && strings.HasPrefix(token, prefixTest):
		return token, EnvSandbox
	case len(token) > len(prefixLive) && strings.HasPrefix(token, prefixLive):
		return token, EnvProduction
	}
	return "", ""
}

func (s *Server) authenticate(x *exchange) *apiError {
	known := x.key != ""
	if known && s.cfg.apiKeys != nil {
		known = s.cfg.apiKeys[x.key] || s.cfg.forbidden[x.key]
	}
	if known {
		return nil
	}
	return &apiError{
		status:  http.StatusUnauthorized,
		code:    "UNAUTHORIZED",
		message: "Invalid or missing API key",
	}
}

// maskAuthorization keeps what the Nova portal shows of a key
// ("sk_live_****7f3a") so that the request log never holds a secret.
func maskAuthorization(header string) string {
	if header == "" {
		return ""
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "****"
	}
	for _, prefix := range []string{prefixTest, prefixLive} {
		secret, found := strings.CutPrefix(token, prefix)
		if !found {
			continue
		}
		// Showing the last 4 of a very short secret would show most of it.
		if len(secret) > 4 {
			return "Bearer " + prefix + "****" + secret[len(secret)-4:]
		}
		return "Bearer " + prefix + "****"
	}
	return "Bearer ****"
}
