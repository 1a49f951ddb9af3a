import { lazy, Suspense } from "react";
import type { TInteractControl } from "@/lib/runs/run-log";

/** What every control gets: its description, its current wire value, a DOM id, and where a change goes. */
export type TControlProps<C extends TInteractControl, V> = {
  control: C;
  value: V;
  id: string;
  disabled: boolean;
  onChange: (value: V) => void;
};

const MATH = /\$[^$]+\$|\\\(.+?\\\)/;

const LabelMath = lazy(() => import("./label-math"));

/** A label's text, typeset when it has `$…$` in it (KaTeX is fetched only for those; its source shows meanwhile). */
function LabelText({ text }: { text: string }) {
  return MATH.test(text) ? (
    <Suspense fallback={text}>
      <LabelMath text={text} />
    </Suspense>
  ) : (
    text
  );
}

/**
 * A control's visible label, bound to its input. An empty label (`label=""`) shows none; the
 * input is then named by the argument (see {@link accessibleName}).
 */
export function ControlLabel({ control, htmlFor, id }: { control: TInteractControl; htmlFor?: string; id?: string }) {
  if (!control.label) return null;
  return htmlFor ? (
    <label className="interact-label" htmlFor={htmlFor} id={id}>
      <LabelText text={control.label} />
    </label>
  ) : (
    <span className="interact-label" id={id}>
      <LabelText text={control.label} />
    </span>
  );
}

/** aria-label for an input whose label is hidden; undefined when the visible label names it. */
export function accessibleName(control: TInteractControl): string | undefined {
  return control.label ? undefined : control.name;
}

/**
 * ARIA naming for a control made of several inputs (radio buttons, a bar of buttons, a grid):
 * its visible label (a ControlLabel with id `${id}-label`), else the argument's name.
 */
export function groupName(control: TInteractControl, id: string): { "aria-label"?: string; "aria-labelledby"?: string } {
  return control.label ? { "aria-labelledby": `${id}-label` } : { "aria-label": control.name };
}

/** The control's name in plain words, for the names of its parts ("A, row 1, column 2"): TeX delimiters dropped. */
export function plainName(control: TInteractControl): string {
  return control.label ? control.label.replace(/\$|\\\(|\\\)/g, "") : control.name;
}
