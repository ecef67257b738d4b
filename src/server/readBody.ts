import type { IncomingMessage } from "node:http";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";

/** Reads the request body, refusing (413) as soon as it passes `limit` bytes, declared or not. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `The request body exceeds ${limit} bytes.`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
