"use client";

import type { TInteractControl } from "@/lib/runs/run-log";
import { ButtonBarControl, ButtonControl, CheckboxControl, ColorControl, SelectorControl } from "./choice-controls";
import { RangeSliderControl, SliderControl } from "./slider-controls";
import { InputBoxControl, InputGridControl } from "./text-controls";

type TProps = {
  control: TInteractControl;
  value: unknown;
  id: string;
  disabled: boolean;
  /** A new value for the control (the interact decides whether it re-runs now or on Update). */
  onChange: (value: unknown) => void;
  /** A button pressed: always re-runs, with this value for this one update. */
  onPress: (value: unknown) => void;
};

/** One control of an interact, by its type. A value of the wrong shape falls back to the default. */
export function ControlView({ control, value, id, disabled, onChange, onPress }: TProps) {
  const common = { id, disabled };
  switch (control.type) {
    case "slider":
      return <SliderControl {...common} control={control} value={typeof value === "number" ? value : control.default} onChange={onChange} />;
    case "range_slider":
      return <RangeSliderControl {...common} control={control} value={isPair(value) ? value : control.default} onChange={onChange} />;
    case "input_box":
      return <InputBoxControl {...common} control={control} value={typeof value === "string" ? value : control.default} onChange={onChange} />;
    case "input_grid":
      return <InputGridControl {...common} control={control} value={isGrid(value) ? value : control.default} onChange={onChange} />;
    case "checkbox":
      return <CheckboxControl {...common} control={control} value={typeof value === "boolean" ? value : control.default} onChange={onChange} />;
    case "selector":
      return <SelectorControl {...common} control={control} value={typeof value === "number" ? value : control.default} onChange={onChange} />;
    case "color":
      return (
        <ColorControl
          {...common}
          control={control}
          value={typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value) ? value : control.default}
          onChange={onChange}
        />
      );
    case "text":
      return <p className="interact-text">{control.text}</p>;
    case "button":
      return <ButtonControl {...common} control={control} onPress={onPress} />;
    case "button_bar":
      return <ButtonBarControl {...common} control={control} onPress={onPress} />;
  }
}

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number");
}

function isGrid(v: unknown): v is string[][] {
  return Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every((x) => typeof x === "string"));
}
