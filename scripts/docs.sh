#!/usr/bin/env bash
# `make docs` and `make docs-validate`: tfplugindocs generate or validate, with the provider's schema
# taken from a CLI that knows every kind of object the provider has.
#
# tfplugindocs reads the schema from `terraform providers schema -json`. Terraform before 1.10 leaves
# ephemeral resources out of it, and tfplugindocs then fails on their pages ("ephemeral resource ...
# does not exist"). That is the Terraform a machine without one gets (scripts/ensure-terraform.sh
# builds 1.5.7, the newest that builds from the module proxy), so on such a CLI the schema is exported
# with OpenTofu instead (scripts/ensure-tofu.sh: on PATH, in .bin/, or built once) and handed to
# tfplugindocs with --providers-schema. Both CLIs export the same schema from the same provider
# binary; docs-check on a machine with Terraform 1.11 proves the pages equal.
#
#   scripts/docs.sh generate|validate
set -euo pipefail

cmd="${1:?usage: scripts/docs.sh generate|validate}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
tfplugindocs=(go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0)

tf="$(scripts/ensure-terraform.sh)"
minor="$("${tf}" version | sed -n '1s/^Terraform v1\.\([0-9][0-9]*\)\..*/\1/p')"
if [[ -z "${minor}" || "${minor}" -ge 10 ]]; then
  PATH="$(dirname "${tf}"):${PATH}" exec "${tfplugindocs[@]}" "${cmd}" --provider-name nova
fi

echo "==> $("${tf}" version | head -n 1) exports no ephemeral resources; exporting the schema with OpenTofu" >&2
tofu="$(scripts/ensure-tofu.sh)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
go build -trimpath -o "${work}/bin/terraform-provider-nova" .
# tfplugindocs looks the schema up as registry.terraform.io/hashicorp/<name>.
cat >"${work}/tofurc" <<RC
provider_installation {
  dev_overrides { "registry.terraform.io/hashicorp/nova" = "${work}/bin" }
  direct {}
}
RC
mkdir "${work}/cfg"
cat >"${work}/cfg/main.tf" <<'HCL'
terraform {
  required_providers {
    nova = { source = "registry.terraform.io/hashicorp/nova" }
  }
}
HCL
(cd "${work}/cfg" && TF_CLI_CONFIG_FILE="${work}/tofurc" "${tofu}" providers schema -json) >"${work}/schema.json"
"${tfplugindocs[@]}" "${cmd}" --provider-name nova --providers-schema "${work}/schema.json"
