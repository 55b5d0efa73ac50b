import { randomUUID } from 'node:crypto';
import { compileGlob, type GlobMatcher } from './glob.js';
import type { FaultRule, FaultRuleInput } from './wire.js';
export type { FaultRule, FaultRuleInput };

/**
 * Fault injection for chosen paths: throttling (429 + Retry-After), server errors and latency, by
 * count or probability. Rules live in memory, per emulator instance.
 */

export interface FaultDecision {
  rule: FaultRule;
  status: number | undefined;
  retryAfterSeconds: number | undefined;
  latencyMs: number;
}

export class FaultInjector {
  private rules: Array<{ rule: FaultRule; matches: GlobMatcher }> = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, ...(input.method !== undefined ? { method: input.method.toUpperCase() } : {}), id: randomUUID(), hits: 0, exhausted: false };
    this.rules.push({ rule, matches: compileGlob(input.path) });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  get(id: string): FaultRule | undefined {
    const entry = this.rules.find((r) => r.rule.id === id);
    return entry === undefined ? undefined : { ...entry.rule };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Whether any rule is set (exhausted ones included): without one, requests skip fault matching. */
  get hasRules(): boolean {
    return this.rules.length > 0;
  }

  /** The first matching rule that fires for this request, if any; counts it against the rule. */
  decide(method: string, path: string): FaultDecision | undefined {
    if (this.rules.length === 0) return undefined;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.exhausted) continue;
      if (rule.method !== undefined && rule.method !== method.toUpperCase()) continue;
      if (!entry.matches(path)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits += 1;
      if (rule.count !== undefined && rule.hits >= rule.count) rule.exhausted = true;
      const retryAfterSeconds = rule.retryAfterSeconds ?? (rule.status === 429 || rule.status === 503 ? 1 : undefined);
      return { rule: { ...rule }, status: rule.status, retryAfterSeconds, latencyMs: rule.latencyMs ?? 0 };
    }
    return undefined;
  }
}
