#!/usr/bin/env bash
# Print the absolute path of a usable terraform binary on stdout.
#
# Order: an explicit TF_ACC_TERRAFORM_PATH (for example an OpenTofu binary),
# then `terraform` on PATH, then .bin/terraform in the repository, else build
# terraform v1.5.7 (MPL-2.0) into .bin/ from the Go module proxy (2-5 minutes,
# no other network access needed). Progress messages go to stderr.
#
# Never sets TF_ACC_TERRAFORM_VERSION: that would download from releases.hashicorp.com.
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
build_version="${TERRAFORM_BUILD_VERSION:-v1.5.7}"

usable() {
  [[ -n "$1" && -x "$1" ]] && CHECKPOINT_DISABLE=1 "$1" version >/dev/null 2>&1
}

abs_path() {
  if command -v realpath >/dev/null 2>&1; then
    realpath "$1"
  else
    (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")")
  fi
}

# 0. An explicit choice wins; a broken one is an error, not silently replaced.
if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  if usable "${TF_ACC_TERRAFORM_PATH}"; then
    abs_path "${TF_ACC_TERRAFORM_PATH}"
    exit 0
  fi
  echo "ensure-terraform: TF_ACC_TERRAFORM_PATH=${TF_ACC_TERRAFORM_PATH} is not an executable terraform (or tofu); unset it or fix the path" >&2
  exit 1
fi

# 1. terraform on PATH.
if on_path="$(command -v terraform 2>/dev/null)" && usable "${on_path}"; then
  abs_path "${on_path}"
  exit 0
fi

# 2. A terraform built earlier into .bin/.
if usable "${bin_dir}/terraform"; then
  printf '%s\n' "${bin_dir}/terraform"
  exit 0
fi

# 3. Build one from the Go module proxy.
if ! command -v go >/dev/null 2>&1; then
  echo "ensure-terraform: no terraform on PATH or in ${bin_dir}, and no go toolchain to build one" >&2
  exit 1
fi
mkdir -p "${bin_dir}"
echo "ensure-terraform: terraform not found; building github.com/hashicorp/terraform@${build_version} into ${bin_dir} (takes 2-5 minutes) ..." >&2
start=$(date +%s)
# GOFLAGS=-mod=mod: `go install pkg@version` ignores the current module anyway, but an
# inherited -mod=vendor would break it.
if ! (cd "${bin_dir}" && GOFLAGS=-mod=mod GOBIN="${bin_dir}" go install "github.com/hashicorp/terraform@${build_version}" >&2); then
  echo "ensure-terraform: building terraform ${build_version} failed" >&2
  exit 1
fi
if ! usable "${bin_dir}/terraform"; then
  echo "ensure-terraform: ${bin_dir}/terraform was built but does not run" >&2
  exit 1
fi
echo "ensure-terraform: built $("${bin_dir}/terraform" version | head -n 1) in $(( $(date +%s) - start ))s" >&2
printf '%s\n' "${bin_dir}/terraform"
