#!/usr/bin/env bash
# Sets up InfluxDB 1.x for kraken-arb. Idempotent: run it as often as you like; it drops data only
# when asked with --drop-database.
#
#   scripts/setup_influxdb.sh [--env-file PATH] [--drop-database] [--backfill DURATION]
#
# Reads .env (or --env-file) and the environment; the environment wins. Variables:
#   INFLUXDB_HOST (default 127.0.0.1)  INFLUXDB_PORT (default 8086)  INFLUXDB_PROTOCOL (http|https, default http)
#   DB_NAME (default kraken_arb)
#   DB_ADMIN_USER  DB_ADMIN_PASSWORD  DB_USER  DB_PASSWORD             (required)
#   RP_NAME (default kraken_arb_rp)  RP_DURATION (default 30d; INF = keep forever)
#
# It creates: the database; the admin user (all privileges); the regular user (read and write on the
# database); the retention policy RP_NAME for RP_DURATION as the database's DEFAULT policy, so the
# writer's points land where the continuous queries read (the original system made the policy but not the
# default, and its aggregates missed most data: docs/design-decisions.md, defect 11); and one continuous query per latency/speed measurement with
# count, mean, min, max and p01…p99 per 5-minute window into <measurement>_aggregates.
# --backfill DURATION runs the same queries once over the last DURATION (e.g. 7d) of existing data.
#
# Needs curl. Passwords go to curl on stdin (never on a command line) and never to the output.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

env_file=.env
drop=0
backfill=
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) env_file=${2:?--env-file needs a path}; shift 2 ;;
    --drop-database) drop=1; shift ;;
    --backfill) backfill=${2:?--backfill needs a duration like 7d}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup_influxdb: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# .env is parsed, never sourced: it is data, not code. A variable already set in the environment wins.
