package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// tflogAdapter sends the client's request logs to Terraform's log. Masks set
// with tflog live on the context they were set on, and the client logs with
// the caller's context, so the key is masked again here on every call. The
// client cleans and bounds what it logs; every string field is bounded once
// more here (maxLogField), so that no field added later can flood the log.
type tflogAdapter struct {
	secret string
}

func (a tflogAdapter) mask(ctx context.Context) context.Context {
	if a.secret == "" {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, a.secret)
	return tflog.MaskAllFieldValuesStrings(ctx, a.secret)
}

func (a tflogAdapter) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(a.mask(ctx), msg, bounded(fields))
}

func (a tflogAdapter) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(a.mask(ctx), msg, bounded(fields))
}

func (a tflogAdapter) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(a.mask(ctx), msg, bounded(fields))
}

// maxLogField bounds one string field of a log line: a masked response body
// is the longest the client logs.
const maxLogField = 64 << 10

func bounded(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if s, ok := v.(string); ok {
			v = nova.Sanitize(s, maxLogField)
		}
		out[k] = v
	}
	return out
}
