/*
 * Tracebacks and some libraries colour their output with ANSI escape sequences. The page shows
 * text, not a terminal: the sequences (CSI colour/cursor codes and OSC titles/links) are removed.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI, "") : text;
}
