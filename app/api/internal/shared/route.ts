import { answerInternalSharedRequest } from "@/lib/shared/answer-internal-shared-request";

/**
 * The execution service's `shared` requests (lib/exec/service/shared-values.ts): loopback and
 * EXEC_SITE_TOKEN only (lib/shared/answer-internal-shared-request.ts).
 */
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return answerInternalSharedRequest(request);
}
