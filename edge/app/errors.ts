// HTTP errors of the edge API. Every error leaves as `{"error": {"code", "message"}}` with its status; the one
// error handler in app.ts maps EdgerecError (and ArtifactError, 422) and turns anything else into a 500.

import { EdgerecError } from "../../shared/errors.ts";

export class HttpError extends EdgerecError {
  constructor(status: number, code: string, message: string) {
    super(code, message, status);
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const unauthorized = (message: string) => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);

export function errorJson(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
