#!/usr/bin/env bash
# Runs every benchmark of issues 3 and 4 once, in order, on a quiet machine; each one's output goes to
# $OUT/<name>.log and a timeline with the load average to $OUT/all.log. Needs PostgreSQL on 127.0.0.1
# (trust auth, user postgres) for the PostgreSQL rows. Takes about 12 minutes on 2 cores.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/accord-bench}
mkdir -p "$OUT"
npm run build:server >/dev/null
run() {
  local name=$1; shift
  echo "=== $name $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/all.log"
  "$@" > "$OUT/$name.log" 2>&1
  echo "--- $name rc=$? $(date +%T)" >> "$OUT/all.log"
}
psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS accord_bench' -c 'CREATE DATABASE accord_bench' >/dev/null 2>&1
run ed25519 node -e "const c=require('node:crypto');const {publicKey:p,privateKey:k}=c.generateKeyPairSync('ed25519');const m=Buffer.alloc(600,7),s=c.sign(null,m,k);for(let r=0;r<3;r++){const t=process.hrtime.bigint();for(let i=0;i<20000;i++)c.verify(null,m,p,s);console.log(Math.round(20000/(Number(process.hrtime.bigint()-t)/1e9))+' verifies/s')}"
run ed25519-libsodium node -e "const s=require('sodium-native'),c=require('node:crypto');const {publicKey:p,privateKey:k}=c.generateKeyPairSync('ed25519');const m=Buffer.alloc(600,7),g=c.sign(null,m,k),raw=p.export({format:'der',type:'spki'}).subarray(12);for(let r=0;r<3;r++){const t=process.hrtime.bigint();for(let i=0;i<20000;i++)s.crypto_sign_verify_detached(g,m,raw);console.log(Math.round(20000/(Number(process.hrtime.bigint()-t)/1e9))+' verifies/s')}"
run append-sqlite node --import tsx bench/ledger-append.ts 500000
run append-pg node --import tsx bench/ledger-append.ts 200000 postgres
run witnessed node --import tsx bench/witnessed-latency.ts 10 1000
run read-1m node --import tsx bench/log-read.ts 1000000 10
run read-10m node --import tsx bench/log-read.ts 10000000 10
run publish-single node --import tsx bench/release-publish.ts 5000 256
run publish-batch node --import tsx bench/release-publish.ts 20000 4 1000
run publish-batch-100k node --import tsx bench/release-publish.ts 100000 4 1000
run taxii-sqlite node --import tsx bench/intel-taxii.ts 1000000 2
run taxii-sqlite-4 node --import tsx bench/intel-taxii.ts 1000000 4
run taxii-pg env BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres BENCH_ANALYZE=1 node --import tsx bench/intel-taxii.ts 100000 2
run pattern node --import tsx bench/pattern-parse.ts 500000
psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS accord_bench' >/dev/null 2>&1
echo "done: $OUT"
