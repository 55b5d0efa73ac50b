/**
 * The environment of a user's shell, for child processes that stand for a user's own project: none
 * of this suite's variables (its CA, vitest's, npm's, NODE_OPTIONS), but the machine's own extra CAs
 * if it had any (vitest.config.ts keeps them aside; npm may need them to reach the registry).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const machineCa = process.env['TEST_MACHINE_NODE_EXTRA_CA_CERTS'];
  const env: NodeJS.ProcessEnv = machineCa !== undefined ? { NODE_EXTRA_CA_CERTS: machineCa } : {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TEST_|npm_|NODE_EXTRA_CA_CERTS$|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
