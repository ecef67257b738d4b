import type { Answer, TrafficKind } from "./traffic.js";

export interface KindTally {
  kind: TrafficKind;
  sent: number;
  answered: number;
  statuses: Map<number, number>;
  /** Error codes (errors[].extensions.code), counted once per answer that carries them. */
  codes: Map<string, number>;
  /** Milliseconds from sending to the whole answer, per answer. */
  latencies: number[];
  /** Hostile requests answered 2xx (must be 0). */
  hostileAccepted: number;
}

/**
 * What the load generator knows: every request it sent under its own request id (`x-request-id`,
 * which the gateway adopts for its logs and disclosure records), and for every answer its status,
 * error codes, latency and the subjects whose personal data it read.
 */
export function createTally(kinds: TrafficKind[], prefix: string) {
  const byKind = new Map(
    kinds.map((kind) => [
      kind.name,
      { kind, sent: 0, answered: 0, statuses: new Map(), codes: new Map(), latencies: [], hostileAccepted: 0 } as KindTally,
    ]),
  );
  /** request id -> subjects expected in the disclosure log (answered 2xx only). */
  const expected = new Map<string, string[]>();
  const sent = new Set<string>();
  const answered = new Set<string>();
  let next = 0;
  let answeredTwice = 0;
  let unreadable = 0;
  const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

  return {
    /** A fresh request id for a request about to be sent. */
    send(kind: TrafficKind): string {
      const id = `${prefix}${(next++).toString(16).padStart(8, "0")}`; // hex, at least 16 digits with the prefix
      sent.add(id);
      byKind.get(kind.name)!.sent++;
      return id;
    },
    answer(kind: TrafficKind, id: string, status: number, body: string, ms: number) {
      const t = byKind.get(kind.name)!;
      if (answered.has(id)) answeredTwice++;
      answered.add(id);
      t.answered++;
      bump(t.statuses, status);
      t.latencies.push(ms);
      let parsed: Answer | null = null;
      try {
        parsed = JSON.parse(body) as Answer;
      } catch {
        unreadable++;
      }
      for (const code of new Set((parsed?.errors ?? []).map((e) => e.extensions?.code ?? "(none)"))) bump(t.codes, code);
      if (status >= 200 && status < 300) {
        if (kind.hostile) t.hostileAccepted++;
        expected.set(id, parsed ? kind.subjects(parsed) : []);
      }
    },
    kinds: () => [...byKind.values()],
    expected: () => expected,
    /** Sent, but the run ended before the answer came: the gateway may still have served them. */
    unanswered: () => [...sent].filter((id) => !answered.has(id)),
    answeredTwice: () => answeredTwice,
    unreadable: () => unreadable,
  };
}

export type Tally = ReturnType<typeof createTally>;
