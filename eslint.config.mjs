// ESLint: Next's own configuration (core web vitals + typescript-eslint), as Next 16 documents it
// for flat config, on top of ESLint's recommended rules; Prettier owns the layout, so the rules
// that would disagree with it are off (eslint-config-prettier, last). `npm run lint` runs both.
import js from "@eslint/js";
import prettier from "eslint-config-prettier/flat";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  js.configs.recommended,
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // TypeScript checks names itself (tsc --noEmit), and knows Node's and the DOM's globals.
      "no-undef": "off",
      // A leading underscore marks a name kept on purpose: a Playwright fixture asked for only to
      // run it (`signedIn: _signedIn`), a key taken out of an object before spreading the rest.
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // A `let` assigned once, after a closure that reads it was made (server.ts: `unsubscribe`
      // used by the stream's close handler) cannot be a `const` without a temporal-dead-zone risk.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Quotes and apostrophes in prose render as written; `>` and `}` are the real mistakes.
      "react/no-unescaped-entities": ["error", { forbid: [">", "}"] }],
      // The React Compiler's rules (eslint-plugin-react-hooks 7). This site does not use the
      // compiler, and what they flag are the ordinary React idioms it is written in: state set in
      // an effect to render only once hydrated (Run, Copy need JavaScript) or to clear results,
      // the latest state kept in a ref during render for event handlers, a callback that calls
      // itself for the next queued update. Rules of hooks and exhaustive deps stay on.
      "react-hooks/set-state-in-effect": "off",
      "react-hooks/refs": "off",
      "react-hooks/immutability": "off",
    },
  },
  {
    // No React under test/: Playwright's fixtures call `use`, and `useExecService` is a test
    // helper that registers beforeAll/afterAll, not a hook.
    files: ["test/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  prettier,
  globalIgnores([".next*/**", "lib/db/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/out/**", "repos/**", "data/**"]),
]);
