import type { TInteractControl } from "@/lib/runs/run-log";

/** What every control gets: its description, its current wire value, a DOM id, and where a change goes. */
export type TControlProps<C extends TInteractControl, V> = {
  control: C;
  value: V;
  id: string;
  disabled: boolean;
  onChange: (value: V) => void;
};

/**
 * A control's visible label, bound to its input. An empty label (`label=""`) shows none; the
 * input is then named by the argument (see {@link accessibleName}).
 */
export function ControlLabel({ control, htmlFor, id }: { control: TInteractControl; htmlFor?: string; id?: string }) {
  if (!control.label) return null;
  return htmlFor ? (
    <label className="interact-label" htmlFor={htmlFor} id={id}>
      {control.label}
    </label>
  ) : (
    <span className="interact-label" id={id}>
      {control.label}
    </span>
  );
}

/** aria-label for an input whose label is hidden; undefined when the visible label names it. */
export function accessibleName(control: TInteractControl): string | undefined {
  return control.label ? undefined : control.name;
}
