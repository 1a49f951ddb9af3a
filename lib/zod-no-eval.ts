import { z } from "zod";

/*
 * Zod 4 compiles object parsers with `new Function`, probing for it when it builds the first
 * object schema. The site's CSP allows no eval (lib/http/security-headers.ts): the probe fails
 * safely, but the browser reports a violation each time. In the browser, parse without the JIT.
 * Imported by every module the browser loads that builds schemas (run-log, scene3d, the snippet
 * and comment schemas), before it builds them.
 */
if (typeof window !== "undefined") z.config({ jitless: true });
