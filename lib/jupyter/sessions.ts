import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { TExecClient } from "@/lib/exec/client";
import { getKernel, kernelAlive, kernelModel, shutdownKernel, startKernel, type TOwner } from "./kernels";

/*
 * Jupyter Server's sessions: a name for a kernel (a notebook's path), which JupyterLab's notebooks
 * and Thebe use to start and find their kernel. A session holds nothing but its kernel's id; it
 * ends with its kernel, whichever ends first.
 */

type TSession = { id: string; path: string; name: string; type: string; kernelId: string; owner: TOwner };

const sessions = new Map<string, TSession>();

/** The session `id` of `owner` while its kernel lives; otherwise it is forgotten and a 404. */
function liveSession(id: string, owner: TOwner): { s: TSession; model: Record<string, unknown> } {
  const s = sessions.get(id);
  if (!s || s.owner.key !== owner.key) throw new AppError("NOT_FOUND", `Session not found: ${id}`);
  try {
    return { s, model: modelOf(s, kernelModel(getKernel(s.kernelId, owner))) };
  } catch {
    sessions.delete(id);
    throw new AppError("NOT_FOUND", `Session not found: ${id}`);
  }
}

function modelOf(s: TSession, kernel: Record<string, unknown>): Record<string, unknown> {
  return { id: s.id, path: s.path, name: s.name, type: s.type, kernel, notebook: { path: s.path, name: s.name } };
}

/** The caller's sessions whose kernels live. */
export function listSessions(owner: TOwner): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const s of [...sessions.values()]) {
    if (s.owner.key !== owner.key) continue;
    try {
      out.push(liveSession(s.id, owner).model);
    } catch {
      // its kernel has ended: forgotten
    }
  }
  return out;
}

export function getSession(id: string, owner: TOwner): Record<string, unknown> {
  return liveSession(id, owner).model;
}

/**
 * A session for `path`: with `kernel.id`, on that kernel (one the caller may use); otherwise on a
 * new kernel `kernel.name` (default python). As Jupyter Server does, an existing session of the
 * caller's for the same path is returned instead of a second one.
 */
export async function createSession(o: {
  owner: TOwner;
  path: string;
  name: string;
  type: string;
  kernel: { id?: string | undefined; name?: string | undefined };
  client: TExecClient;
}): Promise<Record<string, unknown>> {
  // Sessions whose kernels ended are forgotten here too, not only when asked for.
  for (const [id, s] of sessions) if (!kernelAlive(s.kernelId)) sessions.delete(id);
  for (const s of sessions.values()) {
    if (s.owner.key === o.owner.key && s.path === o.path && o.path !== "") {
      try {
        return liveSession(s.id, o.owner).model;
      } catch {
        break;
      }
    }
  }
  const kernelId = o.kernel.id
    ? getKernel(o.kernel.id, o.owner).id
    : (await startKernel({ name: o.kernel.name ?? "python", owner: o.owner, client: o.client })).id;
  const s: TSession = { id: randomUUID(), path: o.path, name: o.name, type: o.type, kernelId, owner: o.owner };
  sessions.set(s.id, s);
  return liveSession(s.id, o.owner).model;
}

/** Renames a session or moves it to another kernel (an existing one by id, or a new one by name; the old kernel is shut down). */
export async function updateSession(o: {
  id: string;
  owner: TOwner;
  path?: string | undefined;
  name?: string | undefined;
  type?: string | undefined;
  kernel?: { id?: string | undefined; name?: string | undefined } | undefined;
  client: TExecClient;
}): Promise<Record<string, unknown>> {
  const { s } = liveSession(o.id, o.owner);
  if (o.path !== undefined) s.path = o.path;
  if (o.name !== undefined) s.name = o.name;
  if (o.type !== undefined) s.type = o.type;
  if (o.kernel && (o.kernel.id || o.kernel.name)) {
    const old = s.kernelId;
    const next = o.kernel.id ? getKernel(o.kernel.id, o.owner) : await startKernel({ name: o.kernel.name!, owner: o.owner, client: o.client });
    s.kernelId = next.id;
    if (old !== next.id) {
      try {
        await shutdownKernel(getKernel(old, o.owner), o.client);
      } catch {
        // already gone
      }
    }
  }
  return liveSession(o.id, o.owner).model;
}

/** Ends a session and its kernel. */
export async function deleteSession(o: { id: string; owner: TOwner; client: TExecClient }): Promise<void> {
  const { s } = liveSession(o.id, o.owner);
  sessions.delete(s.id);
  try {
    await shutdownKernel(getKernel(s.kernelId, o.owner), o.client);
  } catch {
    // already gone
  }
}
