import { readFileSync } from "node:fs";

/**
 * The V8 flags the server runs with: package.json's `config.nodeFlags`, which `npm start` passes
 * to node. For whatever starts the server as a process of its own (tests, the load run), so that
 * it runs as `npm start` does. `--max-semi-space-size=64`: a page of 100 customers allocates about
 * 25 MB, and with V8's default young generation (16 MB semi-spaces) each page paid about two
 * scavenges of about 3 ms; docs/operations.md, "Configuration".
 */
export function serverNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { config?: { nodeFlags?: string } };
  return (pkg.config?.nodeFlags ?? "").split(/\s+/).filter(Boolean);
}
