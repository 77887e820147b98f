/**
 * What became of the messages of one client: each answer is booked against the message
 * it answers, so that a lost, a duplicated, a corrupted and a reordered answer are each
 * counted as what they are. One bit-sized slot per message, nothing else kept.
 */

export interface MessageCounts {
  sent: number;
  /** Answers received, whatever they were. */
  answered: number;
  /** Messages sent that got no answer. */
  lost: number;
  /** Answers to a message already answered. */
  duplicated: number;
  /** Answers that are not exactly their message's answer (or belong to no message of this client). */
  corrupted: number;
  /** Answers that came after the answer to a later message. */
  reordered: number;
  /** Messages never sent: the connection ended, or the load stopped waiting, first. */
  unsent: number;
}

export const NO_MESSAGES: MessageCounts = { sent: 0, answered: 0, lost: 0, duplicated: 0, corrupted: 0, reordered: 0, unsent: 0 };

export function addCounts(a: MessageCounts, b: MessageCounts): MessageCounts {
  return {
    sent: a.sent + b.sent,
    answered: a.answered + b.answered,
    lost: a.lost + b.lost,
    duplicated: a.duplicated + b.duplicated,
    corrupted: a.corrupted + b.corrupted,
    reordered: a.reordered + b.reordered,
    unsent: a.unsent + b.unsent,
  };
}

/** Messages that did not come back exactly once, whole and in order. */
export const wrongCount = (c: MessageCounts) => c.lost + c.duplicated + c.corrupted + c.reordered + c.unsent;

/** At most this many findings are described; the rest are counted. */
const MAX_FINDINGS = 5;

export class SequenceTally {
  private readonly seen: Uint8Array;
  private highest = -1;
  private sentCount = 0;
  private answeredCount = 0;
  private duplicated = 0;
  private corrupted = 0;
  private reordered = 0;
  readonly findings: string[] = [];

  /** `expected` messages, numbered 0 to expected - 1, by `label` (for the findings). */
  constructor(private readonly expected: number, private readonly label: string) {
    this.seen = new Uint8Array(expected);
  }

  sent(): void {
    this.sentCount++;
  }

  /** An answer to message `seq` (undefined: it belongs to no message of this client), whole and unchanged or not. */
  answer(seq: number | undefined, intact: boolean, what = ''): void {
    this.answeredCount++;
    if (seq === undefined || seq < 0 || seq >= this.expected) {
      this.corrupted++;
      this.note(`an answer that is no message's of ${this.label}${what ? `: ${what}` : ''}`);
      return;
    }
    if (this.seen[seq]) {
      this.duplicated++;
      this.note(`message ${seq + 1} of ${this.label} answered twice`);
      return;
    }
    this.seen[seq] = 1;
    if (!intact) {
      this.corrupted++;
      this.note(`the answer to message ${seq + 1} of ${this.label} is not whole and unchanged${what ? `: ${what}` : ''}`);
    }
    if (seq < this.highest) {
      this.reordered++;
      this.note(`the answer to message ${seq + 1} of ${this.label} came after the answer to message ${this.highest + 1}`);
    }
    this.highest = Math.max(this.highest, seq);
  }

  /** Answers still missing, of the messages sent so far. */
  get outstanding(): number {
    return this.sentCount - this.answeredCount;
  }

  counts(): MessageCounts {
    let answeredOnce = 0;
    let firstLost = -1;
    for (let seq = 0; seq < this.sentCount; seq++) {
      if (this.seen[seq]) answeredOnce++;
      else if (firstLost === -1) firstLost = seq;
    }
    const lost = this.sentCount - answeredOnce;
    if (firstLost !== -1) this.note(`message ${firstLost + 1} of ${this.label} (the first of ${lost} lost) never answered`);
    return {
      sent: this.sentCount,
      answered: this.answeredCount,
      lost,
      duplicated: this.duplicated,
      corrupted: this.corrupted,
      reordered: this.reordered,
      unsent: this.expected - this.sentCount,
    };
  }

  private note(finding: string): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push(finding);
  }
}
