import "server-only";

/** The site's execution client (lib/exec/client.ts: HTTP to EXEC_URL, or NATS); lib/runs operations use it unless given another. */
export { execClient } from "@/lib/exec/client";
