import { isFinished, type TRunCell, type TRunLog } from "@/lib/runs/run-log";

/** "8 ms", "0.4 s", "12 s", "2 min 5 s": how long a cell took, for the status line. */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * When the page sent a cell and when it saw it finish, on the browser's clock: for the run's own
 * cell, from the Run press (starting a session, waiting for a runner, the stream connecting, the
 * code running) to the output shown. What the reader waited, whatever the kernel's share.
 */
export type TCellClock = { sentAt: number; doneAt: number | null };

/** How long a cell took: by the page's clock when it has both ends, else the kernel's own times. */
function took(cell: TRunCell, clock: TCellClock | undefined): string {
  if (clock && clock.doneAt !== null) return formatDuration(Math.max(0, clock.doneAt - clock.sentAt));
  return cell.startedAt !== null && cell.endedAt !== null ? formatDuration(Math.max(0, cell.endedAt - cell.startedAt)) : "";
}

/** The session's end when its execution service went away (the site's `lost` end, lib/runs/run-events.ts). */
const LOST = "The execution service restarted; this run ended. Press Run again.";

/**
 * The one-line status of a run, read out by the live region: "Running…", "Done in 0.4 s"… The
 * run's first cell (Run's) is "Done"; a cell run after it in the same session says which it is
 * ("Cell 2 done in 8 ms"), so its short time is not read as the whole run's.
 */
export function statusLine(phase: "idle" | "starting" | "open", log: TRunLog, clocks: Readonly<Record<string, TCellClock>> = {}): string {
  if (phase === "starting") return "Starting…";
  const last = log.cells[log.cells.length - 1];
  const lost = log.end?.reason === "lost";
  // The site says which went away: the service (restarted) or the execution host (stopped).
  const lostText = log.end?.message ?? LOST;
  if (!last) return log.dead ? (lost ? lostText : "The session has ended.") : phase === "open" ? "Ready." : "";
  if (lost && last.state === "aborted") return lostText;
  if (!isFinished(last)) return last.state === "queued" ? "Waiting for a runner…" : "Running…";
  const time = took(last, clocks[last.msgId]);
  const which = log.cells.length > 1 ? `Cell ${log.cells.length} ` : "";
  const interrupted = last.outputs.some((o) => o.kind === "error" && o.ename === "KeyboardInterrupt");
  if (interrupted) return `${which ? `${which}stopped` : "Stopped"}${time ? ` after ${time}` : ""}.`;
  const limit = last.outputs.find((o) => o.kind === "limit");
  if (limit?.kind === "limit") return `${limit.text.charAt(0).toUpperCase()}${limit.text.slice(1)}.`;
  if (last.state === "ok") return `${which ? `${which}done` : "Done"}${time ? ` in ${time}` : ""}.`;
  if (last.state === "error") return `${which ? `${which}finished` : "Finished"} with an error${time ? ` after ${time}` : ""}.`;
  return log.dead ? "The session has ended." : "Stopped.";
}
