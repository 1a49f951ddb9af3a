/**
 * The skip of a test that needs the sandbox (bubblewrap, root, cgroups), or a failure where the
 * machine can run it: scripts/test.sh probes for root, bwrap and cgroups and exports
 * CELLAR_REQUIRE_SANDBOX=1 when they are there, and then a sandbox test that would skip hides a
 * broken setup (or a broken probe) instead of saying something true about the machine.
 */
export function sandboxSkip(why: string | undefined): string | undefined {
  if (why !== undefined && process.env.CELLAR_REQUIRE_SANDBOX === "1") {
    throw new Error(`this machine can run the sandbox (CELLAR_REQUIRE_SANDBOX=1), so this sandbox test must not skip, but: ${why}`);
  }
  return why;
}

/**
 * The skip of a test that needs NATS (its server binary, or one answering on 127.0.0.1:4222), or a
 * failure where the machine has it: scripts/test.sh exports CELLAR_REQUIRE_NATS=1 when
 * nats-server answers there (scripts/setup.sh installs and starts it), and then a NATS test that
 * would skip hides a broken setup instead of saying something true about the machine.
 */
export function natsSkip(why: string | undefined): string | undefined {
  if (why !== undefined && process.env.CELLAR_REQUIRE_NATS === "1") {
    throw new Error(`this machine has NATS (CELLAR_REQUIRE_NATS=1), so this NATS test must not skip, but: ${why}`);
  }
  return why;
}
