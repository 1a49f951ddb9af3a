import type { TAssistCompletion, TAssistHelp, TEditorAssist } from "@/components/editor-assist";
import { postJson } from "./run-api";

const NO_SESSION = "Run once to complete from the session.";
const BUSY = "A cell is running: try again when it ends.";
const ENDED = "This session has ended: Run again to complete from a new one.";

/**
 * Completion and help for an editor from the page's run session (`POST /api/v1/runs/:session/
 * complete` and `/inspect`), read at each request; without a session, a hint to run first.
 */
export function sessionAssist(session: () => string | null): TEditorAssist {
  return {
    async complete(code, cursor): Promise<TAssistCompletion> {
      const id = session();
      if (!id) return { message: NO_SESSION };
      const res = await postJson(`/api/v1/runs/${id}/complete`, { code, cursor });
      if (!res.ok) return { message: res.problem.code === "CONFLICT" || res.problem.code === "NOT_FOUND" ? ENDED : res.problem.message };
      const body = res.body as { matches: string[]; cursorStart: number; cursorEnd: number; busy: boolean };
      if (body.busy) return { message: BUSY };
      return { matches: body.matches, from: body.cursorStart, to: body.cursorEnd };
    },
    async inspect(code, cursor): Promise<TAssistHelp> {
      const id = session();
      if (!id) return { message: "Run once to see help from the session." };
      const res = await postJson(`/api/v1/runs/${id}/inspect`, { code, cursor });
      if (!res.ok) return { message: res.problem.code === "CONFLICT" || res.problem.code === "NOT_FOUND" ? ENDED : res.problem.message };
      const body = res.body as { found: boolean; text: string; busy: boolean };
      if (body.busy) return { message: BUSY };
      return body.found ? { text: body.text } : { message: "No help found for the name here." };
    },
  };
}
