import type { IncomingMessage } from "node:http";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";

/**
 * Reads the request body, refusing (413) as soon as it passes `limit` bytes, declared or not. A
 * body cut off by the client (its connection closed mid-body: `ECONNRESET`, "aborted") is the
 * client's doing, BAD_REQUEST: left as it is, the socket's error code would read as an
 * unreachable database (503, logged as an outage).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `The request body exceeds ${limit} bytes.`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError(ErrorCode.BAD_REQUEST, "The request body could not be read: the connection closed before it ended.");
  }
  return Buffer.concat(chunks).toString("utf8");
}
