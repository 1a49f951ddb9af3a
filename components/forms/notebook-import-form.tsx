"use client";

import { useState, type FormEvent } from "react";

/**
 * "New snippet from notebook": reads the chosen .ipynb in the browser and sends it to the API's
 * create (`POST /api/v1/snippets` with `import: "notebook"`, signed in by the session cookie),
 * then opens the new snippet. Through the API rather than a server action: a notebook with its
 * outputs is often over a server action's 1 MB body, and the API already checks, limits and
 * answers in one shape. Needs JavaScript, as Run does.
 */
export function NotebookImportForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("notebook");
    if (!(file instanceof File) || file.size === 0) {
      setError("Choose a notebook (.ipynb) file.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const title = String(form.get("title") ?? "").trim();
      const response = await fetch("/api/v1/snippets", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          import: "notebook",
          files: [{ path: file.name.toLowerCase().endsWith(".ipynb") ? file.name : `${file.name}.ipynb`, content: await file.text() }],
          visibility: form.get("visibility") === "unlisted" ? "unlisted" : "public",
          ...(title ? { title } : {}),
        }),
      });
      const json = (await response.json().catch(() => null)) as { url?: string; error?: { message?: string } } | null;
      if (!response.ok || !json?.url) {
        setError(json?.error?.message ?? `The import failed (${response.status}).`);
        setPending(false);
        return;
      }
      // The API answers an absolute URL on our origin; go to its path.
      window.location.assign(new URL(json.url, window.location.href).pathname);
    } catch {
      setError("The notebook could not be sent. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <form className="snippet-form notebook-import" onSubmit={(e) => void onSubmit(e)} aria-labelledby="notebook-import-title">
      <h2 id="notebook-import-title">New snippet from notebook</h2>
      <p className="muted">
        A Jupyter notebook (.ipynb, nbformat 4) becomes a snippet: its code cells <code>main.py</code> (or <code>main.sage</code>), its first text cell the
        description, later ones comments. IPython magics and shell commands (<code>%matplotlib</code>, <code>!pip</code>) are commented out; attached images are
        kept as files; outputs are not.
      </p>
      {error ? (
        <p className="flash flash-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="notebook-file">Notebook file</label>
        <input id="notebook-file" name="notebook" type="file" accept=".ipynb,application/x-ipynb+json" required />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="notebook-title">
            Title <span className="muted">(optional: else the notebook&apos;s first heading)</span>
          </label>
          <input id="notebook-title" name="title" maxLength={200} />
        </div>
        <fieldset className="field visibility">
          <legend>Visibility</legend>
          <label>
            <input type="radio" name="visibility" value="public" defaultChecked /> Public
          </label>
          <label>
            <input type="radio" name="visibility" value="unlisted" /> Unlisted <span className="muted">(only people with the link)</span>
          </label>
        </fieldset>
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? "Importing…" : "Import notebook"}
        </button>
      </div>
    </form>
  );
}
