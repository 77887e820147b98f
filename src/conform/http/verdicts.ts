/** Judgements the http properties and steps share. */
import { escapeBytes } from '../bytes-text';
import { expectConform } from '../properties';
import { describeAnswer, type RawAnswer } from './exchange';
import { canaryOf } from './fixture';

/** The statuses that refuse a path: 403 and 404 as the spec says, 400 for a target the server deems malformed. */
export const REFUSALS = [400, 403, 404];

/**
 * A target that must not leave the root: refused with 400/403/404, and never a byte of
 * the canary outside the root (where the suite prepared it) or of /etc/passwd.
 */
export async function expectRefused(root: string | undefined, target: string, answer: RawAnswer): Promise<void> {
  const shown = `"${escapeBytes(Buffer.from(target, 'latin1'))}"`;
  const canary = await canaryOf(root);
  expectConform(!canary || !answer.raw.includes(canary), () => `${shown} returned the canary file outside the root`);
  expectConform(!answer.raw.includes('root:x:0:0:'), () => `${shown} returned /etc/passwd`);
  expectConform(REFUSALS.includes(answer.status ?? 0), () => `${shown} was answered ${describeAnswer(answer)}, expected 403 or 404 (or 400)`);
}
