"use client";

import { useCallback, useEffect, useState } from "react";
import { useSession } from "next-auth/react";
import { formatBytes, formatDateTime } from "@/lib/render/format";
import "./shared.css";

type TRow = { key: string; kind: "json" | "ndarray"; size: number; revision: number; updatedAt: string; writer: string | null; preview: string };
type TData = { anonymousWrites: boolean; limits: { valueBytes: number; keys: number }; values: TRow[] };

/**
 * "Shared values" on a snippet page, for its owner only: what runs of the snippet stored in
 * `shared` (key, a short preview, size, revision, time, writer), Delete for one and Clear all,
 * and whether readers who are not signed in may write. The page is cached for everyone, so the
 * owner is recognised here and the values fetched from the API (which answers the owner only).
 */
export function SharedValuesPanel({ owner, slug }: { owner: string; slug: string }) {
  const { data: session } = useSession();
  const isOwner = session?.user?.username === owner;
  const url = `/api/v1/snippets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/shared`;
  const [data, setData] = useState<TData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const res = await fetch(url, { cache: "no-store" });
    const body = (await res.json()) as TData | { error: { message: string } };
    if ("error" in body) setError(body.error.message);
    else setData(body);
  }, [url]);

  useEffect(() => {
    if (isOwner) load().catch(() => setError("Could not load the shared values."));
  }, [isOwner, load]);

  async function send(path: string, init: RequestInit, failure: string) {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(path, init);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        setError(body?.error?.message ?? failure);
      }
      await load();
    } catch {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (!isOwner || !data) return error && isOwner ? <p className="flash flash-error">{error}</p> : null;
  const { values } = data;
  return (
    <section className="shared-values" aria-labelledby="shared-values">
      <h2 id="shared-values">Shared values</h2>
      <p className="shared-values__about">
        What runs of this snippet keep in <code>shared</code>, seen by every run (forks read them too). Only you see this list. {values.length} of{" "}
        {data.limits.keys} keys.
      </p>
      <label className="shared-values__setting">
        <input
          type="checkbox"
          checked={data.anonymousWrites}
          disabled={busy}
          onChange={(e) => {
            // Shown at once; the reload after the request shows what was stored.
            setData({ ...data, anonymousWrites: e.target.checked });
            void send(
              url,
              { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ anonymousWrites: e.target.checked }) },
              "Could not change the setting.",
            );
          }}
        />{" "}
        Readers who are not signed in may write shared values
      </label>
      {values.length === 0 ? (
        <p className="shared-values__empty">No shared values yet.</p>
      ) : (
        <>
          <table className="shared-values__table">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Size</th>
                <th scope="col">Revision</th>
                <th scope="col">Written</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {values.map((v) => (
                <tr key={v.key} data-key={v.key}>
                  <th scope="row">
                    <code>{v.key}</code>
                  </th>
                  <td>
                    <code className="shared-values__preview">{v.preview}</code>
                  </td>
                  <td>{formatBytes(v.size)}</td>
                  <td>{v.revision}</td>
                  <td>
                    <time dateTime={v.updatedAt}>{formatDateTime(new Date(v.updatedAt))}</time>
                    {v.writer ? ` by ${v.writer}` : " by a reader who was not signed in"}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      disabled={busy}
                      aria-label={`Delete ${v.key}`}
                      onClick={() => void send(`${url}/${encodeURIComponent(v.key)}`, { method: "DELETE" }, `Could not delete ${v.key}.`)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Delete all ${values.length} shared values of this snippet? Runs will no longer see them.`)) {
                void send(url, { method: "DELETE" }, "Could not clear the shared values.");
              }
            }}
          >
            Clear all
          </button>
        </>
      )}
      {error ? (
        <p className="flash flash-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
