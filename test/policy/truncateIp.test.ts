import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { truncateIp } from "../../src/policy/index.js";

/**
 * IP_TRUNCATE on IPv6 addresses that carry an IPv4 address: whatever the spelling, the output
 * keeps no more than the embedded address's /24 and nothing past the cut, as the WHATWG URL
 * parser (Node's `URL`) reads the output back.
 */

type Groups = number[];

/** The eight groups of an IPv6 address as the URL parser reads it, or null. */
function groupsOf(text: string): Groups | null {
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head = "", tail] = host.split("::");
  const part = (p: string) => (p === "" ? [] : p.split(":").map((g) => parseInt(g, 16)));
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const byte = fc.integer({ min: 0, max: 255 });
const group = fc.integer({ min: 0, max: 0xffff });
const ipv4 = fc.tuple(byte, byte, byte, byte);
type V4 = [number, number, number, number];
const hi = (v: V4) => (v[0] << 8) | v[1];
const lo = (v: V4) => (v[2] << 8) | v[3];

/**
 * One way of embedding an IPv4 address: the groups it builds, and, read back from an output's
 * groups, the embedded address's bits that were kept (`kept`, its 32 bits or null when none may
 * stay) and whether every other bit past the cut is zero (`restZero`).
 */
interface Embedding {
  name: string;
  build: (v: V4, noise: Groups) => Groups;
  kept: (g: Groups) => V4 | null;
  restZero: (g: Groups) => boolean;
}

const v4At = (a: number, b: number): V4 => [a >> 8, a & 0xff, b >> 8, b & 0xff];
const zero = (g: Groups, from: number, to = 8) => g.slice(from, to).every((x) => x === 0);

const EMBEDDINGS: Embedding[] = [
  {
    name: "IPv4-mapped ::ffff:0:0/96",
    build: (v) => [0, 0, 0, 0, 0, 0xffff, hi(v), lo(v)],
    kept: (g) => v4At(g[6]!, g[7]!),
    restZero: (g) => zero(g, 0, 5) && g[5] === 0xffff,
  },
  {
    name: "IPv4-compatible ::/96",
    build: (v) => [0, 0, 0, 0, 0, 0, hi(v), lo(v)],
    kept: (g) => v4At(g[6]!, g[7]!),
    restZero: (g) => zero(g, 0, 6),
  },
  {
    name: "NAT64 well-known 64:ff9b::/96",
    build: (v) => [0x64, 0xff9b, 0, 0, 0, 0, hi(v), lo(v)],
    kept: (g) => v4At(g[6]!, g[7]!),
    restZero: (g) => g[0] === 0x64 && g[1] === 0xff9b && zero(g, 2, 6),
  },
  {
    // RFC 8215: the operator chooses the prefix length; a /96 inside it and RFC 6052's /48 layout.
    name: "NAT64 local-use 64:ff9b:1::/48 with a /96",
    build: (v, n) => [0x64, 0xff9b, 1, n[0]!, n[1]!, n[2]!, hi(v), lo(v)],
    kept: () => null,
    restZero: (g) => g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1 && zero(g, 3),
  },
  {
    name: "NAT64 local-use 64:ff9b:1::/48, RFC 6052 /48 layout",
    build: (v, n) => [0x64, 0xff9b, 1, hi(v), v[2], v[3] << 8, n[0]!, n[1]!],
    kept: () => null,
    restZero: (g) => g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1 && zero(g, 3),
  },
  {
    name: "6to4 2002::/16",
    build: (v, n) => [0x2002, hi(v), lo(v), n[0]!, n[1]!, n[2]!, n[3]!, n[4]!],
    kept: (g) => v4At(g[1]!, g[2]!),
    restZero: (g) => g[0] === 0x2002 && zero(g, 3),
  },
  {
    // Server in groups 2-3, flags and port in 4-5, the client's address XOR 0xffff in 6-7.
    name: "Teredo 2001::/32 (server)",
    build: (v, n) => [0x2001, 0, hi(v), lo(v), n[0]!, n[1]!, n[2]!, n[3]!],
    kept: (g) => v4At(g[2]!, g[3]!),
    restZero: (g) => g[0] === 0x2001 && g[1] === 0 && zero(g, 4),
  },
  {
    name: "Teredo 2001::/32 (client)",
    build: (v, n) => [0x2001, 0, n[0]!, n[1]!, n[2]!, n[3]!, hi(v) ^ 0xffff, lo(v) ^ 0xffff],
    kept: (g) => v4At(g[2]!, g[3]!), // the server's /24 may stay; the client's bits may not
    restZero: (g) => g[0] === 0x2001 && g[1] === 0 && zero(g, 4),
  },
];

