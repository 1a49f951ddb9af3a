"use client";

import type { CSSProperties } from "react";
import type { TInteractControl } from "@/lib/runs/run-log";
import { ControlLabel, accessibleName, groupName, type TControlProps } from "./control-label";

type TCheckbox = Extract<TInteractControl, { type: "checkbox" }>;
type TSelector = Extract<TInteractControl, { type: "selector" }>;
type TColor = Extract<TInteractControl, { type: "color" }>;
type TButton = Extract<TInteractControl, { type: "button" }>;
type TButtonBar = Extract<TInteractControl, { type: "button_bar" }>;

/** Columns for a set of choices laid out as nrows × ncols (Sage's arguments); null: one wrapping row. */
function columns(count: number, nrows: number | null | undefined, ncols: number | null | undefined): CSSProperties | undefined {
  const cols = ncols ?? (nrows ? Math.ceil(count / nrows) : null);
  return cols ? ({ "--cols": cols } as CSSProperties) : undefined;
}

export function CheckboxControl({ control, value, id, disabled, onChange }: TControlProps<TCheckbox, boolean>) {
  return (
    <div className="interact-control interact-control--check">
      <input id={id} type="checkbox" checked={value} disabled={disabled} aria-label={accessibleName(control)} onChange={(e) => onChange(e.target.checked)} />
      <ControlLabel control={control} htmlFor={id} />
    </div>
  );
}

/** A selector as Sage draws it: a dropdown, a radio group (arrow keys move the choice), or a bar of toggle buttons (one pressed). */
export function SelectorControl({ control, value, id, disabled, onChange }: TControlProps<TSelector, number>) {
  if (control.style === "dropdown") {
    return (
      <div className="interact-control">
        <ControlLabel control={control} htmlFor={id} />
        <select
          id={id}
          className="interact-select"
          value={value}
          disabled={disabled}
          aria-label={accessibleName(control)}
          onChange={(e) => onChange(Number(e.target.value))}
        >
          {control.values.map((label, i) => (
            <option key={i} value={i}>
              {label}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (control.style === "radio") {
    const layout = columns(control.values.length, control.nrows, control.ncols);
    return (
      <div className="interact-control interact-control--tall">
        <ControlLabel control={control} id={`${id}-label`} />
        <div role="radiogroup" {...groupName(control, id)} className={layout ? "interact-choices__grid" : "interact-choices__row"} style={layout}>
          {control.values.map((label, i) => (
            <label key={i} className="interact-radio">
              <input type="radio" name={id} value={i} checked={value === i} disabled={disabled} onChange={() => onChange(i)} />
              {label}
            </label>
          ))}
        </div>
      </div>
    );
  }
  return <ButtonGroup control={control} id={id} disabled={disabled} pressed={value} onPress={onChange} />;
}

/**
 * A labelled group of push buttons, shared by a selector's toggle buttons (`pressed` marks the
 * chosen one with aria-pressed) and a button bar (no `pressed`: its buttons are not toggles).
 */
function ButtonGroup({
  control,
  id,
  disabled,
  pressed,
  onPress,
}: {
  control: TSelector | TButtonBar;
  id: string;
  disabled: boolean;
  pressed?: number;
  onPress: (index: number) => void;
}) {
  const layout = columns(control.values.length, control.nrows, control.ncols);
  return (
    <div className="interact-control">
      <ControlLabel control={control} id={`${id}-label`} />
      <div role="group" {...groupName(control, id)} className={`interact-bar ${layout ? "interact-choices__grid" : "interact-choices__row"}`} style={layout}>
        {control.values.map((label, i) => (
          <button
            key={i}
            type="button"
            className="button button--small interact-bar__button"
            aria-pressed={pressed === undefined ? undefined : pressed === i}
            disabled={disabled}
            onClick={() => onPress(i)}
          >
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}

/** The browser's own colour picker, with the chosen colour's hex code beside it. */
export function ColorControl({ control, value, id, disabled, onChange }: TControlProps<TColor, string>) {
  return (
    <div className="interact-control">
      <ControlLabel control={control} htmlFor={id} />
      <span className="interact-color">
        <input id={id} type="color" value={value} disabled={disabled} aria-label={accessibleName(control)} onChange={(e) => onChange(e.target.value)} />
        <output htmlFor={id} className="interact-value">
          {value}
        </output>
      </span>
    </div>
  );
}

/**
 * A push button: a press re-runs the function with this argument true. Its text names it (what
 * the reader sees on it and says to voice control); the label beside it describes it.
 */
export function ButtonControl({
  control,
  id,
  disabled,
  onPress,
}: Omit<TControlProps<TButton, boolean>, "value" | "onChange"> & { onPress: (value: true) => void }) {
  return (
    <div className="interact-control">
      <ControlLabel control={control} id={`${id}-label`} />
      <button
        id={id}
        type="button"
        className="button button--small"
        aria-describedby={control.label ? `${id}-label` : undefined}
        disabled={disabled}
        onClick={() => onPress(true)}
      >
        {control.text}
      </button>
    </div>
  );
}

/** A bar of push buttons: a press re-runs the function with the pressed one's index. */
export function ButtonBarControl({
  control,
  id,
  disabled,
  onPress,
}: Omit<TControlProps<TButtonBar, number | null>, "value" | "onChange"> & { onPress: (value: number) => void }) {
  return <ButtonGroup control={control} id={id} disabled={disabled} onPress={onPress} />;
}
