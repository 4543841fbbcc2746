#!/usr/bin/env bash
# Side-by-side benchmark: mmcheck, SPIN and stateright on the founding race, one run of this
# script. For each configuration of ../shared/peers/spin/run.sh (A, B, Bonly, A3, B3; fix
# on/off), SPIN checks the peer Promela model, stateright (0.31, 2 threads) the peer Rust model
# of ../shared/peers/stateright, and mmcheck bench/scenarios/<config>.mmk, the same protocol at
# mmcheck's statement granularity. Each is run RUNS times (default 5); the tables give medians
# and the ratios of mmcheck to SPIN, to stateright, and to the best peer (the faster one).
# usage: bench/vs-spin.sh [RUNS] [CONFIG...]     (default configs: all of them)
#   BASE_BIN=path/to/older/mmcheck [BASE_MODELS=dir] also times an older binary, in the same run
# needs: Debian's spin package (apt-get install spin), gcc, GNU time; cargo with crates.io for
# the stateright peer (built once into bench/build/stateright; PEER_SR=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}; shift || true
if [ -n "${BASE_BIN:-}" ] && [ $((RUNS % 2)) = 1 ]; then
  echo "note: with an odd RUNS the binary runs first after SPIN once more than the base (slower on B3); use an even RUNS for the comparison with the base" >&2
