import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyMask,
  CATEGORIES,
  DEFAULT_MASK,
  MASK_KINDS,
  type MaskKind,
  maskEmail,
  maskFirstCharLength,
  maskInitials,
  maskLastFour,
  maskLastTwo,
  redact,
  roundCoordinate,
  roundCoordinateText,
  truncateIp,
} from "../../src/policy/index.js";

const SEED = 42;
const NOT_KEEP = MASK_KINDS.filter((k) => k !== "KEEP");

describe("mask examples", () => {
  it("INITIALS", () => {
    expect(maskInitials("Ada Lovelace")).toBe("A. L.");
    expect(maskInitials("  jean-luc   picard ")).toBe("J. P.");
    expect(maskInitials("Émile")).toBe("É.");
    expect(maskInitials("")).toBe("****");
    expect(maskInitials("123 456")).toBe("****");
    expect(applyMask("INITIALS", "A. L.")).toBe("****"); // never echoes a value already in masked form
  });

  it("EMAIL", () => {
    expect(maskEmail("ada@example.com")).toBe("a***@example.com");
    expect(maskEmail("a@example.com")).toBe("a***@example.com");
    expect(maskEmail('"odd@local"@example.org')).toBe('"***@example.org');
    for (const bad of ["", "@", "ada", "ada@", "@example.com", "ada@localhost", "a b@example.com", "ada@exa mple.com"])
      expect(maskEmail(bad), bad).toBe("****");
  });

  it("LAST_TWO and LAST_FOUR keep the tail only when at least four characters stay hidden", () => {
    expect(maskLastTwo("+44 20 7946 0958")).toBe("****58");
    expect(maskLastTwo("12345")).toBe("****");
    expect(maskLastTwo("123456")).toBe("****56");
    expect(maskLastFour("GB29 NWBK 6016 1331 9268 19")).toBe("****6819");
    expect(maskLastFour("1234567")).toBe("****");
    expect(maskLastFour("")).toBe("****");
  });

  it("FIRST_CHAR_LENGTH", () => {
    expect(maskFirstCharLength("adalove")).toBe("a******");
    expect(maskFirstCharLength("ab")).toBe("a*");
    expect(maskFirstCharLength("a")).toBe("****");
    expect(maskFirstCharLength("")).toBe("****");
    expect(maskFirstCharLength("😀x")).toBe("😀*");
  });

  it("REDACT", () => {
    expect(redact("anything")).toBe("****");
    expect(applyMask("REDACT", "")).toBe("****");
    expect(applyMask("REDACT", 12)).toBeNull();
  });

  it("IP_TRUNCATE: IPv4 /24, IPv6 /48, malformed redacted", () => {
    expect(truncateIp("203.0.113.45")).toBe("203.0.113.0");
    expect(truncateIp("2001:db8:85a3::8a2e:370:7334")).toBe("2001:db8:85a3::");
    expect(truncateIp("2001:0db8:0000:0042:0000:8a2e:0370:7334")).toBe("2001:db8::");
    expect(truncateIp("0:db8:1:2:3:4:5:6")).toBe("0:db8:1::");
    expect(truncateIp("fe80::1%eth0")).toBe("fe80::");
    expect(truncateIp("::1")).toBe("::");
    expect(truncateIp("::ffff:203.0.113.45")).toBe("::ffff:203.0.113.0");
    expect(truncateIp("64:ff9b::192.0.2.33")).toBe("64:ff9b::192.0.2.0");
    expect(truncateIp("2002:c000:221::1")).toBe("2002:c000:200::");
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7::8",
      "1:",
      ":1",
      "12345::",
      "1.2.3.4::",
      "::1.2.3",
      "gggg::",
      ":::",
      "1.2.3.4/24",
      "localhost",
    ])
      expect(truncateIp(bad), bad).toBe("****");
    expect(applyMask("IP_TRUNCATE", "203.0.113.0")).toBe("****");
  });

  it("ROUND_COORDINATE: one decimal, numbers stay numbers", () => {
    expect(roundCoordinate(48.8566)).toBe(48.9);
    expect(roundCoordinate(-0.04)).toBe(0);
    expect(Object.is(roundCoordinate(-0.04), -0)).toBe(false);
    expect(roundCoordinate(Number.NaN)).toBeNull();
    expect(roundCoordinate(500)).toBeNull();
    expect(roundCoordinateText("48.8566, 2.3522")).toBe("48.9,2.4");
    expect(roundCoordinateText("north")).toBe("****");
    expect(applyMask("ROUND_COORDINATE", 48.8566)).toBe(48.9);
    expect(applyMask("ROUND_COORDINATE", 48.9)).toBeNull(); // would echo the raw value
  });

  it("KEEP returns the value; WITHHOLD returns nothing", () => {
    const arr = ["a", 1] as const;
    expect(applyMask("KEEP", "Paris")).toBe("Paris");
    expect(applyMask("KEEP", 4242)).toBe(4242);
    expect(applyMask("KEEP", true)).toBe(true);
    expect(applyMask("KEEP", arr)).toBe(arr);
    for (const v of ["x", 1, true, null, ["a"]] as const) expect(applyMask("WITHHOLD", v)).toBeNull();
  });

  it("arrays element-wise; one element that cannot be masked withholds the array", () => {
    expect(applyMask("EMAIL", ["ada@example.com", "bob@example.org"])).toEqual(["a***@example.com", "b***@example.org"]);
    expect(applyMask("ROUND_COORDINATE", [48.8566, 2.3522])).toEqual([48.9, 2.4]);
    expect(applyMask("EMAIL", ["ada@example.com", 3])).toBeNull();
    expect(applyMask("REDACT", [])).toEqual([]);
  });

  it("types a mask cannot apply to are withheld", () => {
    for (const k of NOT_KEEP) {
      expect(applyMask(k, true)).toBeNull();
      expect(applyMask(k, null)).toBeNull();
      if (k !== "ROUND_COORDINATE") expect(applyMask(k, 1234567890)).toBeNull();
    }
  });
});

