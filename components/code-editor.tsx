"use client";

import { useEffect, useRef, useState } from "react";

import type { CodeEditorHandle } from "./codemirror-setup";
import type { TEditorAssist } from "./editor-assist";

/** Props of {@link CodeEditor}. */
export type CodeEditorProps = {
  /** id of the textarea, for its `<label htmlFor>`. */
  id: string;
  /** Form field name of the content, e.g. "files[0][content]". */
  name: string;
  /** File name: picks the language and labels the editor "Contents of <path>". */
  path: string;
  defaultValue: string;
  /** id of a hint element (e.g. keyboard help) to describe the editor by. */
  describedBy?: string;
  /** Tab completion and Shift+Tab help (cell boxes, from the run's session). */
  assist?: TEditorAssist;
  /** Not editable (the text stays selectable). */
  readOnly?: boolean;
  /** Keep the plain textarea: never load CodeMirror (an embed's `textarea` editors). */
  plain?: boolean;
};

/**
 * A plain `<textarea>` (so forms work without JavaScript) that turns into a CodeMirror editor
 * once the page is interactive. The textarea stays in the form, hidden, and always holds the
 * editor's current text.
 */
export function CodeEditor({ id, name, path, defaultValue, describedBy, assist, readOnly = false, plain = false }: CodeEditorProps) {
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CodeEditorHandle | null>(null);
  const pathRef = useRef(path);
  const assistRef = useRef(assist);
  assistRef.current = assist;
  // Whether this editor completes at all is fixed when it is made (the snippet editor does not).
  const assisted = useRef(assist !== undefined);
  const [enhanced, setEnhanced] = useState(false);

  useEffect(() => {
    if (plain) return;
    let cancelled = false;
    import("./codemirror-setup")
      .then(({ createCodeEditor }) => {
        const textarea = textareaRef.current;
        const parent = hostRef.current;
        if (cancelled || !textarea || !parent) return;
        // Whatever the user typed before the editor loaded is in the textarea and carries over.
        editorRef.current = createCodeEditor({
          textarea,
          parent,
          path: pathRef.current,
          describedBy,
          readOnly,
          ...(assisted.current ? { assist: () => assistRef.current ?? null } : {}),
        });
        setEnhanced(true);
      })
      .catch(() => {
        // Could not load the editor: the textarea keeps working.
      });
    return () => {
      cancelled = true;
      editorRef.current?.destroy();
      editorRef.current = null;
    };
    // describedBy, readOnly and plain are fixed for the editor's life; path changes go through setPath below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    pathRef.current = path;
    editorRef.current?.setPath(path);
  }, [path]);

  return (
    <div className="code-editor">
      <textarea
        ref={textareaRef}
        id={id}
        name={name}
        defaultValue={defaultValue}
        className="code-editor__textarea"
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        rows={Math.min(25, Math.max(8, defaultValue.split("\n").length + 1))}
        hidden={enhanced}
        readOnly={readOnly}
        aria-describedby={describedBy}
      />
      <div ref={hostRef} className="code-editor__host" />
    </div>
  );
}
