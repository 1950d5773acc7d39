// One console warning per distinct message, for what the library did other than what was asked (a backend
// fallen back to, fewer threads than requested). The same reason also goes to backendInfo().details.

const warned = new Set<string>();
/** Messages kept for the host instead of printed (in a worker the library started), or null. */
let held: string[] | null = null;

/** console.warn(`blockgrad: ${message}`) the first time this message is given in this process (or page). */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  if (held) held.push(message);
  else console.warn(`blockgrad: ${message}`);
}

/**
 * @internal From now on warnOnce keeps its messages for takeWarnings() instead of printing them: the
 * inference worker hands them to its host, whose warnOnce prints each once for both threads.
 */
export function holdWarnings(): void {
  held ??= [];
}

/** @internal The messages held since the last call (see holdWarnings). */
export function takeWarnings(): string[] {
  const taken = held ?? [];
  if (held) held = [];
  return taken;
}

/** The message of a thrown value. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
