#!/bin/bash
# bench/mixed_class.sh ROOT OUTPREFIX [extra env K=V...]: one server; 10 students train on /rbm while 5
# (OTHERS=N: N) move the temperature slider on /landscape (two harness processes against the same server).
# BALANCER=K: K processes behind HAProxy (python -m deploy.serve, each ebm_lab.py) instead of one app.py;
# the harnesses then go through HAProxy (sticky cookies) and the server's RSS/CPU are not sampled.
set -u
ROOT=$1; OUT=$2; shift 2
cd "$ROOT"
PORT=$(python -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
if [ -n "${BALANCER:-}" ]; then
  env "$@" EBM_PREFETCH=1 PYTHONPATH="$ROOT" setsid python -m deploy.serve --processes "$BALANCER" --port $PORT \
    --address 127.0.0.1 > $OUT.server.log 2>&1 &
  SPID=$!
  PIDARG=()
  WAIT=240   # (each process warms its caches before it answers health)
else
  env "$@" EBM_PREFETCH=1 PYTHONPATH="$ROOT" setsid python -m streamlit run app.py --server.port $PORT --server.address 127.0.0.1 \
    --server.headless true --browser.gatherUsageStats false > $OUT.server.log 2>&1 &
  SPID=$!
  PIDARG=(--pid $SPID)
  WAIT=60
fi
for i in $(seq 1 $((WAIT * 2))); do curl -sf http://127.0.0.1:$PORT/_stcore/health >/dev/null && break; sleep 0.5; done
uptime > $OUT.uptime
python bench/load_class.py --url http://127.0.0.1:$PORT "${PIDARG[@]}" --page rbm --students 10 --out $OUT-rbm.json > $OUT-rbm.log 2>&1 &
A=$!
sleep 6   # the landscape students move while the trainings run
python bench/load_class.py --url http://127.0.0.1:$PORT --page landscape --students ${OTHERS:-5} --duration 60 --no-warmup --out $OUT-landscape.json > $OUT-landscape.log 2>&1
wait $A
uptime >> $OUT.uptime
kill -- -$SPID 2>/dev/null; wait $SPID 2>/dev/null