if [ -f "$env_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in ''|'#'*) continue ;; esac
    line=${line#export }
    key=${line%%=*}
    val=${line#*=}
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    # strip one pair of matching surrounding quotes
    if [[ "$val" =~ ^\"(.*)\"$ ]] || [[ "$val" =~ ^\'(.*)\'$ ]]; then val=${BASH_REMATCH[1]}; fi
    if [ -z "${!key+x}" ]; then printf -v "$key" '%s' "$val"; fi
  done < "$env_file"
fi

host=${INFLUXDB_HOST:-127.0.0.1}
port=${INFLUXDB_PORT:-8086}
protocol=${INFLUXDB_PROTOCOL:-http}
rp=${RP_NAME:-kraken_arb_rp}
rp_duration=${RP_DURATION:-30d}
missing=()
for v in DB_ADMIN_USER DB_ADMIN_PASSWORD DB_USER DB_PASSWORD; do
  [ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup_influxdb: missing settings: ${missing[*]} (set them in $env_file or the environment)" >&2
  exit 2
fi
db=${DB_NAME:-kraken_arb}
# Durations go into InfluxQL unquoted: accept only InfluxQL duration literals.
duration_re='^([0-9]+(ns|u|µ|ms|s|m|h|d|w))+$'
if ! [[ "$rp_duration" =~ $duration_re || "$rp_duration" == INF ]]; then
  echo "setup_influxdb: RP_DURATION must be an InfluxQL duration such as 30d or INF, got: $rp_duration" >&2; exit 2
fi
if [ -n "$backfill" ] && ! [[ "$backfill" =~ $duration_re ]]; then
  echo "setup_influxdb: --backfill needs a duration such as 7d, got: $backfill" >&2; exit 2
fi
base="$protocol://$host:$port"

# The latency and speed measurements and the field each aggregates; keep in step with
# src/metrics/measurements.ts (latencyMeasurements), which a test checks.
cq_specs=(
  "kraken_ingestion_latency:latency:pair"
  "arbitrage_evaluation_speed:duration:"
  "listener_loop_speed:duration:"
  "trade_message_receive_speed:duration:"
)

ident() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
strlit() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "'%s'" "$s"; }
curlconf() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# query STATEMENT [noauth] → prints the JSON body; returns 1 on an HTTP or statement error.
last_error=
query() {
  local out code body
  out=$(
    {
      printf 'url = %s\n' "$(curlconf "$base/query")"
      if [ "${2:-}" != noauth ]; then printf 'user = %s\n' "$(curlconf "$DB_ADMIN_USER:$DB_ADMIN_PASSWORD")"; fi
    } | curl -sS --max-time 30 -K - -X POST --data-urlencode "q=$1" -w '\n%{http_code}' 2>&1
  ) || { last_error="cannot reach InfluxDB at $base: ${out//"$DB_ADMIN_PASSWORD"/***}"; return 1; }
  code=${out##*$'\n'}
  body=${out%$'\n'*}
  if [ "$code" != 200 ] || [[ "$body" == *'"error":'* ]]; then
    last_error="HTTP $code $(printf '%s' "$body" | grep -o '"error":"[^"]*"' | head -1)"
    return 1
  fi
  printf '%s' "$body"
}

step() { echo "setup_influxdb: $*"; }
fail() { echo "setup_influxdb: $* failed: $last_error" >&2; exit 1; }

# 1. Admin user. With auth on and no users yet, InfluxDB allows exactly one unauthenticated statement:
#    creating an admin. Later runs authenticate as that admin.
if users=$(query 'SHOW USERS'); then
  if [[ "$users" == *"[\"$DB_ADMIN_USER\","* ]]; then
    query "GRANT ALL PRIVILEGES TO $(ident "$DB_ADMIN_USER")" >/dev/null || fail "granting admin privileges"
    step "admin user $DB_ADMIN_USER exists"
  else
    query "CREATE USER $(ident "$DB_ADMIN_USER") WITH PASSWORD $(strlit "$DB_ADMIN_PASSWORD") WITH ALL PRIVILEGES" >/dev/null || fail "creating admin user"
    step "created admin user $DB_ADMIN_USER"
  fi
else
  query "CREATE USER $(ident "$DB_ADMIN_USER") WITH PASSWORD $(strlit "$DB_ADMIN_PASSWORD") WITH ALL PRIVILEGES" noauth >/dev/null \
    || fail "authenticating as $DB_ADMIN_USER (wrong DB_ADMIN_PASSWORD, or InfluxDB unreachable)"
  step "created admin user $DB_ADMIN_USER"
  users=$(query 'SHOW USERS') || fail "listing users"
fi

# 2. Database (dropped first only on request).
if [ "$drop" = 1 ]; then
  query "DROP DATABASE $(ident "$db")" >/dev/null || fail "dropping database $db"
  step "dropped database $db (--drop-database)"
fi
query "CREATE DATABASE $(ident "$db")" >/dev/null || fail "creating database $db"
step "database $db ready"

# 3. Regular user: read and write on the database only. The password follows the settings.
if [[ "$users" == *"[\"$DB_USER\","* ]]; then
  query "SET PASSWORD FOR $(ident "$DB_USER") = $(strlit "$DB_PASSWORD")" >/dev/null || fail "setting password of $DB_USER"
else
  query "CREATE USER $(ident "$DB_USER") WITH PASSWORD $(strlit "$DB_PASSWORD")" >/dev/null || fail "creating user $DB_USER"
fi
query "GRANT ALL ON $(ident "$db") TO $(ident "$DB_USER")" >/dev/null || fail "granting read/write on $db to $DB_USER"
step "user $DB_USER has read and write on $db"

# 4. Retention policy RP_NAME as the DEFAULT (create, or bring an existing one in line).
rps=$(query "SHOW RETENTION POLICIES ON $(ident "$db")") || fail "listing retention policies"
if [[ "$rps" == *"[\"$rp\","* ]]; then
  query "ALTER RETENTION POLICY $(ident "$rp") ON $(ident "$db") DURATION $rp_duration REPLICATION 1 DEFAULT" >/dev/null || fail "altering retention policy $rp"
else
  query "CREATE RETENTION POLICY $(ident "$rp") ON $(ident "$db") DURATION $rp_duration REPLICATION 1 DEFAULT" >/dev/null || fail "creating retention policy $rp"
fi
step "retention policy $rp ($rp_duration) is the default on $db"

# 5. Continuous queries: dropped and re-created so a changed definition always takes effect.
select_for() {
  local m=$1 f=$2 group=$3 sel p
  sel="count($(ident "$f")) AS $(ident "count_$f"), mean($(ident "$f")) AS $(ident "mean_$f"), min($(ident "$f")) AS $(ident "min_$f"), max($(ident "$f")) AS $(ident "max_$f")"
  for p in 01 10 25 50 75 90 99; do
    sel+=", percentile($(ident "$f"), $((10#$p))) AS $(ident "p${p}_$f")"
  done
  local target from
  target="$(ident "$db").$(ident "$rp").$(ident "${m}_aggregates")"
  from="$(ident "$db").$(ident "$rp").$(ident "$m")"
  printf 'SELECT %s INTO %s FROM %s' "$sel" "$target" "$from"
  printf '%s' "$4"
  printf ' GROUP BY time(5m)%s' "${group:+, $(ident "$group")}"
}
for spec in "${cq_specs[@]}"; do
  IFS=: read -r m f group <<<"$spec"
  cq="cq_${m}_aggregates"
  query "DROP CONTINUOUS QUERY $(ident "$cq") ON $(ident "$db")" >/dev/null || fail "dropping continuous query $cq"
  query "CREATE CONTINUOUS QUERY $(ident "$cq") ON $(ident "$db") BEGIN $(select_for "$m" "$f" "$group" '') END" >/dev/null \
    || fail "creating continuous query $cq"
  step "continuous query $cq → ${m}_aggregates"
  if [ -n "$backfill" ]; then
    query "$(select_for "$m" "$f" "$group" " WHERE time > now() - $backfill")" >/dev/null || fail "backfilling ${m}_aggregates"
    step "backfilled ${m}_aggregates over the last $backfill"
  fi
done
step "done"
