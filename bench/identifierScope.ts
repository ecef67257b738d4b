/**
 * Pairwise and per-purpose ids two ways, roughly, in ns per id (`npx tsx bench/identifierScope.ts`):
 * - the permutation that src/enforcement/createIdScope.ts uses (AES-256 on one block, keys by
 *   HKDF, built once per scope and reused), both directions and the cursor;
 * - a mapping table (scope, internal id) -> random external id in PostgreSQL (PGlite in memory,
 *   the embedded default; a server adds a network round trip per statement), a page's ids mapped
 *   in one statement that creates the missing ones and reads them all back, and ids sent back
 *   resolved in one select.
 * Both use pages of PAGE ids; each side runs ROUNDS times after a warm-up, the median printed.
 */
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { createIdScope } from "../src/enforcement/createIdScope.js";
import { envInt } from "./envInt.js";
import { median } from "./stats.js";

const PAGE = envInt("PAGE", 500);
const ROUNDS = envInt("ROUNDS", 200);
const SECRET = new TextEncoder().encode("bench-only-secret-0123456789abcdef");

function nsPerId(run: () => unknown, ids: number): number {
  for (let i = 0; i < 5; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - started) / ids);
  }
  return median(samples);
}

async function nsPerIdAsync(run: () => Promise<unknown>, ids: number): Promise<number> {
  for (let i = 0; i < 5; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / ids);
  }
  return median(samples);
}

const internal = Array.from({ length: PAGE }, () => randomUUID());
const scope = createIdScope(SECRET, { kind: "scoped", label: "partner:bench" });
const external = internal.map((id) => scope.external(id));
const cursors = internal.map((id) => scope.cursor(id));

const rows: Array<[string, number]> = [
  ["permutation: internal -> external", nsPerId(() => internal.map((id) => scope.external(id)), PAGE)],
  ["permutation: external -> internal", nsPerId(() => external.map((id) => scope.internal(id)), PAGE)],
  [
    "permutation: cursor, both ways",
    nsPerId(() => cursors.map((c) => scope.cursorId(c)), PAGE) + nsPerId(() => internal.map((id) => scope.cursor(id)), PAGE),
  ],
  // A scope not built yet (a fresh secret object misses the cache): key derivation and cipher setup, once per scope and process.
  [
    "permutation: a scope's first use (per scope, not per id)",
    nsPerId(() => createIdScope(new Uint8Array(SECRET), { kind: "scoped", label: "p" }), 1),
  ],
];

const pg = new PGlite();
await pg.exec(`create table id_map (scope text not null, internal uuid not null, external uuid not null default gen_random_uuid(),
  primary key (scope, internal), unique (scope, external))`);
const label = "partner:bench";
const mapOut = () =>
  pg.query(
    `with wanted as (select unnest($2::uuid[]) as internal),
   added as (insert into id_map (scope, internal) select $1, internal from wanted on conflict do nothing returning internal, external)
   select internal, external from added union all select m.internal, m.external from id_map m join wanted w using (internal) where m.scope = $1`,
    [label, internal],
  );
await mapOut();
const tableExternal = (await pg.query<{ external: string }>("select external from id_map where scope = $1", [label])).rows.map(
  (r) => r.external,
);
rows.push(
  ["mapping table: internal -> external (page, upsert + read)", await nsPerIdAsync(mapOut, PAGE)],
  [
    "mapping table: external -> internal (page, one select)",
    await nsPerIdAsync(
      () => pg.query("select internal from id_map where scope = $1 and external = any($2::uuid[])", [label, tableExternal]),
      PAGE,
    ),
  ],
);
await pg.close();

console.log(`ids per page ${PAGE}, rounds ${ROUNDS}, median ns per id:`);
for (const [name, ns] of rows) console.log(`  ${name.padEnd(60)} ${ns.toFixed(0).padStart(10)}`);
