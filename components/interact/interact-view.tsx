"use client";

import { useId } from "react";
import { CopyButton } from "@/components/copy-button";
import { OutputView } from "@/components/run/output-view";
import { isSnippetTarget, useRun } from "@/components/run/run-context";
import { ControlView } from "./control-view";
import { defaultValues, endMessage, valuesLink } from "./interact-values";
import "./interact.css";

const SIDES = ["top", "left", "right", "bottom"] as const;

/**
 * A live interact: its controls, laid out around its output area as the description says,
 * and the output of its latest run (nested interacts render inside it). A change re-runs the
 * function (or waits for Update when auto_update is off). When the session ends, it says why
 * and offers Restart.
 */
export function InteractView({ id }: { id: string }) {
  const { log, values: allValues, interactProblems, target, oid, updateInteract, setInteractValues, restart } = useRun();
  const x = log.interacts[id];
  const base = useId();
  if (!x) return null;
  const { spec } = x;
  const values = allValues[id] ?? defaultValues(spec);
  const dead = log.dead;
  const problem = interactProblems[id];
  const byName = new Map(spec.controls.map((c) => [c.name, c]));

  const change = (name: string, value: unknown) => {
    const next = { ...values, [name]: value };
    if (spec.auto_update) updateInteract(id, next);
    else setInteractValues(id, next);
  };
  const press = (name: string, value: unknown) => updateInteract(id, { ...values, [name]: value });

  const control = (name: string) => {
    const c = byName.get(name);
    return c ? (
      <ControlView
        key={name}
        control={c}
        value={values[name]}
        id={`${base}-${name}`}
        disabled={dead}
        onChange={(v) => change(name, v)}
        onPress={(v) => press(name, v)}
      />
    ) : null;
  };

  // Each side is a grid of label, control and value columns (a form, as SageMathCell's table):
  // a row of one control takes its place in the columns, a row of several flows on its own.
  const side = (where: (typeof SIDES)[number]) => {
    const rows = spec.layout[where].map((row) => row.filter((name) => byName.has(name))).filter((row) => row.length > 0);
    if (rows.length === 0) return null;
    return (
      <div key={where} className={`interact__side interact__side--${where}`}>
        {rows.map((row) =>
          row.length === 1 ? (
            control(row[0] ?? "")
          ) : (
            <div key={row.join(" ")} className="interact__row">
              {row.map(control)}
            </div>
          ),
        )}
      </div>
    );
  };

  return (
    <section className={`interact${dead ? " interact--ended" : ""}`} aria-label={`Interact ${spec.name}`}>
      {dead ? (
        <div className="interact__ended" role="status">
          <p>{endMessage(log.end)}</p>
          <button type="button" className="button button--small button--primary" onClick={restart}>
            Restart
          </button>
        </div>
      ) : null}
      <div className="interact__body">
        {SIDES.map(side)}
        <div className="interact__output" aria-busy={x.pending !== null} aria-label={`Output of ${spec.name}`} role="region">
          {x.outputs.map((output, i) => (
            <OutputView key={output.kind === "interact" ? output.id : i} output={output} />
          ))}
        </div>
      </div>
      <div className="interact__foot">
        {spec.auto_update ? null : (
          <button type="button" className="button button--small button--primary" disabled={dead} onClick={() => updateInteract(id, values)}>
            Update
          </button>
        )}
        {problem ? (
          <p className="interact__problem" role="alert">
            {problem.message}
          </p>
        ) : null}
        {/* A live interact exists only in the browser, but a precomputed one (static-run.tsx) is
            rendered on the server too, where the link is not needed yet: the button only shows
            once the page is hydrated. Code typed on /cell has no revision to link to: its Share
            link keeps the values. */}
        {isSnippetTarget(target) ? (
          <CopyButton
            text={valuesLink({
              origin: typeof window === "undefined" ? "" : window.location.origin,
              owner: target.owner,
              slug: target.slug,
              oid,
              interacts: log.interacts,
              values: allValues,
              id,
            })}
            label="Link to these values"
            className="button button--small button--quiet interact__link"
          />
        ) : null}
      </div>
    </section>
  );
}
