/**
 * Reading a run's messages in integration tests as the browser gets them: the session's
 * Server-Sent Events (lib/runs/run-events.ts) folded into the run log the page shows.
 */
import { runEvents } from "@/lib/runs/run-events";
import { ZJupyterMessage, type TJupyterMessage } from "@/lib/exec/protocol";
import { EMPTY_LOG, applyMessage, isFinished, type TRunLog } from "@/lib/runs/run-log";

/**
 * Reads a session's Server-Sent Events (as the browser gets them) into a run log until the
 * cell or interact update `msgId` has finished; returns the log, every event's seq and message.
 */
export async function follow(session: string, msgId: string, after?: number): Promise<{ log: TRunLog; seqs: number[]; messages: TJupyterMessage[] }> {
  const abort = new AbortController();
  const stream = await runEvents({ session, after, signal: abort.signal });
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let log = EMPTY_LOG;
  const seqs: number[] = [];
  const messages: TJupyterMessage[] = [];
  let buffer = "";
  const deadline = setTimeout(() => abort.abort(), 30_000);
  try {
    for (;;) {
      const { done, value: bytes } = await reader.read();
      if (done) break;
      const value = decoder.decode(bytes, { stream: true });
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(event)?.[1];
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (id === undefined || data === undefined) continue;
        seqs.push(Number(id));
        const message = ZJupyterMessage.parse(JSON.parse(data));
        messages.push(message);
        log = applyMessage(log, Number(id), message, Date.now());
      }
      const cell = log.cells.find((c) => c.msgId === msgId);
      const finished = cell ? isFinished(cell) : log.updates[msgId]?.done === true;
      if (finished && /"execution_state":"idle"/.test(value)) break;
    }
  } finally {
    clearTimeout(deadline);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  }
  return { log, seqs, messages };
}

export function stdoutOf(log: TRunLog, msgId: string): string {
  const cell = log.cells.find((c) => c.msgId === msgId);
  return (cell?.outputs ?? []).flatMap((o) => (o.kind === "stream" && o.name === "stdout" ? [o.text] : [])).join("");
}
