/**
 * sendError is the one way a request that ends without Apollo's answer leaves the gateway (every
 * route's refusal, the /graphql handler's, an unreachable database, anything unexpected), and
 * writeGatewayError the one place its body is built. In memory, over generated errors: the
 * code's status, `{ errors: [{ message, extensions: { code } }] }` in the media type Accept asks
 * for, the headers the status calls for; a 503 or 500 says nothing of the error it stands for.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode, HTTP_STATUS } from "../../src/errors/ErrorCode.js";
import { GatewayError } from "../../src/errors/GatewayError.js";
import { INTERNAL_ERROR_MESSAGE } from "../../src/errors/toGraphQLError.js";
import { responseMediaType, sendError } from "../../src/server/errorResponse.js";
import { createLogger } from "../../src/server/logger.js";
import { startObservation } from "../../src/server/metrics/requestObservation.js";

interface Written {
  status: number;
  headers: Map<string, string>;
  body: string | undefined;
  destroyed: boolean;
}

/** Sends `error` as the gateway does, through a response that keeps what was written, and the log lines. */
function send(error: unknown, accept: string | undefined, headersSent = false): { written: Written; codes: string[]; log: string[] } {
  const written: Written = { status: 200, headers: new Map(), body: undefined, destroyed: false };
  const res = {
    headersSent,
    set statusCode(status: number) {
      written.status = status;
    },
    get statusCode() {
      return written.status;
    },
    setHeader(name: string, value: string) {
      written.headers.set(name.toLowerCase(), value);
      return res;
    },
    end(body?: string) {
      written.body = body;
      return res;
    },
    destroy() {
      written.destroyed = true;
      return res;
    },
  };
  const req = { headers: accept === undefined ? {} : { accept } };
  const log: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void log.push(line) } });
  const observation = startObservation("req-1", "/graphql");
  sendError(req as IncomingMessage, res as unknown as ServerResponse, error, observation, logger);
  return { written, codes: observation.codes, log };
}

const accepts = fc.constantFrom(
  undefined,
  "*/*",
  "application/json",
  "application/graphql-response+json",
  "application/graphql-response+json,application/json;q=0.9",
  "text/html",
);
/** A personal value an error may carry in its message (an email). */
const personalValue = fc
  .tuple(fc.stringMatching(/^[a-z]{3,10}$/), fc.stringMatching(/^[a-z]{3,8}$/))
  .map(([user, host]) => `${user}.x@${host}.example`);
const unavailableCodes = fc.constantFrom("ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "57P01", "53300", "08006");

function errorBody(written: Written) {
  return JSON.parse(written.body ?? "null") as { errors: { message: string; extensions: Record<string, unknown> }[] };
}

describe("sendError", () => {
  it("answers a GatewayError with its code's status, one error in the negotiated media type, and the headers its status calls for", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(ErrorCode)), fc.string(), accepts, (code, message, accept) => {
        const { written, codes, log } = send(new GatewayError(code, message), accept);
        expect(written.status).toBe(HTTP_STATUS[code]);
        expect(written.headers.get("content-type")).toBe(responseMediaType(accept));
        expect(errorBody(written)).toEqual({ errors: [{ message, extensions: { code } }] });
        expect(written.headers.get("www-authenticate")).toBe(HTTP_STATUS[code] === 401 ? 'Bearer realm="privacy-gateway"' : undefined);
        expect(written.headers.get("connection")).toBe(code === ErrorCode.PAYLOAD_TOO_LARGE ? "close" : undefined);
        expect(codes).toEqual([code]);
        expect(log).toEqual([]);
      }),
    );
  });

  it("keeps a GatewayError's details in its extensions", () => {
    const { written } = send(new GatewayError(ErrorCode.RATE_LIMITED, "Slow down.", { limit: 1, retryAfterSeconds: 30 }), undefined);
    expect(written.status).toBe(429);
    expect(errorBody(written).errors[0]!.extensions).toEqual({ code: ErrorCode.RATE_LIMITED, limit: 1, retryAfterSeconds: 30 });
  });

  it("answers an unreachable database 503 SERVICE_UNAVAILABLE, logged once, neither answer nor log holding the statement's values", () => {
    fc.assert(
      fc.property(personalValue, unavailableCodes, accepts, (value, code, accept) => {
        const error = new Error(`Failed query: select * from customers where email = $1\nparams: ${value}`, {
          cause: Object.assign(new Error("down"), { code }),
        });
        const { written, codes, log } = send(error, accept);
        expect(written.status).toBe(503);
        expect(errorBody(written).errors).toEqual([{ message: expect.any(String), extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }]);
        expect(codes).toEqual([ErrorCode.SERVICE_UNAVAILABLE]);
        expect(log).toHaveLength(1);
        expect(written.body).not.toContain(value);
        expect(log[0]).not.toContain(value);
      }),
    );
  });

  it("answers anything else 500 INTERNAL_SERVER_ERROR with the generic message, never the error's own", () => {
    fc.assert(
      fc.property(personalValue, accepts, (value, accept) => {
        const { written, codes, log } = send(new TypeError(`cannot read ${value}`), accept);
        expect(written.status).toBe(500);
        expect(errorBody(written)).toEqual({
          errors: [{ message: INTERNAL_ERROR_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }],
        });
        expect(codes).toEqual([ErrorCode.INTERNAL_SERVER_ERROR]);
        expect(log).toHaveLength(1);
      }),
    );
  });

  it("cuts the connection once the answer has begun, writing nothing more", () => {
    const { written, codes } = send(new GatewayError(ErrorCode.BAD_REQUEST, "late"), undefined, true);
    expect(written).toEqual({ status: 200, headers: new Map(), body: undefined, destroyed: true });
    expect(codes).toEqual([]);
  });
});

describe("error bodies have one author", () => {
  /** The modules that end an HTTP response, and what each writes; none but errorResponse.ts writes an error. */
  const WRITERS: Record<string, string> = {
    "errorResponse.ts": "every error the gateway itself answers (writeGatewayError)",
    "createRouter.ts": "the health routes' own bodies and the empty CORS preflight",
    "createGraphQLHandler.ts": "Apollo's answer, as Apollo built it",
    "metrics/serveMetrics.ts": "the Prometheus text",
  };

  it("no other module under src/server ends a response: a refusal there is thrown and answered by sendError", () => {
    const root = join(import.meta.dirname, "../../src/server");
    const ending = readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && /\bres\.(end|write)\(/.test(readFileSync(join(root, file), "utf8")))
      .map((file) => file.split("\\").join("/"))
      .sort();
    expect(ending).toEqual(Object.keys(WRITERS).sort());
  });
});
