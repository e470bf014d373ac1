# The host's noise over one run, shared by bench/run and bench/sse-measure (sourced).
# host_snap prints "TOTAL STEAL PSI_US NOW_NS IDLE": all CPU time and the steal time of
# /proc/stat's cpu line (USER_HZ ticks; user..steal: guest and guest_nice are already counted in
# user and nice), the cumulative CPU pressure "some total=" (us; "null" without
# /proc/pressure/cpu, a kernel with PSI off), the wall clock, and the idle time (idle + iowait,
# ticks: what is not busy, for steal as a share of busy time).
host_snap() {
  local psi
  psi="$(awk '/^some / {for (i = 2; i <= NF; i++) if ($i ~ /^total=/) print substr($i, 7)}' \
    /proc/pressure/cpu 2>/dev/null || true)"
  awk -v psi="${psi:-null}" -v now="$(date +%s%N)" \
    '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9, psi, now, $5 + $6; exit}' /proc/stat
}
# host_json BEFORE AFTER (host_snap lines)
#   -> {"steal_pct":,"steal_busy_pct":,"cpu_pressure_pct":,"wall_s":}
# steal_pct is the share of all CPU time, steal_busy_pct the share of the busy time alone: a mostly
# idle phase (idle connections, paced streams) dilutes the first.
host_json() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    total = y[1] - x[1]; wall_us = (y[4] - x[4]) / 1000
    steal = total > 0 ? sprintf("%.2f", 100 * (y[2] - x[2]) / total) : "null"
    busy = total - (y[5] - x[5])
    steal_busy = busy > 0 ? sprintf("%.2f", 100 * (y[2] - x[2]) / busy) : "null"
    psi = "null"
    if (x[3] != "null" && y[3] != "null" && wall_us > 0) psi = sprintf("%.2f", 100 * (y[3] - x[3]) / wall_us)
    printf "{\"steal_pct\":%s,\"steal_busy_pct\":%s,\"cpu_pressure_pct\":%s,\"wall_s\":%.3f}", \
      steal, steal_busy, psi, wall_us / 1e6
  }'
}
