#!/usr/bin/env bash
# Start the local Redis and PostgreSQL the tests talk to, if they are not answering.
set -euo pipefail

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "starting postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
fi

# A local Redis Cluster of 3 masters on 7001-7003 (tests/storage/test_cluster.py), no disk.
if command -v redis-server >/dev/null 2>&1 &&
  ! redis-cli -p 7001 cluster info 2>/dev/null | grep -q "cluster_state:ok"; then
  echo "starting a 3-master redis cluster on 7001-7003"
  for port in 7001 7002 7003; do
    dir="/tmp/hocso-redis-cluster/$port"
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$dir" && mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
      --cluster-config-file "nodes-$port.conf" --dir "$dir" --save "" --appendonly no \
      --logfile "$dir/redis.log"
  done
  for port in 7001 7002 7003; do
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  redis-cli --cluster create 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 \
    --cluster-replicas 0 --cluster-yes >/dev/null
  for _ in $(seq 100); do
    redis-cli -p 7001 cluster info | grep -q "cluster_state:ok" && break
    sleep 0.1
  done
fi

# The web page's browser test (tests/web/test_browser.py) drives Debian's Chromium.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium"
  { apt-get install -y -q chromium >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; } \
    || echo "could not install chromium: tests/web/test_browser.py will say so"
fi
