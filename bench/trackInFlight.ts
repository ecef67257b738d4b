import type { IncomingMessage, Server, ServerResponse } from "node:http";

export type InFlight = ReturnType<typeof trackInFlight>;

/**
 * Requests a server is still working on. When an autocannon run ends it closes its connections,
 * but the server finishes the operations already started (nothing cancels them); the next run
 * must not start while that work is still going, or it pays for the previous one.
 */
export function trackInFlight(server: Server) {
  let active = 0;
  server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    active++;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let done = false;
    res.end = ((...args: unknown[]) => {
      if (!done) {
        done = true;
        active--;
      }
      return end(...args);
    }) as ServerResponse["end"];
  });
  return {
    get active() {
      return active;
    },
    /** Resolves once no request is in progress (polling), or rejects after `ms`. */
    async idle(ms = 180_000): Promise<void> {
      const until = Date.now() + ms;
      while (active > 0) {
        if (Date.now() > until) throw new Error(`the server still had ${active} requests in progress after ${ms / 1000} s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
