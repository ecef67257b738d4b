/**
 * The process entry keeps running on postgres.js's write to a closed socket and on nothing else:
 * the recognition is exact (type, message, the driver's own frame).
 */
import { describe, expect, it } from "vitest";
import { isDriverClosedSocketWrite } from "../../src/db/isDriverClosedSocketWrite.js";

const MESSAGE = "Cannot read properties of null (reading 'write')";
const DRIVER_FRAME = "    at Immediate.nextWrite (file:///srv/gateway/node_modules/postgres/src/connection.js:255:22)";

function typeError(message: string, frames: string[]): TypeError {
  const error = new TypeError(message);
  error.stack = [`TypeError: ${message}`, ...frames].join("\n");
  return error;
}

describe("isDriverClosedSocketWrite", () => {
  it("recognises the driver's write to a closed socket", () => {
    expect(
      isDriverClosedSocketWrite(typeError(MESSAGE, [DRIVER_FRAME, "    at process.processImmediate (node:internal/timers:483:21)"])),
    ).toBe(true);
  });

  it.each([
    ["the same message from our own code", typeError(MESSAGE, ["    at nextWrite (file:///srv/gateway/src/server/createGateway.ts:10:5)"])],
    ["another message from the driver's frame", typeError("Cannot read properties of undefined (reading 'replace')", [DRIVER_FRAME])],
    ["another error type", Object.assign(new Error(MESSAGE), { stack: `Error: ${MESSAGE}\n${DRIVER_FRAME}` })],
    ["no stack", Object.assign(new TypeError(MESSAGE), { stack: undefined })],
    ["not an error", MESSAGE],
  ])("does not excuse %s", (_name, error) => {
    expect(isDriverClosedSocketWrite(error)).toBe(false);
  });
});