fi
CONFIGS=${*:-A-nofix A-fix B-nofix B-fix Bonly-nofix Bonly-fix A3-fix B3-nofix B3-fix}
MAXSEC=${MAXSEC:-300}      # per mmcheck run; a run cut short reports incomplete
MAXMIB=${MAXMIB:-12288}    # mmcheck's own memory estimate limit
UNREDUCED=${UNREDUCED:-1}  # also time the unreduced search on 1 and 2 threads
SUITE=${SUITE:-1}          # also time the bundled suite (bench/suite.sh RUNS)
PEER_SR=${PEER_SR:-1}      # also run the stateright peer
BASE_BIN=${BASE_BIN:-}     # a previous mmcheck binary to time against, in the same run
BASE_MODELS=${BASE_MODELS:-} # its model trees (--models), if they differ from models/
command -v spin >/dev/null || { echo "needs spin: apt-get install spin" >&2; exit 2; }
cargo build --release --quiet
BIN=$PWD/target/release/mmcheck
B=bench/build/spin; rm -rf "$B"; mkdir -p "$B"
cp ../shared/peers/spin/uffd_wp_cow.pml "$B/"
SR=bench/build/stateright
if [ "$PEER_SR" = 1 ]; then
  # shared/ is read-only: build a copy (its own target dir, kept between runs)
  mkdir -p "$SR/src"; cp ../shared/peers/stateright/Cargo.toml ../shared/peers/stateright/Cargo.lock "$SR/"
  cp ../shared/peers/stateright/src/*.rs "$SR/src/"
  ( cd "$SR" && CARGO_TARGET_DIR=target cargo build --release --quiet )
  SRBIN=$PWD/$SR/target/release/uffd-wp-cow-stateright
fi
declare -A SRARGS=(
  [A-nofix]="--scenario A" [A-fix]="--scenario A --fix" [B-nofix]="--scenario B" [B-fix]="--scenario B --fix"
  [Bonly-nofix]="--scenario B --preserve-write" [Bonly-fix]="--scenario B --preserve-write --fix"
  [A3-fix]="--scenario A --fix --nuser 3" [B3-nofix]="--scenario B --nuser 3" [B3-fix]="--scenario B --fix --nuser 3"
)
declare -A DEFS=(
  [A-nofix]="" [A-fix]="-DFIX_UFFD_FLUSH" [B-nofix]="-DSCENARIO_B" [B-fix]="-DSCENARIO_B -DFIX_UFFD_FLUSH"
  [Bonly-nofix]="-DSCENARIO_B -DPRESERVE_WRITE_ON_RESOLVE" [Bonly-fix]="-DSCENARIO_B -DPRESERVE_WRITE_ON_RESOLVE -DFIX_UFFD_FLUSH"
  [A3-fix]="-DNUSER3 -DFIX_UFFD_FLUSH" [B3-nofix]="-DNUSER3 -DSCENARIO_B" [B3-fix]="-DNUSER3 -DSCENARIO_B -DFIX_UFFD_FLUSH"
)
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# run_timed OUT CMD...: wall seconds and max RSS (KiB) into OUT.time
run_timed() {
  local out=$1; shift
  local t0 t1; t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out.rss" "$@" > "$out" 2>&1 || true
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b-a)/1e9}' > "$out.time"
}
# Table 1: what a user gets. mmcheck's defaults: partial-order reduction, every core.
# Table 2: the unreduced search on 1 and 2 threads: states per second per core, speedup.
T1=$B/table1.md; T2=$B/table2.md; T3=$B/table3.md
printf '| config | states base | states now | time base (s) | time now (s) | time ratio now/base | MiB base | MiB now |\n|---|---|---|---|---|---|---|---|\n' > "$T3"
printf '| config | verdict mmcheck / SPIN / stateright | states mmcheck | states SPIN | states stateright | time mmcheck (s) | time SPIN (s) | time stateright (s) | time ratio to best peer | MiB mmcheck | MiB SPIN | MiB stateright | memory ratio to best peer |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n' > "$T1"
printf '| config | states (unreduced) | time 1 thread (s) | states/s 1 thread | time 2 threads (s) | 2-thread speedup | states/s SPIN (1 core) | states/s stateright (1 thread) | per-core ratio mmcheck/SPIN | per-core ratio mmcheck/stateright |\n|---|---|---|---|---|---|---|---|---|---|\n' > "$T2"
for c in $CONFIGS; do
  d=${DEFS[$c]}; w=-w22; case $c in B3*) w=-w26;; esac
  dir=$B/$c; mkdir -p "$dir"; cp "$B/uffd_wp_cow.pml" "$dir/"
  # SPIN's fastest variant on this model (the peer README: its partial-order reduction buys
  # nothing here), plain exhaustive DFS with default POR.
  ( cd "$dir" && spin -a $d uffd_wp_cow.pml > /dev/null && gcc -O3 -march=native -DSAFETY -o pan pan.c 2> /dev/null )
  st=(); sm=(); mt=(); mm=(); u1=(); u2=(); rt=(); rm=(); r1=(); bt=(); bm=()
  for i in $(seq "$RUNS"); do
    rm -f "$dir"/*.trail
    ( cd "$dir" && run_timed pan.out ./pan -m100000 $w )
    st+=("$(cat "$dir/pan.out.time")"); sm+=("$(cat "$dir/pan.out.rss")")
    # The binary and the base take turns at running first: whichever runs right after SPIN
    # (which frees up to ~830 MiB on B3) pays for the kernel reclaiming that memory.
    run_base() {
      run_timed "$dir/base.out" "$BASE_BIN" check -q ${BASE_MODELS:+--models "$BASE_MODELS"} --max-seconds "$MAXSEC" --max-memory "$MAXMIB" "bench/scenarios/$c.mmk"
      bt+=("$(cat "$dir/base.out.time")"); bm+=("$(cat "$dir/base.out.rss")")
    }
    if [ -n "$BASE_BIN" ] && [ $((i % 2)) = 0 ]; then run_base; fi
    run_timed "$dir/mm.out" "$BIN" check -q --max-seconds "$MAXSEC" --max-memory "$MAXMIB" "bench/scenarios/$c.mmk"
    mt+=("$(cat "$dir/mm.out.time")"); mm+=("$(cat "$dir/mm.out.rss")")
    if [ -n "$BASE_BIN" ] && [ $((i % 2)) = 1 ]; then run_base; fi
    if [ "$PEER_SR" = 1 ]; then
      run_timed "$dir/sr.out" "$SRBIN" ${SRARGS[$c]} --threads 2
      rt+=("$(cat "$dir/sr.out.time")"); rm+=("$(cat "$dir/sr.out.rss")")
      if [ "$UNREDUCED" = 1 ]; then
        run_timed "$dir/sr1.out" "$SRBIN" ${SRARGS[$c]} --threads 1
        r1+=("$(cat "$dir/sr1.out.time")")
      fi
    fi
    if [ "$UNREDUCED" = 1 ]; then
      run_timed "$dir/u1.out" "$BIN" check -q -t1 --reduce none --max-seconds "$MAXSEC" --max-memory "$MAXMIB" "bench/scenarios/$c.mmk"
      u1+=("$(cat "$dir/u1.out.time")")
      run_timed "$dir/u2.out" "$BIN" check -q -t2 --reduce none --max-seconds "$MAXSEC" --max-memory "$MAXMIB" "bench/scenarios/$c.mmk"
      u2+=("$(cat "$dir/u2.out.time")")
    fi
  done
  sstates=$(awk '/states, stored/ {print $1}' "$dir/pan.out")
  sverd=safe; grep -q 'errors: 0' "$dir/pan.out" || sverd=violation
  mstates=$(grep -oE '[0-9]+ states' "$dir/mm.out" | head -1 | awk '{print $1}')
  mverd=$(head -1 "$dir/mm.out" | awk '{print tolower($1)}')
  ts=$(printf '%s\n' "${st[@]}" | median); tm=$(printf '%s\n' "${mt[@]}" | median)
  ms=$(printf '%s\n' "${sm[@]}" | median); mmm=$(printf '%s\n' "${mm[@]}" | median)
  rstates=0; rverd=-; tr=0; mr=0; tr1=0
  if [ "$PEER_SR" = 1 ]; then
    rstates=$(sed -n 's/^unique states: //p' "$dir/sr.out")
    rverd=$(sed -n 's/^verdict: //p' "$dir/sr.out" | head -1 | tr 'A-Z' 'a-z' | sed 's/(.*//')
    tr=$(printf '%s\n' "${rt[@]}" | median); mr=$(printf '%s\n' "${rm[@]}" | median)
    [ "$UNREDUCED" = 1 ] && tr1=$(printf '%s\n' "${r1[@]}" | median)
  fi
  awk -v c="$c" -v mv="$mverd" -v sv="$sverd" -v rv="$rverd" -v mst="$mstates" -v sst="$sstates" -v rst="$rstates" \
      -v tm="$tm" -v ts="$ts" -v tr="$tr" -v mm="$mmm" -v ms="$ms" -v mr="$mr" 'BEGIN {
    bt = ts; if (tr > 0 && tr < bt) bt = tr
    bm = ms; if (mr > 0 && mr < bm) bm = mr
    printf "| %s | %s / %s / %s | %d | %d | %d | %.3f | %.3f | %.3f | %.2f | %.1f | %.1f | %.1f | %.2f |\n",
      c, mv, sv, rv, mst, sst, rst, tm, ts, tr, (bt > 0 ? tm / bt : 0), mm / 1024, ms / 1024, mr / 1024, (bm > 0 ? mm / bm : 0) }' | tee -a "$T1"
  if [ -n "$BASE_BIN" ]; then
    bst=$(grep -oE '[0-9]+ states' "$dir/base.out" | head -1 | awk '{print $1}')
    tb=$(printf '%s\n' "${bt[@]}" | median); mb=$(printf '%s\n' "${bm[@]}" | median)
    awk -v c="$c" -v bs="$bst" -v ns="$mstates" -v tb="$tb" -v tn="$tm" -v mb="$mb" -v mn="$mmm" 'BEGIN {
      printf "| %s | %d | %d | %.3f | %.3f | %.2f | %.1f | %.1f |\n", c, bs, ns, tb, tn, (tb > 0 ? tn / tb : 0), mb / 1024, mn / 1024 }' >> "$T3"
  fi
  if [ "$UNREDUCED" = 1 ]; then
    ust=$(grep -oE '[0-9]+ states' "$dir/u1.out" | head -1 | awk '{print $1}')
    uv=$(head -1 "$dir/u1.out" | awk '{print tolower($1)}')
    t1=$(printf '%s\n' "${u1[@]}" | median); t2=$(printf '%s\n' "${u2[@]}" | median)
    awk -v c="$c" -v uv="$uv" -v n="$ust" -v t1="$t1" -v t2="$t2" -v sst="$sstates" -v ts="$ts" -v rst="$rstates" -v tr1="$tr1" 'BEGIN {
      r1 = (t1 > 0 ? n / t1 : 0); rs = (ts > 0 ? sst / ts : 0); rr = (tr1 > 0 ? rst / tr1 : 0)
      printf "| %s | %d (%s) | %.3f | %.0f | %.3f | %.2f | %.0f | %.0f | %.2f | %.2f |\n",
        c, n, uv, t1, r1, t2, (t2 > 0 ? t1 / t2 : 0), rs, rr, (rs > 0 ? r1 / rs : 0), (rr > 0 ? r1 / rr : 0) }' >> "$T2"
  fi
done
echo; cat "$T1"
if [ "$UNREDUCED" = 1 ]; then echo; cat "$T2"; fi
if [ -n "$BASE_BIN" ]; then echo; cat "$T3"; fi
if [ "$SUITE" = 1 ]; then echo; bench/suite.sh "$RUNS"; fi
