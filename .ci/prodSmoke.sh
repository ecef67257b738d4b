#!/usr/bin/env bash
# The production build, as a deployment runs it: `npm run build`, then a temporary copy holding only
# what ships (package.json, package-lock.json, dist/, drizzle/, policy/) installed with `npm ci --omit=dev`.
# There, with NODE_ENV=production, fresh secrets and a temporary PGlite directory: the compiled CLIs
# emit the schema (must equal schema/schema.graphql), seed and mint a token; `npm run start:prod`
# serves on a free port, answers /readyz and one GraphQL query, and exits 0 on SIGTERM.
# Any failed step fails the script. Run by hand from anywhere: .ci/prodSmoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

work=$(mktemp -d /tmp/prodsmoke.XXXXXX)
server_pid=""
cleanup() { # the server runs in a process group of its own (npm and node): kill the whole group
  if [ -n "$server_pid" ]; then kill -KILL -- "-$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  echo "prodSmoke: $*" >&2
  if [ -f "$work/server.log" ]; then echo "-- server log (last 20 lines)" >&2; tail -n 20 "$work/server.log" >&2; fi
  exit 1
}

echo "== build"
npm run --silent build

echo "== production install in $work/app"
app="$work/app"
mkdir -p "$app/schema"
cp -R package.json package-lock.json dist drizzle policy "$app/"
(cd "$app" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error)
[ ! -e "$app/node_modules/tsx" ] || fail "tsx was installed without dev dependencies"

cd "$app"
# Random per run; never printed.
JWT_SECRET=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64url"))')
PSEUDONYM_KEY=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64url"))')
export NODE_ENV=production JWT_SECRET PSEUDONYM_KEY DATA_DIR="$work/pglite" LOG_LEVEL=info
unset DATABASE_URL

echo "== compiled type-graphql schema equals schema/schema.graphql"
node dist/cli/emitSchema.js >/dev/null
cmp -s schema/schema.graphql "$repo/schema/schema.graphql" || fail "the schema built from dist/ differs from schema/schema.graphql"

echo "== the shipped policy file checks and passes its cases (compiled CLI)"
node dist/cli/policy.js check policy/default.policy.yaml >/dev/null || fail "node dist/cli/policy.js check failed"
node dist/cli/policy.js test >/dev/null || fail "node dist/cli/policy.js test failed"

echo "== seed and token (compiled CLIs)"
node dist/cli/seed.js --customers 20 >/dev/null || fail "node dist/cli/seed.js failed"
token=$(node dist/cli/token.js --role support_agent) || fail "node dist/cli/token.js failed"

echo "== npm run start:prod"
PORT=0 HOST=127.0.0.1 setsid npm run --silent start:prod >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 120); do
  url=$(node -e '
    for (const line of require("node:fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      try { const l = JSON.parse(line); if (l.url) { console.log(l.url); break; } } catch {}
    }' "$work/server.log")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.5
done
[ -n "$url" ] || fail "the server did not listen within 60 s"
echo "listening on $url"

echo "== /readyz and a query"
TOKEN="$token" node --input-type=module -e '
  const url = process.argv[1];
  const ready = await fetch(new URL("/readyz", url));
  if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}`);
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ query: "query Smoke @purpose(name: CUSTOMER_SUPPORT) { customers(first: 2) { totalCount edges { node { id profile { fullName } } } } }" }),
  });
  const body = await res.json();
  const page = body.data?.customers;
  const names = page?.edges.filter((e) => typeof e.node.profile?.fullName === "string").length;
  if (res.status !== 200 || body.errors || !(page?.totalCount > 0) || page.edges.length !== 2 || names !== 2) {
    // Counts and codes only: never a value.
    throw new Error(`unexpected answer: HTTP ${res.status}, error codes ${JSON.stringify(body.errors?.map((e) => e.extensions?.code))}, totalCount ${page?.totalCount}, edges ${page?.edges.length}, names ${names}`);
  }
  console.log(`HTTP 200, ${page.totalCount} customers, ${page.edges.length} on the page`);
' "$url" || fail "the query failed"

echo "== SIGTERM"
kill -TERM "$server_pid"
for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$server_pid" 2>/dev/null && fail "the server was still running 30 s after SIGTERM"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || fail "the server exited $status on SIGTERM"
echo "prodSmoke: passed"
