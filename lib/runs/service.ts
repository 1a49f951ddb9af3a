import "server-only";

/** The client of the execution service at EXEC_URL, which the routes hand to lib/runs. */
export { execClient } from "@/lib/exec/client";
