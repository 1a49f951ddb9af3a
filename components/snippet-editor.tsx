"use client";

import { useEffect, useId, useRef, useState } from "react";

import { CodeEditor } from "./code-editor";

/** A file as the editor starts with it. Binary files cannot be edited, only renamed or removed. */
export type SnippetEditorFile = { path: string; content: string; binary?: boolean };

/** Props of {@link SnippetEditor}. */
export type SnippetEditorProps = {
  /** The snippet's current files, or a starter file for a new snippet. */
  initialFiles: readonly SnippetEditorFile[];
};

type EditorFile = { key: number; path: string; content: string; binary: boolean; originalPath: string };

/**
 * The files part of the create/edit snippet form. Submits, per file `i`:
 * `files[i][path]` and either `files[i][content]` or, for a kept binary file, `files[i][keep]=1`
 * with `files[i][from]` = the name it had (it may have been renamed).
 *
 * Without JavaScript it is a name input and a textarea per file; with JavaScript the textareas
 * become CodeMirror editors and files can be added and removed.
 */
export function SnippetEditor({ initialFiles }: SnippetEditorProps) {
  const idPrefix = useId();
  const nextKey = useRef(initialFiles.length);
  const [files, setFiles] = useState<EditorFile[]>(() =>
    initialFiles.map((file, index) => ({
      key: index,
      path: file.path,
      content: file.content,
      binary: file.binary ?? false,
      originalPath: file.path,
    })),
  );
  const [interactive, setInteractive] = useState(false);
  // After adding or removing, move focus somewhere sensible instead of losing it to <body>.
  const [focusTarget, setFocusTarget] = useState<number | "add" | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  useEffect(() => setInteractive(true), []);

  useEffect(() => {
    if (focusTarget === null) return;
    if (focusTarget === "add") addButton.current?.focus();
    else document.getElementById(`${idPrefix}-path-${focusTarget}`)?.focus();
    setFocusTarget(null);
  }, [focusTarget, idPrefix]);

  const counts = new Map<string, number>();
  for (const file of files) {
    const path = file.path.trim();
    if (path) counts.set(path, (counts.get(path) ?? 0) + 1);
  }

  function rename(key: number, path: string) {
    setFiles((current) => current.map((file) => (file.key === key ? { ...file, path } : file)));
  }

  function remove(key: number) {
    setFiles((current) => current.filter((file) => file.key !== key));
    setFocusTarget("add");
  }

  function add() {
    const key = nextKey.current++;
    setFiles((current) => [...current, { key, path: "", content: "", binary: false, originalPath: "" }]);
    setFocusTarget(key);
  }

  const helpId = `${idPrefix}-keys`;
  return (
    <div className="snippet-editor">
      <p id={helpId} className="visually-hidden">
        In the code editor, Tab indents. Press Escape and then Tab to move to the next field.
      </p>
      {files.map((file, index) => {
        const pathId = `${idPrefix}-path-${file.key}`;
        const contentId = `${idPrefix}-content-${file.key}`;
        const duplicate = (counts.get(file.path.trim()) ?? 0) > 1;
        const errorId = `${pathId}-error`;
        return (
          <fieldset key={file.key} className="editor-file">
            <legend className="visually-hidden">File {index + 1}</legend>
            <div className="editor-file__header">
              <div className="editor-file__name">
                <label htmlFor={pathId}>File name</label>
                <input
                  id={pathId}
                  name={`files[${index}][path]`}
                  className="input input--mono"
                  value={file.path}
                  onChange={(event) => rename(file.key, event.target.value)}
                  placeholder="e.g. main.py"
                  required
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={duplicate || undefined}
                  aria-describedby={duplicate ? errorId : undefined}
                />
              </div>
              {interactive ? (
                <button
                  type="button"
                  className="button button--small button--quiet"
                  onClick={() => remove(file.key)}
                  disabled={files.length === 1}
                  aria-label={`Remove file ${file.path || index + 1}`}
                >
                  Remove file
                </button>
              ) : null}
            </div>
            {duplicate ? (
              <p id={errorId} className="field-error">
                Another file has this name.
              </p>
            ) : null}
            {file.binary ? (
              <p className="editor-file__binary">
                <input type="hidden" name={`files[${index}][keep]`} value="1" />
                {/* The kept bytes are found by the name they had; the path field may rename them. */}
                <input type="hidden" name={`files[${index}][from]`} value={file.originalPath} />
                Binary file — kept as is.
              </p>
            ) : (
              <>
                <label htmlFor={contentId} className="visually-hidden">
                  Contents of {file.path || `file ${index + 1}`}
                </label>
                <CodeEditor id={contentId} name={`files[${index}][content]`} path={file.path} defaultValue={file.content} describedBy={helpId} />
              </>
            )}
          </fieldset>
        );
      })}
      {interactive ? (
        <button ref={addButton} type="button" className="button" onClick={add}>
          + Add file
        </button>
      ) : null}
    </div>
  );
}
