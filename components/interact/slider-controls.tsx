"use client";

import { useCallback, useRef, useState, type CSSProperties } from "react";
import type { TInteractControl } from "@/lib/runs/run-log";
import { ControlLabel, accessibleName, plainName, type TControlProps } from "./control-label";

type TSlider = Extract<TInteractControl, { type: "slider" }>;
type TRangeSlider = Extract<TInteractControl, { type: "range_slider" }>;

/** min, max and step of a slider: a list slider moves over the indices of its values. */
function bounds(control: TSlider | TRangeSlider): { min: number; max: number; step: number } {
  if (control.values) return { min: 0, max: control.values.length - 1, step: 1 };
  return { min: control.min ?? 0, max: control.max ?? 100, step: control.step ?? 1 };
}

/** A slider's value as it reads: the label at an index, or the number with as many decimals as the step has. */
function shown(control: TSlider | TRangeSlider, value: number): string {
  if (control.values) return control.values[value] ?? String(value);
  const decimals = (String(control.step ?? 1).split(".")[1] ?? "").length;
  return value.toFixed(Math.min(decimals, 10));
}

/**
 * The widest a slider's value can read, in characters: its box keeps that width, so neither
 * the box nor the track beside it twitches while the slider moves.
 */
function valueChars(control: TSlider | TRangeSlider): number {
  const { min, max } = bounds(control);
  const texts = control.values ?? [shown(control, min), shown(control, max)];
  return Math.max(1, ...texts.map((t) => t.length));
}

/** Where a value sits on the track, 0 to 1: the filled part of the track ends there. */
function fraction(value: number, min: number, max: number): number {
  return max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0;
}

/**
 * Where a slider's moves go. Each move is passed on (updates coalesce), unless the control says
 * `continuous_update: false` (ipywidgets'): then a move only shows, and the value is passed on
 * at the input's native `change` event, which browsers fire when the thumb is let go (and for
 * each arrow key). React's onChange is the `input` event for range inputs, so `change` is
 * listened to on the element itself (`settleOn`, a ref).
 */
function useSettledValue<V>(control: TSlider | TRangeSlider, value: V, onChange: (value: V) => void) {
  const continuous = control.continuous_update !== false;
  const [draft, setDraft] = useState<{ value: V } | null>(null);
  const pending = useRef<{ value: V } | null>(null);
  const send = useRef(onChange);
  send.current = onChange;
  const move = useCallback(
    (next: V) => {
      if (continuous) {
        send.current(next);
        return;
      }
      pending.current = { value: next };
      setDraft({ value: next });
    },
    [continuous],
  );
  const settleOn = useCallback((input: HTMLInputElement | null) => {
    if (!input) return;
    const settle = () => {
      const moved = pending.current;
      if (!moved) return;
      pending.current = null;
      setDraft(null);
      send.current(moved.value);
    };
    input.addEventListener("change", settle);
    return () => input.removeEventListener("change", settle);
  }, []);
  return { current: draft ? draft.value : value, move, settleOn };
}

/** A slider, continuous or over a list, with its value shown beside it; every move re-runs (updates coalesce), or every release. */
export function SliderControl({ control, value: given, id, disabled, onChange }: TControlProps<TSlider, number>) {
  const { current: value, move, settleOn } = useSettledValue(control, given, onChange);
  const { min, max, step } = bounds(control);
  const text = shown(control, value);
  return (
    <div className="interact-control interact-control--slider">
      <ControlLabel control={control} htmlFor={id} />
      <input
        id={id}
        type="range"
        className="interact-range-input"
        style={{ "--fill": fraction(value, min, max) } as CSSProperties}
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-label={accessibleName(control)}
        aria-valuetext={text}
        ref={settleOn}
        onChange={(e) => move(Number(e.target.value))}
      />
      {control.display_value ? (
        <output htmlFor={id} className="interact-value" style={{ "--value-chars": valueChars(control) } as CSSProperties}>
          {text}
        </output>
      ) : null}
    </div>
  );
}

/** Two thumbs on one track (two native range inputs, each reachable with Tab and the arrow keys). */
export function RangeSliderControl({ control, value: given, id, disabled, onChange }: TControlProps<TRangeSlider, [number, number]>) {
  const { current: value, move, settleOn } = useSettledValue(control, given, onChange);
  const { min, max, step } = bounds(control);
  const [lo, hi] = value;
  const name = plainName(control);
  return (
    <div className="interact-control interact-control--slider">
      <ControlLabel control={control} htmlFor={`${id}-lo`} />
      <div
        className="interact-twothumb"
        role="group"
        aria-label={name}
        style={{ "--lo": fraction(lo, min, max), "--hi": fraction(hi, min, max) } as CSSProperties}
      >
        <span className="interact-twothumb__fill" aria-hidden="true" />
        <input
          id={`${id}-lo`}
          type="range"
          min={min}
          max={max}
          step={step}
          value={lo}
          disabled={disabled}
          aria-label={`${name}, from`}
          aria-valuetext={shown(control, lo)}
          ref={settleOn}
          onChange={(e) => move([Math.min(Number(e.target.value), hi), hi])}
        />
        <input
          id={`${id}-hi`}
          type="range"
          min={min}
          max={max}
          step={step}
          value={hi}
          disabled={disabled}
          aria-label={`${name}, to`}
          aria-valuetext={shown(control, hi)}
          ref={settleOn}
          onChange={(e) => move([lo, Math.max(Number(e.target.value), lo)])}
        />
      </div>
      {control.display_value ? (
        <output htmlFor={`${id}-lo ${id}-hi`} className="interact-value" style={{ "--value-chars": 2 * valueChars(control) + 3 } as CSSProperties}>
          {shown(control, lo)} – {shown(control, hi)}
        </output>
      ) : null}
    </div>
  );
}