describe("DEFAULT_MASK", () => {
  it("covers every category with DESIGN's mask", () => {
    const want: Record<string, MaskKind> = {
      "user.name": "INITIALS",
      "user.contact.email": "EMAIL",
      "user.contact.phone_number": "LAST_TWO",
      "user.contact.address": "REDACT",
      "user.contact.address.billing": "REDACT",
      "user.contact.address.delivery": "REDACT",
      "user.account.username": "FIRST_CHAR_LENGTH",
      "user.authorization.credentials": "WITHHOLD",
      "user.unique_id.account_number": "LAST_FOUR",
      "user.financial.credit_card": "REDACT",
      "user.content.private": "WITHHOLD",
      "user.social": "WITHHOLD",
      "user.location.precise": "ROUND_COORDINATE",
      "user.device.ip_address": "IP_TRUNCATE",
      "user.device": "KEEP",
      "user.demographic.language": "KEEP",
      "user.behavior.browsing_history": "WITHHOLD",
      "user.behavior.purchase_history": "WITHHOLD",
      "user.privacy_preferences": "KEEP",
    };
    for (const c of CATEGORIES) expect(MASK_KINDS).toContain(DEFAULT_MASK[c]);
    for (const [c, k] of Object.entries(want)) expect(DEFAULT_MASK[c as keyof typeof DEFAULT_MASK], c).toBe(k);
  });
});

