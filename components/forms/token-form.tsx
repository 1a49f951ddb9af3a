"use client";

import { useActionState } from "react";
import { CopyButton } from "@/components/copy-button";
import type { TTokenFormState } from "@/app/settings/tokens/actions";

/** Names a new API token; shows its secret once after creation. */
export function TokenForm({ action }: { action: (prev: TTokenFormState, form: FormData) => Promise<TTokenFormState> }) {
  const [state, formAction, pending] = useActionState(action, { error: null, created: null });
  return (
    <div>
      {state.created ? (
        <div className="flash flash-success" role="status">
          <p>
            New token <strong>{state.created.name}</strong>. Copy it now: it will not be shown again.
          </p>
          <p className="token-secret">
            <code data-testid="new-token">{state.created.token}</code> <CopyButton text={state.created.token} label="Copy token" />
          </p>
        </div>
      ) : null}
      {state.error ? (
        <p className="flash flash-error" role="alert">
          {state.error}
        </p>
      ) : null}
      <form action={formAction} className="inline-form">
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" name="name" required maxLength={100} placeholder="laptop script" />
        <button type="submit" className="button button-primary" disabled={pending}>
          Create token
        </button>
      </form>
    </div>
  );
}
