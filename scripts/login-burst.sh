#!/usr/bin/env bash
# scripts/login-burst.sh: the memory of a burst of concurrent logins against the real binary.
# Starts `stackd serve` on a fresh SQLite folder with the production password cost, sends N
# concurrent logins (half right, half wrong passwords, for N different users so the lockout does
# not cut the burst short), each retried on 429 as the SDKs do (Retry-After), so that every login
# is evaluated even on a slow machine, and prints the peak RSS (VmHWM) of the process, the final
# statuses and how many 429s were answered on the way.
#   bash scripts/login-burst.sh [N] [extra serve flags...]
# e.g. bash scripts/login-burst.sh 32
#      bash scripts/login-burst.sh 32 --hash-concurrency 4 --memory-limit off
set -euo pipefail
n=${1:-32}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
bin="$work/stackd"
(cd "$root" && go build -o "$bin" ./cmd/stackd)
source "$root/scripts/pg.sh" >/dev/null 2>&1 || true
port=$(free_port 18180)
cda=$(free_port $((port + 1)))
"$bin" serve --data "$work/data" --addr "127.0.0.1:$port" --cda-addr "127.0.0.1:$cda" \
  --owner-email owner@example.com --owner-password 'Owner-passw0rd' "$@" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
for i in $(seq "$n"); do
  "$bin" user add --data "$work/data" --email "u$i@example.com" --password 'User-passw0rd' >/dev/null
done
rss() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$pid/status"; }
echo "before the burst: RSS $(rss VmRSS) MiB"
curls=()
for i in $(seq "$n"); do
  pw='User-passw0rd'
  [ $((i % 2)) -eq 0 ] && pw="Wrong-passw0rd-$i"
  curl -s -o "$work/body.$i" -w '%{http_code}\n' --retry 60 --retry-max-time 600 -H 'Content-Type: application/json' \
    -d "{\"user\":{\"email\":\"u$i@example.com\",\"password\":\"$pw\"}}" \
    "http://127.0.0.1:$port/v3/user-session" >>"$work/codes" 2>>"$work/curlerr" || echo "curl exit $?" >>"$work/curlerr" &
  curls+=($!)
done
start=$(date +%s.%N)
wait "${curls[@]}" || true
end=$(date +%s.%N)
echo "burst of $n logins: $(sort "$work/codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')in $(echo "$end - $start" | bc) s"
echo "429 answers on the way (then retried): $(grep -c '"msg":"request".*"status":429' "$work/err" || true)"
[ -s "$work/curlerr" ] && sort "$work/curlerr" | uniq -c
echo "peak RSS (VmHWM) $(rss VmHWM) MiB; RSS after $(rss VmRSS) MiB; flags: ${*:-(defaults)}"
