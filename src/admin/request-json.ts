// Admin request bodies: JSON validated by a zod schema, every problem a 400 naming its path.
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { badRequest } from "../errors";
import { readBodyText } from "../http/body";
import { firstIssue } from "./admin-input";

const ADMIN_BODY_LIMIT = 64 * 1024;

export async function readJson<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const text = await readBodyText(c, ADMIN_BODY_LIMIT);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw badRequest("the request body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const { message, property } = firstIssue(parsed.error);
    throw badRequest(message, property);
  }
  return parsed.data;
}
