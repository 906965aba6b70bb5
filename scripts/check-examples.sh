#!/usr/bin/env bash
# `make examples-check`: every directory under examples/ must pass `terraform fmt -check` and
# `terraform validate` against the local build of the provider (dev_overrides, no init).
#
# Example fragments for the docs (examples/data-sources/..., examples/provider) may omit
# `required_providers`; for validation a copy gets one naming dweet/nova, so that the
# unqualified `nova` provider does not resolve to hashicorp/nova.
#
# Directories with `ephemeral` blocks need Terraform 1.10+ or OpenTofu 1.11+; on an older CLI
# they are only format-checked, and listed as skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
cd "${root}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nova-examples.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

tf="$("${root}/scripts/ensure-terraform.sh")"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_CLI_CONFIG_FILE="${tmp}/terraformrc"
cat >"${TF_CLI_CONFIG_FILE}" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/dweet/nova" = "${bin_dir}"
  }
  direct {}
}
EOF

# Whether this CLI has ephemeral resources (Terraform 1.10, OpenTofu 1.11).
tf_first_line="$("${tf}" version 2>/dev/null | sed -n 1p)"
tf_minor="$(sed -nE 's/^[^0-9]*v?1\.([0-9]+)\..*/\1/p' <<<"${tf_first_line}")"
ephemeral_minimum=10
[[ "${tf_first_line}" == OpenTofu* ]] && ephemeral_minimum=11
has_ephemeral=yes
if [[ -n "${tf_minor}" ]] && ((tf_minor < ephemeral_minimum)); then
  has_ephemeral=""
fi
echo "==> ${tf_first_line}"

echo "==> terraform fmt -check -recursive examples"
if ! "${tf}" fmt -check -recursive -diff examples; then
  echo "examples are not formatted: run 'make fmt'" >&2
  exit 1
fi

echo "==> go build the provider into .bin/ for dev_overrides"
mkdir -p "${bin_dir}"
go build -trimpath -ldflags "-X main.version=examples" -o "${bin_dir}/terraform-provider-nova" .

failures=0
count=0
skipped=0
while IFS= read -r dir; do
  count=$((count + 1))
  rel="${dir#./}"
  if [[ -z "${has_ephemeral}" ]] && grep -qsE '^[[:space:]]*ephemeral[[:space:]]+"' "${dir}"/*.tf; then
    echo "skip  ${rel} (ephemeral resources need Terraform 1.10+ or OpenTofu 1.11+; this is ${tf_first_line})"
    skipped=$((skipped + 1))
    continue
  fi
  work="${tmp}/work/${rel}"
  mkdir -p "${work}"
  cp "${dir}"/*.tf "${work}/"
  # A module's `terraform test` files and mock data: `terraform validate` checks them too
  # (Terraform 1.6+; older versions ignore them).
  for sub in tests mocks; do
    if [[ -d "${dir}/${sub}" ]]; then
      cp -R "${dir}/${sub}" "${work}/${sub}"
    fi
  done
  if ! grep -qs 'required_providers' "${work}"/*.tf; then
    cat >"${work}/zz_required_providers.tf" <<'EOF'
terraform {
  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}
EOF
  fi
  if out="$("${tf}" -chdir="${work}" validate -no-color 2>&1)"; then
    echo "ok    ${rel}"
  else
    echo "FAIL  ${rel}"
    sed 's/^/      /' <<<"${out}"
    failures=$((failures + 1))
  fi
done < <(find ./examples -name '*.tf' -exec dirname {} \; | sort -u)

if [[ "${count}" -eq 0 ]]; then
  echo "no example directories found under examples/" >&2
  exit 1
fi
if [[ "${failures}" -gt 0 ]]; then
  echo "${failures} of ${count} example directories failed terraform validate" >&2
  exit 1
fi
if [[ "${skipped}" -gt 0 ]]; then
  echo "all ${count} example directories are formatted; $((count - skipped)) are valid and ${skipped} could not be validated on this CLI"
else
  echo "all ${count} example directories are formatted and valid"
fi
