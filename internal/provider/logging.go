package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogAdapter sends the client's request logs to Terraform's log. Masks set
// with tflog live on the context they were set on, and the client logs with
// the caller's context, so the key is masked again here on every call.
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
	tflog.Info(a.mask(ctx), msg, fields)
}

func (a tflogAdapter) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(a.mask(ctx), msg, fields)
}

func (a tflogAdapter) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(a.mask(ctx), msg, fields)
}
