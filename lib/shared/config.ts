import { z } from "zod";

/**
 * The NATS settings the shared-values store needs, read here until lib/exec's configuration
 * (which owns NATS_*) offers them: NATS_URL (unset: the database store) and NATS_PREFIX (names
 * the bucket `<prefix>-shared`). Credentials may ride in the URL (nats://user:password@host:4222).
 */
const ZSharedEnv = z.object({
  NATS_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  NATS_PREFIX: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "cellar"))
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "NATS_PREFIX may use letters, digits, '_' and '-' (1 to 64)")),
});

export type TSharedConfig = { natsUrl: string | undefined; bucket: string };

export function readSharedConfig(env: NodeJS.ProcessEnv = process.env): TSharedConfig {
  const parsed = ZSharedEnv.safeParse({ NATS_URL: env.NATS_URL, NATS_PREFIX: env.NATS_PREFIX });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return { natsUrl: parsed.data.NATS_URL, bucket: `${parsed.data.NATS_PREFIX}-shared` };
}
