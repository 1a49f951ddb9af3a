"use client";

import { useState, type KeyboardEvent } from "react";
import type { TInteractControl } from "@/lib/runs/run-log";
import { ControlLabel, accessibleName, groupName, plainName, type TControlProps } from "./control-label";

type TInputBox = Extract<TInteractControl, { type: "input_box" }>;
type TInputGrid = Extract<TInteractControl, { type: "input_grid" }>;

/**
 * What the reader is typing, reset when the value changes from elsewhere (a restored value).
 * Typing does not re-run: only Enter, leaving the box, or a change to the whole value does.
 */
function useDraft<V>(value: V): [V, (v: V) => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return [draft, setDraft];
}

/** A text box (a textarea when the control is taller than a line): Enter, or Ctrl+Enter in a textarea, sends it. */
export function InputBoxControl({ control, value, id, disabled, onChange }: TControlProps<TInputBox, string>) {
  const [draft, setDraft] = useDraft(value);
  const commit = () => {
    if (draft !== value) onChange(draft);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && (control.height === 1 || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit();
    }
  };
  // Sage's width is in characters (80 by default): at most, never wider than the page.
  const width = control.width ? { width: `min(100%, ${control.width + 2}ch)` } : undefined;
  const common = {
    id,
    style: width,
    className: "interact-input",
    value: draft,
    disabled,
    spellCheck: false,
    autoComplete: "off",
    "aria-label": accessibleName(control),
    onKeyDown,
    onBlur: commit,
  };
  return (
    <div className={`interact-control${control.height > 1 ? " interact-control--tall" : ""}`}>
      <ControlLabel control={control} htmlFor={id} />
      {control.height > 1 ? (
        <textarea {...common} rows={control.height} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input {...common} type="text" onChange={(e) => setDraft(e.target.value)} />
      )}
    </div>
  );
}

/** A table of text inputs (a matrix): Enter in a cell, or leaving a changed cell, sends the whole grid. */
export function InputGridControl({ control, value, id, disabled, onChange }: TControlProps<TInputGrid, string[][]>) {
  const [draft, setDraft] = useDraft(value);
  const name = plainName(control);
  const commit = () => {
    if (JSON.stringify(draft) !== JSON.stringify(value)) onChange(draft);
  };
  const set = (r: number, c: number, text: string) => setDraft(draft.map((row, i) => (i === r ? row.map((cell, j) => (j === c ? text : cell)) : row)));
  return (
    <div className="interact-control interact-control--tall">
      <ControlLabel control={control} id={`${id}-label`} />
      <table className="interact-grid" {...groupName(control, id)}>
        <tbody>
          {draft.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>
                  <input
                    id={r === 0 && c === 0 ? id : undefined}
                    type="text"
                    className="interact-input interact-grid__cell"
                    value={cell}
                    size={control.width ?? 5}
                    disabled={disabled}
                    spellCheck={false}
                    autoComplete="off"
                    aria-label={`${name}, row ${r + 1}, column ${c + 1}`}
                    onChange={(e) => set(r, c, e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        commit();
                      }
                    }}
                    onBlur={commit}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
