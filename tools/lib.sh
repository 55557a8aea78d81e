# Sourced by the project's shell tools: how they report, and where they cache.
# shellcheck shell=bash

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

# Everything downloaded or built lives here, outside the repository.
# shellcheck disable=SC2034  # used by the scripts that source this file
cache_root=${IOMMUFD_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-conformance}
