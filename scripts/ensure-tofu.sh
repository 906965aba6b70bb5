#!/usr/bin/env bash
# Print the absolute path of an OpenTofu binary on stdout, building it when needed.
#
# Order: TOFU_PATH when set, then .bin/tofu-<version> built earlier, else build
# github.com/opentofu/opentofu@<version> (MPL-2.0) into .bin/ from the Go module proxy.
# <version> is TOFU_BUILD_VERSION, default tofu_version below: the release CI tests with, the
# one .github/workflows/test.yml installs for its OpenTofu leg (scripts/check-versions.sh fails
# when the two differ). A pin, not "the newest": a new OpenTofu release must not change what CI
# tests without a commit that says so.
#
# Why not `go install ...@version`: OpenTofu's go.mod has replace directives, which `go install`
# refuses for a module outside the main module. So the module is downloaded, copied into a
# scratch directory (the module cache is read-only) and built there as the main module.
# Building takes 5-15 minutes on a small machine; progress goes to stderr.
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
module=github.com/opentofu/opentofu
tofu_version=v1.12.6
version="${TOFU_BUILD_VERSION:-${tofu_version}}"

usable() {
  [[ -n "$1" && -x "$1" ]] && "$1" version >/dev/null 2>&1
}

# The environment may name a CLI config file that does not exist: OpenTofu then warns on every
# command, before its version line.
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  mkdir -p "${bin_dir}"
  : >>"${bin_dir}/terraformrc"
  export TF_CLI_CONFIG_FILE="${bin_dir}/terraformrc"
fi

if [[ -n "${TOFU_PATH:-}" ]]; then
  if usable "${TOFU_PATH}"; then
    realpath "${TOFU_PATH}"
    exit 0
  fi
  echo "ensure-tofu: TOFU_PATH=${TOFU_PATH} is not an executable tofu; unset it or fix the path" >&2
  exit 1
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ensure-tofu: no go toolchain to build OpenTofu with" >&2
  exit 1
fi

# build VERSION builds github.com/opentofu/opentofu@VERSION into .bin/tofu-VERSION.
build() {
  local version="$1" target="${bin_dir}/tofu-$1" dir work start
  mkdir -p "${bin_dir}"
  echo "ensure-tofu: building ${module}@${version} into ${target} (5-15 minutes) ..." >&2
  start=$(date +%s)
  if ! dir="$(cd "${bin_dir}" && GOFLAGS=-mod=mod go mod download -json "${module}@${version}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || [[ -z "${dir}" ]]; then
    echo "ensure-tofu: go mod download ${module}@${version} failed" >&2
    return 1
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/tofu-build.XXXXXX")" || return 1
  # The module cache is read-only: build in a writable copy.
  if ! cp -R "${dir}/." "${work}/" || ! chmod -R u+w "${work}"; then
    rm -rf "${work}"
    return 1
  fi
  # No VCS stamping: the copy is not a git checkout. version.dev=no is what OpenTofu's release
  # build sets; without it `tofu version` says 1.x.y-dev.
  if ! (cd "${work}" && GOFLAGS=-mod=mod go build -trimpath -buildvcs=false \
    -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "${target}.tmp" ./cmd/tofu >&2); then
    echo "ensure-tofu: building ${module}@${version} failed" >&2
    rm -rf "${work}" "${target}.tmp"
    return 1
  fi
  rm -rf "${work}"
  mv "${target}.tmp" "${target}"
  if ! usable "${target}"; then
    echo "ensure-tofu: ${target} was built but does not run" >&2
    return 1
  fi
  echo "ensure-tofu: built $("${target}" version | head -n 1) in $(($(date +%s) - start))s" >&2
}

target="${bin_dir}/tofu-${version}"
if usable "${target}"; then
  printf '%s\n' "${target}"
  exit 0
fi
build "${version}" || exit 1
printf '%s\n' "${target}"
