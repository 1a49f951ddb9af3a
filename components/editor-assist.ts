/**
 * Completion (Tab) and help (Shift+Tab) in a CodeMirror editor, answered by a live run session
 * (docs/api.md, "Completion and help"). The editor knows nothing of sessions: it asks an
 * {@link TEditorAssist} for matches and help text, which says "Run once…" when there is none.
 */
import { acceptCompletion, autocompletion, completionStatus, startCompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { indentLess } from "@codemirror/commands";
import { Prec, StateEffect, StateField, type Extension } from "@codemirror/state";
import { EditorView, keymap, showTooltip, type Command, type Tooltip } from "@codemirror/view";

/** What the editor gets back: matches (positions in the document) or a message to show instead. */
export type TAssistCompletion = { matches: string[]; from: number; to: number } | { message: string };
export type TAssistHelp = { text: string } | { message: string };

/** Answers the editor's questions; positions are JavaScript string positions in `code`. */
export type TEditorAssist = {
  complete(code: string, cursor: number): Promise<TAssistCompletion>;
  inspect(code: string, cursor: number): Promise<TAssistHelp>;
};

type THelpState = { pos: number; text: string; message: boolean } | null;

const setHelp = StateEffect.define<THelpState>();

/** The help (or message) tooltip: closed by Escape, by typing and by moving the cursor. */
const helpField = StateField.define<THelpState>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setHelp)) return e.value;
    if (value && (tr.docChanged || tr.selection)) return null;
    return value;
  },
  provide: (field) =>
    showTooltip.from(field, (help): Tooltip | null =>
      help
        ? {
            pos: help.pos,
            above: false,
            create: () => {
              const dom = document.createElement("div");
              dom.className = help.message ? "cm-assist cm-assist--message" : "cm-assist cm-assist--help";
              dom.setAttribute("role", "status");
              const pre = document.createElement("pre");
              pre.textContent = help.text;
              dom.append(pre);
              return { dom };
            },
          }
        : null,
    ),
});

function show(view: EditorView, pos: number, text: string, message: boolean): void {
  view.dispatch({ effects: setHelp.of({ pos, text, message }) });
}

/** A name character (letters in any script, digits, `_`) or the `.` of an attribute. */
const NAME_END = /[\p{L}\p{N}_.]$/u;

/** Tab after a name asks for completions; anywhere else Tab falls through (and indents). */
function completeAfterName(view: EditorView): boolean {
  const { main } = view.state.selection;
  if (view.state.selection.ranges.length > 1 || !main.empty) return false;
  const line = view.state.doc.lineAt(main.head);
  if (!NAME_END.test(line.text.slice(0, main.head - line.from))) return false;
  return startCompletion(view);
}

/**
 * The completion and help extension. `assist` is read at each request (the editor outlives a
 * session). A single match is put in at once; more open CodeMirror's list (Tab or Enter takes
 * one, Escape closes it).
 */
export function editorAssist(assist: () => TEditorAssist | null): Extension {
  async function source(ctx: CompletionContext): Promise<CompletionResult | null> {
    const helper = assist();
    if (!ctx.explicit || !helper) return null;
    const doc = ctx.state.doc;
    const answer = await helper.complete(doc.toString(), ctx.pos).catch(() => ({ message: "Completion failed; try again." }));
    const view = ctx.view;
    if (ctx.aborted || !view || view.state.doc !== doc) return null; // typed on meanwhile: stale
    if ("message" in answer) {
      show(view, ctx.pos, answer.message, true);
      return null;
    }
    if (answer.matches.length === 0) return null;
    const [only] = answer.matches;
    if (answer.matches.length === 1 && only !== undefined) {
      // As in a terminal or Jupyter: one match is simply typed in.
      queueMicrotask(() => {
        if (view.state.doc !== doc) return;
        view.dispatch({
          changes: { from: answer.from, to: answer.to, insert: only },
          selection: { anchor: answer.from + only.length },
          userEvent: "input.complete",
        });
      });
      return null;
    }
    return { from: answer.from, to: answer.to, options: answer.matches.map((label) => ({ label })), filter: false };
  }

  const showHelp: Command = (view) => {
    const { main } = view.state.selection;
    if (!main.empty || view.state.selection.ranges.length > 1) return indentLess(view);
    const helper = assist();
    if (!helper) return indentLess(view);
    const doc = view.state.doc;
    const pos = main.head;
    void helper
      .inspect(doc.toString(), pos)
      .catch(() => ({ message: "Help failed; try again." }))
      .then((answer) => {
        if (view.state.doc !== doc || view.state.selection.main.head !== pos) return;
        if ("message" in answer) show(view, pos, answer.message, true);
        else show(view, pos, answer.text, false);
      });
    return true;
  };

  const closeHelp: Command = (view) => {
    if (!view.state.field(helpField, false)) return false;
    view.dispatch({ effects: setHelp.of(null) });
    return true;
  };

  return [
    helpField,
    autocompletion({ override: [source], activateOnTyping: false, icons: false }),
    Prec.high(
      keymap.of([
        { key: "Tab", run: (view) => (completionStatus(view.state) === "active" ? acceptCompletion(view) : completeAfterName(view)) },
        { key: "Shift-Tab", run: showHelp },
        { key: "Escape", run: closeHelp },
      ]),
    ),
    // The site's colours (CodeMirror's own tooltip and list colours are light-only).
    EditorView.theme({
      ".cm-tooltip": { color: "var(--text)", backgroundColor: "var(--surface)", border: "1px solid var(--border-strong)", boxShadow: "var(--shadow-raised)" },
      ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--font-mono)", maxHeight: "14rem" },
      ".cm-tooltip-autocomplete > ul > li": { padding: "0.125rem 0.5rem" },
      ".cm-tooltip-autocomplete > ul > li[aria-selected]": { color: "var(--text)", backgroundColor: "var(--code-selection)" },
      ".cm-tooltip.cm-assist": { maxWidth: "min(44rem, 90vw)" },
      ".cm-assist pre": { margin: 0, padding: "0.5rem 0.75rem", maxHeight: "18rem", overflow: "auto", whiteSpace: "pre-wrap", fontSize: "0.8125rem" },
      ".cm-assist--message pre": { fontFamily: "inherit", color: "var(--text-muted)" },
    }),
  ];
}
