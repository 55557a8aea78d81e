#!/usr/bin/env bash
# The suite on several backends, each into its own reports folder, then their
# combined rule x backend matrix in reports/all/ (report.html, rules.html,
# summary.md, matrix.json, a badge per backend).
#
#   tools/conformance-all.sh [BACKEND...]     (default: reference kernel kernel-6.12)
#
# reference -> reports/reference/, kernel -> reports/kernel-7.3/, kernel-N -> reports/kernel-N/,
# anything else -> reports/<name with unsafe characters as _>/. When the reference engine is
# not among them, the combined matrix takes the reference run of `npm run conformance`
# (reports/messages.ndjson) if there is one, as in CI after `npm test`.
# Every backend runs even when an earlier one fails; the exit status is the worst one.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ $# -gt 0 ] || set -- reference kernel kernel-6.12
status=0
combine=()
has_reference=0
for b in "$@"; do
  case "$b" in
    kernel) dir=reports/kernel-7.3 ;;
    *) dir="reports/$(printf '%s' "$b" | tr -c 'A-Za-z0-9._-' _)" ;;
  esac
  [ "$b" = reference ] && has_reference=1
  echo "== $b -> $dir"
  node bin/iommufd-conform.mjs run --backend "$b" --reports "$dir"
  rc=$?
  # 0: passed, 1: failures (reported); 2 and above: the run did not happen or was cut short.
  [ $rc -le 1 ] && combine+=("$dir")
  [ $rc -gt $status ] && status=$rc
done
if [ $has_reference = 0 ] && [ -f reports/messages.ndjson ]; then combine=(reports "${combine[@]}"); fi
if [ ${#combine[@]} -gt 0 ]; then
  echo "== combined matrix of ${combine[*]} -> reports/all"
  node bin/iommufd-conform.mjs report --out reports/all "${combine[@]}" || { rc=$?; [ $rc -gt $status ] && status=$rc; }
fi
exit $status
