import type { TSnippetFormValues } from "@/app/_forms/snippet-form-data";
import { LICENSE_ORDER, LICENSES } from "@/lib/snippets/licenses";

/**
 * The snippet form's license choice and, when editing, the related snippets and tags. A fork
 * whose license may not change (licenses.ts) shows it fixed, with the reason.
 */
export function SnippetCommunityFields({ values, editing }: { values: TSnippetFormValues; editing: boolean }) {
  const current = values.license || LICENSES.CC_BY_SA_4_0.id;
  return (
    <>
      <div className="field">
        <label htmlFor="license">License</label>
        {values.licenseLocked ? (
          <>
            <input type="hidden" name="licenseLocked" value={values.licenseLocked} />
            <select id="license" disabled defaultValue={current} aria-describedby="license-note">
              {LICENSE_ORDER.map((l) => (
                <option key={l} value={LICENSES[l].id}>
                  {LICENSES[l].name}
                </option>
              ))}
            </select>
            <p id="license-note" className="muted">
              {values.licenseLocked}
            </p>
          </>
        ) : (
          <select id="license" name="license" defaultValue={current}>
            {LICENSE_ORDER.map((l) => (
              <option key={l} value={LICENSES[l].id}>
                {LICENSES[l].name} — {LICENSES[l].summary}
              </option>
            ))}
          </select>
        )}
      </div>
      {editing ? (
        <div className="field-row">
          <div className="field">
            <label htmlFor="relatedSnippets">
              Related snippets <span className="muted">(one per line: owner/name or its address)</span>
            </label>
            <textarea id="relatedSnippets" name="relatedSnippets" rows={3} defaultValue={values.relatedSnippets ?? ""} placeholder="ada/newton-method" />
          </div>
          <div className="field">
            <label htmlFor="relatedTags">
              Related tags <span className="muted">(comma-separated)</span>
            </label>
            <input id="relatedTags" name="relatedTags" defaultValue={values.relatedTags ?? ""} placeholder="calculus/limits" />
          </div>
        </div>
      ) : null}
    </>
  );
}
