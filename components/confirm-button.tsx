"use client";

import type { ButtonHTMLAttributes, MouseEvent } from "react";

/** Props of {@link ConfirmButton}: a normal button's attributes plus the question to ask. */
export type ConfirmButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type"> & {
  /** Shown by `window.confirm`; submitting happens only if the user agrees. */
  message: string;
};

/**
 * A submit button that asks for confirmation first (for Delete and the like). Without JavaScript it
 * submits straight away, so the form's target must confirm on its own page.
 */
export function ConfirmButton({ message, onClick, className, children, ...rest }: ConfirmButtonProps) {
  function handleClick(event: MouseEvent<HTMLButtonElement>) {
    if (!window.confirm(message)) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  }

  return (
    <button type="submit" className={className ?? "button button--danger"} onClick={handleClick} {...rest}>
      {children}
    </button>
  );
}