describe("mask properties", () => {
  const opts = { seed: SEED, numRuns: 1000 };
  const text = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.emailAddress(),
    fc.ipV4(),
    fc.ipV6(),
    fc.stringMatching(/^[+]?[0-9 ()-]{4,20}$/),
  );

  /**
   * IP_TRUNCATE against an oracle that parses IPv6 on its own: the WHATWG URL parser (Node's
   * `URL`), whose canonical form of a host is expanded here to its eight groups.
   */
  const urlIpv6Groups = (s: string): number[] | null => {
    let host: string;
    try {
      host = new URL(`http://[${s}]/`).hostname.slice(1, -1);
    } catch {
      return null;
    }
    const [head = "", tail] = host.split("::");
    const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  };
  /** The rules of truncateIp's comment, on the URL parser's groups (test/policy/truncateIp.test.ts holds them to their purpose). */
  const truncatedByOracle = (g: number[]): string => {
    const dotted = (prefix: string) => `${prefix}${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.0`;
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return dotted("::ffff:");
    if (g.slice(0, 6).every((x) => x === 0) && g[6] !== 0) return dotted("::");
    if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return dotted("64:ff9b::");
    const prefix =
      g[0] === 0x2002 ? [g[0], g[1]!, g[2]! & 0xff00] : g[0] === 0x2001 && g[1] === 0 ? [g[0], 0, g[2]!, g[3]! & 0xff00] : g.slice(0, 3);
    while (prefix.length > 0 && prefix.at(-1) === 0) prefix.pop();
    return `${prefix.map((x) => x.toString(16)).join(":")}::`;
  };

  it("IP_TRUNCATE keeps an IPv6 address's /48 (an embedded IPv4 address's /24 at most), as the URL parser reads the address", () => {
    const ipv6Like = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.:"), maxLength: 45 });
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), ipv6Like), (s) => {
        const groups = s.includes(":") ? urlIpv6Groups(s) : null;
        if (groups !== null) expect(truncateIp(s), s).toBe(truncatedByOracle(groups));
        else if (s.includes(":")) expect(truncateIp(s), s).toBe("****");
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("no mask but KEEP returns a string of more than four characters unchanged", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NOT_KEEP), text, (kind, s) => {
        fc.pre(s.length > 4);
        expect(applyMask(kind, s)).not.toBe(s);
      }),
      opts,
    );
  });

  it("no mask but KEEP returns any input unchanged, except the redaction token itself", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NOT_KEEP), fc.oneof(text, fc.double(), fc.integer()), (kind, v) => {
        const out = applyMask(kind, v);
        if (out === v) expect(out).toBe("****");
      }),
      opts,
    );
  });

  it("masks never throw, on anything", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MASK_KINDS), fc.anything(), (kind, v) => {
        expect(() => applyMask(kind, v as never)).not.toThrow();
      }),
      opts,
    );
  });

  it("outputs keep the input's type (or are null)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MASK_KINDS), fc.oneof(text, fc.double(), fc.boolean()), (kind, v) => {
        const out = applyMask(kind, v);
        if (out !== null) expect(typeof out).toBe(typeof v);
      }),
      opts,
    );
  });

  it("LAST_TWO/LAST_FOUR reveal only a suffix of the value's letters and digits", () => {
    fc.assert(
      fc.property(text, (s) => {
        const alnum = (s.match(/[\p{L}\p{N}]/gu) ?? []).join("");
        for (const [kind, n] of [
          ["LAST_TWO", 2],
          ["LAST_FOUR", 4],
        ] as const) {
          const out = applyMask(kind, s);
          if (out === "****") continue;
          expect(out).toMatch(/^\*{4}/);
          const shown = (out as string).slice(4);
          expect(Array.from(shown)).toHaveLength(n);
          expect(alnum.endsWith(shown)).toBe(true);
        }
      }),
      opts,
    );
  });

  // maskLast and truncateIp answer their common case (ASCII text, a plain dotted quad) in one pass
  // over the characters: these hold them to the definitions written as regular expressions.
  it("LAST_TWO/LAST_FOUR are exactly the last letters or digits, when at least four more stay hidden", () => {
    const nearPhone = fc.string({ unit: fc.constantFrom(..."0123456789 +-()abcXYZé٣𝟘ß\u00a0"), maxLength: 24 });
    fc.assert(
      fc.property(fc.oneof(text, nearPhone), (s) => {
        const alnum = s.match(/[\p{L}\p{N}]/gu) ?? [];
        for (const [mask, n] of [
          [maskLastTwo, 2],
          [maskLastFour, 4],
        ] as const) {
          expect(mask(s)).toBe(alnum.length < n + 4 ? "****" : `****${alnum.slice(-n).join("")}`);
        }
      }),
      { ...opts, numRuns: 2000 },
    );
  });

  it("IP_TRUNCATE on text without a colon: the /24 of a dotted quad (trimmed, zone dropped), else redacted", () => {
    const boundary = fc.constantFrom(
      "0",
      "00",
      "01",
      "9",
      "10",
      "99",
      "100",
      "199",
      "249",
      "250",
      "255",
      "256",
      "259",
      "299",
      "999",
      "1000",
    );
    const octet = fc.oneof(boundary, fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/));
    const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
    const nearQuad = fc.string({ unit: fc.constantFrom(..."0123456789. %a\t"), maxLength: 20 });
    const padded = fc.tuple(fc.constantFrom("", " ", "\t"), quad, fc.constantFrom("", " ", "%eth0", "%")).map((p) => p.join(""));
    const dottedQuad = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
    fc.assert(
      fc.property(fc.oneof(quad, nearQuad, padded, fc.ipV4()), (s) => {
        const match = dottedQuad.exec(s.trim().replace(/%.*$/u, ""));
        const octets = match?.slice(1).map(Number);
        const expected = octets?.every((o) => o <= 255) ? `${octets[0]}.${octets[1]}.${octets[2]}.0` : "****";
        expect(truncateIp(s)).toBe(expected);
      }),
      { ...opts, numRuns: 3000 },
    );
  });

  it("IPv4: the /24 with the last octet zeroed", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const [a, b, c, d] = ip.split(".");
        const out = applyMask("IP_TRUNCATE", ip);
        const canonical = [a, b, c, d].every((o) => String(Number(o)) === o);
        if (!canonical) expect(out).toBe("****");
        else if (d === "0") expect(out).toBe("****");
        else expect(out).toBe(`${Number(a)}.${Number(b)}.${Number(c)}.0`);
      }),
      opts,
    );
  });

  it("IPv6: keeps the first 48 bits, zeroes the rest", () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        fc.pre(!(groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff));
        const ip = groups.map((g) => g.toString(16).padStart(4, "0")).join(":");
        const out = applyMask("IP_TRUNCATE", ip) as string;
        expect(out.endsWith("::")).toBe(true);
        const kept =
          out === "::"
            ? []
            : out
                .slice(0, -2)
                .split(":")
                .map((h) => parseInt(h, 16));
        const padded = [...kept, 0, 0, 0].slice(0, 3);
        expect(padded).toEqual(groups.slice(0, 3));
      }),
      opts,
    );
  });

  it("ROUND_COORDINATE moves a coordinate by at most 0.05 degrees and leaves one decimal", () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (x) => {
        const out = applyMask("ROUND_COORDINATE", x);
        if (out === null) return;
        expect(Math.abs((out as number) - x)).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(Math.round((out as number) * 10) / 10).toBe(out);
      }),
      opts,
    );
  });
});
