/**
 * cobra under the load profile: its file port, which serves many clients, gets path lines
 * of mixed length that name no program (a marked name under a directory no root holds);
 * each must get exactly one {"error"} line, in order, and start nothing. The control port
 * serves one client that steps one program: a volume of `next` there would only repeat
 * one error, so its share is the malformed load's.
 */
import { socketMessaging } from '../../robustness/conversation';
import { rawKeeper, type KeeperFactory } from '../../robustness/keepers';
import { cobraLines, slowloris } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { textMessage } from '../../robustness/messages';
import { MAX_REQUEST_LINE } from '../../impl/cobra/protocol';
import { lineParse } from '../driver';
import type { LoadSupport } from '../protocol';
import { readFileReply } from './control';

/** Longest path line: under the server's line maximum with the directory and `.py` around the name. */
const MAX_MESSAGE = MAX_REQUEST_LINE - 64;
const DIRECTORY = 'wireproof-load-nowhere';

const keeper: KeeperFactory = (endpoint, rng, timeoutMs) => {
  // Paths that name nothing: each is answered {"error"} and starts no program.
  const paths = [0, 1].map(() => Buffer.from(`wireproof-keeper-${rng.int(0, 1e9)}/none.py\n`));
  return rawKeeper(endpoint, timeoutMs, paths[0], paths[1], (driver) =>
    paths.map((_, i) => async () => {
      const reply = await readFileReply(driver, timeoutMs, `the answer to the keeper's path ${i + 1}`);
      return 'error' in reply ? undefined : `answered ${JSON.stringify(reply)}`;
    }),
  );
};

/** The error reply a path that names nothing must get; anything else is what it is. */
function errorReply(line: Buffer): string | undefined {
  try {
    const reply = JSON.parse(line.toString('utf8')) as unknown;
    if (reply && typeof reply === 'object' && typeof (reply as { error?: unknown }).error === 'string') return undefined;
  } catch {
    /* not JSON: said below */
  }
  return `${JSON.stringify(line.subarray(0, 80).toString('latin1'))} where {"error":...} was due`;
}

export const cobraLoad: LoadSupport = {
  messaging: async (endpoint) => socketMessaging(endpoint, {
    window: 64,
    byPosition: true,
    maxMessageBytes: MAX_MESSAGE,
    describe: `path lines naming no program (${DIRECTORY}/<marked name>.py) to the file port, each answered {"error"}`,
    codec: ({ client, maxBytes }) => ({
      byPosition: true,
      maxAnswerBytes: 2 * MAX_REQUEST_LINE + 1024,
      encode: (seq) => Buffer.concat([Buffer.from(`${DIRECTORY}/`), textMessage({ client, seq }, maxBytes), Buffer.from('.py\n')]),
      parse(received, oldest) {
        const line = lineParse(received);
        if (!line) return undefined;
        const what = oldest === undefined ? 'a reply to no path' : errorReply(line.value);
        return { answer: { seq: oldest, intact: what === undefined, ...(what ? { what } : {}) }, consumed: line.consumed };
      },
    }),
  }),
  oneClientAtATime: async () => false,
  hostile: (sizes) => [
    slowloris(Buffer.from('wireproof-slow/', 'latin1'), sizes.idleConnections),
    cobraLines(malformed.cobraLine, sizes.malformedCount),
  ],
  keeper,
};
