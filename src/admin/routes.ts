// PLACEHOLDER (the tenancy work replaces this file): the admin API, bearer LRS_ADMIN_TOKEN.
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const adminRoutes = new Hono<AppEnv>();
