import { z } from "zod";
import type { License } from "@/lib/db/generated/enums";

/*
 * The licenses a snippet can carry. Teachers reuse each other's material, so the page says in
 * one line what a reader may do, and the ZIP carries a LICENSE file.
 *
 * Forks: a fork starts with its source's license. Whether its owner may pick another one is
 * what the license itself says about derived works:
 *   - CC0 1.0, MIT and CC BY 4.0 let a derived work go out under other terms (MIT's notice and
 *     CC BY's attribution still travel with the copied part: the fork's credit line and history
 *     keep them), so the fork's owner may choose any license of the list;
 *   - CC BY-SA 4.0 and GPL-3.0-or-later are share-alike: adaptations must keep the license;
 *   - "All rights reserved" grants nothing to change, so a fork keeps it too.
 * The same rule holds for later edits of a fork: a fork under a share-alike license (kept or
 * chosen) can no longer leave it. A snippet that is no fork is its owner's own work, and its
 * owner may change its license at any time (copies already made keep the terms they came with).
 */

export type TLicenseInfo = {
  /** The API's name: the SPDX identifier, or "all-rights-reserved". */
  id: string;
  name: string;
  /** The license's text online; null for "all rights reserved". */
  url: string | null;
  /** What a reader may do, in one line. */
  summary: string;
  /** Whether a fork's owner may choose another license (see above). */
  forksMayChange: boolean;
};

export const LICENSES: Record<License, TLicenseInfo> = {
  CC_BY_SA_4_0: {
    id: "CC-BY-SA-4.0",
    name: "CC BY-SA 4.0",
    url: "https://creativecommons.org/licenses/by-sa/4.0/",
    summary: "Share and adapt, with credit; adaptations must use the same license.",
    forksMayChange: false,
  },
  CC_BY_4_0: {
    id: "CC-BY-4.0",
    name: "CC BY 4.0",
    url: "https://creativecommons.org/licenses/by/4.0/",
    summary: "Share and adapt for any purpose, with credit.",
    forksMayChange: true,
  },
  CC0_1_0: {
    id: "CC0-1.0",
    name: "CC0 1.0 (public domain)",
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
    summary: "No rights reserved: use it for anything, no credit needed.",
    forksMayChange: true,
  },
  MIT: {
    id: "MIT",
    name: "MIT",
    url: "https://opensource.org/license/mit",
    summary: "Use, change and share for any purpose, keeping the copyright notice.",
    forksMayChange: true,
  },
  GPL_3_0_OR_LATER: {
    id: "GPL-3.0-or-later",
    name: "GPL 3.0 or later",
    url: "https://www.gnu.org/licenses/gpl-3.0.html",
    summary: "Use, change and share; changed versions must be shared under the GPL too.",
    forksMayChange: false,
  },
  ALL_RIGHTS_RESERVED: {
    id: "all-rights-reserved",
    name: "All rights reserved",
    url: null,
    summary: "Read and run it here; copying or reuse elsewhere needs the author's permission.",
    forksMayChange: false,
  },
};

export const DEFAULT_LICENSE: License = "CC_BY_SA_4_0";

/** The licenses in the order forms list them. */
export const LICENSE_ORDER: readonly License[] = ["CC_BY_SA_4_0", "CC_BY_4_0", "CC0_1_0", "MIT", "GPL_3_0_OR_LATER", "ALL_RIGHTS_RESERVED"];

const BY_ID = new Map(LICENSE_ORDER.map((l) => [LICENSES[l].id.toLowerCase(), l]));

/** A license as the API and forms name it ("CC-BY-SA-4.0", any case) → the stored value. */
export const ZLicense = z.string({ error: "license must be a string." }).transform((s, ctx) => {
  const found = BY_ID.get(s.trim().toLowerCase());
  if (!found) {
    ctx.addIssue({ code: "custom", message: `license must be one of ${LICENSE_ORDER.map((l) => LICENSES[l].id).join(", ")}.` });
    return z.NEVER;
  }
  return found;
});

export function licenseInfo(license: License): TLicenseInfo {
  return LICENSES[license];
}

/**
 * Whether `wanted` may replace `current` on a snippet. Null when it may, else the reason shown
 * to the user. `isFork`: the snippet was forked (its source may since be deleted).
 */
export function licenseChangeRefusal(options: { current: License; wanted: License; isFork: boolean }): string | null {
  if (options.current === options.wanted || !options.isFork) return null;
  return forkLockReason(options.current);
}

/** Why a fork under `license` must keep it, or null when its owner may choose another. */
function forkLockReason(license: License): string | null {
  if (LICENSES[license].forksMayChange) return null;
  const name = LICENSES[license].name;
  return license === "ALL_RIGHTS_RESERVED"
    ? "This fork keeps its source's license (All rights reserved): only the author can grant other terms."
    : `This fork keeps its source's license (${name}): ${name} requires adaptations to use the same license.`;
}

/**
 * The LICENSE file for a snippet's ZIP: the license's name, the copyright holders (everyone with
 * commits in the history, from `holders`), and its text or where to read it. MIT's text is
 * short enough to include whole; the others name the license by its canonical URL, as their
 * own "how to apply" sections suggest for a notice.
 */
export function licenseFileText(options: { license: License; title: string; url: string; holders: readonly string[]; year: number }): string {
  const info = LICENSES[options.license];
  const holders = options.holders.length > 0 ? options.holders.join(", ") : "the authors";
  const header = `${options.title}\n${options.url}\n\nCopyright (c) ${options.year} ${holders}\n\n`;
  switch (options.license) {
    case "MIT":
      return `${header}${MIT_TEXT}`;
    case "ALL_RIGHTS_RESERVED":
      return `${header}All rights reserved. No license is granted to copy, change or share this work beyond\nreading and running it on the site it was published on; ask the copyright holders for permission.\n`;
    case "CC0_1_0":
      return `${header}To the extent possible under law, the authors have waived all copyright and related or\nneighboring rights to this work under CC0 1.0 Universal (SPDX: ${info.id}).\nThe full text: ${info.url}legalcode\n`;
    case "GPL_3_0_OR_LATER":
      return `${header}This program is free software: you can redistribute it and/or modify it under the terms of\nthe GNU General Public License as published by the Free Software Foundation, either version 3\nof the License, or (at your option) any later version (SPDX: ${info.id}).\n\nThis program is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY;\nwithout even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.\nSee the GNU General Public License for more details: ${info.url}\n`;
    default:
      return `${header}This work is licensed under the Creative Commons ${info.name.replace("CC ", "")} International\nLicense (SPDX: ${info.id}). ${info.summary}\nThe full text: ${info.url}legalcode\n`;
  }
}

const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

/** Why a snippet's license cannot change (a fork under a license that keeps forks to it), or null. */
export function licenseLockReason(snippet: { forkedFrom: unknown; license: { id: string } }): string | null {
  const license = BY_ID.get(snippet.license.id.toLowerCase());
  if (!license || snippet.forkedFrom === null) return null;
  return forkLockReason(license);
}
