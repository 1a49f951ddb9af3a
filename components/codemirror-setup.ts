/**
 * CodeMirror 6, assembled for the snippet editor. Loaded with `import()` after hydration, so the
 * page (and the plain textarea) is usable before the editor's ~300 KB arrive.
 *
 * The installed `codemirror` package is CodeMirror 5, so there is no `basicSetup`; this file
 * builds the equivalent from the @codemirror/* parts.
 */
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentLess, indentMore } from "@codemirror/commands";
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, LanguageDescription, syntaxHighlighting } from "@codemirror/language";
import { languages } from "@codemirror/language-data";
import { Compartment, EditorSelection, EditorState } from "@codemirror/state";
import {
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  type Command,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { editorAssist, type TEditorAssist } from "./editor-assist";

/** Colours come from CSS variables (app/globals.css), so the editor follows the light/dark theme. */
const highlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.operatorKeyword, t.modifier, t.controlKeyword, t.definitionKeyword], color: "var(--syntax-keyword)" },
  { tag: [t.string, t.special(t.string), t.regexp, t.character], color: "var(--syntax-string)" },
  { tag: [t.comment, t.meta, t.processingInstruction], color: "var(--syntax-comment)", fontStyle: "italic" },
  { tag: [t.number, t.bool, t.null, t.atom, t.constant(t.name), t.standard(t.name)], color: "var(--syntax-constant)" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.className, t.typeName, t.definition(t.name)], color: "var(--syntax-function)" },
  { tag: [t.propertyName, t.attributeName, t.labelName], color: "var(--syntax-constant)" },
  { tag: [t.operator, t.tagName], color: "var(--syntax-tag)" },
  { tag: t.heading, color: "var(--syntax-constant)", fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "bold" },
  { tag: t.link, color: "var(--syntax-string)", textDecoration: "underline" },
  { tag: t.invalid, color: "var(--danger)" },
]);

const theme = EditorView.theme({
  "&": { color: "var(--text)", backgroundColor: "var(--code-bg)", fontSize: "0.875rem" },
  "&.cm-focused": { outline: "none" },
  ".cm-content": { fontFamily: "var(--font-mono)", caretColor: "var(--text)", padding: "0.5rem 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--text-muted)", border: "none", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--code-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--code-active-line)", color: "var(--text)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--code-selection)",
  },
  ".cm-matchingBracket": { backgroundColor: "var(--code-selection)", outline: "1px solid var(--border-strong)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.5" },
});

/** What {@link createCodeEditor} needs to know about its file. */
export type CodeEditorOptions = {
  /** Holds the initial text and receives every change, so a normal form submit sends the content. */
  textarea: HTMLTextAreaElement;
  /** Element the editor is appended to. */
  parent: HTMLElement;
  /** File name, for the language and the accessible label. */
  path: string;
  /** id of an element describing the editor (keyboard help), for aria-describedby. */
  describedBy?: string;
  /** Tab completion and Shift+Tab help from a run session (cell boxes); read at each request. */
  assist?: () => TEditorAssist | null;
  /** Shown, selectable and copyable, but not editable (an embed's `codemirror-readonly`). */
  readOnly?: boolean;
};

/** Handle on a live editor. */
export type CodeEditorHandle = {
  /** Re-detect the language and relabel after a rename. */
  setPath(path: string): void;
  focus(): void;
  destroy(): void;
};

/**
 * Tab: with a selection, indent the selected lines; otherwise insert spaces up to the next indent
 * stop at the cursor, as in most code editors (CodeMirror's indentWithTab would shift the whole
 * line, which surprises people typing an aligned comment).
 */
const insertIndent: Command = (view) => {
  if (view.state.readOnly) return false;
  if (view.state.selection.ranges.some((range) => !range.empty)) return indentMore(view);
  const width = view.state.facet(indentUnit).length || 4;
  view.dispatch(
    view.state.changeByRange((range) => {
      const column = range.head - view.state.doc.lineAt(range.head).from;
      const spaces = width - (column % width);
      return {
        changes: { from: range.head, insert: " ".repeat(spaces) },
        range: EditorSelection.cursor(range.head + spaces),
      };
    }),
    { scrollIntoView: true, userEvent: "input" },
  );
  return true;
};

function describe(path: string): LanguageDescription | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  // Sage is Python with a preparser; CodeMirror has no mode of its own for it.
  const normalized = extension === "sage" ? "file.py" : dot > 0 ? `${name.slice(0, dot)}.${extension}` : name;
  return LanguageDescription.matchFilename(languages, normalized);
}

function labelFor(path: string, describedBy: string | undefined) {
  return EditorView.contentAttributes.of({
    "aria-label": `Contents of ${path || "new file"}`,
    ...(describedBy ? { "aria-describedby": describedBy } : {}),
  });
}

/**
 * Creates a CodeMirror editor showing `textarea`'s text and writing every edit back into it.
 * Tab indents (with `assist`, Tab after a name completes it and Shift+Tab shows help); Escape then Tab moves focus on (CodeMirror's built-in escape hatch), so keyboard
 * users are never trapped.
 */
export function createCodeEditor({ textarea, parent, path, describedBy, assist, readOnly = false }: CodeEditorOptions): CodeEditorHandle {
  const language = new Compartment();
  const label = new Compartment();
  let languageRequest = 0;

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        EditorState.allowMultipleSelections.of(true),
        indentOnInput(),
        indentUnit.of("    "),
        syntaxHighlighting(highlightStyle),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        assist ? editorAssist(assist) : [],
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, { key: "Tab", run: insertIndent, shift: indentLess }]),
        theme,
        EditorState.readOnly.of(readOnly),
        language.of([]),
        label.of(labelFor(path, describedBy)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });

  function setPath(nextPath: string) {
    view.dispatch({ effects: label.reconfigure(labelFor(nextPath, describedBy)) });
    const request = ++languageRequest;
    const description = describe(nextPath);
    if (!description) {
      view.dispatch({ effects: language.reconfigure([]) });
      return;
    }
    description
      .load()
      .then((support) => {
        // A later rename may have finished first; only the latest name counts.
        if (request === languageRequest) view.dispatch({ effects: language.reconfigure(support) });
      })
      .catch(() => {
        // The language chunk failed to load (offline?); editing plain text still works.
      });
  }

  setPath(path);
  return { setPath, focus: () => view.focus(), destroy: () => view.destroy() };
}
