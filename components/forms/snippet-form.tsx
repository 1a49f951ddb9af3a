"use client";

import { useActionState } from "react";
import { SnippetEditor } from "@/components/snippet-editor";
import { TagInput } from "@/components/tags/tag-input";
import { SnippetCommunityFields } from "@/components/community/snippet-community-fields";
import { KernelField } from "@/components/forms/kernel-field";
import type { TSnippetFormState, TSnippetFormValues } from "@/app/_forms/snippet-form-data";

type Props = {
  action: (prev: TSnippetFormState, form: FormData) => Promise<TSnippetFormState>;
  initial: TSnippetFormValues;
  submitLabel: string;
  /** Hidden fields (owner, slug, base) for edits. */
  hidden?: Record<string, string>;
  /** Whether to ask for a revision message (edits). */
  askMessage?: boolean;
};

/**
 * The create/edit form. Works without JavaScript (a plain POST to the server action, the
 * page comes back with the message and the values); with it, CodeMirror edits the files.
 */
export function SnippetForm({ action, initial, submitLabel, hidden, askMessage }: Props) {
  const [state, formAction, pending] = useActionState(action, { error: null, values: null });
  const v = state.values ?? initial;
  // A new key after each refusal remounts the fields with the values that came back.
  const key = state.values ? JSON.stringify(state.values).length + ":" + (state.error ?? "") : "initial";
  return (
    <form action={formAction} className="snippet-form" encType="multipart/form-data" key={key}>
      {hidden ? Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
      {state.error ? (
        <p className="flash flash-error" role="alert">
          {state.error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="title">Title</label>
        <input id="title" name="title" required maxLength={200} defaultValue={v.title} placeholder="Newton's method for square roots" />
      </div>
      <div className="field">
        <label htmlFor="description">
          Description <span className="muted">(Markdown)</span>
        </label>
        <textarea
          id="description"
          name="description"
          rows={4}
          defaultValue={v.description}
          placeholder="What does it show? How should students play with it?"
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="tags">
            Tags <span className="muted">(comma-separated, e.g. calculus/derivatives)</span>
          </label>
          <TagInput id="tags" name="tags" defaultValue={v.tags} placeholder="calculus/derivatives, numerical-methods" />
        </div>
        <fieldset className="field visibility">
          <legend>Visibility</legend>
          <label>
            <input type="radio" name="visibility" value="public" defaultChecked={v.visibility === "public"} /> Public
          </label>
          <label>
            <input type="radio" name="visibility" value="unlisted" defaultChecked={v.visibility === "unlisted"} /> Unlisted{" "}
            <span className="muted">(only people with the link)</span>
          </label>
        </fieldset>
      </div>
      <SnippetCommunityFields values={v} editing={Boolean(askMessage)} />
      <KernelField value={v.kernel ?? "auto"} />
      <SnippetEditor initialFiles={v.files} />
      <div className="field">
        <label htmlFor="uploads">
          Upload files <span className="muted">(data, images; up to 1 MB each)</span>
        </label>
        <input id="uploads" name="uploads" type="file" multiple />
      </div>
      {askMessage ? (
        <div className="field">
          <label htmlFor="message">What changed?</label>
          <input id="message" name="message" maxLength={2000} defaultValue={v.message} placeholder="Describe this revision" />
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