/** Spellings of one address: compressed, expanded, upper case, with a dotted IPv4 tail. */
const SPELLINGS: Record<string, (g: Groups) => string> = {
  compressed: (g) => new URL(`http://[${g.map((x) => x.toString(16)).join(":")}]/`).hostname.slice(1, -1),
  expanded: (g) => g.map((x) => x.toString(16).padStart(4, "0")).join(":"),
  upper: (g) => g.map((x) => x.toString(16).toUpperCase()).join(":"),
  dottedTail: (g) => {
    const head = SPELLINGS.compressed!([...g.slice(0, 6), 0xffff, 0xffff]).replace(/ffff:ffff$/, "");
    return `${head}${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  },
  zoneAndSpaces: (g) => ` ${SPELLINGS.expanded!(g).toUpperCase()}%eth0 `,
};

const cases = fc.record({
  embedding: fc.constantFrom(...EMBEDDINGS),
  spelling: fc.constantFrom(...Object.keys(SPELLINGS)),
  v4: ipv4,
  noise: fc.array(group, { minLength: 5, maxLength: 5 }),
});

describe("IP_TRUNCATE on IPv6 carrying IPv4", () => {
  it("keeps no more than the embedded address's /24, and nothing else past the cut, in every spelling", () => {
    fc.assert(
      fc.property(cases, ({ embedding, spelling, v4, noise }) => {
        const input = SPELLINGS[spelling]!(embedding.build(v4 as V4, noise));
        const out = truncateIp(input);
        const g = groupsOf(out);
        expect(g, `${embedding.name}: ${input} -> ${out}`).not.toBeNull();
        expect(embedding.restZero(g!), `${embedding.name}: ${input} -> ${out}`).toBe(true);
        const kept = embedding.kept(g!);
        if (kept !== null) expect(kept[3], `${embedding.name}: ${input} -> ${out}`).toBe(0);
      }),
      { seed: 24, numRuns: 4000 },
    );
  });

  it("keeps the /24 of an IPv4 address that is the address (mapped, compatible, NAT64) or routes it (6to4, a Teredo server)", () => {
    const keeping = EMBEDDINGS.filter((e) => !e.name.startsWith("NAT64 local") && e.name !== "Teredo 2001::/32 (client)");
    fc.assert(
      fc.property(cases, fc.constantFrom(...keeping), ({ spelling, v4, noise }, embedding) => {
        const [a, b, c] = v4;
        fc.pre(embedding.name !== "IPv4-compatible ::/96" || a + b > 0); // ::1, :: are not IPv4-compatible
        const out = truncateIp(SPELLINGS[spelling]!(embedding.build(v4 as V4, noise)));
        expect(embedding.kept(groupsOf(out)!), out).toEqual([a, b, c, 0]);
      }),
      { seed: 25, numRuns: 2000 },
    );
  });

  it("examples", () => {
    expect(truncateIp("2002:cb00:712d::1")).toBe("2002:cb00:7100::");
    expect(truncateIp("2002:CB00:712D:0001:0000:0000:0000:0001")).toBe("2002:cb00:7100::");
    expect(truncateIp("2001:0:4136:e378:8000:63bf:3fff:fdd2")).toBe("2001:0:4136:e300::");
    expect(truncateIp("64:ff9b::203.0.113.45")).toBe("64:ff9b::203.0.113.0");
    expect(truncateIp("64:FF9B::CB00:712D")).toBe("64:ff9b::203.0.113.0");
    expect(truncateIp("64:ff9b:1:abcd::203.0.113.45")).toBe("64:ff9b:1::");
    expect(truncateIp("::203.0.113.45")).toBe("::203.0.113.0");
    expect(truncateIp("::ffff:203.0.113.45")).toBe("::ffff:203.0.113.0");
    expect(truncateIp("::1")).toBe("::");
  });

  it("its output is its own truncation (the retention purge's second run changes nothing)", () => {
    fc.assert(
      fc.property(cases, ({ embedding, spelling, v4, noise }) => {
        const out = truncateIp(SPELLINGS[spelling]!(embedding.build(v4 as V4, noise)));
        expect(truncateIp(out)).toBe(out);
      }),
      { seed: 26, numRuns: 2000 },
    );
  });
});
