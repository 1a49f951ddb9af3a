import type { ReactNode } from "react";

/** Props of {@link Flash}. */
export type FlashProps = {
  /** "error" is announced immediately to screen readers (role="alert"); the others politely. */
  kind?: "error" | "notice" | "success";
  /** Optional bold first line, e.g. "Could not save". */
  title?: string;
  children: ReactNode;
};

/** A message box above a form or page: an error, a notice, or a success confirmation. */
export function Flash({ kind = "notice", title, children }: FlashProps) {
  return (
    <div className={`flash flash--${kind}`} role={kind === "error" ? "alert" : "status"}>
      {title ? <p className="flash__title">{title}</p> : null}
      <div className="flash__body">{children}</div>
    </div>
  );
}
